"""The pure parts of a release: the version line, the next version, the base branch."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from eco.errors import EcoError
from eco.registry import Project
from eco.release import pyproject_version as pv
from eco.release.checkout import infer_project
from eco.release.checkout import tag_style
from eco.release.checkout import Target
from eco.release.next_dev import following
from eco.release.steps import eco_command
from eco.release.steps import next_steps
from eco.release.steps import Release
from tests.helpers import git

PYPROJECT = """\
[build-system]
requires = ["flit_core>=3.11,<4"]

[project]
name = "flask-demo"
version = '2.1.0.dev'  # the next feature release
description = "version = '9.9' in a string is not the version"

[tool.other]
version = "0.0.1"
"""


def test_set_version_changes_exactly_the_project_version_line() -> None:
    out = pv.set_version(PYPROJECT, "2.1.0")
    before, after = PYPROJECT.splitlines(), out.splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [
        (
            "version = '2.1.0.dev'  # the next feature release",
            "version = '2.1.0'  # the next feature release",
        )
    ]
    assert pv.read_version(out) == "2.1.0"
    crlf = PYPROJECT.replace("\n", "\r\n")
    assert pv.set_version(crlf, "2.1.0") == out.replace("\n", "\r\n")


def test_read_version_errors_name_the_file() -> None:
    dynamic = '[project]\nname = "x"\ndynamic = ["version"]\n'
    with pytest.raises(EcoError, match=r"pyproject.toml: \[project\] version is dynamic"):
        pv.read_version(dynamic)
    with pytest.raises(EcoError, match=r"no version = \"...\" line in \[project\]"):
        pv.set_version('[tool.x]\nversion = "1"\n', "2")
    with pytest.raises(EcoError, match="not a PEP 440 version"):
        pv.parse("one.two")


@pytest.mark.parametrize(
    ("version", "released"),
    [("3.2.0.dev", "3.2.0"), ("3.2.0.dev0", "3.2.0"), ("3.2.0.dev12", "3.2.0"), ("3.2.0", "3.2.0")],
)
def test_release_of(version: str, released: str) -> None:
    assert pv.release_of(version) == released
    assert pv.is_dev(version) == (version != released)


@pytest.mark.parametrize(
    ("version", "base", "expected"),
    [
        ("3.1.0", "main", "3.2.0"),
        ("3.1.2", "main", "3.2.0"),
        ("3.1.2", "stable", "3.1.3"),
        ("3.1.0", "stable", "3.1.1"),
        ("1.0", "main", "1.1.0"),
    ],
)
def test_following_version(version: str, base: str, expected: str) -> None:
    assert following(version, base, "main") == expected


def _release(version: str, base: str, *, workspace: bool) -> Release:
    project = Project(
        name="flask-demo",
        pypi="Flask-Demo",
        module="flask_demo",
        changelog="CHANGES.rst",
        changelog_format="rst",
        branch="main",
        python=(),
    )
    target = Target(project, Path("/src/flask-demo"), None, workspace=workspace)
    return Release(target, version, base, "0" * 40, date(2026, 11, 21), "", None, None)


@pytest.mark.parametrize(
    ("version", "base", "workspace", "resume", "next_dev"),
    [
        (
            "3.1.0",
            "main",
            True,
            "eco release flask-demo 3.1.0 --resume",
            "eco release flask-demo --next-dev",
        ),
        # A fix release from stable: the next version is opened on stable, not main.
        (
            "3.1.1",
            "stable",
            True,
            "eco release flask-demo 3.1.1 --resume",
            "eco release flask-demo --base stable --next-dev",
        ),
        (
            "3.1.0",
            "topic",
            True,
            "eco release flask-demo 3.1.0 --base topic --resume",
            "eco release flask-demo --base topic --next-dev",
        ),
        # From a maintainer's checkout: the same checkout, on the branch it is on.
        (
            "3.1.1",
            "stable",
            False,
            "eco release --path /src/flask-demo 3.1.1 --resume",
            "eco release --path /src/flask-demo --next-dev",
        ),
    ],
)
def test_commands_printed_after_a_release(
    version: str, base: str, workspace: bool, resume: str, next_dev: str
) -> None:
    release = _release(version, base, workspace=workspace)
    assert eco_command(release, "--resume") == resume
    assert next_steps(release)[-1] == f"then open the next version: {next_dev}"


def test_locate_a_dynamic_version() -> None:
    files = {
        "pyproject.toml": '[project]\nname = "Flask-Demo"\ndynamic = ["version"]\n',
        "src/flask_demo/__init__.py": '"""Demo."""\r\n\r\n__version__: str = "2.0.0rc1"  # x\r\n',
    }

    def read(path: str) -> str:
        if path not in files:
            raise EcoError(f"{path}: not found")
        return files[path]

    source = pv.locate(read)
    assert (source.path, source.version) == ("src/flask_demo/__init__.py", "2.0.0rc1")
    assert source.with_version("2.0.0") == files["src/flask_demo/__init__.py"].replace(
        "2.0.0rc1", "2.0.0"
    )
    files["src/flask_demo/__init__.py"] = '"""No version here."""\n'
    with pytest.raises(EcoError, match=r"src/flask_demo/__init__.py: no __version__ ="):
        pv.locate(read)
    del files["src/flask_demo/__init__.py"]
    with pytest.raises(EcoError, match=r"dynamic, but none of src/flask_demo/__init__.py"):
        pv.locate(read)


@pytest.mark.parametrize(
    ("current", "version", "ok"),
    [
        ("3.2.0.dev", "3.2.0", True),
        ("3.2.0.dev0", "3.2.0", True),
        ("3.2.0.dev", "3.2.0rc1", True),
        ("3.2.0rc1", "3.2.0rc2", True),
        ("3.2.0rc1", "3.2.0", True),
        ("3.2.0rc2", "3.2.0rc1", False),
        ("3.2.0.dev", "3.2.1", False),
        ("3.2.0.dev", "3.3.0rc1", False),
        ("3.2.0", "3.2.0", True),
    ],
)
def test_which_version_a_branch_can_release(current: str, version: str, ok: bool) -> None:
    assert pv.can_release(current, version) is ok


@pytest.mark.parametrize(
    ("given", "normal"),
    [("v1.2.0", "1.2.0"), ("1.2.0-RC1", "1.2.0rc1"), ("1.2.0.dev", "1.2.0.dev0")],
)
def test_a_version_argument_must_be_normal(given: str, normal: str) -> None:
    """The argument becomes the tag, the branch and the version line: never ``v1.2.0``."""
    with pytest.raises(EcoError, match=f"is not written in its normal form: use '{normal}'"):
        pv.normal(given, "the version to release")
    assert pv.normal(normal) == normal


@pytest.mark.parametrize(
    "changelog", ["CHANGES.rst", "CHANGES.md", "CHANGELOG.md", "docs/changes.rst"]
)
def test_a_checkout_outside_the_registry_finds_its_changelog(
    tmp_path: Path, changelog: str
) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "Flask-WTF"\n')
    (tmp_path / changelog).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / changelog).write_text("Version 1.0.0\n-------------\n\nUnreleased\n")
    project = infer_project(tmp_path)
    assert (project.name, project.module) == ("flask-wtf", "flask_wtf")
    assert (project.changelog, project.changelog_format) == (changelog, changelog.split(".")[-1])


@pytest.mark.parametrize(
    ("tags", "style"),
    [
        ([], "X.Y.Z"),
        (["1.0.0", "1.1.0"], "X.Y.Z"),
        (["v0.7.0", "v0.8.0"], "vX.Y.Z"),
        (["0.9.0", "v1.0.0", "v1.1.0rc1"], "vX.Y.Z"),  # switched to v: the newest decides
        (["v0.9.0", "v0.9.1", "v0.9.2", "1.0.0"], "X.Y.Z"),
        (["release-2024", "docs"], "X.Y.Z"),
    ],
)
def test_the_tag_style_of_a_checkout(tmp_path: Path, tags: list[str], style: str) -> None:
    """Issue 18, point 9: outside the registry, the style of the newest version tag."""
    git("init", "-q", "-b", "main", cwd=tmp_path)
    git("commit", "-q", "--allow-empty", "-m", "x", cwd=tmp_path)
    for tag in tags:
        git("tag", tag, cwd=tmp_path)
    assert tag_style(tmp_path) == style
