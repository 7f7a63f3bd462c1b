"""Read a commit's files in bulk, in one ``git cat-file --batch`` process per project.

Sync reads dozens of files per project; a git call per file (or even one per kind of
question: resolve the ref, list the tree, read the blobs) would cost more than the rest
of the sync together. :class:`ObjectReader` keeps one ``cat-file --batch`` process open
and walks just the trees on the way to the wanted paths.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from types import TracebackType
from typing import IO
from typing import Self

from eco.errors import GitError
from eco.git.run import git_env

REGULAR, EXECUTABLE, SYMLINK, TREE = "100644", "100755", "120000", "40000"
GITLINK = "160000"
# A request up to POSIX's PIPE_BUF fits any pipe: written, then its answers read. A
# longer one is written from a thread while the answers are read, so neither side waits
# on the other however small the system's pipes are; a batch is at most _BATCH_BYTES.
_DIRECT_BYTES = 512
_BATCH_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Entry:
    mode: str  # "100644", "100755", "120000" (symlink), "40000" (tree), "160000" (submodule)
    sha: str

    @property
    def is_file(self) -> bool:
        """A file or a symlink (read as its target): something sync compares."""
        return self.mode in (REGULAR, EXECUTABLE, SYMLINK)


@dataclass(frozen=True)
class Snapshot:
    """What was read of one commit: the files asked for, and their modes."""

    commit: str
    tree: str
    files: dict[str, bytes]  # path -> content, for each wanted path that is a file
    modes: dict[str, str]  # path -> git mode, same keys
    listed: dict[str, list[str]]  # folder -> the file paths directly in it (when asked)
    # wanted path -> why no file can be written there without deleting something of the
    # project's (a folder or a symlink at the path, a file where a parent folder goes)
    blocked: dict[str, str] = field(default_factory=dict)


class ObjectReader:
    """One ``git cat-file --batch`` process, asked one object at a time."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self._proc = subprocess.Popen(
            ["git", "cat-file", "--batch"],
            cwd=repo,
            env=git_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._trees: dict[str, dict[str, Entry]] = {}
        self._commits: dict[str, tuple[str, str, bytes]] = {}

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        stdin: IO[bytes] | None = self._proc.stdin
        if stdin is not None and not stdin.closed:
            stdin.close()
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        self._proc.wait()

    def get(self, name: str) -> tuple[str, str, bytes] | None:
        """``(sha, type, content)`` of an object name (``sha``, ``ref``, ``rev:path``), or
        None when there is no such object."""
        return self.get_many([name])[0]

    def get_many(self, names: Sequence[str]) -> list[tuple[str, str, bytes] | None]:
        """:meth:`get` of each name, asked in one go: one round trip per batch instead
        of one per object, the answers in the order of ``names``."""
        out: list[tuple[str, str, bytes] | None] = []
        batch: list[bytes] = []
        size = 0
        for name in [*names, None]:
            line = name.encode() + b"\n" if name is not None else b""
            if batch and (name is None or size + len(line) > _BATCH_BYTES):
                out.extend(self._round_trip(batch))
                batch, size = [], 0
            if name is not None:
                batch.append(line)
                size += len(line)
        for found in out:
            if found is not None and found[1] == "commit":  # small, and often asked again
                self._commits[found[0]] = found
        return out

    def _round_trip(self, lines: list[bytes]) -> list[tuple[str, str, bytes] | None]:
        request = b"".join(lines)
        if len(request) <= _DIRECT_BYTES:
            self._ask(request)
            return [self._answer() for _ in lines]
        failed: list[GitError] = []

        def write() -> None:
            try:
                self._ask(request)
            except GitError as exc:
                failed.append(exc)

        writer = threading.Thread(target=write, name="cat-file-request", daemon=True)
        writer.start()
        try:
            answers = [self._answer() for _ in lines]
        finally:
            writer.join()  # git answered or died: either way the write has ended
        if failed:
            raise failed[0]
        return answers

    def _ask(self, request: bytes) -> None:
        stdin = self._proc.stdin
        assert stdin is not None
        try:
            stdin.write(request)
            stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise GitError(f"git cat-file in {self.repo} stopped: {exc}") from None

    def _answer(self) -> tuple[str, str, bytes] | None:
        stdout = self._proc.stdout
        assert stdout is not None
        try:
            header = stdout.readline().decode().rstrip("\n")
        except OSError as exc:
            raise GitError(f"git cat-file in {self.repo} stopped: {exc}") from None
        if header.endswith((" missing", " ambiguous")):  # "<name> missing": may hold spaces
            return None
        parts = header.split(" ")
        if len(parts) != 3 or not parts[2].isdigit():
            raise GitError(f"git cat-file in {self.repo}: unexpected answer {header!r}")
        size = int(parts[2])
        content = stdout.read(size + 1)[:size]
        return parts[0], parts[1], content

    def commit(self, ref: str) -> tuple[str, str]:
        """``(commit sha, tree sha)`` of a ref; :class:`GitError` when it does not exist.
        A commit sha already read (any ``...^{commit}`` answer) costs no round trip."""
        found = self._commits.get(ref) or self.get(f"{ref}^{{commit}}")
        if found is None:
            raise GitError(f"{self.repo}: {ref} does not exist (is the branch name right?)")
        return found[0], commit_fields(found[2])[0]

    def diff(self, old: str, new: str, prefix: str = "") -> dict[str, Entry | None]:
        """Every path whose entry differs from tree ``old`` to tree ``new`` (``None``:
        gone in ``new``), descending only into subtrees that differ."""
        if old == new:
            return {}
        before, after = self.tree(old) if old else {}, self.tree(new) if new else {}
        out: dict[str, Entry | None] = {}
        for name in sorted(set(before) | set(after)):
            a, b = before.get(name), after.get(name)
            if a == b:
                continue
            path = f"{prefix}{name}"
            a_tree = a.sha if a is not None and a.mode == TREE else ""
            b_tree = b.sha if b is not None and b.mode == TREE else ""
            if a_tree or b_tree:
                out.update(self.diff(a_tree, b_tree, f"{path}/"))
            if a is not None and not a_tree and (b is None or b_tree):
                out[path] = None
            if b is not None and not b_tree:
                out[path] = b
        return out

    def tree(self, sha: str) -> dict[str, Entry]:
        """The entries of a tree object, by name (cached: trees never change)."""
        return self.trees([sha])[0]

    def trees(self, shas: Sequence[str]) -> list[dict[str, Entry]]:
        """:meth:`tree` of each sha, the ones not cached asked in one batch."""
        missing = sorted({sha for sha in shas if sha not in self._trees})
        if missing:
            self._parse_trees(missing, self.get_many(missing))
        return [self._trees[sha] for sha in shas]

    def preload(self, tree: str, folders: Iterable[str]) -> None:
        """Read the trees of ``folders`` below ``tree`` (and of every folder on the way):
        one batch per depth instead of one round trip per tree. Absent folders are
        skipped; :meth:`tree`, :meth:`entry` and :meth:`locate` then read from the cache."""
        wanted: set[str] = set()
        for folder in folders:
            parts = folder.split("/")
            wanted.update("/".join(parts[: i + 1]) for i in range(len(parts)))
        level = {"": tree}
        depth = 0
        while level:
            self.trees(list(level.values()))
            depth += 1
            below: dict[str, str] = {}
            for folder in wanted:
                parent, _, name = folder.rpartition("/")
                if folder.count("/") + 1 != depth or parent not in level:
                    continue
                found = self._trees[level[parent]].get(name)
                if found is not None and found.mode == TREE:
                    below[folder] = found.sha
            level = below

    def _parse_trees(
        self, shas: Sequence[str], found: Sequence[tuple[str, str, bytes] | None]
    ) -> None:
        for sha, one in zip(shas, found, strict=True):
            if one is None or one[1] != "tree":
                raise GitError(f"{self.repo}: no tree {sha}")
            entries: dict[str, Entry] = {}
            data = one[2]
            width = len(sha) // 2  # 20 bytes for SHA-1 repositories, 32 for SHA-256
            pos = 0
            while pos < len(data):
                space = data.index(b" ", pos)
                nul = data.index(b"\0", space)
                mode = data[pos:space].decode()
                name = data[space + 1 : nul].decode("utf-8", errors="surrogateescape")
                entries[name] = Entry(mode, data[nul + 1 : nul + 1 + width].hex())
                pos = nul + 1 + width
            self._trees[sha] = entries

    def entry(self, tree: str, path: str) -> Entry | None:
        """The entry at ``path`` below ``tree``, walking only the trees on the way."""
        current = tree
        *folders, name = path.split("/")
        for folder in folders:
            found = self.tree(current).get(folder)
            if found is None or found.mode != TREE:
                return None
            current = found.sha
        return self.tree(current).get(name)

    def locate(self, tree: str, path: str) -> tuple[Entry | None, str]:
        """The entry at ``path`` below ``tree`` (None: absent), and what in the tree keeps
        a regular file from being written there (``""``: nothing)."""
        current = tree
        *folders, name = path.split("/")
        for depth, folder in enumerate(folders):
            found = self.tree(current).get(folder)
            if found is None:
                return None, ""
            if found.mode != TREE:
                return (
                    None,
                    f"{'/'.join(folders[: depth + 1])} is {_kind(found.mode)} in the project",
                )
            current = found.sha
        found = self.tree(current).get(name)
        if found is None or found.mode in (REGULAR, EXECUTABLE):
            return found, ""
        return found, f"{_kind(found.mode)} in the project"

    def read(self, ref: str, paths: Iterable[str], folders: Iterable[str] = ()) -> Snapshot:
        """The wanted files of ``ref`` (absent ones left out) and the files of ``folders``."""
        commit, tree = self.commit(ref)
        folders = list(folders)
        wanted = set(paths)
        self.preload(tree, [*folders, *{p.rpartition("/")[0] for p in wanted if "/" in p}])
        listed: dict[str, list[str]] = {}
        for folder in folders:
            entry = self.entry(tree, folder)
            names = self.tree(entry.sha) if entry and entry.mode == TREE else {}
            listed[folder] = sorted(f"{folder}/{n}" for n, e in names.items() if e.is_file)
            wanted.update(listed[folder])
        blocked: dict[str, str] = {}
        found: dict[str, Entry] = {}
        for path in sorted(wanted):
            entry, blocker = self.locate(tree, path)
            if blocker:
                blocked[path] = blocker
            if entry is not None and entry.is_file:
                found[path] = entry
        files: dict[str, bytes] = {}
        modes: dict[str, str] = {}
        blobs = self.get_many([entry.sha for entry in found.values()])
        for (path, entry), blob in zip(found.items(), blobs, strict=True):
            if blob is not None:
                files[path] = blob[2]
                modes[path] = entry.mode
        return Snapshot(commit, tree, files, modes, listed, blocked)


