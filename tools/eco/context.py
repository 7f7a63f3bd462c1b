"""The state a command runs with: root, registry and workspace, each computed on first use."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path

from eco.errors import EcoError
from eco.registry import load_registry
from eco.registry import Registry
from eco.root import find_root
from eco.root import REGISTRY_FILE
from eco.workspace import default_workspace
from eco.workspace import Workspace


class Context:
    """What every command may need, computed on first use."""

    def __init__(self, root: Path | None, workspace: Path | None) -> None:
        self._root_option = root
        self._workspace_option = workspace

    def override(self, *, root: Path | None = None, workspace: Path | None = None) -> None:
        """A global option given after the command name: before anything was computed."""
        if root is not None:
            self._root_option = root
            self.__dict__.pop("root", None)
            self.__dict__.pop("registry", None)
        if workspace is not None:
            self._workspace_option = workspace
        if root is not None or workspace is not None:
            self.__dict__.pop("workspace", None)

    @cached_property
    def root(self) -> Path:
        return find_root(override=self._root_option)

    @cached_property
    def registry(self) -> Registry:
        return load_registry(self.root / REGISTRY_FILE)

    @cached_property
    def workspace(self) -> Workspace:
        """The workspace; its first clone or fetch takes it for this run (see
        :meth:`Workspace.hold`, which a command touching many clones calls first)."""
        path = self._workspace_option or default_workspace(self.registry.ecosystem.name)
        _require_usable(path)
        return Workspace(path, registry_root=self.root)

    @property
    def clones(self) -> Workspace:
        """The workspace, taken for this run: for a command that clones, fetches or
        commits in many projects, so a run already using it is one error (exit 2) here,
        before any project, not one per project."""
        workspace = self.workspace
        workspace.hold()
        return workspace

    def close(self) -> None:
        """The end of a command: let the next run have the workspace."""
        if "workspace" in self.__dict__:
            self.workspace.release()


def _require_usable(path: Path) -> None:
    """One clear error up front, not one per project, when no clone can be made there."""
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        what = "a file" if existing.is_file() else "not a writable folder"
        raise EcoError(
            f"workspace {path}: {existing} is {what}; "
            "give --workspace (or ECO_WORKSPACE) a folder eco can create and write"
        )
