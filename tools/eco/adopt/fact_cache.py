"""What ``eco check`` found of a project's registry facts, remembered by what it read.

Reading the facts walks a few of the commit's trees and parses its ``pyproject.toml``;
what they contradict depends on nothing else than that commit's tree, the registry entry
(and the ecosystem's Pythons and generation) and eco's own code (with the Python and
``packaging`` it runs on). So the answer is kept, under a key made of all of them, in
the workspace clone's git folder (``.git/eco-facts.json``, eco's own, never the
project's files), and a check of the same tree with the same entry reads it back
instead of reading the facts again. Any change to one of them is another key: the
facts are read again and the file replaced.

The file holds one answer (the last tree checked); an unreadable or foreign file is a
miss, and a file that cannot be written is no error: the cache only saves time.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from eco.registry import Ecosystem
from eco.registry import Project

CACHE_FILE = "eco-facts.json"
_FORMAT = 1


@dataclass(frozen=True)
class Found:
    """What a fact check found: the licence error (``""``: none), else the contradictions
    as ``(fact, registry, repository)``."""

    license_error: str
    contradictions: tuple[tuple[str, str, str], ...]


def cache_key(project: Project, ecosystem: Ecosystem, tree: str, adopted: bool) -> str:
    """Everything the answer depends on, hashed: the tree, whether the project is
    adopted, its whole registry entry, the ecosystem's Pythons and default generation,
    and eco's code that reads and compares the facts."""
    what = repr((_FORMAT, tree, adopted, project, ecosystem.python, ecosystem.generation))
    return hashlib.sha256(f"{_code()}\n{what}".encode()).hexdigest()


def load(clone: Path, key: str) -> Found | None:
    """The answer kept for ``key`` in ``clone``, or None (a miss)."""
    try:
        data = json.loads((clone / ".git" / CACHE_FILE).read_text())
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        return Found(
            str(data["license_error"]),
            tuple((str(f), str(r), str(p)) for f, r, p in data["contradictions"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(clone: Path, key: str, found: Found) -> None:
    """Keep ``found`` under ``key`` (replacing what was kept); written whole or not at all."""
    folder = clone / ".git"
    if not folder.is_dir():  # not a clone eco made: nowhere of eco's own to keep it
        return
    data = {
        "key": key,
        "license_error": found.license_error,
        "contradictions": [list(c) for c in found.contradictions],
    }
    partial = folder / f"{CACHE_FILE}.{os.getpid()}.partial"
    try:
        partial.write_text(json.dumps(data))
        os.replace(partial, folder / CACHE_FILE)
    except OSError:
        partial.unlink(missing_ok=True)


@functools.cache
def _code() -> str:
    """A hash of the code that decides the answer: the ``eco.adopt`` package, the
    registry and the git reader, and the Python (``tomllib``) and ``packaging`` they
    parse and compare with. A changed eco reads the facts again."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"{sys.version}\0{importlib.metadata.version('packaging')}".encode())
    for path in [
        *sorted(here.glob("*.py")),
        here.parent / "registry.py",
        here.parent / "git" / "files.py",
    ]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
