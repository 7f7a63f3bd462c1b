"""Change projects' ``generation`` in ``projects.toml`` with tomlkit, formatting kept, and
commit that one file in the monorepo."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path

import tomlkit

from eco.errors import RegistryError
from eco.git.run import git


def with_generations(text: str, changes: Mapping[str, str], where: Path) -> str:
    """``text`` (a registry) with ``generation = VALUE`` set for each project named."""
    document = tomlkit.parse(text)
    projects = document.get("projects")
    for name, generation in changes.items():
        if projects is None or name not in projects:
            raise RegistryError(f"{where}: no [projects.{name}] table to change")
        projects[name]["generation"] = generation
    return tomlkit.dumps(document)


def registry_diff(old: str, new: str, name: str = "projects.toml") -> str:
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            f"a/{name}",
            f"b/{name}",
        )
    )


def commit_registry(path: Path, text: str, message: str) -> str:
    """Write the registry and commit it alone in the monorepo; return the new revision.

    The projects a migration moves record this revision as the skeleton they applied, so
    it must name their new generation: a later sync then merges from that rendering.
    """
    path.write_text(text, encoding="utf-8")
    git("commit", "-q", "-m", message, "--", path.name, cwd=path.parent)
    return git("rev-parse", "HEAD", cwd=path.parent)
