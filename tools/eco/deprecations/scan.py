"""Find uses of upstream names (``flask.Markup``, ``werkzeug.urls.url_quote``) in code.

The scan reads the syntax tree, never the text, so comments, strings and docstrings
never match, and names are resolved through the module's imports and scopes
(:mod:`eco.deprecations.scopes`). A use is any of:

- an import of the name or of something under it: ``import werkzeug.urls``,
  ``from flask import Markup``, ``from flask.helpers import send_from_directory as s``;
- a name bound by such an import, wherever it is loaded: ``Markup(...)``, ``s(...)``;
- an attribute chain on an imported module: ``flask.Markup``, ``f.helpers.x`` after
  ``import flask as f``;
- a re-export: the import of the name in a package plus its ``__all__`` entry.

Each use is reported once, at the innermost node that means the name: ``flask.Markup``
in ``flask.Markup.escape(s)``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from eco.deprecations.scopes import analyse
from eco.deprecations.scopes import Module
from eco.deprecations.scopes import qualify


@dataclass(frozen=True)
class Source:
    """A Python file of a project: its path (POSIX, relative) and text."""

    path: str
    text: str


@dataclass(frozen=True, order=True)
class Use:
    path: str
    line: int
    column: int
    name: str  # the deprecated name searched for
    kind: str  # "import" | "use" | "re-export"
    code: str  # the source line, stripped

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "name": self.name,
            "kind": self.kind,
            "code": self.code,
        }


@dataclass(frozen=True)
class ScanResult:
    uses: tuple[Use, ...]
    unparsed: tuple[str, ...]  # "path: why" for files that are not valid Python


def under(qualified: str, target: str) -> bool:
    """``qualified`` is ``target`` or something inside it."""
    return qualified == target or qualified.startswith(target + ".")


def module_name(path: str, paths: set[str]) -> str | None:
    """The dotted module of ``path`` given the package folders (``__init__.py``) in ``paths``.

    ``src/flask_foo/views.py`` → ``flask_foo.views`` when ``src/flask_foo/__init__.py`` exists.
    """
    pure = PurePosixPath(path)
    parts = [] if pure.name == "__init__.py" else [pure.stem]
    folder = pure.parent
    while str(folder / "__init__.py") in paths:
        parts.insert(0, folder.name)
        if folder.parent == folder:
            break
        folder = folder.parent
    return ".".join(parts) or None


def package_of(path: str, paths: set[str]) -> str | None:
    """The package relative imports in ``path`` start from (``None``: not in a package)."""
    module = module_name(path, paths)
    if module is None:
        return None
    if PurePosixPath(path).name == "__init__.py":
        return module
    return module.rpartition(".")[0] if "." in module else ""


def scan_sources(sources: Iterable[Source], names: Sequence[str]) -> ScanResult:
    """Every use of ``names`` in ``sources``, sorted by path and line."""
    sources = list(sources)
    paths = {s.path for s in sources}
    uses: list[Use] = []
    unparsed: list[str] = []
    for source in sources:
        try:
            tree = ast.parse(source.text, filename=source.path)
        except (SyntaxError, ValueError) as exc:
            line = getattr(exc, "lineno", None)
            where = f"{source.path}:{line}" if line else source.path
            unparsed.append(f"{where}: {getattr(exc, 'msg', exc)}")
            continue
        uses += scan_tree(tree, source, names, package_of(source.path, paths))
    return ScanResult(tuple(sorted(set(uses))), tuple(unparsed))


def scan_tree(
    tree: ast.Module, source: Source, names: Sequence[str], package: str | None
) -> list[Use]:
    module = analyse(tree, package)
    lines = source.text.splitlines()
    found: list[Use] = []

    def add(node: ast.expr | ast.stmt, name: str, kind: str) -> None:
        code = lines[node.lineno - 1].strip() if node.lineno <= len(lines) else ""
        found.append(Use(source.path, node.lineno, node.col_offset + 1, name, kind, code))

    is_package = PurePosixPath(source.path).name == "__init__.py"
    exported = _all_names(tree)
    for imported in module.imports:
        for name in names:
            if under(imported.qualified, name):
                reexport = imported.explicit_reexport or (
                    is_package and imported.bound is not None and imported.bound in exported
                )
                add(imported.node, name, "re-export" if reexport else "import")
    for node in ast.walk(tree):
        if isinstance(node, ast.Name | ast.Attribute):
            for name in names:
                if _means(module, node, name) and not (
                    isinstance(node, ast.Attribute) and _means(module, node.value, name)
                ):
                    add(node, name, "use")
    for entry, line_node in _all_entries(tree):
        for qualified in module.exported(entry):
            for name in names:
                if under(qualified, name):
                    add(line_node, name, "re-export")
    return found


def _means(module: Module, node: ast.expr, name: str) -> bool:
    """Whether ``node`` (a Name or an attribute chain on one) refers to ``name`` or inside it."""
    return any(under(qualified, name) for qualified in qualify(module, node))


def _all_entries(tree: ast.Module) -> list[tuple[str, ast.expr]]:
    """The string entries of a module-level ``__all__`` with their nodes."""
    entries: list[tuple[str, ast.expr]] = []
    for statement in tree.body:
        value: ast.expr | None = None
        if isinstance(statement, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in statement.targets
        ):
            value = statement.value
        elif isinstance(statement, ast.AugAssign | ast.AnnAssign) and (
            isinstance(statement.target, ast.Name) and statement.target.id == "__all__"
        ):
            value = statement.value
        elif (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Call)
            and isinstance(statement.value.func, ast.Attribute)
            and isinstance(statement.value.func.value, ast.Name)
            and statement.value.func.value.id == "__all__"
            and statement.value.func.attr in ("extend", "append")
        ):
            value = ast.List(elts=list(statement.value.args))
        if isinstance(value, ast.List | ast.Tuple):
            entries += [
                (e.value, e)
                for e in value.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            ]
    return entries


def _all_names(tree: ast.Module) -> set[str]:
    return {entry for entry, _ in _all_entries(tree)}
