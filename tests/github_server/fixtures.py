"""The ``github_server`` pytest fixture: a fresh server per test, stopped afterwards.

Load it as a plugin from the test module that needs it::

    from tests.github_server.core import GitHubServer
from tests.github_server.schemas import check_server

    pytest_plugins = ["tests.github_server.fixtures"]

    def test_x(github_server: GitHubServer) -> None: ...

The fixture fails the test if a route raised (the server answered 500 with a traceback)
or if any JSON the server sent differs from GitHub's official schema for that endpoint
(checked against the OpenAPI subset, see ``schemas.subset_path``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.github_server.core import GitHubServer
from tests.github_server.schemas import check_server
from tests.github_server.state import State


@pytest.fixture
def github_server(tmp_path: Path) -> Iterator[GitHubServer]:
    """A running server whose repositories live under ``tmp_path / "github"``."""
    server = GitHubServer(State(tmp_path / "github")).start()
    try:
        yield server
    finally:
        server.stop()
    check_server(server)
