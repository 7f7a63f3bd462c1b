"""``settings.toml``: how every managed repository is set up on GitHub, loaded and validated.

The file sits at the ecosystem root beside ``projects.toml``. A project may override any
key with a ``settings`` table in its registry entry (same shape, merged key by key).
Every problem is one :class:`~eco.registry.RegistryError` (exit status 2) naming the
file, line and key and what was expected; nothing is read from GitHub before the file
is valid.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eco.errors import did_you_mean
from eco.errors import RegistryError
from eco.registry import line_of
from eco.registry import Project

SETTINGS_FILE = "settings.toml"
REGISTRY_FILE = "projects.toml"

# Repository roles that may bypass a ruleset: GitHub's fixed ids of the base roles.
ROLES = {"maintain": 2, "write": 4, "admin": 5}
BRANCH_RULES = ("deletion", "non_fast_forward", "required_linear_history", "required_signatures")
TAG_RULES = ("creation", "update", "deletion", "non_fast_forward")
REVIEWER_RE = re.compile(r"^(team|user):[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98})$")

SCHEMA: dict[str, dict[str, str]] = {
    "environment": {
        "name": "string",
        "reviewers": "reviewers",
        "tag-pattern": "string",
        "admin-bypass": "bool",
    },
    "branch-ruleset": {"name": "string", "rules": "branch-rules", "bypass": "roles"},
    "tag-ruleset": {
        "name": "string",
        "include": "refs",
        "rules": "tag-rules",
        "bypass": "roles",
    },
    "features": {"issues": "bool", "discussions": "bool", "wiki": "bool"},
    "security": {
        "private-vulnerability-reporting": "bool",
        "secret-scanning": "bool",
        "push-protection": "bool",
    },
    "actions": {
        "default-workflow-permissions": "permission",
        "can-approve-pull-request-reviews": "bool",
    },
}


@dataclass(frozen=True)
class Environment:
    name: str
    reviewers: tuple[str, ...]  # "team:slug" or "user:login", sorted
    tag_pattern: str  # the only refs that may deploy: tags matching this
    admin_bypass: bool


@dataclass(frozen=True)
class RulesetSpec:
    name: str
    target: str  # "branch" or "tag"
    include: tuple[str, ...]
    rules: tuple[str, ...]  # rule types, sorted
    bypass: tuple[str, ...]  # role names, sorted


@dataclass(frozen=True)
class Settings:
    """What one repository should have (the file, with the project's overrides)."""

    environment: Environment
    branch_ruleset: RulesetSpec
    tag_ruleset: RulesetSpec
    features: Mapping[str, bool]  # issues, discussions, wiki
    security: Mapping[str, bool]
    workflow_permissions: str  # "read" or "write"
    can_approve_reviews: bool


def merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``override``'s keys replacing its own, table by table."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


class _Check:
    def __init__(self, path: Path, text: str, prefix: tuple[str, ...] = ()) -> None:
        self.path = path
        self.text = text
        self.prefix = prefix  # where the table sits in its file (a project's override)

    def fail(self, keys: tuple[str, ...], problem: str) -> RegistryError:
        full = self.prefix + keys
        line = line_of(self.text, full) if full else None
        where = f"{self.path}:{line}" if line else str(self.path)
        return RegistryError(f"{where}: {'.'.join(full)}: {problem}")


def validate(table: Mapping[str, Any], check: _Check, *, complete: bool) -> None:
    """Every key known and of the right kind; with ``complete``, every key present."""
    for section, value in table.items():
        if section not in SCHEMA:
            raise check.fail(
                (section,),
                f"unknown table{did_you_mean(section, list(SCHEMA))}; "
                f"expected one of: {', '.join(SCHEMA)}",
            )
        if not isinstance(value, dict):
            raise check.fail((section,), f"expected a table, got {value!r}")
        keys = SCHEMA[section]
        for key, item in value.items():
            if key not in keys:
                raise check.fail(
                    (section, key),
                    f"unknown key{did_you_mean(key, list(keys))}; "
                    f"expected one of: {', '.join(keys)}",
                )
            problem = _kind_problem(keys[key], item)
            if problem:
                raise check.fail((section, key), f"expected {problem}, got {item!r}")
    if complete:
        for section, keys in SCHEMA.items():
            for key in keys:
                if key not in table.get(section, {}):
                    raise check.fail(
                        (section,) if section in table else (), f"missing {section}.{key}"
                    )


def _kind_problem(kind: str, value: Any) -> str:
    """What ``value`` should have been for ``kind``, or "" when it is right."""
    strings = isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "string":
        return "" if isinstance(value, str) and value.strip() else "a non-empty string"
    if kind == "bool":
        return "" if isinstance(value, bool) else "true or false"
    if kind == "permission":
        return "" if value in ("read", "write") else '"read" or "write"'
    if kind == "reviewers":
        ok = strings and 0 < len(value) <= 6 and all(REVIEWER_RE.match(v) for v in value)
        return "" if ok else 'one to six reviewers like "team:maintainers" or "user:octocat"'
    if kind == "refs":
        ok = strings and value and all(v.startswith("refs/tags/") for v in value)
        return "" if ok else 'a list of tag patterns like "refs/tags/*"'
    if kind in ("branch-rules", "tag-rules"):
        allowed = BRANCH_RULES if kind == "branch-rules" else TAG_RULES
        ok = strings and all(v in allowed for v in value)
        return "" if ok else f"a list of rules among: {', '.join(allowed)}"
    if kind == "roles":
        ok = strings and all(v in ROLES for v in value)
        return "" if ok else f"a list of repository roles among: {', '.join(ROLES)}"
    raise AssertionError(kind)


def read_table(path: Path) -> tuple[str, dict[str, Any]]:
    """The text and table of ``settings.toml``, its syntax and keys checked."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RegistryError(
            f"{path}: not found; eco settings needs {SETTINGS_FILE} at the ecosystem root "
            "(see docs/maintainer/settings.md)"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{path}: not valid TOML: {exc}") from None
    validate(data, _Check(path, text), complete=True)
    return text, data


def load_settings(root: Path, projects: list[Project]) -> dict[str, Settings]:
    """Each project's settings: the file with the project's registry overrides."""
    _, base = read_table(root / SETTINGS_FILE)
    registry = root / REGISTRY_FILE
    registry_text = registry.read_text(encoding="utf-8") if registry.exists() else ""
    out = {}
    for project in projects:
        override = dict(project.settings)
        check = _Check(registry, registry_text, ("projects", project.name, "settings"))
        validate(override, check, complete=False)
        out[project.name] = build(merge(base, override))
    return out


def build(table: Mapping[str, Any]) -> Settings:
    """The :class:`Settings` of a validated, complete table."""
    env = table["environment"]
    branch = table["branch-ruleset"]
    tag = table["tag-ruleset"]
    actions = table["actions"]
    return Settings(
        environment=Environment(
            name=env["name"],
            reviewers=tuple(sorted(env["reviewers"])),
            tag_pattern=env["tag-pattern"],
            admin_bypass=env["admin-bypass"],
        ),
        branch_ruleset=RulesetSpec(
            branch["name"],
            "branch",
            ("~DEFAULT_BRANCH",),
            tuple(sorted(branch["rules"])),
            tuple(sorted(branch["bypass"])),
        ),
        tag_ruleset=RulesetSpec(
            tag["name"],
            "tag",
            tuple(sorted(tag["include"])),
            tuple(sorted(tag["rules"])),
            tuple(sorted(tag["bypass"])),
        ),
        features=dict(table["features"]),
        security=dict(table["security"]),
        workflow_permissions=actions["default-workflow-permissions"],
        can_approve_reviews=actions["can-approve-pull-request-reviews"],
    )
