"""The ecosystem as it was at a past revision: its ``templates/`` and ``projects.toml``.

Sync's "base" is the skeleton as it was when it was last applied to a project, so it is
rendered from the monorepo's own history. Each revision is extracted once (``git
archive``) into a cache folder and reused by every project and every later run:
commits never change, so the cache never goes stale.
"""

from __future__ import annotations

import io
import shutil
import tarfile
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from eco.errors import EcoError
from eco.errors import GitError
from eco.git.run import git
from eco.git.run import git_bytes
from eco.registry import load_registry
from eco.registry import Registry
from eco.root import REGISTRY_FILE
from eco.skeleton.manifest import load_manifest
from eco.skeleton.manifest import Manifest

TEMPLATES = "templates"


@dataclass(frozen=True)
class Snapshot:
    revision: str
    templates: Path
    manifest: Manifest
    registry: Registry | None  # None when projects.toml was absent or invalid then


class Snapshots:
    """Past revisions of the ecosystem root, each extracted at most once."""

    def __init__(self, root: Path, cache: Path) -> None:
        self.root = root
        self.cache = cache
        self._lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._snapshots: dict[str, Snapshot] = {}

    @cached_property
    def head(self) -> str:
        """The root's current commit, or ``""`` when the root is not in a git repository."""
        try:
            return git("rev-parse", "--verify", "-q", "HEAD", cwd=self.root)
        except GitError:
            return ""

    @cached_property
    def prefix(self) -> str:
        """The root's path inside its git repository (``""`` at the top)."""
        return git("rev-parse", "--show-prefix", cwd=self.root) if self.head else ""

    @cached_property
    def dirty(self) -> bool:
        """True when ``templates/`` or ``projects.toml`` differ from the head commit."""
        if not self.head:
            return True
        out = git(
            "status",
            "--porcelain",
            "--untracked-files=all",
            "--",
            TEMPLATES,
            REGISTRY_FILE,
            cwd=self.root,
        )
        return bool(out.strip())

    def get(self, revision: str) -> Snapshot:
        """The ecosystem at ``revision`` (extracted on first use, then cached)."""
        with self._lock:
            if revision in self._snapshots:
                return self._snapshots[revision]
            lock = self._locks.setdefault(revision, threading.Lock())
        with lock:
            with self._lock:
                if revision in self._snapshots:
                    return self._snapshots[revision]
            snapshot = self._load(revision)
            with self._lock:
                self._snapshots[revision] = snapshot
            return snapshot

    def _load(self, revision: str) -> Snapshot:
        if not self.head:
            raise EcoError(
                f"{self.root}: not a git repository, so the skeleton of revision "
                f"{revision[:12]} cannot be read; sync needs the ecosystem's history"
            )
        folder = self.cache / revision
        if not (folder / TEMPLATES).is_dir():
            self._extract(revision, folder)
        registry: Registry | None = None
        if (folder / REGISTRY_FILE).is_file():
            try:
                registry = load_registry(folder / REGISTRY_FILE)
            except EcoError:
                registry = None
        return Snapshot(revision, folder / TEMPLATES, load_manifest(folder / TEMPLATES), registry)

    def _extract(self, revision: str, folder: Path) -> None:
        names = [f"{revision}^{{commit}}", f"{revision}:{self.prefix}{TEMPLATES}"]
        names.append(f"{revision}:{self.prefix}{REGISTRY_FILE}")
        out = git("cat-file", "--batch-check=%(objecttype)", cwd=self.root, input="\n".join(names))
        kinds = out.splitlines()
        if not kinds or not kinds[0].endswith("commit"):
            raise EcoError(
                f"template revision {revision} is not in the ecosystem repository at "
                f"{self.root} (a shallow clone? fetch its full history)"
            )
        if kinds[1] != "tree":
            raise EcoError(f"template revision {revision[:12]} has no {TEMPLATES}/ folder")
        partial = folder.with_name(folder.name + f".partial-{threading.get_ident()}")
        shutil.rmtree(partial, ignore_errors=True)
        (partial / TEMPLATES).mkdir(parents=True)
        archive = git_bytes(
            "archive", "--format=tar", f"{revision}:{self.prefix}{TEMPLATES}", cwd=self.root
        )
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
                tar.extractall(partial / TEMPLATES, filter="data")
            else:  # pragma: no cover - git archive writes plain files and folders only
                tar.extractall(partial / TEMPLATES)
        if kinds[2] == "blob":
            (partial / REGISTRY_FILE).write_bytes(
                git_bytes(
                    "cat-file", "blob", f"{revision}:{self.prefix}{REGISTRY_FILE}", cwd=self.root
                )
            )
        try:
            partial.rename(folder)
        except OSError:  # another run extracted the same revision meanwhile
            shutil.rmtree(partial, ignore_errors=True)
            if not (folder / TEMPLATES).is_dir():
                raise
