"""The registry entry of an adopted project, written into ``projects.toml`` with tomlkit.

Facts are always written, even where they equal a default, so the entry says what was
read and a later change of the ecosystem's defaults cannot silently flip a project (an
MIT project does not become BSD when ``[defaults]`` changes; a pip-tools project does not
become uv). Two things follow the ecosystem instead, and are written only where the
project differs: ``python`` (``eco python apply`` keeps the ecosystem's list current)
and ``vars`` that equal ``[defaults]``.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.items

from eco.adopt.facts import Facts
from eco.errors import EcoError
from eco.errors import RegistryError
from eco.registry import BACKEND_RE
from eco.registry import CHANGELOG_FORMATS
from eco.registry import FILE_RE
from eco.registry import load_registry
from eco.registry import MODULE_RE
from eco.registry import parse_registry
from eco.registry import PYPI_RE
from eco.registry import Registry

# What the registry accepts for each value read from the project (written by its
# contributors: a value the registry would refuse is left out, with a note).
_PATTERNS = {
    "pypi": PYPI_RE,
    "module": MODULE_RE,
    "readme": FILE_RE,
    "license-file": FILE_RE,
    "changelog": FILE_RE,
    "build-backend": BACKEND_RE,
}


def refused(facts: Facts) -> dict[str, str]:
    """The facts read from the project that the registry would refuse, with why."""
    values = {
        "pypi": facts.pypi,
        "module": facts.module,
        "readme": facts.readme,
        "license-file": facts.license_file,
        "changelog": facts.changelog,
        "build-backend": facts.build_backend,
    }
    out = {}
    for key, value in values.items():
        if not value:
            continue
        if not _PATTERNS[key].match(value) or (
            key == "changelog" and Path(value).suffix not in CHANGELOG_FORMATS
        ):
            out[key] = (
                f"{key}: the project says {value[:80]!r}, which the registry refuses; "
                "set it by hand"
            )
    return out


def entry_data(
    registry: Registry, facts: Facts, *, repo: str | None, url: str | None
) -> dict[str, Any]:
    """The entry as plain data, in the order it is written (refused values left out)."""
    bad = refused(facts)
    data: dict[str, Any] = {}
    if repo:
        data["repo"] = repo
    if url:
        data["url"] = url
    if facts.pypi and "pypi" not in bad:
        data["pypi"] = facts.pypi
    if "module" not in bad:
        data["module"] = facts.module
    if facts.description:
        data["description"] = facts.description
    data["branch"] = facts.branch
    data["changelog"] = facts.changelog if "changelog" not in bad else ""
    if facts.python != registry.ecosystem.python:
        data["python"] = list(facts.python)
    data["generation"] = facts.generation
    data["tag-style"] = facts.tag_style
    data["typed"] = facts.typed
    if facts.readme and "readme" not in bad:
        data["readme"] = facts.readme
    if facts.license_file and "license-file" not in bad:
        data["license-file"] = facts.license_file
    if "build-backend" not in bad:
        data["build-backend"] = facts.build_backend
    data["docs-layout"] = facts.docs_layout
    variables = {}
    if facts.license and facts.license != registry.defaults.get("license"):
        variables["license"] = facts.license
    if facts.docs_format and facts.docs_format != registry.defaults.get("docs_format"):
        variables["docs_format"] = facts.docs_format
    if variables:
        data["vars"] = variables
    tests: dict[str, Any] = {}
    if facts.test_dependencies:
        tests["dependencies"] = list(facts.test_dependencies)
    if facts.apt:
        tests["apt"] = list(facts.apt)
    if facts.services:
        tests["services"] = {s.name: {"image": s.image, "port": s.port} for s in facts.services}
    if tests:
        data["tests"] = tests
    return data


def _table(data: dict[str, Any]) -> tomlkit.items.Table:
    table = tomlkit.table()
    for key, value in data.items():
        if key == "vars":
            inline = tomlkit.inline_table()
            inline.update(value)
            table.add(key, inline)
        elif key == "tests":
            tests = tomlkit.table()
            for tkey, tvalue in value.items():
                if tkey == "services":
                    services = tomlkit.table()
                    for name, spec in tvalue.items():
                        inline = tomlkit.inline_table()
                        inline.update(spec)
                        services.add(name, inline)
                    tests.add(tkey, services)
                else:
                    tests.add(tkey, _array(tvalue))
            table.add(key, tests)
        elif isinstance(value, list):
            table.add(key, _array(value))
        else:
            table.add(key, value)
    return table


def _array(values: list[str]) -> tomlkit.items.Array:
    array = tomlkit.array()
    array.extend(values)
    if sum(len(v) + 4 for v in values) > 70:
        array.multiline(True)
    return array


def registry_text_with(registry: Registry, name: str, data: dict[str, Any]) -> str:
    """``projects.toml`` with ``[projects.NAME]`` appended, the rest of the file unchanged;
    the result is validated as a registry before it is returned."""
    text = registry.path.read_text(encoding="utf-8")
    document = tomlkit.parse(text)
    projects = document.get("projects")
    if projects is None:
        projects = tomlkit.table(is_super_table=True)
        document.add("projects", projects)
    assert isinstance(projects, tomlkit.items.Table)
    projects.add(name, _table(data))
    new = tomlkit.dumps(document)
    try:
        parse_registry(registry.path, new, tomlkit.parse(new).unwrap())
    except RegistryError as exc:  # a fact eco read but the registry refuses: say which
        raise EcoError(f"the entry eco add made for {name} is not valid: {exc}") from None
    return new


def diff(before: str, after: str, path: str = "projects.toml") -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            f"a/{path}",
            f"b/{path}",
        )
    )


def write_registry(registry: Registry, before: str, after: str) -> None:
    """Replace ``projects.toml`` in one step, refusing when it changed since it was read."""
    if registry.path.read_text(encoding="utf-8") != before:
        raise EcoError(f"{registry.path} changed while eco add ran; run it again")
    partial = registry.path.with_name(registry.path.name + ".eco-add")
    partial.write_text(after, encoding="utf-8")
    partial.replace(registry.path)
    load_registry(registry.path)
