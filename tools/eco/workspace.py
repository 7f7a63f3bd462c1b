"""The workspace: one clone per project under a cache folder, cloned once, then fetched."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from eco.git.config import origin_url
from eco.git.run import git
from eco.output import step
from eco.registry import Project

WORKSPACE_ENV = "ECO_WORKSPACE"


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
