"""What eco reads of a project to learn its facts: some files of one commit, and its remote.

Everything comes through git (``cat-file`` on the workspace clone, ``ls-remote`` on the
remote): no file of the project is executed, imported or built.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from eco.errors import EcoError
from eco.errors import GitError
from eco.git.files import decode
from eco.git.files import ObjectReader
from eco.git.files import Snapshot
from eco.git.files import SYMLINK
from eco.git.files import TREE
from eco.git.run import git

# Files at the top level whose text is read (by name, case-insensitively).
_TOP_FILES = re.compile(
    r"^(pyproject\.toml|tox\.ini|setup\.cfg|setup\.py|uv\.lock|"
    r"(readme|license|licence|copying|changes|changelog|history)(\.[a-z]+)?)$",
    re.IGNORECASE,
)
# Folders listed (their entries) and whose matching files are read.
FOLDERS = {
    "docs": re.compile(r"\.(rst|md|txt|py)$"),
    "requirements": re.compile(r"\.in$"),
    ".github/workflows": re.compile(r"\.ya?ml$"),
}
_NOT_PACKAGES = {"docs", "tests", "test", "requirements", "examples", "example", "scripts"}
_MAX_BYTES = 512_000  # a file bigger than this is listed, never read (uv.lock is listed only)


@dataclass(frozen=True)
class Source:
    """The files of one commit that carry facts, and the listing of a few folders."""

    commit: str
    files: Mapping[str, str]  # path -> text
    listing: Mapping[str, tuple[str, ...]]  # folder ("" = top) -> names; folders end in "/"
    links: frozenset[str] = frozenset()  # symbolic links among the wanted files: never read

    def text(self, path: str) -> str | None:
        return self.files.get(path)

    def names(self, folder: str = "") -> tuple[str, ...]:
        return self.listing.get(folder, ())

    def first_of(self, names: tuple[str, ...]) -> str | None:
        """The first of ``names`` at the top of the project (compared case-insensitively),
        as the project spells it."""
        top = {n.lower(): n for n in self.names()}
        for name in names:
            if name.lower() in top:
                return top[name.lower()]
        return None

    def exists(self, path: str) -> bool:
        folder, _, name = path.rpartition("/")
        return name in self.names(folder) or f"{name}/" in self.names(folder)


def read_source(clone: Path, ref: str, folders: tuple[str, ...] = tuple(FOLDERS)) -> Source:
    """Read the fact-bearing files of ``ref`` in ``clone`` with one ``git cat-file``
    (of the :data:`FOLDERS`, only ``folders``: a check needs fewer than ``eco add``)."""
    with ObjectReader(clone) as reader:
        return read_with(reader, ref, folders)


def read_with(
    reader: ObjectReader,
    ref: str,
    folders: tuple[str, ...] = tuple(FOLDERS),
    *,
    only: re.Pattern[str] | None = None,
    known: Snapshot | None = None,
) -> Source:
    """:func:`read_source` through a ``cat-file`` process already open on the clone;
    with ``only``, the text of just the files whose path it matches (all are listed);
    ``known``: what was read of this same commit already (``ref`` is then its commit)."""
    commit, tree = (known.commit, known.tree) if known is not None else reader.commit(ref)
    listing: dict[str, tuple[str, ...]] = {}
    wanted: list[tuple[str, str]] = []  # (path, blob sha)
    modes: dict[str, str] = {}

    def walk(folder: str, sha: str) -> dict[str, tuple[str, str]]:
        entries = reader.tree(sha)
        listing[folder] = tuple(
            sorted(f"{n}/" if e.mode == TREE else n for n, e in entries.items())
        )
        return {n: (e.mode, e.sha) for n, e in entries.items()}

    top = walk("", tree)
    packages = [n for n, (mode, _) in top.items() if mode == TREE and _may_be_package(n)]
    reader.preload(tree, [*folders, *packages])  # one batch per depth, not one per tree
    if "src" in packages:
        src = reader.tree(top["src"][1])
        reader.preload(tree, [f"src/{n}" for n, e in src.items() if e.mode == TREE])
    for name, (mode, sha) in top.items():
        if mode != TREE and _TOP_FILES.match(name) and name != "uv.lock":
            wanted.append((name, sha))
            modes[name] = mode
    for folder in folders:
        pattern = FOLDERS[folder]
        entry = reader.entry(tree, folder)
        if entry is None or entry.mode != TREE:
            continue
        for name, (mode, sha) in walk(folder, entry.sha).items():
            if mode != TREE and pattern.search(name):
                wanted.append((f"{folder}/{name}", sha))
                modes[f"{folder}/{name}"] = mode
    # Where the package may live: src/<pkg>/ or a top-level <pkg>/ (py.typed, hooks).
    for name in packages:
        if name == "src":
            for pkg, (pmode, psha) in walk("src", top[name][1]).items():
                if pmode == TREE:
                    walk(f"src/{pkg}", psha)
        else:
            walk(name, top[name][1])
    links = {p for p, _ in wanted if modes.get(p) == SYMLINK and (only is None or only.match(p))}
    read = [(p, sha) for p, sha in wanted if p not in links and (only is None or only.match(p))]
    unknown = [sha for p, sha in read if known is None or p not in known.files]
    blobs = dict(zip(unknown, reader.get_many(unknown), strict=True))
    files: dict[str, str] = {}
    for path, sha in read:
        if known is not None and path in known.files:
            content: bytes | None = known.files[path]
        else:
            found = blobs[sha]
            content = found[2] if found is not None else None
        if content is not None and len(content) <= _MAX_BYTES:
            files[path] = decode(content)
    return Source(commit=commit, files=files, listing=listing, links=frozenset(links))


def _may_be_package(name: str) -> bool:
    """A top-level folder that may hold the package: ``src`` or an importable name."""
    return name == "src" or (name.isidentifier() and name not in _NOT_PACKAGES)


@dataclass(frozen=True)
class Remote:
    """What the remote says: its default branch (its ``HEAD``) and its tags."""

    url: str
    branch: str
    tags: tuple[str, ...]


def read_remote(url: str) -> Remote:
    """The remote's default branch and tag names; one clear error when it is unreachable."""
    try:
        head = git("ls-remote", "--symref", url, "HEAD", env={"GIT_TERMINAL_PROMPT": "0"})
        tags = git("ls-remote", "--tags", "--refs", url, env={"GIT_TERMINAL_PROMPT": "0"})
    except GitError as exc:
        detail = str(exc).split(" failed: ", 1)[-1].strip().splitlines() or ["git ls-remote failed"]
        reason = detail[0].removeprefix("fatal: ")
        raise EcoError(f"{url}: cannot reach the repository: {reason}") from None
    branch = ""
    for line in head.splitlines():
        match = re.match(r"^ref: refs/heads/(\S+)\s+HEAD$", line)
        if match:
            branch = match.group(1)
    if not branch:
        raise EcoError(f"{url}: the repository has no default branch (an empty repository?)")
    names = tuple(
        line.split("\t", 1)[1].removeprefix("refs/tags/")
        for line in tags.splitlines()
        if "\t" in line
    )
    return Remote(url=url, branch=branch, tags=names)
