from __future__ import annotations

import pytest

from {{ module }} import greet


@pytest.mark.parametrize(
    ("name", "expected"),
    [("World", "Hello, World!"), ("", "Hello, !")],
)
def test_greet(name: str, expected: str) -> None:
    assert greet(name) == expected
