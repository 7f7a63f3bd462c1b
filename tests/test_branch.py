"""Committing file changes onto a branch with plumbing: real git repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from eco.errors import GitError
from eco.git import branch
from eco.git.branch import commit_files
from tests.helpers import git
from tests.helpers import refs

FILES = {"README.md": "# demo\n", "src/demo/__init__.py": "", "tox.ini": "[tox]\n"}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = tmp_path / "repo"
    path.mkdir()
    git("init", "-q", "-b", "main", cwd=path)
    for name, content in FILES.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(content)
    git("add", "-A", cwd=path)
    git("commit", "-q", "-m", "initial", cwd=path)
    return path


def _status(repo: Path) -> str:
    return git("status", "--porcelain", "--untracked-files=all", cwd=repo)


def test_commit_adds_changes_and_deletes_without_touching_the_worktree(repo: Path) -> None:
    head = git("rev-parse", "HEAD", cwd=repo)
    result = commit_files(
        repo,
        branch="eco/sync",
        base="main",
        changes={"README.md": b"# demo\n\nmore\n", "docs/new.md": b"new\n", "tox.ini": None},
        message="sync: three files\n\nbody",
        modes={"docs/new.md": "100755"},
    )
    assert result.created and result.commit
    assert git("rev-parse", "eco/sync^", cwd=repo) == head
    assert git("show", "eco/sync:README.md", cwd=repo) == "# demo\n\nmore"
    assert git("ls-tree", "eco/sync", "docs/new.md", cwd=repo).startswith("100755 blob")
    assert git("ls-tree", "--name-only", "-r", "eco/sync", cwd=repo).split() == [
        "README.md",
        "docs/new.md",
        "src/demo/__init__.py",
    ]
    assert git("log", "-1", "--format=%B", "eco/sync", cwd=repo) == "sync: three files\n\nbody"
    assert git("rev-parse", "HEAD", cwd=repo) == head
    assert _status(repo) == ""


def test_same_changes_twice_commit_once(repo: Path) -> None:
    changes: dict[str, bytes | None] = {"README.md": b"changed\n"}
    first = commit_files(repo, branch="eco/sync", base="main", changes=changes, message="m")
    before = refs(repo)
    second = commit_files(repo, branch="eco/sync", base="main", changes=changes, message="m")
    assert first.created and not second.created
    assert second.commit == first.commit
    assert refs(repo) == before


def test_changes_that_change_nothing_commit_nothing(repo: Path) -> None:
    before = refs(repo)
    result = commit_files(
        repo, branch="eco/sync", base="main", changes={"README.md": b"# demo\n"}, message="m"
    )
    assert not result.created and result.commit is None
    assert (
        commit_files(repo, branch="eco/sync", base="main", changes={}, message="m").commit is None
    )
    assert refs(repo) == before


def test_new_changes_replace_the_branch_commit(repo: Path) -> None:
    commit_files(repo, branch="eco/sync", base="main", changes={"a": b"1\n"}, message="one")
    second = commit_files(
        repo, branch="eco/sync", base="main", changes={"a": b"2\n"}, message="two"
    )
    assert second.created
    assert git("rev-list", "--count", "main..eco/sync", cwd=repo) == "1"
    assert git("show", "eco/sync:a", cwd=repo) == "2"


@pytest.mark.parametrize("step", ["_write_tree", "_commit_tree", "_update_ref"])
def test_a_failure_at_any_step_moves_no_ref(
    repo: Path, step: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    commit_files(repo, branch="eco/sync", base="main", changes={"a": b"1\n"}, message="one")
    before = refs(repo)
    index = (repo / ".git" / "index").read_bytes()

    def boom(*args: object, **kwargs: object) -> None:
        raise GitError("injected failure")

    monkeypatch.setattr(branch, step, boom)
    with pytest.raises(GitError, match="injected"):
        commit_files(repo, branch="eco/sync", base="main", changes={"a": b"2\n"}, message="two")
    assert refs(repo) == before
    assert (repo / ".git" / "index").read_bytes() == index
    assert _status(repo) == ""


def test_a_branch_moved_meanwhile_is_not_clobbered(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commit_files(repo, branch="eco/sync", base="main", changes={"a": b"1\n"}, message="one")
    real = branch._commit_tree

    def racing(repo_: Path, tree: str, parent: str, message: str) -> str:
        commit = real(repo_, tree, parent, message)
        git("update-ref", "refs/heads/eco/sync", "main", cwd=repo)  # someone else moves it
        return commit

    monkeypatch.setattr(branch, "_commit_tree", racing)
    with pytest.raises(GitError, match="update-ref"):
        commit_files(repo, branch="eco/sync", base="main", changes={"a": b"2\n"}, message="two")
    assert git("rev-parse", "eco/sync", cwd=repo) == git("rev-parse", "main", cwd=repo)


def test_refuses_a_checked_out_branch_and_an_unknown_base(repo: Path) -> None:
    with pytest.raises(GitError, match="checked out"):
        commit_files(repo, branch="main", base="main", changes={"a": b"1\n"}, message="m")
    with pytest.raises(GitError, match="no such commit"):
        commit_files(repo, branch="x", base="nope", changes={"a": b"1\n"}, message="m")
