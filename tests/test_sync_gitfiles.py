"""Reading a commit's files through one `git cat-file --batch` process."""

from __future__ import annotations

from pathlib import Path

import pytest

from eco.errors import GitError
from eco.git.files import ObjectReader
from eco.git.files import read_commit
from tests.helpers import git
from tests.helpers import write_files


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git("init", "-q", "-b", "main", cwd=tmp_path)
    write_files(tmp_path, {"a.txt": "a\n", "d/b.txt": "b\n", "d/e/c.txt": "c\n", "x/y.txt": "y\n"})
    (tmp_path / "run.sh").write_text("#!/bin/sh\n")
    (tmp_path / "run.sh").chmod(0o755)
    (tmp_path / "link").symlink_to("a.txt")
    git("add", "-A", cwd=tmp_path)
    git("commit", "-q", "-m", "one", cwd=tmp_path)
    return tmp_path


def test_read_wanted_files_modes_and_folders(repo: Path) -> None:
    read = read_commit(
        repo, "main", ["a.txt", "d/e/c.txt", "missing", "d", "run.sh", "link"], ["d"]
    )
    assert read.commit == git("rev-parse", "main", cwd=repo)
    assert read.tree == git("rev-parse", "main^{tree}", cwd=repo)
    assert read.files == {
        "a.txt": b"a\n",
        "d/b.txt": b"b\n",
        "d/e/c.txt": b"c\n",
        "link": b"a.txt",
        "run.sh": b"#!/bin/sh\n",
    }
    assert read.modes["run.sh"] == "100755" and read.modes["link"] == "120000"
    assert read.listed == {"d": ["d/b.txt"]}


def test_diff_between_trees(repo: Path) -> None:
    old = git("rev-parse", "main^{tree}", cwd=repo)
    write_files(repo, {"d/e/c.txt": "changed\n", "new/n.txt": "n\n"})
    git("rm", "-q", "-r", "x", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "two", cwd=repo)
    new = git("rev-parse", "main^{tree}", cwd=repo)
    with ObjectReader(repo) as reader:
        diff = reader.diff(old, new)
    assert sorted(diff) == ["d/e/c.txt", "new/n.txt", "x/y.txt"]
    assert diff["x/y.txt"] is None
    changed = diff["d/e/c.txt"]
    assert changed is not None and changed.sha == git("rev-parse", "main:d/e/c.txt", cwd=repo)


def test_unknown_ref_is_a_clear_error(repo: Path) -> None:
    with pytest.raises(GitError, match="origin/nope does not exist"):
        read_commit(repo, "origin/nope", ["a.txt"])
