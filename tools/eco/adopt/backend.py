"""A project's build backend, and whatever ties the project to it.

flit_core is the ecosystem's backend; any other is the project's own and is kept. The
reasons it must be kept are read from ``pyproject.toml`` (and ``setup.py``'s text, never
run): hatch build hooks and ``artifacts``, version sources (hatch-vcs, setuptools-scm),
extension modules, other build requirements.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from eco.adopt.source import Source
from eco.adopt.toml_paths import strings
from eco.adopt.toml_paths import table

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


def read_backend(
    source: Source, pyproject: Mapping[str, Any], notes: list[str]
) -> tuple[str, tuple[str, ...]]:
    """The backend's distribution name, and why the project is tied to it (its hooks,
    plugins and dynamic versions: reasons to keep it rather than move to flit_core)."""
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
