"""The five places a project states which Pythons it supports, read and cross-checked.

``pyproject.toml`` holds ``requires-python``, the ``Programming Language :: Python :: 3.N``
classifiers, ruff's ``target-version`` and mypy's ``python_version``;
``.github/workflows/tests.yaml`` holds the CI matrix (the Pythons the tests caller passes
to the reusable workflow, or a project's own matrix). All five must agree with the list
in the registry, which is what ``eco sync`` renders into them.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from packaging.specifiers import InvalidSpecifier
from packaging.specifiers import SpecifierSet

from eco.python.releases import base_version
from eco.registry import python_sort_key

PYPROJECT = "pyproject.toml"
TESTS_WORKFLOW = ".github/workflows/tests.yaml"
FILES = (PYPROJECT, TESTS_WORKFLOW)

_CLASSIFIER_RE = re.compile(r"^Programming Language :: Python :: (3\.\d+)$")
_VERSION_TOKEN_RE = re.compile(r"(?<![\w.-])3\.\d{1,2}t?(?![\w.])")
_RUFF_RE = re.compile(r"^py3(\d{1,2})$")


@dataclass(frozen=True)
class Places:
    """What a project's files say. ``None`` means the place is absent."""

    requires_python: str | None = None
    classifiers: tuple[str, ...] | None = None
    ci: tuple[str, ...] | None = None
    ruff: str | None = None  # as written, e.g. "py310"
    mypy: str | None = None  # as written, e.g. "3.10"
    problems: tuple[str, ...] = field(default_factory=tuple)  # unreadable files


def read_places(pyproject: str | None, workflow: str | None) -> Places:
    """Parse the two files' text (``None`` for a missing file)."""
    problems: list[str] = []
    project: dict[str, Any] = {}
    tool: dict[str, Any] = {}
    if pyproject is None:
        problems.append(f"{PYPROJECT} not found")
    else:
        try:
            data = tomllib.loads(pyproject)
        except tomllib.TOMLDecodeError as exc:
            problems.append(f"{PYPROJECT}: invalid TOML: {exc}")
            data = {}
        project = _table(data.get("project"))
        tool = _table(data.get("tool"))
    requires = project.get("requires-python")
    classifiers = [c for c in project.get("classifiers", []) if isinstance(c, str)]
    versions = [m.group(1) for c in classifiers if (m := _CLASSIFIER_RE.match(c.strip()))]
    ruff = _table(tool.get("ruff")).get("target-version")
    mypy = _table(tool.get("mypy")).get("python_version")
    ci: tuple[str, ...] | None = None
    if workflow is not None:
        try:
            ci = workflow_pythons(workflow)
        except ValueError as exc:
            problems.append(f"{TESTS_WORKFLOW}: {exc}")
    return Places(
        requires_python=requires if isinstance(requires, str) else None,
        classifiers=_sorted(versions) if versions else None,
        ci=ci,
        ruff=str(ruff) if ruff is not None else None,
        mypy=str(mypy) if mypy is not None else None,
        problems=tuple(problems),
    )


def workflow_pythons(text: str) -> tuple[str, ...] | None:
    """The CPython versions a tests workflow runs on, or ``None`` if it names none.

    Every value under ``jobs`` whose key mentions ``python`` counts: a reusable
    workflow's ``with: {pythons: '["3.12", "3.13"]'}`` input as well as a matrix's
    ``python: ['3.12', '3.13']`` or ``include: [{python: '3.13'}]``. PyPy entries
    (``pypy-3.11``) are not CPython and are left out.
    """
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"invalid YAML: {exc}") from None
    jobs = data.get("jobs") if isinstance(data, dict) else None
    found: set[str] = set()
    _collect(jobs, False, found)
    return _sorted(found) if found else None


def _collect(node: Any, in_python_key: bool, found: set[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _collect(value, in_python_key or "python" in str(key).lower(), found)
    elif isinstance(node, list):
        for item in node:
            _collect(item, in_python_key, found)
    elif in_python_key and isinstance(node, str | float):
        text = node if isinstance(node, str) else repr(node)
        found.update(_VERSION_TOKEN_RE.findall(text))


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _sorted(versions: Sequence[str] | set[str]) -> tuple[str, ...]:
    return tuple(sorted(set(versions), key=python_sort_key))


def minimum_allowed(requires_python: str) -> str | None:
    """The lowest ``3.N`` a ``requires-python`` specifier admits (``None`` if none)."""
    allowed = allowed_versions(requires_python, range(0, 40))
    return allowed[0] if allowed else None


def allowed_versions(requires_python: str, minors: Sequence[int] | range) -> list[str]:
    spec = SpecifierSet(requires_python)
    return [f"3.{n}" for n in minors if spec.contains(f"3.{n}.0", prereleases=True)]


def inconsistencies(places: Places, supported: Sequence[str]) -> list[str]:
    """Each place that disagrees with the registry's ``supported`` list, as a sentence."""
    bases = _sorted({base_version(v) for v in supported})
    minimum = bases[0]
    out = list(places.problems)
    if places.requires_python is None:
        out.append(f'requires-python is not set (expected ">={minimum}")')
    else:
        try:
            low = minimum_allowed(places.requires_python)
            allowed = set(
                allowed_versions(places.requires_python, [int(b.split(".")[1]) for b in bases])
            )
        except InvalidSpecifier:
            out.append(f"requires-python {places.requires_python!r} is not a valid specifier")
        else:
            if low != minimum:
                out.append(
                    f"requires-python {places.requires_python!r} allows {low or 'no 3.x'} "
                    f"as the minimum, expected {minimum}"
                )
            excluded = [b for b in bases if b not in allowed]
            if excluded:
                out.append(
                    f"requires-python {places.requires_python!r} excludes {', '.join(excluded)}"
                )
    if places.classifiers is not None and places.classifiers != bases:
        out.append(_set_difference("classifiers", places.classifiers, bases))
    if places.ci is None:
        out.append(f"no Python versions found in {TESTS_WORKFLOW}")
    else:
        ci_bases = _sorted({base_version(v) for v in places.ci})
        if ci_bases != bases:
            out.append(_set_difference("CI matrix", ci_bases, bases))
    if places.ruff is not None:
        match = _RUFF_RE.match(places.ruff)
        if not match or f"3.{match.group(1)}" != minimum:
            expected = "py" + minimum.replace(".", "")
            out.append(f"ruff target-version {places.ruff!r}, expected {expected!r}")
    if places.mypy is not None and places.mypy != minimum:
        out.append(f"mypy python_version {places.mypy!r}, expected {minimum!r}")
    return out


def _set_difference(what: str, have: Sequence[str], want: Sequence[str]) -> str:
    extra = [v for v in have if v not in want]
    missing = [v for v in want if v not in have]
    parts = []
    if extra:
        parts.append(f"has {', '.join(extra)} not supported")
    if missing:
        parts.append(f"lacks {', '.join(missing)}")
    return f"{what} {'; '.join(parts)}"
