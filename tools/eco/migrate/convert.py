"""Convert a project's dependency files between the generations: pure, no I/O.

pip-tools -> uv
    Each ``requirements/NAME.in`` becomes the dependency group ``NAME``: its requirement
    lines as they are, each ``-r OTHER.in`` an ``{include-group = "OTHER"}``. A ``-c``
    line needs nothing: one ``uv.lock`` resolves every group together, so a group's pins
    agree with another's by construction. Groups the project already has keep their
    entries; the requirements files go.
uv -> pip-tools
    Each dependency group becomes ``requirements/NAME.in`` (an include a ``-r`` line);
    the pins ``uv.lock`` holds for the packages a group reaches become ``NAME.txt``, with
    no eco header, so the next ``eco lock`` resolves the file once and keeps those pins
    (pip-compile and ``uv pip compile`` both prefer what the output file already pins).
    ``[dependency-groups]`` and ``[tool.uv] default-groups`` go, and so does ``uv.lock``.

Every requirement of the one side is in the other after the conversion:
:func:`dependencies` reads both shapes, and the tests compare them.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import tomlkit

from eco.errors import EcoError

REQUIREMENTS = "requirements"
PYPROJECT = "pyproject.toml"
UV_LOCK = "uv.lock"
_REF_RE = re.compile(r"^\s*(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+)(\S+)")
_NAME_RE = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


class MigrateError(EcoError):
    """The project's files cannot be converted; the message names the file and line."""


@dataclass(frozen=True)
class Conversion:
    """The files a migration writes (``None``: deleted), and what it says about them."""

    files: dict[str, str | None]
    notes: tuple[str, ...] = field(default=())


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(line: str) -> str:
    match = _NAME_RE.match(line)
    return normalize(match.group(1)) if match else line.strip()


def read_in_file(name: str, text: str) -> tuple[list[str], list[str], list[str]]:
    """``(requirements, includes, constraints)`` of one ``.in`` file: requirement lines
    without their comments, the ``.in`` files it includes (stems), the files it is
    constrained by."""
    requirements: list[str] = []
    includes: list[str] = []
    constraints: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.sub(r"(^|\s+)#.*$", "", raw).strip()
        if not line:
            continue
        ref = _REF_RE.match(line)
        if ref:
            target = ref.group(2).removeprefix("./")
            if "/" in target:
                raise MigrateError(
                    f"{REQUIREMENTS}/{name}:{number}: {target} is outside {REQUIREMENTS}/; "
                    "expected another file of the folder"
                )
            if ref.group(1) in ("-c", "--constraint"):
                constraints.append(target)
            elif target.endswith(".in"):
                includes.append(target[:-3])
            else:
                raise MigrateError(
                    f"{REQUIREMENTS}/{name}:{number}: -r {target}: expected an .in file "
                    "(a group can only include another group)"
                )
            continue
        if line.startswith("-"):
            raise MigrateError(
                f"{REQUIREMENTS}/{name}:{number}: {line.split()[0]} has no place in a "
                "dependency group; remove it before migrating"
            )
        requirements.append(line)
    return requirements, includes, constraints


def to_uv(pyproject: str, requirements: Mapping[str, str]) -> Conversion:
    """The uv generation's files from ``pyproject`` and the ``requirements/`` folder
    (``{file name: text}``)."""
    document = _document(pyproject)
    groups = document.get("dependency-groups")
    if groups is None:
        groups = tomlkit.table()
        document["dependency-groups"] = groups
    notes = []
    sources = sorted(n for n in requirements if n.endswith(".in"))
    if not sources:
        raise MigrateError(f"{REQUIREMENTS}/: no .in file to make dependency groups of")
    for name in sources:
        wanted, includes, constraints = read_in_file(name, requirements[name])
        group = name[:-3]
        entries = groups.get(group)
        if entries is None:
            entries = tomlkit.array()
            entries.multiline(True)
            groups[group] = entries
        present = {_entry_key(e) for e in entries}
        for include in includes:
            if include not in {n[:-3] for n in sources}:
                raise MigrateError(f"{REQUIREMENTS}/{name}: -r {include}.in: no such file")
            if f"group:{include}" not in present:
                entries.append(_include(include))
        for requirement in wanted:
            if _requirement_name(requirement) not in present:
                entries.append(requirement)
        for constraint in constraints:
            notes.append(
                f"{REQUIREMENTS}/{name}: -c {constraint} needs no equivalent: uv.lock "
                "resolves every group together"
            )
    files: dict[str, str | None] = {PYPROJECT: tomlkit.dumps(document)}
    for name in requirements:
        if name.endswith((".in", ".txt")):
            files[f"{REQUIREMENTS}/{name}"] = None
    if any(name.endswith(".txt") for name in requirements):
        notes.append(
            "the pins of requirements/*.txt are not carried into uv.lock: `eco lock` "
            "resolves the groups anew, within the same requirements"
        )
    return Conversion(files, tuple(notes))


