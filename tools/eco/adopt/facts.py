"""A project's own facts, derived from what its repository holds: pure functions over a Source.

Each fact is read from the files that decide it (the licence from the licence text, the
generation from ``uv.lock`` / ``[dependency-groups]`` / ``requirements/*.in``, typed from
``py.typed``, ...). Whatever cannot be read or mapped becomes a note saying what was
assumed and how to change it: nothing is guessed silently.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from packaging.specifiers import InvalidSpecifier
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from eco.adopt.backend import read_backend
from eco.adopt.docs import read_changelog
from eco.adopt.docs import read_docs
from eco.adopt.licenses import declared
from eco.adopt.licenses import identify
from eco.adopt.source import Source
from eco.adopt.toml_paths import loads_tables
from eco.adopt.toml_paths import table
from eco.registry import Service

# The tables of pyproject.toml any fact is read from (the rest is never parsed).
PYPROJECT_TABLES = (
    "project",
    "build-system",
    "dependency-groups",
    "tool.flit",
    "tool.hatch",
    "tool.setuptools",
    "tool.setuptools_scm",
    "tool.setuptools-scm",
    "tool.tox",
    "tool.rye",
    "tool.poetry",
    "tool.pdm",
)
_VERSION_TAG = re.compile(r"^(v?)\d+(\.\d+)+$")


@dataclass(frozen=True)
class Facts:
    """What ``eco add`` writes into a registry entry, and what it noticed on the way."""

    branch: str
    pypi: str | None
    module: str
    description: str
    changelog: str  # "" when the project keeps none
    generation: str
    tag_style: str
    typed: bool
    readme: str | None
    license_file: str | None
    license: str | None  # SPDX, from the licence text (else the metadata)
    build_backend: str
    backend_kept_for: tuple[str, ...]  # the hooks and plugins that tie the project to it
    docs_layout: str
    docs_format: str | None
    docs_pages: Mapping[str, str]  # "changelog"/"license" -> the docs page that shows it
    requires_python: str | None
    python: tuple[str, ...]  # the ecosystem's Pythons that requires-python allows
    test_dependencies: tuple[str, ...]
    services: tuple[Service, ...]
    apt: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())
    # The facts that were assumed, not read (their notes say so): never a contradiction.
    assumed: frozenset[str] = field(default=frozenset())


def derive(
    source: Source,
    *,
    branch: str,
    tags: tuple[str, ...],
    supported: tuple[str, ...],
    default_generation: str,
    name: str,
    tests: bool = True,
) -> Facts:
    """Every fact of the project whose files are ``source``, in an ecosystem supporting
    ``supported``; ``tags`` are the remote's tag names, ``branch`` its default branch.
    ``tests=False`` leaves out what the tests need (dependencies, CI services: reading
    the workflows' YAML is most of the cost), which no registry check compares."""
    notes: list[str] = []
    pyproject = _pyproject(source, notes)
    project = table(pyproject, "project")
    pypi = project.get("name") if isinstance(project.get("name"), str) else None
    if pypi is None:
        notes.append("pyproject.toml has no [project] name: set pypi by hand")
    module = _module(source, pyproject, pypi or name, notes)
    description = project.get("description", "")
    backend, kept_for = read_backend(source, pyproject, notes)
    license_file = _license_file(source, project, notes)
    license = _license(source, project, license_file, notes)
    services: tuple[Service, ...] = ()
    apt: tuple[str, ...] = ()
    dependencies: tuple[str, ...] = ()
    if tests:  # imported here: eco check reads no test facts and skips their imports
        from eco.adopt.ci import read_ci
        from eco.adopt.deps import test_dependencies

        workflows = {p: t for p, t in source.files.items() if p.startswith(".github/workflows/")}
        ci = read_ci(workflows)
        notes += ci.notes
        services, apt = ci.services, ci.apt
        dependencies = test_dependencies(pyproject, source.files, notes)
    docs_layout, docs_format, pages = read_docs(source)
    requires_python, python = _pythons(project, supported, notes)
    changelog = read_changelog(source, notes)
    generation = _generation(source, pyproject, default_generation, notes)
    assumed = {
        fact
        for fact, prefix in (
            ("generation", "generation:"),
            ("build-backend", "no [build-system]"),
            ("tag-style", "tag style: no release tags"),
            ("python", "no requires-python"),
            ("module", "the import package could not be found"),
        )
        if any(n.startswith(prefix) for n in notes)
    }
    return Facts(
        branch=branch,
        pypi=pypi,
        module=module,
        description=description if isinstance(description, str) else "",
        changelog=changelog,
        generation=generation,
        tag_style=_tag_style(tags, notes),
        typed=_typed(source, module),
        readme=_readme(source, project, notes),
        license_file=license_file,
        license=license,
        build_backend=backend,
        backend_kept_for=kept_for,
        docs_layout=docs_layout,
        docs_format=docs_format,
        docs_pages=pages,
        requires_python=requires_python,
        python=python,
        test_dependencies=dependencies,
        services=services,
        apt=apt,
        notes=tuple(notes),
        assumed=frozenset(assumed),
    )


def _pyproject(source: Source, notes: list[str]) -> dict[str, Any]:
    text = source.text("pyproject.toml")
    if text is None:
        notes.append("no pyproject.toml: the metadata could not be read (a setup.py project?)")
        return {}
    try:
        return loads_tables(text, PYPROJECT_TABLES)
    except tomllib.TOMLDecodeError as exc:
        notes.append(f"pyproject.toml: invalid TOML ({exc}); the metadata could not be read")
        return {}


def _module(source: Source, pyproject: Mapping[str, Any], dist: str, notes: list[str]) -> str:
    flit = table(pyproject, "tool", "flit", "module").get("name")
    if isinstance(flit, str):
        return flit
    packages = [n.rstrip("/") for n in source.names("src") if n.endswith("/")]
    packages = [p for p in packages if "__init__.py" in source.names(f"src/{p}")]
    if len(packages) == 1:
        return packages[0]
    guess = re.sub(r"[^A-Za-z0-9_]", "_", dist).lower()
    top = [n.rstrip("/") for n in source.names() if n.endswith("/")]
    if guess in top or f"src/{guess}" in (f"src/{p}" for p in packages):
        return guess
    notes.append(f"the import package could not be found; module {guess!r} assumed")
    return guess


def _license_file(source: Source, project: Mapping[str, Any], notes: list[str]) -> str | None:
    files = project.get("license-files")
    if isinstance(files, list):
        for pattern in files:
            if isinstance(pattern, str) and source.exists(pattern):
                return pattern
    value = project.get("license")
    if isinstance(value, dict) and isinstance(value.get("file"), str):
        if source.exists(value["file"]):
            return str(value["file"])
    found = source.first_of(
        tuple(
            f"{stem}{suffix}"
            for stem in ("LICENSE", "LICENCE", "COPYING")
            for suffix in (".txt", ".rst", ".md", "")
        )
    )
    if found is None:
        notes.append("no licence file found at the top of the repository")
    return found


def _license(
    source: Source, project: Mapping[str, Any], license_file: str | None, notes: list[str]
) -> str | None:
    stated = declared(project)
    if license_file in source.links:
        notes.append(f"licence: {license_file} is a symbolic link; eco does not follow it")
    text = source.text(license_file) if license_file else None
    from_text = identify(text) if text else None
    if from_text and stated and stated != from_text:
        notes.append(
            f"licence: {license_file} is the {from_text} text but pyproject.toml says "
            f"{stated!r}; {from_text} (the text) is recorded — fix the metadata"
        )
    if from_text:
        return from_text
    if license_file and text is not None:
        notes.append(
            f"licence: the text of {license_file} is not one eco recognises "
            "(MIT, BSD-3-Clause, BSD-2-Clause, Apache-2.0)"
            + (f"; pyproject.toml's {stated!r} is recorded" if stated else "; set vars.license")
        )
    return stated


def _readme(source: Source, project: Mapping[str, Any], notes: list[str]) -> str | None:
    value = project.get("readme")
    if isinstance(value, dict):
        value = value.get("file")
    if isinstance(value, str) and source.exists(value):
        return value
    found = source.first_of(("README.md", "README.rst", "README.txt", "README"))
    if found is None:
        notes.append("no README found at the top of the repository")
    return found


def _generation(
    source: Source, pyproject: Mapping[str, Any], default: str, notes: list[str]
) -> str:
    for tool in ("rye", "poetry", "pdm"):
        if table(pyproject, "tool", tool):
            notes.append(
                f"[tool.{tool}] found: {tool} is not a generation eco manages; its development "
                "dependencies are not carried over by themselves — list what the tests need "
                "under tests.dependencies"
            )
    uv = source.exists("uv.lock") or isinstance(pyproject.get("dependency-groups"), dict)
    pip_tools = any(n.endswith(".in") for n in source.names("requirements"))
    if uv and pip_tools:
        notes.append("both uv.lock/[dependency-groups] and requirements/*.in: uv recorded")
    if uv:
        return "uv"
    if pip_tools:
        return "pip-tools"
    notes.append(
        f"generation: no uv.lock, [dependency-groups] or requirements/*.in; the ecosystem's "
        f"{default!r} recorded"
    )
    return default


def _tag_style(tags: tuple[str, ...], notes: list[str]) -> str:
    styles = [m.group(1) for t in tags if (m := _VERSION_TAG.match(t))]
    if not styles:
        notes.append("tag style: no release tags yet; X.Y.Z (the standard) recorded")
        return "X.Y.Z"
    with_v = styles.count("v")
    if with_v and with_v != len(styles):
        notes.append(f"tag style: {with_v} of {len(styles)} release tags start with v")
    return "vX.Y.Z" if with_v * 2 > len(styles) else "X.Y.Z"


def _typed(source: Source, module: str) -> bool:
    top = module.split(".")[0]
    return "py.typed" in source.names(f"src/{top}") or "py.typed" in source.names(top)


def _pythons(
    project: Mapping[str, Any], supported: tuple[str, ...], notes: list[str]
) -> tuple[str | None, tuple[str, ...]]:
    value = project.get("requires-python")
    if not isinstance(value, str):
        notes.append("no requires-python: the ecosystem's Pythons recorded")
        return None, supported
    try:
        spec = SpecifierSet(value)
    except InvalidSpecifier:
        notes.append(f"requires-python {value!r} is not a version specifier; ignored")
        return value, supported
    allowed = tuple(v for v in supported if spec.contains(Version(v.rstrip("t")), prereleases=True))
    if not allowed:
        notes.append(f"requires-python {value!r} allows none of {', '.join(supported)}")
        return value, supported
    oldest = Version(supported[0].rstrip("t"))
    older = Version(f"{oldest.major}.{oldest.minor - 1}") if oldest.minor else None
    if older is not None and spec.contains(older, prereleases=True):
        notes.append(
            f"requires-python {value!r} allows Pythons older than the ecosystem's "
            f"{supported[0]}: adoption raises it"
        )
    return value, allowed
