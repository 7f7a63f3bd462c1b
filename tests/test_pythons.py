"""The Python support policy over CPython dates, and reading the five places of a project."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from eco.errors import EcoError
from eco.python.places import inconsistencies
from eco.python.places import minimum_allowed
from eco.python.places import Places
from eco.python.places import read_places
from eco.python.places import workflow_pythons
from eco.python.releases import add_months
from eco.python.releases import conform
from eco.python.releases import evaluate
from eco.python.releases import load_releases
from eco.python.releases import parse_policy
from eco.python.releases import Policy
from eco.python.releases import Releases
from eco.python.releases import RELEASES_FILE
from tests.helpers import REPO


@pytest.fixture(scope="module")
def releases() -> Releases:
    return load_releases(REPO / RELEASES_FILE)


def test_shipped_dates_are_cpythons(releases: Releases) -> None:
    assert list(releases.versions) == [f"3.{n}" for n in range(8, 16)]
    assert releases.get("3.8").end_of_life == date(2024, 10, 7)
    assert releases.get("3.9").end_of_life == date(2025, 10, 31)
    assert releases.get("3.10").end_of_life == date(2026, 10, 31)
    assert releases.get("3.14").first_release == date(2025, 10, 7)
    assert releases.get("3.13t").first_release == date(2024, 10, 7)
    for release in releases.versions.values():
        # PEP 602: a feature release every October, five years of support.
        assert release.first_release.month == 10
        assert release.end_of_life.year - release.first_release.year == 5


def test_unknown_version_names_the_file(releases: Releases) -> None:
    with pytest.raises(EcoError, match=r'python-releases.toml: no dates for Python 3.7.*"3.7"'):
        releases.get("3.7")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            '[versions."3.14"]\nfirst-release = "2025-10-07"\nend-of-life = 2030-10-31\n',
            r'versions."3.14".first-release: expected a TOML date',
        ),
        (
            '[versions."3.14t"]\nfirst-release = 2025-10-07\nend-of-life = 2030-10-31\n',
            r'versions."3.14t": expected a version like "3.14"',
        ),
        (
            '[versions."3.14"]\nfirst-release = 2025-10-07\nend-of-life = 2024-10-31\n',
            "end-of-life is not after first-release",
        ),
        ("[other]\n", r"expected \[versions"),
        ("versions = [", "invalid TOML"),
    ],
)
def test_bad_release_data(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / RELEASES_FILE
    path.write_text(text)
    with pytest.raises(EcoError, match=problem):
        load_releases(path)


def test_missing_release_data(tmp_path: Path) -> None:
    with pytest.raises(EcoError, match="not found; the Python policy needs"):
        load_releases(tmp_path / RELEASES_FILE)


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2026, 10, 31), 6) == date(2027, 4, 30)
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2024, 10, 7), 0) == date(2024, 10, 7)


def test_policy_strings() -> None:
    assert parse_policy("") == Policy(6)
    assert parse_policy("eol+6months").text == "eol+6months"
    assert parse_policy("eol + 3 months") == Policy(3)
    assert parse_policy("eol") == Policy(0)
    with pytest.raises(EcoError, match=r"projects.toml: unknown policy 'six months'"):
        parse_policy("six months", "projects.toml")


def kinds(supported: list[str], releases: Releases, today: date) -> dict[str, str]:
    return {f.version: f.kind for f in evaluate(supported, releases, Policy(6), today)}


def test_drop_only_after_the_grace_period(releases: Releases) -> None:
    supported = ["3.9", "3.10", "3.11", "3.12", "3.13", "3.14"]
    # 3.9: end of life 2025-10-31, grace until 2026-04-30.
    assert kinds(supported, releases, date(2025, 10, 30)) == {}
    assert kinds(supported, releases, date(2025, 10, 31)) == {"3.9": "eol"}
    assert kinds(supported, releases, date(2026, 4, 30)) == {"3.9": "eol"}
    assert kinds(supported, releases, date(2026, 5, 1)) == {"3.9": "drop"}


def test_add_once_released(releases: Releases) -> None:
    supported = ["3.10", "3.11", "3.12", "3.13", "3.14"]
    assert kinds(supported, releases, date(2026, 9, 30)) == {}
    found = evaluate(supported, releases, Policy(6), date(2026, 11, 21))
    assert [(f.kind, f.version, f.drift) for f in found] == [
        ("eol", "3.10", False),
        ("add", "3.15", True),
    ]
    assert found[1].message == "3.15 was released on 2026-10-01 and is not supported"
    assert found[0].message == "3.10 reached end of life on 2026-10-31; drop it by 2027-04-30"


def test_unreleased_and_gaps(releases: Releases) -> None:
    found = kinds(["3.11", "3.13", "3.15"], releases, date(2026, 1, 1))
    assert found == {"3.15": "unreleased", "3.10": "add", "3.12": "add", "3.14": "add"}


def test_conform_keeps_grace_versions_unless_asked(releases: Releases) -> None:
    day = date(2026, 11, 21)
    supported = ["3.9", "3.10", "3.11", "3.12", "3.13", "3.13t", "3.14"]
    assert conform(supported, releases, Policy(6), day) == (
        "3.10",
        "3.11",
        "3.12",
        "3.13",
        "3.13t",
        "3.14",
        "3.15",
    )
    assert conform(supported, releases, Policy(6), day, drop_eol=True) == (
        "3.11",
        "3.12",
        "3.13",
        "3.13t",
        "3.14",
        "3.15",
    )
    # the free-threaded build goes with its version
    assert conform(["3.9", "3.9t", "3.14"], releases, Policy(6), date(2026, 9, 1)) == (
        "3.10",
        "3.11",
        "3.12",
        "3.13",
        "3.14",
    )


PYPROJECT = """\
[project]
name = "flask-thing"
requires-python = ">=3.10"
classifiers = [
    "Programming Language :: Python",
    "Programming Language :: Python :: 3.10",
    "Programming Language :: Python :: 3.11",
]

