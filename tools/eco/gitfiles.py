"""Read a commit's files in bulk: one ``git ls-tree``, one ``git cat-file --batch``.

Sync reads dozens of files per project; a git call per file would cost more than the
rest of the sync together.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from eco.errors import GitError
from eco.gitutil import git
from eco.gitutil import git_env
from eco.secrets import scrub


@dataclass(frozen=True)
class Entry:
    mode: str  # "100644", "100755", "120000" (symlink), "160000" (submodule)
    kind: str  # "blob" or "commit"
    sha: str


def list_tree(repo: Path, commit: str) -> dict[str, Entry]:
    """Every file of ``commit`` (recursively), by path."""
    out = git("ls-tree", "-r", "-z", "--full-tree", commit, cwd=repo)
    entries: dict[str, Entry] = {}
    for record in out.split("\0"):
        if not record:
            continue
        meta, _, path = record.partition("\t")
        mode, kind, sha = meta.split(" ")
        entries[path] = Entry(mode, kind, sha)
    return entries


def read_blobs(repo: Path, shas: Iterable[str]) -> dict[str, bytes]:
    """The content of each blob, by sha, with one ``git cat-file --batch``."""
    wanted = sorted(set(shas))
    if not wanted:
        return {}
    proc = subprocess.run(
        ["git", "cat-file", "--batch"],
        cwd=repo,
        env=git_env(),
        input=("\n".join(wanted) + "\n").encode(),
        capture_output=True,
    )
    if proc.returncode != 0:
        err = proc.stderr.decode(errors="replace").strip()
        raise GitError(scrub(f"git cat-file --batch failed (in {repo}): {err}"))
    data = proc.stdout
    blobs: dict[str, bytes] = {}
    pos = 0
    for _ in wanted:
        end = data.index(b"\n", pos)
        header = data[pos:end].decode()
        parts = header.split(" ")
        if len(parts) != 3:
            raise GitError(f"{repo}: git cat-file: {header}")
        size = int(parts[2])
        blobs[parts[0]] = data[end + 1 : end + 1 + size]
        pos = end + 1 + size + 1
    return blobs


def decode(content: bytes) -> str:
    """Text as sync handles it: UTF-8, any other byte kept (round-trips through encode)."""
    return content.decode("utf-8", errors="surrogateescape")


def encode(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogateescape")
