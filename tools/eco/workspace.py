"""The workspace: one clone per project under a cache folder, cloned once, then fetched.

One eco run at a time uses a workspace: the first clone or fetch of a run takes an
exclusive lock on ``WORKSPACE/.eco.lock`` (``flock``, released when the run ends or
dies) and holds it to the end; a second run is refused at once with one line naming
the first (its pid, command and start time), never half-way with git's own errors.
"""

from __future__ import annotations

import fcntl
import os
import shlex
import sys
import threading
from dataclasses import dataclass
from datetime import datetime
from datetime import UTC
from pathlib import Path
from typing import IO

from eco.errors import EcoError
from eco.git.config import origin_url
from eco.git.run import git
from eco.output import step
from eco.registry import Project
from eco.secrets import scrub

WORKSPACE_ENV = "ECO_WORKSPACE"
LOCK_FILE = ".eco.lock"


class WorkspaceBusy(EcoError):
    """Another eco run holds the workspace (exit status 2: nothing was done)."""


def default_workspace(ecosystem: str) -> Path:
    """``$ECO_WORKSPACE``, else the user cache folder (``~/.cache/eco/<ecosystem>``)."""
    env = os.environ.get(WORKSPACE_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("eco")) / ecosystem


@dataclass(frozen=True)
class Clone:
    project: Project
    path: Path
    fetched: bool  # False when this call made the clone

    @property
    def remote_branch(self) -> str:
        return f"origin/{self.project.branch}"


class Workspace:
    def __init__(self, path: Path, registry_root: Path | None = None) -> None:
        self.path = path
        self.registry_root = registry_root
        self._lock = threading.Lock()
        self._held: IO[str] | None = None

    def hold(self) -> None:
        """Take the workspace for this run (once; later calls return at once), or raise
        :class:`WorkspaceBusy` naming the run that has it."""
        with self._lock:
            if self._held is not None:
                return
            try:
                self.path.mkdir(parents=True, exist_ok=True)
                handle = (self.path / LOCK_FILE).open("a+", encoding="utf-8")
            except OSError as exc:
                raise EcoError(
                    f"workspace {self.path}: cannot create its lock file {LOCK_FILE}: "
                    f"{exc.strerror}; give --workspace a folder eco can write"
                ) from None
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read(500).strip()
                handle.close()
                raise WorkspaceBusy(_busy(self.path, holder)) from None
            since = datetime.now(UTC).isoformat(timespec="seconds")
            handle.truncate(0)
            command = scrub(shlex.join(["eco", *sys.argv[1:]]))  # no --index-url password
            handle.write(f"{os.getpid()} {since} {command}\n")
            handle.flush()
            self._held = handle

    def release(self) -> None:
        """Let another run have the workspace (the end of a run does it too)."""
        with self._lock:
            if self._held is not None:
                self._held.close()  # closing the file drops the flock
                self._held = None

    def clone_path(self, project: Project) -> Path:
        return self.path / project.name

    def source(self, project: Project) -> str:
        """The clone URL, with a relative local path resolved against the registry."""
        url = project.clone_url
        if project.url and self.registry_root and "://" not in url and not url.startswith("git@"):
            candidate = Path(url).expanduser()
            if not candidate.is_absolute():
                candidate = self.registry_root / candidate
            return str(candidate)
        return url

    def is_cloned(self, project: Project) -> bool:
        return (self.clone_path(project) / ".git").is_dir()

    def ensure(self, project: Project, *, fetch: bool = True) -> Clone:
        """Clone on first use; afterwards fetch (one ``git fetch``) unless ``fetch`` is off.

        The clone's own branch and working tree are never touched here: commands read
        ``origin/<branch>`` and write through separate worktrees.
        """
        self.hold()
        path = self.clone_path(project)
        source = self.source(project)
        if (path / ".git").is_dir():
            current = origin_url(path)  # read from .git/config: no git process
            if current is None:
                current = git("remote", "get-url", "origin", cwd=path)
            if current != source:
                git("remote", "set-url", "origin", source, cwd=path)
            if fetch:
                with step(f"fetching {project.name} from {source}", in_runs=False):
                    git("fetch", "--quiet", "--prune", "--no-tags", "origin", cwd=path)
            return Clone(project, path, fetched=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        if partial.exists():
            import shutil

            shutil.rmtree(partial)
        with step(f"cloning {project.name} from {source}", in_runs=False):
            git("clone", "--quiet", "--no-tags", "--branch", project.branch, source, str(partial))
        partial.rename(path)
        return Clone(project, path, fetched=False)


def _busy(path: Path, holder: str) -> str:
    """The refusal: who holds ``path`` (as its lock file says), and what to do."""
    pid, _, rest = holder.partition(" ")
    since, _, command = rest.partition(" ")
    who = f"another eco (pid {pid}, {command})" if pid.isdigit() and command else "another eco"
    when = f" since {since}" if since else ""
    return (
        f"{who} is using the workspace {path}{when}; wait for it to finish, or give this "
        "run its own --workspace"
    )
