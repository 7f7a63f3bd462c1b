"""Bring the registry's Python lists in line with the policy, editing ``projects.toml``.

The edit goes through tomlkit, so comments, key order and array layout stay as the
maintainers wrote them; only versions are removed or inserted. The next ``eco sync``
then renders the new lists into every project's five places, one pull request each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import tomlkit

from eco.errors import EcoError
from eco.python.releases import conform
from eco.python.releases import Policy
from eco.python.releases import Releases
from eco.registry import python_sort_key
from eco.registry import Registry


@dataclass(frozen=True)
class Change:
    """One list in the registry that the policy changes."""

    path: tuple[str, ...]  # ("ecosystem", "python", "supported") or ("projects", NAME, "python")
    before: tuple[str, ...]
    after: tuple[str, ...]
    projects: tuple[str, ...]  # the projects whose next sync carries it

    @property
    def key(self) -> str:
        return ".".join(self.path)

    @property
    def removed(self) -> list[str]:
        return [v for v in self.before if v not in self.after]

    @property
    def added(self) -> list[str]:
        return [v for v in self.after if v not in self.before]


def plan(
    registry: Registry,
    releases: Releases,
    policy: Policy,
    today: date,
    *,
    drop_eol: bool = False,
    overrides: Sequence[str] = (),
) -> list[Change]:
    """The changes the policy asks of the registry; ``overrides`` are the projects with
    their own ``python`` list (read from the file, since the parsed registry has already
    filled in the ecosystem's list for the others)."""
    changes: list[Change] = []
    eco_before = registry.ecosystem.python
    eco_after = conform(eco_before, releases, policy, today, drop_eol=drop_eol)
    if eco_after != eco_before:
        followers = tuple(n for n in registry.projects if n not in overrides)
        changes.append(
            Change(("ecosystem", "python", "supported"), eco_before, eco_after, followers)
        )
    for name in overrides:
        before = registry.projects[name].python
        after = conform(before, releases, policy, today, drop_eol=drop_eol)
        if after != before:
            changes.append(Change(("projects", name, "python"), before, after, (name,)))
    return changes


def overriding_projects(document: tomlkit.TOMLDocument) -> list[str]:
    """Projects that set their own ``python`` list in ``projects.toml``."""
    projects = document.get("projects", {})
    return [name for name, table in projects.items() if "python" in table]


def edit(document: tomlkit.TOMLDocument, changes: Sequence[Change]) -> None:
    """Apply ``changes`` to the parsed registry in place, keeping its formatting."""
    for change in changes:
        array = _array_at(document, change.path)
        for index in reversed(range(len(array))):
            if str(array[index]) not in change.after:
                del array[index]
        for version in change.added:
            position = sum(1 for v in array if python_sort_key(str(v)) < python_sort_key(version))
            array.insert(position, version)


def _array_at(document: tomlkit.TOMLDocument, path: tuple[str, ...]) -> Any:
    node: Any = document
    for part in path:
        if part not in node:
            raise EcoError(f"projects.toml: {'.'.join(path)}: not found while applying the policy")
        node = node[part]
    return node
