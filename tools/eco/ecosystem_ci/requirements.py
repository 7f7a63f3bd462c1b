"""A project's test requirements, read from its source in whichever generation it uses.

- pip-tools generation: ``requirements/tests.txt`` (pinned), else ``requirements/tests.in``;
  ``-r``/``-c`` lines are followed inside the project.
- uv generation: the ``tests`` dependency group of ``pyproject.toml`` (else ``dev``), with
  ``include-group`` entries expanded, constrained to the versions ``uv.lock`` records.
- either, when neither is there: the project's own ``tests`` (``test``, ``testing``) extra
  from ``[project.optional-dependencies]``.

The registry's ``[projects.X.tests] dependencies`` are added, and pytest when nothing
names it. A project's files are data written by contributors: only requirement lines are
kept. Lines that would choose where packages come from (``--index-url``,
``--find-links``, a direct URL) are left out with a note — packages come only from the
ecosystem's index — and ``-r`` never leaves the project.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import replace
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from eco.errors import EcoError
from eco.registry import Project

_PIP_TOOLS_FILES = ("requirements/tests.txt", "requirements/tests.in")
_UV_GROUPS = ("tests", "dev")
_EXTRAS = ("tests", "test", "testing")


@dataclass(frozen=True)
class SuiteRequirements:
    """What a project's tests need installed besides the project itself."""

    requirements: tuple[str, ...]
    constraints: tuple[str, ...] = ()
    source: str = ""  # where they were read, for the report
    notes: tuple[str, ...] = ()
    extras: tuple[str, ...] = ()  # the project's own extras to install it with


def read_test_requirements(project: Project, source: Path) -> SuiteRequirements:
    """The requirements of ``project``'s tests, read from its source folder ``source``."""
    if project.generation == "uv":
        found = _uv_groups(source)
    else:
        found = _pip_tools(source)
    if not found.source:
        extra_found = _test_extra(source)
        if extra_found is not None:  # the lock's versions still hold
            found = replace(extra_found, constraints=found.constraints)
    extra = list(project.test_dependencies)
    names = {canonicalize_name(Requirement(r).name) for r in (*found.requirements, *extra)}
    if "pytest" not in names:
        extra.append("pytest")
    return SuiteRequirements(
        requirements=(*found.requirements, *extra),
        constraints=found.constraints,
        source=found.source,
        notes=found.notes,
        extras=found.extras,
    )


def _test_extra(source: Path) -> SuiteRequirements | None:
    """A ``tests`` (or ``test``, ``testing``) extra of the project, when it has no
    requirements file or dependency group: the older way to declare test dependencies."""
    if not (source / "pyproject.toml").is_file():
        return None
    project = _toml(source / "pyproject.toml").get("project", {})
    optional = project.get("optional-dependencies", {}) if isinstance(project, dict) else {}
    for extra in _EXTRAS:
        if isinstance(optional, dict) and extra in optional:
            where = f"pyproject.toml [project.optional-dependencies] {extra}"
            return SuiteRequirements((), source=where, extras=(extra,))
    return None


def _pip_tools(source: Path) -> SuiteRequirements:
    for name in _PIP_TOOLS_FILES:
        if (source / name).is_file():
            reader = _RequirementsFile(source)
            reader.read(source / name)
            return SuiteRequirements(
                tuple(reader.requirements), tuple(reader.constraints), name, tuple(reader.notes)
            )
    return SuiteRequirements((), notes=(f"no {' or '.join(_PIP_TOOLS_FILES)}",))


