"""Read files of a commit straight from git's object store, many in one process.

Commands that only look at a project (``eco python status``, ``eco deprecations``) read
``origin/<branch>`` of the workspace clone this way: no checkout, no worktree, one
``git ls-tree`` and one ``git cat-file --batch`` per project however many files.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from eco.errors import GitError
from eco.gitutil import git
from eco.gitutil import git_env
from eco.secrets import scrub


def list_files(repo: Path, ref: str) -> list[str]:
    """Every file path in ``ref``'s tree."""
    out = git("ls-tree", "-r", "-z", "--name-only", ref, cwd=repo)
    return [p for p in out.split("\0") if p]


def read_blobs(repo: Path, ref: str, paths: Sequence[str]) -> dict[str, bytes | None]:
    """The content of each path at ``ref`` (``None`` when the path is not there)."""
    if not paths:
        return {}
    request = "".join(f"{ref}:{path}\n" for path in paths).encode()
    proc = subprocess.run(
        ["git", "cat-file", "--batch"],
        cwd=repo,
        env=git_env(),
        input=request,
        capture_output=True,
    )
    if proc.returncode != 0:
        err = proc.stderr.decode(errors="replace").strip()
        raise GitError(scrub(f"git cat-file --batch failed (in {repo}): {err}"))
    data = proc.stdout
    found: dict[str, bytes | None] = {}
    pos = 0
    for path in paths:
        end = data.index(b"\n", pos)
        header = data[pos:end].decode(errors="replace")
        pos = end + 1
        if header.endswith(" missing") or header.endswith(" ambiguous"):
            found[path] = None
            continue
        _, kind, size = header.rsplit(" ", 2)
        content = data[pos : pos + int(size)]
        pos += int(size) + 1
        found[path] = content if kind == "blob" else None
    return found


def read_texts(repo: Path, ref: str, paths: Sequence[str]) -> dict[str, str | None]:
    """Like :func:`read_blobs`, decoded as UTF-8 (undecodable bytes replaced)."""
    return {
        path: None if blob is None else blob.decode("utf-8", errors="replace")
        for path, blob in read_blobs(repo, ref, paths).items()
    }
