"""The pure parts of a release: the version line, the next version, the base branch."""

from __future__ import annotations

import pytest

from eco import pyproject_version as pv
from eco.errors import EcoError
from eco.release_next import following

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