class _RequirementsFile:
    """pip's requirements file format, reduced to what a test environment may take."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.requirements: list[str] = []
        self.constraints: list[str] = []
        self.notes: list[str] = []
        self._seen: set[Path] = set()

    def read(self, path: Path, *, constraints: bool = False) -> None:
        path = path.resolve()
        if path in self._seen:
            return
        self._seen.add(path)
        rel = path.relative_to(self.root)
        for number, line in _logical_lines(path.read_text(encoding="utf-8")):
            where = f"{rel}:{number}"
            option, _, value = line.partition(" ")
            if option in ("-r", "--requirement", "-c", "--constraint"):
                self._include(where, path.parent / value.strip(), option in ("-c", "--constraint"))
            elif option in ("-e", "--editable") and value.strip() in (".", "file:.", "./"):
                continue  # the project itself: eco installs it
            elif line.startswith("-"):
                self.notes.append(f"{where}: {option} ignored (packages come from the index)")
            else:
                self._requirement(where, line, constraints)

    def _include(self, where: str, target: Path, constraints: bool) -> None:
        target = target.resolve()
        if not target.is_relative_to(self.root) or not target.is_file():
            raise EcoError(f"{where}: {target.name}: not a file inside the project")
        self.read(target, constraints=constraints)

    def _requirement(self, where: str, line: str, constraints: bool) -> None:
        text = line.split(" --hash", 1)[0].strip()
        try:
            requirement = Requirement(text)
        except InvalidRequirement as exc:
            raise EcoError(f"{where}: not a requirement: {exc}") from None
        if requirement.url is not None:
            self.notes.append(
                f"{where}: {requirement.name} @ URL ignored (packages come from the index)"
            )
            return
        (self.constraints if constraints else self.requirements).append(str(requirement))


def _logical_lines(text: str) -> Iterable[tuple[int, str]]:
    """Non-empty lines without comments, continuation lines joined, with their number."""
    pending = ""
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = (pending + line).strip()
        pending = ""
        if line:
            yield start, " ".join(line.split())


def _uv_groups(source: Path) -> SuiteRequirements:
    pyproject = _toml(source / "pyproject.toml")
    groups = pyproject.get("dependency-groups", {})
    if not isinstance(groups, dict):
        raise EcoError("pyproject.toml: [dependency-groups] is not a table")
    lock = source / "uv.lock"
    constraints = _lock_pins(_toml(lock)) if lock.is_file() else []
    group = next((g for g in _UV_GROUPS if g in groups), None)
    if group is None:
        note = "pyproject.toml: no tests or dev dependency group"
        return SuiteRequirements((), tuple(constraints), notes=(note,))
    requirements = _expand_group(groups, group, ())
    notes: list[str] = []
    if not lock.is_file():
        notes.append("no uv.lock: the group's requirements are resolved afresh")
    for requirement in requirements:
        if Requirement(requirement).url is not None:
            notes.append(
                f"[dependency-groups] {group}: {requirement} ignored (packages come from the index)"
            )
    kept = tuple(r for r in requirements if Requirement(r).url is None)
    return SuiteRequirements(
        kept, tuple(constraints), f"pyproject.toml [dependency-groups] {group}", tuple(notes)
    )


def _expand_group(groups: dict[str, Any], name: str, seen: tuple[str, ...]) -> list[str]:
    if name in seen:
        raise EcoError(f"pyproject.toml: dependency group {name!r} includes itself")
    entries = groups.get(name)
    if not isinstance(entries, list):
        raise EcoError(f"pyproject.toml: dependency-groups.{name}: expected a list")
    out: list[str] = []
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("include-group"), str):
            out += _expand_group(groups, entry["include-group"], (*seen, name))
        elif isinstance(entry, str):
            try:
                out.append(str(Requirement(entry)))
            except InvalidRequirement as exc:
                raise EcoError(f"pyproject.toml: dependency-groups.{name}: {exc}") from None
        else:
            raise EcoError(f"pyproject.toml: dependency-groups.{name}: unexpected entry {entry!r}")
    return out


def _lock_pins(lock: dict[str, Any]) -> list[str]:
    """``name==version`` for every package ``uv.lock`` takes from a registry."""
    pins = []
    for package in lock.get("package", []):
        source = package.get("source", {}) if isinstance(package, dict) else {}
        if isinstance(source, dict) and "registry" in source and "version" in package:
            pins.append(f"{canonicalize_name(str(package['name']))}=={package['version']}")
    return sorted(pins)


def _toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EcoError(f"{path.name}: not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise EcoError(f"{path.name}: invalid TOML: {exc}") from None
