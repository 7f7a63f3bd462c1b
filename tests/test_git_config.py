"""A clone's origin URL read from .git/config agrees with git's, or defers to git."""

from __future__ import annotations

from pathlib import Path

import pytest

from eco.git.config import origin_url
from eco.registry import load_registry
from eco.workspace import Workspace
from tests.helpers import git
from tests.helpers import make_bare_repo
from tests.sync_fixtures import make_fixture_ecosystem
from tests.sync_fixtures import make_synced_project


@pytest.mark.parametrize("name", ["plain", "with space", "ünï-code"])
def test_agrees_with_git_for_what_git_writes(tmp_path: Path, name: str) -> None:
    bare = make_bare_repo(tmp_path, name, {"README.md": "x\n"})
    clone = tmp_path / "clone"
    git("clone", "-q", str(bare), str(clone), cwd=tmp_path)
    assert origin_url(clone) == git("remote", "get-url", "origin", cwd=clone) == str(bare)
    git("remote", "set-url", "origin", "https://example.com/o/r.git", cwd=clone)
    assert origin_url(clone) == "https://example.com/o/r.git"


@pytest.mark.parametrize(
    "config",
    [
        '[remote "origin"]\n\turl = "/quoted path"\n',
        '[remote "origin"]\n\turl = /a\n\turl = /b\n',
        '[include]\n\tpath = other\n[remote "origin"]\n\turl = /a\n',
        '[remote "upstream"]\n\turl = /a\n',
        '[remote "origin"]\n\turl = /a ; comment\n',
    ],
    ids=["quoted", "two", "include", "no-origin", "comment"],
)
def test_anything_but_the_plain_form_defers_to_git(tmp_path: Path, config: str) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text(config)
    assert origin_url(tmp_path) is None


def test_a_moved_remote_is_set_again_on_fetch(tmp_path: Path) -> None:
    """The workspace still notices a registry URL that differs from the clone's origin."""
    eco = make_fixture_ecosystem(tmp_path)
    make_synced_project(eco, tmp_path, "alpha")
    registry = load_registry(eco.root / "projects.toml")
    project = registry.projects["alpha"]
    workspace = Workspace(tmp_path / "ws", eco.root)
    clone = workspace.ensure(project).path
    git("remote", "set-url", "origin", str(tmp_path / "elsewhere.git"), cwd=clone)
    workspace.ensure(project)
    assert git("remote", "get-url", "origin", cwd=clone) == workspace.source(project)