def _kind(mode: str) -> str:
    """What a tree entry of ``mode`` is, in words."""
    return {TREE: "a folder", SYMLINK: "a symbolic link", GITLINK: "a submodule"}.get(
        mode, "a file"
    )


def commit_fields(content: bytes) -> tuple[str, list[str]]:
    """``(tree, parents)`` of a raw commit object."""
    tree = ""
    parents = []
    for line in content.split(b"\n\n", 1)[0].decode().splitlines():
        key, _, value = line.partition(" ")
        if key == "tree":
            tree = value
        elif key == "parent":
            parents.append(value)
    if not tree:
        raise GitError("unreadable commit object: no tree")
    return tree, parents


def commit_message(content: bytes) -> str:
    """The message of a raw commit object (what follows the headers)."""
    _, _, message = content.partition(b"\n\n")
    return decode(message)


def read_commit(
    repo: Path, ref: str, paths: Iterable[str], folders: Iterable[str] = ()
) -> Snapshot:
    """Read the wanted files of ``ref`` with one git process."""
    with ObjectReader(repo) as reader:
        return reader.read(ref, paths, folders)


def decode(content: bytes) -> str:
    """Text as sync handles it: UTF-8, any other byte kept (round-trips through encode)."""
    return content.decode("utf-8", errors="surrogateescape")


def encode(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogateescape")
