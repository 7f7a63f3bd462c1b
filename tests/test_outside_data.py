"""The outside test data's registry sources give the files the tests were written for.

These tests fetch every source (once; cached), so the path a fresh clone takes is taken on
every run, not only where ``../shared`` is missing; where the shared copy is beside the
checkout, each fetched file is compared with it.
"""

from __future__ import annotations

import json

import pytest

from tests.outside_data import facts
from tests.outside_data import fetched
from tests.outside_data import origin
from tests.outside_data import shared_base
from tests.outside_data import SOURCES

pytestmark = pytest.mark.slow

SAME_AS_SHARED = [
    "attestations/pypi_attestations-0.0.19.tar.gz.provenance",
    "github-api/rest-openapi-subset.json",
]


@pytest.mark.parametrize("relative", sorted(SOURCES))
def test_every_source_is_fetched_and_pinned(relative: str) -> None:
    path = fetched(relative)
    assert path.is_file() and path.stat().st_size > 1000
    assert not path.is_relative_to(shared_base())
    assert "shared/data" not in origin(path)


@pytest.mark.parametrize("relative", SAME_AS_SHARED)
def test_the_fetched_file_is_the_shared_one(relative: str) -> None:
    shared = shared_base() / relative
    got = fetched(relative)  # its pinned SHA-256 is checked as it is fetched
    if not shared.exists():
        return  # a fresh clone without shared/: the fetched file is the one the tests use
    if relative.endswith(".json"):
        assert json.loads(got.read_text()) == json.loads(shared.read_text())
    else:
        assert got.read_bytes() == shared.read_bytes()


@pytest.mark.parametrize("relative", [r for r in sorted(SOURCES) if r.startswith("changelogs/")])
def test_what_holds_is_known_for_either_file(relative: str) -> None:
    assert facts(relative, fetched(relative))
    shared = shared_base() / relative
    if shared.exists():
        assert facts(relative, shared)