[tool.ruff]
target-version = "py310"

[tool.mypy]
python_version = "3.10"
"""

CALLER = """\
name: Tests
on: [push]
permissions: {}
jobs:
  tests:
    uses: scratch-org/eco/.github/workflows/tests.yaml@0123456789abcdef0123456789abcdef01234567
    with:
      pythons: '["3.10", "3.11", "3.11t"]'
"""

MATRIX = """\
jobs:
  tests:
    strategy:
      matrix:
        include:
          - {python: '3.11'}
          - {name: Windows, python: '3.11', os: windows-latest}
          - {name: PyPy, python: 'pypy-3.11', tox: pypy3.11}
          - {python: '3.10'}
    steps:
      - uses: actions/setup-python@0000000000000000000000000000000000000000 # v5
        with:
          python-version: ${{ matrix.python }}
"""


def test_read_places() -> None:
    places = read_places(PYPROJECT, CALLER)
    assert places == Places(">=3.10", ("3.10", "3.11"), ("3.10", "3.11", "3.11t"), "py310", "3.10")
    assert inconsistencies(places, ["3.10", "3.11"]) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (CALLER, ("3.10", "3.11", "3.11t")),
        (MATRIX, ("3.10", "3.11")),
        (
            "jobs:\n  t:\n    strategy:\n      matrix:\n        python-version: ['3.12', 3.9]\n",
            ("3.9", "3.12"),
        ),
        ("jobs:\n  t:\n    with:\n      pythons: 3.12 3.13\n", ("3.12", "3.13")),
        ("jobs:\n  t:\n    runs-on: ubuntu-3.12\n", None),
        ("name: x\n", None),
    ],
)
def test_workflow_pythons(text: str, expected: tuple[str, ...] | None) -> None:
    assert workflow_pythons(text) == expected


def test_every_place_is_checked() -> None:
    stale = PYPROJECT.replace('">=3.10"', '">=3.9"').replace('"py310"', '"py39"')
    stale = stale.replace('python_version = "3.10"', "python_version = 3.10")
    places = read_places(stale, CALLER.replace('"3.10", ', ""))
    assert places.mypy == "3.1"  # an unquoted TOML float: the classic mistake
    assert inconsistencies(places, ["3.10", "3.11", "3.12"]) == [
        "requires-python '>=3.9' allows 3.9 as the minimum, expected 3.10",
        "classifiers lacks 3.12",
        "CI matrix lacks 3.10, 3.12",
        "ruff target-version 'py39', expected 'py310'",
        "mypy python_version '3.1', expected '3.10'",
    ]


def test_missing_and_broken_places() -> None:
    places = read_places(None, "jobs: [")
    assert inconsistencies(places, ["3.12"])[0] == "pyproject.toml not found"
    assert "tests.yaml: invalid YAML" in inconsistencies(places, ["3.12"])[1]
    places = read_places('[project]\nrequires-python = ">=3.10,<3.12"\n', None)
    assert inconsistencies(places, ["3.10", "3.11", "3.12"]) == [
        "requires-python '>=3.10,<3.12' excludes 3.12",
        "no Python versions found in .github/workflows/tests.yaml",
    ]
    assert (
        inconsistencies(read_places('[project]\nrequires-python = "3.10"\n', None), ["3.10"])[0]
        == "requires-python '3.10' is not a valid specifier"
    )


def test_minimum_allowed() -> None:
    assert minimum_allowed(">=3.10") == "3.10"
    assert minimum_allowed(">=3.9, !=3.9.*") == "3.10"
    assert minimum_allowed("<3") is None
