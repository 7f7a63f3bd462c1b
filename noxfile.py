"""Development sessions: ``nox -s tests typing lint docs bench``.

Each session installs the pinned requirements it needs, then eco itself.
"""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "typing", "docs"]
nox.options.default_venv_backend = "venv"


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite, with coverage: the lines and branches it runs, a total printed."""
    session.install("-r", "requirements/tests.txt")
    session.install("--no-deps", "-e", ".")
    # eco run in a subprocess by a test is measured too ([tool.coverage.run] patch)
    session.run("pytest", "--cov", "--cov-report=term", *session.posargs)


@nox.session
def typing(session: nox.Session) -> None:
    """mypy --strict over the package, the tests and this file."""
    session.install("-r", "requirements/typing.txt")
    session.install("--no-deps", "-e", ".")
    session.run("mypy")


@nox.session
def lint(session: nox.Session) -> None:
    """Every pre-commit hook over every file."""
    session.install("pre-commit")
    session.run("pre-commit", "run", "--all-files", "--show-diff-on-failure")


@nox.session
def docs(session: nox.Session) -> None:
    """The maintainer guide, warnings as errors."""
    session.install("-r", "requirements/docs.txt")
    session.install("--no-deps", "-e", ".")
    session.install("-r", "requirements/runtime.txt")
    session.run(
        "sphinx-build",
        "-E",  # reread every page: the command reference is generated from the code
        "-W",
        "--keep-going",
        "-b",
        "html",
        "-d",
        "docs/_build/doctrees",
        "docs/maintainer",
        "docs/_build/html",
    )


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks: figures printed, never asserted."""
    session.install("-r", "requirements/tests.txt")
    session.install("--no-deps", "-e", ".")
    session.run("python", "-m", "benchmarks", *session.posargs)
