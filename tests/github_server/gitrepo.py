"""The bare git repositories behind the server's refs, commits, branches and tags."""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "GitHub",
    "GIT_AUTHOR_EMAIL": "noreply@github.com",
    "GIT_COMMITTER_NAME": "GitHub",
    "GIT_COMMITTER_EMAIL": "noreply@github.com",
    "LC_ALL": "C",
}


def git(bare: Path, *args: str, check: bool = True, input: bytes | None = None) -> str:
    proc = subprocess.run(
        ["git", *args],
        cwd=bare,
        env={**os.environ, **_ENV},
        capture_output=True,
        input=input,
    )
    if check and proc.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {proc.stderr.decode(errors='replace')}")
    return proc.stdout.decode(errors="replace").rstrip("\n")


def create_bare(bare: Path, files: dict[str, str], branch: str) -> None:
    bare.mkdir(parents=True, exist_ok=False)
    git(bare, "init", "-q", "--bare", "-b", branch)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        git(work, "init", "-q", "-b", branch)
        for name, text in files.items():
            path = work / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        git(work, "add", "-A")
        git(work, "commit", "-q", "-m", "Initial commit")
        git(work, "push", "-q", str(bare), f"{branch}:refs/heads/{branch}")


def allow_http_push(bare: Path) -> None:
    git(bare, "config", "http.receivepack", "true")


@dataclass(frozen=True)
class Ref:
    name: str  # refs/heads/main
    sha: str
    type: str  # commit | tag


def refs(bare: Path, prefix: str = "refs/") -> list[Ref]:
    out = git(bare, "for-each-ref", "--format=%(refname) %(objectname) %(objecttype)", prefix)
    result = []
    for line in out.splitlines():
        name, sha, kind = line.split(" ")
        result.append(Ref(name, sha, kind))
    return result


def ref(bare: Path, name: str) -> Ref | None:
    for found in refs(bare, name):
        if found.name == name:
            return found
    return None


def exists(bare: Path, sha: str) -> str | None:
    """The object type of ``sha`` or ``None`` when the repository lacks it."""
    out = git(bare, "cat-file", "-t", sha, check=False)
    return out or None


def resolve(bare: Path, rev: str) -> str | None:
    """A commit sha for a branch, tag or sha, or ``None``."""
    for name in (f"refs/heads/{rev}", f"refs/tags/{rev}", rev):
        out = git(bare, "rev-parse", "--verify", "-q", f"{name}^{{commit}}", check=False)
        if out:
            return out
    return None


def update_ref(bare: Path, name: str, sha: str) -> None:
    git(bare, "update-ref", name, sha)


def delete_ref(bare: Path, name: str) -> None:
    git(bare, "update-ref", "-d", name)


def is_ancestor(bare: Path, old: str, new: str) -> bool:
    proc = subprocess.run(
        ["git", "merge-base", "--is-ancestor", old, new], cwd=bare, capture_output=True
    )
    return proc.returncode == 0


@dataclass(frozen=True)
class Commit:
    sha: str
    tree: str
    parents: list[str]
    author_name: str
    author_email: str
    author_date: int
    committer_name: str
    committer_email: str
    committer_date: int
    message: str


def commit(bare: Path, sha: str) -> Commit:
    fmt = "%H%x00%T%x00%P%x00%an%x00%ae%x00%at%x00%cn%x00%ce%x00%ct%x00%B"
    out = git(bare, "show", "-s", f"--format={fmt}", sha)
    f = out.split("\x00")
    return Commit(
        f[0], f[1], f[2].split(), f[3], f[4], int(f[5]), f[6], f[7], int(f[8]), f[9].rstrip("\n")
    )


def merge(bare: Path, base: str, head: str, message: str) -> str:
    """A merge commit of ``head`` into ``base`` (a fast-forward when possible)."""
    base_sha = resolve(bare, base)
    head_sha = resolve(bare, head)
    assert base_sha and head_sha
    if is_ancestor(bare, base_sha, head_sha):
        sha = head_sha
    else:
        tree = git(bare, "merge-tree", "--write-tree", base_sha, head_sha).splitlines()[0]
        sha = git(bare, "commit-tree", tree, "-p", base_sha, "-p", head_sha, "-m", message)
    update_ref(bare, f"refs/heads/{base}", sha)
    return sha
