from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the user's cache: every test gets its own workspace folder."""
    monkeypatch.setenv("ECO_WORKSPACE", str(tmp_path / "workspace"))
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)


# The session's local package index (pypiserver); see tests/package_index.py.
from tests.package_index import package_index  # noqa: E402,F401
