"""Reading a commit's files through one `git cat-file --batch` process."""

from __future__ import annotations

import fcntl
from pathlib import Path

import pytest

from eco.errors import GitError
from eco.git import files as files_module
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


class CountingReader(ObjectReader):
    """The real reader, counting the writes it makes to git (one per round trip)."""

    def __init__(self, repo: Path) -> None:
        super().__init__(repo)
        self.round_trips = 0

    def _ask(self, request: bytes) -> None:
        self.round_trips += 1
        super()._ask(request)


@pytest.mark.timeout(60)  # a request written before its answers are read would hang here
@pytest.mark.parametrize("batch", [files_module._BATCH_BYTES, 16 * 1024])
def test_get_many_answers_in_order_across_batches(
    tmp_path: Path, batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files_module, "_BATCH_BYTES", batch)
    git("init", "-q", "-b", "main", cwd=tmp_path)
    # 1,500 files of 4 KiB: the names (100 KiB) overfill a pipe if written at once while
    # the answers (6 MiB) are not read yet; in batches of 16 KiB they take 8 round trips.
    folder = "files/in-a-folder-whose-name-is-long-enough-to-make-the-names-long"
    write_files(tmp_path, {f"{folder}/{i:04d}.txt": f"{i:04d}\n" * 820 for i in range(1500)})
    git("add", "-A", cwd=tmp_path)
    git("commit", "-q", "-m", "many", cwd=tmp_path)
    names = [f"main:{folder}/{i:04d}.txt" for i in range(1500)]
    names[7] = f"main:{folder}/absent.txt"
    with CountingReader(tmp_path) as reader:
        found = reader.get_many(names)
        asked = sum(len(name) + 1 for name in names)  # about 120 KiB
        assert reader.round_trips == -(-asked // batch)  # ceil: 1, or 8 of 16 KiB
        one_by_one = [reader.get(name) for name in names[:20]]
    assert found[:20] == one_by_one
    assert found[7] is None
    assert [f[2][:5] if f else None for f in found[1500 - 2 :]] == [b"1498\n", b"1499\n"]
    sha = git("rev-parse", f"main:{folder}/1499.txt", cwd=tmp_path)
    assert found[-1] is not None and found[-1][:2] == (sha, "blob")


@pytest.mark.skipif(
    not hasattr(fcntl, "F_SETPIPE_SZ"), reason="pipe sizes are set with F_SETPIPE_SZ (Linux)"
)
@pytest.mark.timeout(60)
def test_get_many_with_the_smallest_pipes(tmp_path: Path) -> None:
    """One page per pipe (what Linux gives a user past its pipe memory): the names of a
    batch are far more than git's input pipe holds while its output pipe is full."""
    git("init", "-q", "-b", "main", cwd=tmp_path)
    write_files(tmp_path, {f"f/{i}": f"{i}\n" * 1000 for i in range(1800)})
    git("add", "-A", cwd=tmp_path)
    git("commit", "-q", "-m", "many", cwd=tmp_path)
    with ObjectReader(tmp_path) as reader:
        for pipe in (reader._proc.stdin, reader._proc.stdout):
            assert pipe is not None
            fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, 4096)
        found = reader.get_many([f"main:f/{i}" for i in range(1800)])
    assert [f[2].split(b"\n", 1)[0] if f else None for f in found] == [
        str(i).encode() for i in range(1800)
    ]


def test_a_missing_name_with_spaces_is_none(repo: Path) -> None:
    with ObjectReader(repo) as reader:
        assert reader.get_many(["main:x y", "main:a.txt", "main:no such file"]) == [
            None,
            (git("rev-parse", "main:a.txt", cwd=repo), "blob", b"a\n"),
            None,
        ]


def test_read_asks_for_trees_by_depth_and_blobs_together(repo: Path) -> None:
    wanted = ["a.txt", "d/b.txt", "d/e/c.txt", "x/y.txt", "nope/z.txt", "run.sh"]
    with CountingReader(repo) as reader:
        read = reader.read("main", wanted)
        # the commit, the root tree, {d, x}, {d/e}, and the five blobs at once
        assert reader.round_trips == 5
    assert sorted(read.files) == ["a.txt", "d/b.txt", "d/e/c.txt", "run.sh", "x/y.txt"]
    assert read.files["d/e/c.txt"] == b"c\n"


def test_preload_skips_absent_folders_and_files_in_the_way(repo: Path) -> None:
    tree = git("rev-parse", "main^{tree}", cwd=repo)
    with CountingReader(repo) as reader:
        reader.preload(tree, ["d/e", "a.txt/sub", "absent/deeper", "x"])
        loaded = reader.round_trips
        assert reader.entry(tree, "d/e/c.txt") is not None
        assert reader.entry(tree, "x/y.txt") is not None
        assert reader.entry(tree, "absent/deeper/f") is None
        assert reader.round_trips == loaded == 3  # root, {d, x}, {d/e}
