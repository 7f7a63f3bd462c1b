"""The other spellings of an upstream name: the same thing reached through another module.

Flask deprecated ``_request_ctx_stack`` as ``flask._request_ctx_stack`` and as
``flask.globals._request_ctx_stack`` — two module ``__getattr__`` hooks returning one
object, with one message — and an extension importing it ``from flask.globals`` uses the
deprecation as much as one writing ``flask._request_ctx_stack``. Two spellings are one
name when, followed through the package's own imports and ``__getattr__`` hooks
(:class:`~eco.deprecations.reexports.Reexports`), they lead to the same thing inside
that package.

The spellings come from two places:

- the upstream package itself, when it can be found on eco's import path: its source
  files are *read* and parsed with ``ast``, never imported, so no code of it runs;
- the maintainer: ``--also flask.globals._request_ctx_stack`` (paired with the NAME
  ending in the same part) or ``--also NAME=SPELLING``.

A name another package re-exports is not a spelling: ``flask.Markup`` was
``markupsafe.Markup``, the replacement, never a use of the deprecation.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from eco.deprecations.reexports import Reexports
from eco.deprecations.scan import all_names
from eco.deprecations.scopes import analyse
from eco.deprecations.scopes import Module
from eco.deprecations.scopes import qualify
from eco.errors import EcoError
from eco.registry import MODULE_RE

Spellings = dict[str, set[str]]


def upstream_spellings(names: Sequence[str], search_path: Sequence[str]) -> Spellings:
    """Each NAME with its other spellings in its installed package (just itself when
    the package is not on ``search_path``)."""
    packages: dict[str, Package | None] = {}
    spellings: Spellings = {}
    for name in names:
        top = name.split(".")[0]
        if top not in packages:
            packages[top] = read_package(top, search_path)
        package = packages[top]
        spellings[name] = {name} if package is None else spellings_in(package, name)
    return spellings


@dataclass(frozen=True)
class Package:
    """An upstream package read from its source: how its modules pass names on, and the
    names each module offers others (:func:`offered`)."""

    reexports: Reexports
    offered: dict[str, set[str]]


def spellings_in(package: Package, name: str) -> set[str]:
    """``name``, what it is defined as, and every name the package offers that leads to
    the same thing inside the package.

    ``flask._request_ctx_stack.top`` is spelled through each spelling of a prefix:
    ``flask.globals._request_ctx_stack.top``.
    """
    parts = name.split(".")
    found = {name}
    for end in range(2, len(parts) + 1):
        base = ".".join(parts[:end])
        origin = package.reexports.expand(base)
        rest = "".join("." + part for part in parts[end:])
        found |= {spelling + rest for spelling in origin}
        for module, attrs in package.offered.items():
            for attr in attrs:
                spelling = f"{module}.{attr}"
                if package.reexports.expand(spelling) & origin:
                    found.add(spelling + rest)
    return found


def read_package(top: str, search_path: Sequence[str]) -> Package | None:
    """The modules of package ``top`` from the first folder of ``search_path`` holding it,
    parsed and analysed (``None`` when no folder does). Nothing is imported."""
    for entry in search_path:
        folder = Path(entry or ".")
        if (folder / top / "__init__.py").is_file():
            files = sorted((folder / top).rglob("*.py"))
            break
        if (folder / f"{top}.py").is_file():
            files = [folder / f"{top}.py"]
            break
    else:
        return None
    modules: dict[str, Module] = {}
    getattrs: dict[str, dict[str, set[str]]] = {}
    offered: dict[str, set[str]] = {}
    for path in files:
        parts = list(path.relative_to(folder).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        if not all(
            (folder.joinpath(*parts[:i]) / "__init__.py").is_file() for i in range(1, len(parts))
        ):
            continue  # a folder that is not a package
        dotted = ".".join(parts)
        try:
            tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"), str(path))
        except (SyntaxError, ValueError):
            continue
        module = analyse(tree, dotted if is_package else dotted.rpartition(".")[0])
        modules[dotted] = module
        getattrs[dotted] = module_getattr(tree, module, dotted)
        offered[dotted] = set(getattrs[dotted]) | offered_names(tree, module, is_package)
    return Package(Reexports(modules, within=top, getattrs=getattrs), offered)


def offered_names(tree: ast.Module, module: Module, is_package: bool) -> set[str]:
    """The imported names a module offers others: every one in a package ``__init__``;
    in another module those in ``__all__`` or imported ``as`` themselves. A module's
    imports for its own use (``from .utils import ensure_dir``) are not offered."""
    imported = {n for n, bindings in module.end.names.items() if any(b.qualified for b in bindings)}
    if is_package:
        return imported
    explicit = {i.bound for i in module.imports if i.explicit_reexport and i.bound}
    return imported & (all_names(tree) | explicit)


def module_getattr(tree: ast.Module, module: Module, dotted: str) -> dict[str, set[str]]:
    """What a module-level ``def __getattr__(name)`` returns for each name it tests for.

    ``if name == "X": ... return Y`` gives ``X`` → what ``Y`` is: an imported name, or
    ``dotted.Y`` for a name the module itself binds.
    """
    served: dict[str, set[str]] = {}
    for function in tree.body:
        if not (isinstance(function, ast.FunctionDef) and function.name == "__getattr__"):
            continue
        if not function.args.args:
            continue
        parameter = function.args.args[0].arg
        for branch in ast.walk(function):
            if not isinstance(branch, ast.If):
                continue
            tested = _tested_names(branch.test, parameter)
            returned: set[str] = set()
            for statement in branch.body:
                for node in ast.walk(statement):
                    if isinstance(node, ast.Return) and node.value is not None:
                        returned |= _returned(module, node.value, dotted)
            for name in tested:
                served.setdefault(name, set()).update(returned)
    return served


def _tested_names(test: ast.expr, parameter: str) -> list[str]:
    """``name == "X"`` → ``["X"]``; ``name in ("X", "Y")`` → ``["X", "Y"]``."""
    if not (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == parameter
        and len(test.ops) == 1
    ):
        return []
    other = test.comparators[0]
    if isinstance(test.ops[0], ast.Eq) and isinstance(other, ast.Constant):
        return [other.value] if isinstance(other.value, str) else []
    if isinstance(test.ops[0], ast.In) and isinstance(other, ast.Tuple | ast.List | ast.Set):
        return [
            e.value for e in other.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
        ]
    return []


def _returned(module: Module, value: ast.expr, dotted: str) -> set[str]:
    found = qualify(module, value)
    if not found and isinstance(value, ast.Name) and module.reaching(value):
        found = {f"{dotted}.{value.id}"}
    return found


def pair_also(names: Sequence[str], also: Sequence[str]) -> Spellings:
    """Each NAME with the spellings ``--also`` gives it.

    ``SPELLING`` belongs to the NAME ending in the same part
    (``flask.globals._request_ctx_stack`` → ``flask._request_ctx_stack``);
    ``NAME=SPELLING`` says which NAME when that is not clear.
    """
    spellings: Spellings = {name: {name} for name in names}
    for entry in also:
        name, equals, spelling = entry.rpartition("=")
        for part in (name, spelling) if equals else (spelling,):
            if not MODULE_RE.match(part):
                raise EcoError(f"--also {entry!r}: {part!r} is not a dotted Python name")
        if equals:
            if name not in spellings:
                raise EcoError(f"--also {entry!r}: {name!r} is not one of the NAMEs")
            spellings[name].add(spelling)
            continue
        last = spelling.rpartition(".")[2]
        owners = [n for n in names if n.rpartition(".")[2] == last]
        if len(owners) != 1:
            problem = f"no NAME ends in {last!r}" if not owners else "several NAMEs end in it"
            raise EcoError(f"--also {entry!r}: {problem}; write NAME=SPELLING")
        spellings[owners[0]].add(spelling)
    return spellings


def merge(*maps: Mapping[str, set[str]]) -> Spellings:
    merged: Spellings = {}
    for spellings in maps:
        for name, spelled in spellings.items():
            merged.setdefault(name, {name}).update(spelled)
    return merged