def to_pip_tools(pyproject: str, uv_lock: str | None, target: str | None = None) -> Conversion:
    """The pip-tools generation's files from ``pyproject`` and its ``uv.lock``; the groups
    are taken out of ``target`` (default: ``pyproject``), the pyproject.toml written."""
    groups = _document(pyproject).get("dependency-groups")
    if not groups:
        raise MigrateError(f"{PYPROJECT}: no [dependency-groups] to make requirements of")
    files: dict[str, str | None] = {}
    locked = _lock_graph(uv_lock)
    notes = []
    for group, entries in groups.items():
        lines = [f"# The {group} dependency group, migrated from {PYPROJECT}."]
        for entry in entries:
            if isinstance(entry, Mapping):
                include = entry.get("include-group")
                if not isinstance(include, str):
                    raise MigrateError(
                        f"{PYPROJECT}: dependency-groups.{group}: expected a requirement or "
                        f"{{include-group = ...}}, got {dict(entry)!r}"
                    )
                lines.append(f"-r {include}.in")
            else:
                lines.append(str(entry))
        files[f"{REQUIREMENTS}/{group}.in"] = "\n".join(lines) + "\n"
        pins = _group_pins(group, groups, locked)
        if pins:
            files[f"{REQUIREMENTS}/{group}.txt"] = "".join(
                f"{name}=={version}\n" for name, version in sorted(pins.items())
            )
    document = _document(pyproject if target is None else target)
    if "dependency-groups" in document:
        del document["dependency-groups"]
    uv = document.get("tool", {}).get("uv")
    if uv is not None and "default-groups" in uv:
        del uv["default-groups"]
        if not uv:
            del document["tool"]["uv"]
    # what followed the groups at the end of the file goes with them
    files[PYPROJECT] = tomlkit.dumps(document).rstrip() + "\n"
    if uv_lock is not None:
        files[UV_LOCK] = None
    else:
        notes.append(f"no {UV_LOCK}: no pins to carry; `eco lock` resolves every file")
    return Conversion(files, tuple(notes))


def dependencies(pyproject: str, requirements: Mapping[str, str]) -> dict[str, set[str]]:
    """Every group's requirements by normalized name, includes followed, from either
    shape: what a migration must carry across (both directions compare equal)."""
    direct: dict[str, tuple[set[str], set[str]]] = {}
    groups = tomllib.loads(pyproject).get("dependency-groups", {})
    for group, entries in groups.items():
        names = {_requirement_name(e) for e in entries if isinstance(e, str)}
        includes = {e["include-group"] for e in entries if isinstance(e, dict)}
        direct[group] = (names, includes)
    for name, text in requirements.items():
        if name.endswith(".in"):
            wanted, included, _ = read_in_file(name, text)
            names, more = direct.setdefault(name[:-3], (set(), set()))
            names.update(_requirement_name(r) for r in wanted)
            more.update(included)

    def reach(group: str, seen: frozenset[str]) -> set[str]:
        names, includes = direct.get(group, (set(), set()))
        out = set(names)
        for include in includes - seen:
            out |= reach(include, seen | {include})
        return out

    return {group: reach(group, frozenset({group})) for group in direct}


def _document(pyproject: str) -> tomlkit.TOMLDocument:
    try:
        return tomlkit.parse(pyproject)
    except Exception as exc:  # tomlkit raises its own ParseError family
        raise MigrateError(f"{PYPROJECT}: not valid TOML ({exc})") from None


def _include(group: str) -> Any:
    """``{ include-group = "GROUP" }`` spelled as the skeleton and uv write it."""
    return tomlkit.parse(f"x = {{ include-group = {json.dumps(group)} }}")["x"]


def _entry_key(entry: Any) -> str:
    if isinstance(entry, Mapping):
        return f"group:{entry.get('include-group')}"
    return _requirement_name(str(entry))


def _lock_graph(uv_lock: str | None) -> dict[str, Any]:
    if not uv_lock:
        return {}
    try:
        return tomllib.loads(uv_lock)
    except tomllib.TOMLDecodeError as exc:
        raise MigrateError(f"{UV_LOCK}: not valid TOML ({exc})") from None


def _group_pins(group: str, groups: Any, lock: Mapping[str, Any]) -> dict[str, str]:
    """``{name: version}`` of every package ``uv.lock`` pins for ``group`` (its own
    requirements, its includes', and all they depend on)."""
    packages = {normalize(p["name"]): p for p in lock.get("package", []) if "name" in p}
    root = next(
        (p for p in packages.values() if "editable" in p.get("source", {}))
        or (p for p in packages.values() if "virtual" in p.get("source", {})),
        None,
    )
    if root is None:
        return {}
    dev = root.get("dev-dependencies", {})
    todo = [normalize(d["name"]) for d in dev.get(group, [])]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen or name not in packages:
            continue
        seen.add(name)
        package = packages[name]
        todo += [normalize(d["name"]) for d in package.get("dependencies", [])]
        for extra in package.get("optional-dependencies", {}).values():
            todo += [normalize(d["name"]) for d in extra]
    return {
        name: str(packages[name].get("version"))
        for name in seen
        if "registry" in packages[name].get("source", {})
    }
