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

from eco.adopt.ci import read_ci
from eco.adopt.deps import test_dependencies
from eco.adopt.licenses import declared
from eco.adopt.licenses import identify
from eco.adopt.source import Source
from eco.adopt.toml_paths import strings
from eco.adopt.toml_paths import table
from eco.registry import Service

# build-backend object -> the backend's distribution name (what `build-backend` records)
BACKENDS = {
    "flit_core.buildapi": "flit_core",
    "hatchling.build": "hatchling",
    "setuptools.build_meta": "setuptools",
    "setuptools.build_meta:__legacy__": "setuptools",
    "pdm.backend": "pdm-backend",
    "poetry.core.masonry.api": "poetry-core",
    "maturin": "maturin",
    "scikit_build_core.build": "scikit-build-core",
}
_CHANGELOGS = tuple(
    f"{stem}{suffix}"
    for stem in ("CHANGES", "CHANGELOG", "HISTORY", "NEWS")
    for suffix in (".rst", ".md")
)
_DOCS_CHANGELOGS = tuple(
    f"docs/{stem}{suffix}"
    for stem in ("changes", "changelog", "history")
    for suffix in (".rst", ".md")
)
_LICENSE_PAGES = tuple(
    f"docs/{stem}{sx}" for stem in ("license", "licence") for sx in (".rst", ".md")
)
_INCLUDE_RE = re.compile(r"(?:\.\. include::|\{include\})\s*(\S+)")
_TOCTREE_RE = re.compile(r"^\s*(?:\.\. toctree::|[`:]{3,}\s*\{toctree\})", re.MULTILINE)
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
) -> Facts:
    """Every fact of the project whose files are ``source``, in an ecosystem supporting
    ``supported``; ``tags`` are the remote's tag names, ``branch`` its default branch."""
    notes: list[str] = []
    pyproject = _pyproject(source, notes)
    project = table(pyproject, "project")
    pypi = project.get("name") if isinstance(project.get("name"), str) else None
    if pypi is None:
        notes.append("pyproject.toml has no [project] name: set pypi by hand")
    module = _module(source, pyproject, pypi or name, notes)
    description = project.get("description", "")
    backend, kept_for = _backend(source, pyproject, notes)
    license_file = _license_file(source, project, notes)
    license = _license(source, project, license_file, notes)
    workflows = {p: t for p, t in source.files.items() if p.startswith(".github/workflows/")}
    ci = read_ci(workflows)
    notes += ci.notes
    docs_layout, docs_format, pages = _docs(source)
    requires_python, python = _pythons(project, supported, notes)
    changelog = _changelog(source, notes)
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
        test_dependencies=test_dependencies(pyproject, source.files, notes),
        services=ci.services,
        apt=ci.apt,
        notes=tuple(notes),
        assumed=frozenset(assumed),
    )


def _pyproject(source: Source, notes: list[str]) -> dict[str, Any]:
    text = source.text("pyproject.toml")
    if text is None:
        notes.append("no pyproject.toml: the metadata could not be read (a setup.py project?)")
        return {}
    try:
        return tomllib.loads(text)
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


def _backend(
    source: Source, pyproject: Mapping[str, Any], notes: list[str]
) -> tuple[str, tuple[str, ...]]:
    system = table(pyproject, "build-system")
    obj = system.get("build-backend")
    if not isinstance(obj, str):
        notes.append("no [build-system] build-backend: setuptools (the legacy default) assumed")
        obj = "setuptools.build_meta:__legacy__"
    backend = BACKENDS.get(obj)
    if backend is None:
        backend = re.split(r"[.:]", obj, maxsplit=1)[0].replace("_", "-")
        notes.append(f"build backend {obj!r} is not one eco knows; recorded as {backend!r}")
    requires = strings(system.get("requires"))
    reasons: list[str] = []
    others = [
        r
        for r in requires
        if re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0].lower().replace("_", "-")
        not in {backend.replace("_", "-"), "wheel"}
    ]
    if others:
        reasons.append(f"build requirements {', '.join(others)}")
    build = table(pyproject, "tool", "hatch", "build")
    if build.get("hooks"):
        reasons.append(f"hatch build hooks ({', '.join(map(str, table(build, 'hooks')))})")
    if build.get("artifacts"):
        reasons.append("[tool.hatch.build] artifacts")
    for target, spec in table(build, "targets").items():
        if table(spec, "hooks"):
            reasons.append(f"hatch build hooks of the {target} target")
    source_of_version = table(pyproject, "tool", "hatch", "version").get("source")
    if source_of_version not in (None, "regex"):
        reasons.append(f"hatch version source {source_of_version!r}")
    if table(pyproject, "tool", "hatch", "metadata", "hooks"):
        reasons.append("hatch metadata hooks")
    tool = table(pyproject, "tool")
    if "setuptools_scm" in tool or "setuptools-scm" in tool:
        reasons.append("setuptools-scm versions")
    if table(pyproject, "tool", "setuptools").get("ext-modules"):
        reasons.append("setuptools ext-modules")
    setup_py = source.text("setup.py")
    if setup_py is not None:
        reasons.append("setup.py with ext_modules" if "ext_modules" in setup_py else "a setup.py")
    if backend != "flit_core" and not reasons:
        notes.append(
            f"build backend {backend} has no hooks or plugins; it is kept — set "
            'build-backend = "flit_core" to move to the standard backend'
        )
    return backend, tuple(dict.fromkeys(reasons))


def _first_existing(source: Source, names: tuple[str, ...]) -> str | None:
    top = {n.lower(): n for n in source.names()}
    for name in names:
        if name.lower() in top:
            return top[name.lower()]
    return None


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
    found = _first_existing(
        source,
        tuple(
            f"{stem}{suffix}"
            for stem in ("LICENSE", "LICENCE", "COPYING")
            for suffix in (".txt", ".rst", ".md", "")
        ),
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
    found = _first_existing(source, ("README.md", "README.rst", "README.txt", "README"))
    if found is None:
        notes.append("no README found at the top of the repository")
    return found


def _changelog(source: Source, notes: list[str]) -> str:
    found = _first_existing(source, _CHANGELOGS)
    if found is None:
        for page in _DOCS_CHANGELOGS:
            text = source.text(page)
            if text is not None and not _INCLUDE_RE.search(text):
                found = page
                break
    if found is None:
        bare = _first_existing(source, ("CHANGES", "CHANGELOG", "HISTORY"))
        if bare:
            notes.append(
                f"changelog {bare} has no .rst or .md extension: eco release cannot read it; "
                'recorded as none (changelog = "")'
            )
        return ""
    text = source.text(found) or ""
    if not re.search(r"^(#+ )?Version \d", text, re.MULTILINE):
        notes.append(
            f"changelog {found} has no 'Version X.Y.Z' sections (the Pallets format): "
            "eco release cannot date its entries until it does"
        )
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


def _docs(source: Source) -> tuple[str, str | None, dict[str, str]]:
    names = source.names("docs")
    index = next((f"docs/{n}" for n in ("index.rst", "index.md") if n in names), None)
    if index is None:
        return "none", None, {}
    docs_format = "md" if index.endswith(".md") else "rst"
    pages = {}
    for kind, candidates in (("changelog", _DOCS_CHANGELOGS), ("license", _LICENSE_PAGES)):
        page = next((p for p in candidates if p.rpartition("/")[2] in names), None)
        if page:
            pages[kind] = page
    layout = "multi" if _TOCTREE_RE.search(source.text(index) or "") else "single"
    return layout, docs_format, pages


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
