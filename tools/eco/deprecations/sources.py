"""The Python files of a project's branch, read from its workspace clone in one git process.

Built on :class:`eco.git.files.ObjectReader` (one ``git cat-file --batch``): the commit's
trees are walked for ``*.py`` files, then each blob is read, with no checkout.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from eco.deprecations.own import package_paths
from eco.deprecations.scan import Source
from eco.git.files import decode
from eco.git.files import ObjectReader
from eco.git.files import TREE


@dataclass(frozen=True)
class Tree:
    commit: str
    sources: list[Source]  # the *.py files
    files: dict[str, str]  # the other files asked for that exist (e.g. pyproject.toml)


def read_tree(
    repo: Path, ref: str, *, package_only: bool = False, files: Sequence[str] = ()
) -> Tree:
    """Every ``*.py`` file at ``ref`` (only package code with ``package_only``), and
    ``files``."""
    with ObjectReader(repo) as reader:
        commit, root = reader.commit(ref)
        found: dict[str, str] = {}
        level = [("", root)]
        while level:  # one batch of trees per depth
            below = []
            for (prefix, _), entries in zip(
                level, reader.trees([sha for _, sha in level]), strict=True
            ):
                for name, entry in entries.items():
                    path = prefix + name
                    if entry.mode == TREE:
                        below.append((path + "/", entry.sha))
                    elif entry.is_file and (name.endswith(".py") or path in files):
                        found[path] = entry.sha
            level = below
        wanted = [p for p in found if p.endswith(".py")]
        if package_only:
            wanted = package_paths(wanted)
        read = sorted({*wanted, *(f for f in files if f in found)})
        blobs = reader.get_many([found[path] for path in read])
        texts = {
            path: decode(blob[2])
            for path, blob in zip(read, blobs, strict=True)
            if blob is not None
        }
    sources = [Source(p, texts[p]) for p in sorted(wanted) if p in texts]
    return Tree(commit, sources, {f: texts[f] for f in files if f in texts})
