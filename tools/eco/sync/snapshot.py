"""The ecosystem as it was at a past revision: its ``templates/`` and ``projects.toml``.

Sync's "base" is the skeleton as it was when it was last applied to a project, so it is
rendered from the monorepo's own history. Each revision is extracted once (``git
archive``) into a cache folder and reused by every project and every later run:
commits never change, so the cache never goes stale.

The revision comes from the project's ``.eco.toml``, which any contributor to the
project can edit, so :meth:`Snapshots.verify` accepts only a full commit id that is on
the monorepo's default branch (what its maintainers merged): a ref name, which could
move, or a commit of a never-merged branch is refused before anything is read. A
shallow clone (CI's checkout) is deepened once to see the older commits.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from eco.errors import EcoError
from eco.errors import GitError
from eco.git.run import git
from eco.git.run import git_bytes
from eco.git.run import git_env
from eco.registry import load_registry
from eco.registry import Registry
from eco.registry import SHA_RE
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
        self._verified: set[str] = set()
        self._deepened = False
        self._trees: dict[str, str] = {}

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

    def same_templates(self, revision: str) -> bool:
        """True when ``templates/`` at ``revision`` is the very tree checked out now: the
        same git tree id as the head's, and nothing in ``templates/`` or
        ``projects.toml`` uncommitted (a dirty folder is never taken for its commit)."""
        if not self.head or self.dirty:
            return False
        return self._templates_tree(revision) == self._templates_tree(self.head) != ""

    def _templates_tree(self, revision: str) -> str:
        prefix = self.prefix
        with self._lock:  # held across the one git call: each revision is asked once
            if revision not in self._trees:
                self._trees[revision] = git(
                    "rev-parse",
                    "--verify",
                    "-q",
                    f"{revision}:{prefix}{TEMPLATES}",
                    cwd=self.root,
                    check=False,
                )
            return self._trees[revision]

    @cached_property
    def default_branch(self) -> tuple[str, list[str]]:
        """The monorepo's default branch: its name and the commits it may be read at —
        the remote's default branch (``origin/HEAD``) when the clone knows it, and the
        commit checked out, which is what eco renders as the skeleton now."""
        tips = [self.head]
        name = git("symbolic-ref", "-q", "--short", "HEAD", cwd=self.root, check=False)
        remote = git(
            "symbolic-ref", "-q", "--short", "refs/remotes/origin/HEAD", cwd=self.root, check=False
        )
        if remote:
            tips.append(git("rev-parse", "--verify", "-q", remote, cwd=self.root))
        return (remote or name or self.head[:12]), tips

    def verify(self, revision: str, where: str) -> None:
        """Refuse a recorded revision that is not a full commit id on the default branch;
        ``where`` names the file it came from, for the message."""
        if not SHA_RE.fullmatch(revision):
            raise EcoError(
                f"{where}: template-revision {revision!r}: expected the 40-hex commit id "
                "of the monorepo that eco last applied"
            )
        with self._lock:
            if revision in self._verified:
                return
        if not self.head:
            raise EcoError(
                f"{self.root}: not a git repository, so the skeleton of revision "
                f"{revision[:12]} cannot be read; sync needs the ecosystem's history"
            )
        found = self._on_default_branch(revision)
        if not found and self._deepen():  # a shallow history may hide it, or its path
            found = self._on_default_branch(revision)
        if found is None:
            raise EcoError(
                f"{where}: template revision {revision} is not in the ecosystem repository "
                f"at {self.root}: if it is a newer commit of the monorepo, fetch it (git pull); "
                "if the clone is shallow, fetch its full history"
            )
        if not found:
            branch = self.default_branch[0]
            raise EcoError(
                f"{where}: template-revision {revision[:12]} is not on the monorepo's default "
                f"branch ({branch}); eco renders only revisions merged there: record the "
                "revision last applied, or adopt the project again (eco sync --adopt)"
            )
        with self._lock:
            self._verified.add(revision)

    def _on_default_branch(self, revision: str) -> bool | None:
        """True or False; None when the commit is not in the repository at all."""
        if not self.head:
            return None
        kind = git("cat-file", "-t", revision, cwd=self.root, check=False)
        if kind != "commit":
            return None
        for tip in self.default_branch[1]:
            code = subprocess.run(
                ["git", "merge-base", "--is-ancestor", revision, tip],
                cwd=self.root,
                env=git_env(),
                capture_output=True,
            ).returncode
            if code == 0:
                return True
        return False

    def _deepen(self) -> bool:
        """Fetch the full history of a shallow clone with a remote, once per run; True
        when it was fetched now (CI checks the monorepo out one commit deep)."""
        with self._lock:
            if self._deepened:
                return False
            self._deepened = True
            shallow = git("rev-parse", "--is-shallow-repository", cwd=self.root, check=False)
            if shallow != "true" or not git("remote", cwd=self.root, check=False):
                return False
            try:
                git("fetch", "-q", "--unshallow", cwd=self.root)
            except GitError as exc:
                raise EcoError(
                    f"{self.root}: a shallow clone, and fetching the monorepo's history to "
                    f"check a project's template revision failed: {exc.message}"
                ) from None
            self.__dict__.pop("default_branch", None)
            return True

    def get(self, revision: str) -> Snapshot:
        """The ecosystem at ``revision`` (extracted on first use, then cached); a
        revision not :meth:`verify`-ed yet is verified first."""
        with self._lock:
            if revision in self._snapshots:
                return self._snapshots[revision]
            verified = revision in self._verified
        if not verified:
            self.verify(revision, "template revision")
        with self._lock:
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
        import tarfile  # only when an older revision is extracted, once per revision

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
