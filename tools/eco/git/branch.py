"""Commit a set of file changes onto a branch with git plumbing, touching no working tree.

:func:`commit_files` builds the new tree in a temporary index (``GIT_INDEX_FILE``) from
the base commit's tree plus the changes, writes one commit whose parent is the base, and
moves the branch last, with ``update-ref`` checking the branch's old value. Nothing
before that step changes a ref, an index or a working tree, so a failure anywhere leaves
every branch where it was (at worst a few unreachable objects, which git collects).

A branch that already holds exactly the new tree on the same base is left alone: running
the same change twice commits nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from eco.errors import GitError
from eco.git.run import git

ZERO = "0" * 40
REGULAR = "100644"


@dataclass(frozen=True)
class CommitResult:
    branch: str  # the short branch name, e.g. "eco/sync"
    commit: str | None  # the branch head after the call; None when there was nothing to commit
    tree: str  # the tree the changes produce (the base's tree when they change nothing)
    created: bool  # True when this call made a new commit and moved the branch

    @property
    def changed(self) -> bool:
        return self.created


@dataclass(frozen=True)
class _Refs:
    base: str
    base_tree: str
    head: str | None  # the branch's current commit
    head_tree: str | None
    head_parent: str | None


def commit_files(
    repo: Path,
    *,
    branch: str,
    base: str,
    changes: Mapping[str, bytes | None],
    message: str,
    modes: Mapping[str, str] | None = None,
    tree_trailer: str = "",
) -> CommitResult:
    """Point ``branch`` at one new commit on ``base`` holding ``changes``.

    ``changes`` maps a path to its new content, or to ``None`` to delete it. ``modes``
    gives a path's git file mode (default ``100644``). With ``tree_trailer``, the message
    ends with a ``<tree_trailer>: <tree>`` trailer naming the commit's own tree, so the
    commit can later be told from one amended by hand. Returns without writing a ref when
    the changes leave ``base``'s tree as it is, or when ``branch`` already holds exactly
    this tree on top of ``base``.
    """
    _refuse_checked_out(repo, branch)
    for path in changes:
        _check_path(repo, path)
    refs = _read_refs(repo, branch, base)
    if not changes:
        return CommitResult(branch, None, refs.base_tree, created=False)
    import tempfile  # only when committing: eco check never needs it

    with tempfile.TemporaryDirectory(prefix="eco-index-") as tmp:
        index = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        git("read-tree", refs.base_tree, cwd=repo, env=index)
        blobs = _write_blobs(repo, Path(tmp), changes)
        _stage(repo, index, changes, blobs, modes or {})
        tree = _write_tree(repo, index)
    _check_tree(repo, tree, changes, blobs, modes or {})
    if tree == refs.base_tree:
        return CommitResult(branch, None, tree, created=False)
    if refs.head_tree == tree and refs.head_parent == refs.base:
        return CommitResult(branch, refs.head, tree, created=False)
    if tree_trailer:
        message = f"{message.rstrip()}\n\n{tree_trailer}: {tree}\n"
    commit = _commit_tree(repo, tree, refs.base, message)
    _update_ref(repo, branch, commit, refs.head or ZERO, message)
    return CommitResult(branch, commit, tree, created=True)


def _check_path(repo: Path, path: str) -> None:
    """Refuse a path that is not a plain path inside the repository (git would drop it)."""
    parts = path.split("/")
    if (
        not path
        or any(part in ("", ".", "..") or part.lower() == ".git" for part in parts)
        or "\\" in path
        or "\0" in path
    ):
        raise GitError(f"{repo}: cannot commit {path!r}: not a relative path inside the repository")


def _check_tree(
    repo: Path,
    tree: str,
    changes: Mapping[str, bytes | None],
    blobs: Mapping[str, str],
    modes: Mapping[str, str],
) -> None:
    """Every change is in the tree as asked: a commit never claims a file it lacks."""
    listed = git("ls-tree", "-r", "-z", "--full-tree", tree, cwd=repo)
    entries = {}
    for line in filter(None, listed.split("\0")):
        info, _, path = line.partition("\t")
        mode, _, sha = info.split(" ")
        entries[path] = (mode, sha)
    for path, content in changes.items():
        found = entries.get(path)
        wanted = None if content is None else (modes.get(path, REGULAR), blobs[path])
        if found != wanted:
            state = "missing from" if found is None else "not as written in"
            if content is None:
                state = "still in"
            raise GitError(f"{repo}: {path!r} is {state} the commit's tree; nothing was committed")


def _refuse_checked_out(repo: Path, branch: str) -> None:
    head = repo / ".git" / "HEAD"
    try:
        text = head.read_text(encoding="utf-8").strip()
    except OSError:
        return
    if text == f"ref: refs/heads/{branch}":
        raise GitError(
            f"{repo}: branch {branch!r} is checked out there; eco writes it without a "
            "working tree, so check out another branch first"
        )


def _read_refs(repo: Path, branch: str, base: str) -> _Refs:
    """Resolve the base and the branch (head, tree, parent) with one git call."""
    ref = f"refs/heads/{branch}"
    names = [f"{base}^{{commit}}", f"{base}^{{tree}}", ref, f"{ref}^{{tree}}", f"{ref}^1"]
    out = git(
        "cat-file", "--batch-check=%(objectname) %(objecttype)", cwd=repo, input="\n".join(names)
    )
    found: list[str | None] = []
    for line in out.splitlines():
        sha, _, kind = line.partition(" ")
        found.append(sha if kind in ("commit", "tree") else None)
    found += [None] * (len(names) - len(found))
    if found[0] is None or found[1] is None:
        raise GitError(f"{repo}: cannot commit on {base!r}: no such commit")
    return _Refs(found[0], found[1], found[2], found[3], found[4])


def _write_blobs(repo: Path, tmp: Path, changes: Mapping[str, bytes | None]) -> dict[str, str]:
    """Write every new content as a blob with one ``hash-object`` call."""
    paths = sorted(p for p, content in changes.items() if content is not None)
    if not paths:
        return {}
    files = []
    for number, path in enumerate(paths):
        file = tmp / f"blob-{number}"
        content = changes[path]
        assert content is not None
        file.write_bytes(content)
        files.append(str(file))
    out = git(
        "hash-object", "-w", "--no-filters", "--stdin-paths", cwd=repo, input="\n".join(files)
    )
    shas = out.split()
    if len(shas) != len(paths):
        raise GitError(f"{repo}: git hash-object wrote {len(shas)} blobs for {len(paths)} files")
    return dict(zip(paths, shas, strict=True))


def _stage(
    repo: Path,
    index: Mapping[str, str],
    changes: Mapping[str, bytes | None],
    blobs: Mapping[str, str],
    modes: Mapping[str, str],
) -> None:
    entries = []
    for path in sorted(changes):
        if changes[path] is None:
            entries.append(f"0 {ZERO}\t{path}\0")
        else:
            entries.append(f"{modes.get(path, REGULAR)} {blobs[path]}\t{path}\0")
    git("update-index", "-z", "--index-info", cwd=repo, env=index, input="".join(entries))


def _write_tree(repo: Path, index: Mapping[str, str]) -> str:
    return git("write-tree", cwd=repo, env=index)


def _commit_tree(repo: Path, tree: str, parent: str, message: str) -> str:
    return git("commit-tree", tree, "-p", parent, "-F", "-", cwd=repo, input=message)


def _update_ref(repo: Path, branch: str, commit: str, old: str, message: str) -> None:
    """Move the branch, failing if someone else moved it since it was read."""
    reason = "eco: " + message.splitlines()[0] if message else "eco"
    git("update-ref", "-m", reason, f"refs/heads/{branch}", commit, old, cwd=repo)
