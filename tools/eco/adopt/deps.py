"""A project's test dependencies, wherever it keeps them.

Sources, read in this order and unioned by distribution name (first spelling wins): the
PEP 735 group ``tests``/``test`` (``include-group`` followed), ``requirements/tests.in``
(``-r`` to a sibling ``.in`` followed), tox's ``deps`` (``tox.ini`` ``[testenv]`` or
``[tool.tox.env_run_base]``), and ``[project.optional-dependencies]`` ``tests``/``test``.
"""

from __future__ import annotations

import configparser
import re
from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from eco.adopt.toml_paths import items
from eco.adopt.toml_paths import strings
from eco.adopt.toml_paths import table

_GROUPS = ("tests", "test")


def test_dependencies(
    pyproject: Mapping[str, Any], files: Mapping[str, str], notes: list[str]
) -> tuple[str, ...]:
    """Requirement strings the tests need (the project itself and ``-r``/``-c`` lines aside)."""
    found: list[str] = []
    groups = table(pyproject, "dependency-groups")
    if groups:
        for name in _GROUPS:
            if name in groups:
                found += _group(groups, name, notes, seen=set())
                break
    for name in ("requirements/tests.in", "requirements/test.in"):
        if name in files:
            found += _requirements_in(name, files, notes, seen=set())
            break
    found += _tox_deps(pyproject, files.get("tox.ini"), notes)
    optional = table(pyproject, "project", "optional-dependencies")
    for name in _GROUPS:
        if name in optional:
            found += strings(optional[name])
            break
    return _union(found, notes)


def _group(groups: Mapping[str, Any], name: str, notes: list[str], seen: set[str]) -> list[str]:
    if name in seen:
        return []
    seen.add(name)
    out: list[str] = []
    for item in items(groups.get(name)):
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict) and isinstance(item.get("include-group"), str):
            out += _group(groups, item["include-group"], notes, seen)
    return out


def _requirements_in(
    path: str, files: Mapping[str, str], notes: list[str], seen: set[str]
) -> list[str]:
    if path in seen:
        return []
    seen.add(path)
    out: list[str] = []
    for line in _lines(files.get(path, "")):
        if line.startswith(("-r ", "--requirement ")):
            target = "requirements/" + line.split(None, 1)[1].strip().removeprefix("./")
            if target in files:
                out += _requirements_in(target, files, notes, seen)
            continue
        if line.startswith("-"):
            continue
        out.append(line)
    return out


def _tox_deps(pyproject: Mapping[str, Any], tox_ini: str | None, notes: list[str]) -> list[str]:
    out: list[str] = []
    out += strings(table(pyproject, "tool", "tox", "env_run_base").get("deps"))
    if tox_ini:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(tox_ini)
        except configparser.Error:
            notes.append("tox.ini: not readable as an INI file; its deps were not read")
            return out
        if parser.has_option("testenv", "deps"):
            for line in _lines(parser.get("testenv", "deps")):
                if not line.startswith("-") and "{" not in line and line not in (".", "-e ."):
                    out.append(line)
    return out


def _lines(text: str) -> Iterable[str]:
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            yield line


def _union(found: list[str], notes: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    names: set[str] = set()
    for item in found:
        text = re.sub(r"\s+", " ", item.strip())
        try:
            name = canonicalize_name(Requirement(text).name)
        except InvalidRequirement:
            notes.append(f"test dependency {text!r} is not a requirement eco understands; left out")
            continue
        if name not in names:
            names.add(name)
            out.append(text)
    return tuple(out)
