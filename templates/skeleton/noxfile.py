"""Development sessions: ``nox`` runs the tests on every supported Python, the tests
against the oldest and the newest versions of the dependencies, the type checkers and
the documentation build. ``nox -l`` lists them.

Each session installs the pinned ``requirements/*.txt`` (``eco lock`` compiles them from
the ``*.in`` files); before the first lock it falls back to the unpinned ``*.in``.
"""

from __future__ import annotations

from pathlib import Path

import nox
from packaging.requirements import Requirement

nox.needs_version = ">=2024.4.15"
nox.options.default_venv_backend = "venv"
nox.options.sessions = ["tests", "tests-min", {% if typed %}"typing", {% endif %}{% if docs_layout != "none" %}"docs"{% endif %}]

PYTHONS = {{ pythons | pyrepr }}
ROOT = Path(__file__).parent


def requirements(name: str) -> str:
    """The pinned requirements file, or its input before the first lock."""
    pinned = ROOT / "requirements" / f"{name}.txt"
    if pinned.exists():
        return str(pinned)
    return str(ROOT / "requirements" / f"{name}.in")


def dependencies() -> list[Requirement]:
    """The project's runtime dependencies, from pyproject.toml."""
    project = nox.project.load_toml(ROOT / "pyproject.toml")["project"]
    return [Requirement(text) for text in project.get("dependencies", [])]


def minimum_versions() -> list[str]:
    """Each dependency pinned to the lowest version its specifier allows."""
    pins = []
    for req in dependencies():
        lowest = [s.version for s in req.specifier if s.operator in {">=", "~=", "=="}]
        if lowest:
            pins.append(f"{req.name}=={lowest[0]}")
    return pins


def run_pytest(session: nox.Session) -> None:
    session.run(
        "pytest",
        "-v",
        "--tb=short",
        f"--basetemp={session.create_tmp()}",
        *session.posargs,
    )


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The test suite on each supported Python."""
    session.install("-r", requirements("tests"))
    session.install("-e", ".")
    run_pytest(session)


@nox.session(name="tests-min", python={{ min_python_version | pyrepr }})
def tests_min(session: nox.Session) -> None:
    """The tests against the lowest version of each dependency the project allows."""
    session.install("-r", requirements("tests"))
    session.install("-e", ".")
    pins = minimum_versions()
    if pins:
        session.install(*pins)
    run_pytest(session)


@nox.session(name="tests-dev", python={{ max_python | pyrepr }})
def tests_dev(session: nox.Session) -> None:
    """The tests against the newest releases of the dependencies, pre-releases too."""
    session.install("-r", requirements("tests"))
    session.install("-e", ".")
    names = [req.name for req in dependencies()]
    if names:
        session.install("--upgrade", "--pre", *names)
    run_pytest(session)


{% if typed -%}
@nox.session
def typing(session: nox.Session) -> None:
    """mypy and pyright, both strict about the package and its tests."""
    session.install("-r", requirements("typing"))
    session.install("-e", ".")
    session.run("mypy")
    session.run("pyright")


{% endif -%}
{% if docs_layout != "none" -%}
@nox.session
def docs(session: nox.Session) -> None:
    """The documentation, warnings as errors, as Read the Docs builds it."""
    session.install("-r", requirements("docs"))
    session.install("-e", ".")
    session.run(
        "sphinx-build", "-E", "-W", "-b", "dirhtml", "docs", "docs/_build/dirhtml"
    )
{%- endif %}
