"""Every third-party module eco imports is a declared dependency, and nothing else is.

A module that arrives only because another dependency happens to bring it (``requests``
with PyGithub, ``pydantic`` with sigstore) breaks eco the day that dependency drops it.
The imports are read with ``ast`` — module level, inside functions, under
``TYPE_CHECKING`` — and mapped to the distributions that provide them.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.utils import NormalizedName

from tests.helpers import REPO

PACKAGE = REPO / "tools" / "eco"

# Declared, never imported: eco runs them as programs in a subprocess.
RUN_AS_PROGRAMS = {"build", "check-wheel-contents", "pip-tools", "twine"}


def imported_modules() -> dict[str, str]:
    """``{top-level module: first file importing it}`` for every absolute import."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.partition(".")[0], str(path.relative_to(REPO)))
    return found


def third_party(modules: dict[str, str]) -> dict[str, str]:
    return {
        module: where
        for module, where in modules.items()
        if module not in sys.stdlib_module_names and module not in ("eco", "__future__")
    }


def declared() -> set[NormalizedName]:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    return {canonicalize_name(Requirement(r).name) for r in pyproject["project"]["dependencies"]}


def test_the_reader_sees_imports_everywhere() -> None:
    modules = imported_modules()
    # module level, a function body (verify imports lazily), stdlib filtered out
    assert {"click", "github", "sigstore", "json"} <= modules.keys()
    assert "json" not in third_party(modules)


def test_every_imported_third_party_module_is_declared() -> None:
    provides = importlib.metadata.packages_distributions()
    missing = []
    used: set[NormalizedName] = set()
    for module, where in sorted(third_party(imported_modules()).items()):
        distributions = {canonicalize_name(d) for d in provides.get(module, [])}
        assert distributions, f"{where}: imports {module}, which no installed distribution provides"
        used |= distributions
        if not distributions & declared():
            missing.append(f"{module} ({where}; from {', '.join(sorted(distributions))})")
    assert not missing, "imported but not in [project] dependencies: " + "; ".join(missing)
    unused = declared() - used - RUN_AS_PROGRAMS
    assert not unused, f"declared but never imported nor run: {sorted(unused)}"


def test_runtime_requirements_match_the_declared_dependencies() -> None:
    text = (REPO / "requirements" / "runtime.in").read_text()
    lines = [line.partition("#")[0].strip() for line in text.splitlines()]
    names = {canonicalize_name(re.split(r"[\s\[<>=!~;]", line)[0]) for line in lines if line}
    assert names == declared()
