"""Find uses of upstream names (``flask.Markup``, ``werkzeug.urls.url_quote``) in code.

The scan reads the syntax tree, never the text, so comments, strings and docstrings
never match, and names are resolved through the module's imports and scopes
(:mod:`eco.deprecations.scopes`). A use is any of:

- an import of the name or of something under it: ``import werkzeug.urls``,
  ``from flask import Markup``, ``from flask.helpers import send_from_directory as s``;
- a name bound by such an import, wherever it is loaded: ``Markup(...)``, ``s(...)``;
- an attribute chain on an imported module: ``flask.Markup``, ``f.helpers.x`` after
  ``import flask as f``;
- a re-export: the import of the name in a package plus its ``__all__`` entry;
- any of these through another spelling of the name (``flask.globals._request_ctx_stack``
  for ``flask._request_ctx_stack``, :mod:`eco.deprecations.spellings`) or through the
  project's own re-exports (``from . import Markup`` in a sibling of the package
  ``__init__`` that imports ``flask.Markup``, :mod:`eco.deprecations.reexports`).

Each use is reported once, at the innermost node that means the name: ``flask.Markup``
in ``flask.Markup.escape(s)``.
"""

from __future__ import annotations

import ast
from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from eco.deprecations.reexports import Reexports
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
    via: str = ""  # how the code spells it when not as ``name``: "flask_foo.Markup"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "name": self.name,
            "kind": self.kind,
            "code": self.code,
            "via": self.via or None,
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


def scan_sources(
    sources: Iterable[Source],
    names: Sequence[str],
    *,
    spellings: Mapping[str, Collection[str]] | None = None,
) -> ScanResult:
    """Every use of ``names`` in ``sources``, sorted by path and line.

    ``spellings`` gives a NAME its other spellings (:mod:`eco.deprecations.spellings`):
    a use of any of them is a use of the NAME. The project's own re-exports are
    followed across ``sources``.
    """
    sources = list(sources)
    paths = {s.path for s in sources}
    unparsed: list[str] = []
    parsed: list[tuple[Source, ast.Module, Module]] = []
    for source in sources:
        try:
            tree = ast.parse(source.text, filename=source.path)
        except (SyntaxError, ValueError) as exc:
            line = getattr(exc, "lineno", None)
            where = f"{source.path}:{line}" if line else source.path
            unparsed.append(f"{where}: {getattr(exc, 'msg', exc)}")
            continue
        parsed.append((source, tree, analyse(tree, package_of(source.path, paths))))
    project = Reexports(_importable(parsed, paths))
    matcher = Matcher(names, spellings or {}, project)
    uses: list[Use] = []
    for source, tree, module in parsed:
        uses += scan_tree(tree, source, module, matcher)
    return ScanResult(tuple(sorted(set(uses))), tuple(unparsed))


def _importable(
    parsed: Sequence[tuple[Source, ast.Module, Module]], paths: set[str]
) -> dict[str, Module]:
    """The project's modules other code can import, by dotted name: package modules and
    top-level modules (``flask_foo.py``, ``src/flask_foo.py``), never a name two files
    share."""
    found: dict[str, list[Module]] = {}
    for source, _, module in parsed:
        pure = PurePosixPath(source.path)
        name = module_name(source.path, paths)
        in_package = str(pure.parent / "__init__.py") in paths
        top_level = len(pure.parts) == 1 or (len(pure.parts) == 2 and pure.parts[0] == "src")
        if name and (in_package or top_level):
            found.setdefault(name, []).append(module)
    return {name: modules[0] for name, modules in found.items() if len(modules) == 1}


class Matcher:
    """Which searched NAMEs a qualified name means, and through which spelling."""

    def __init__(
        self,
        names: Sequence[str],
        spellings: Mapping[str, Collection[str]],
        project: Reexports,
    ) -> None:
        self.spellings = {name: sorted({name, *spellings.get(name, ())}) for name in names}
        self.project = project

    def match(self, qualified: Iterable[str]) -> dict[str, str]:
        """NAME → how the code spells it (``""`` when it spells NAME itself)."""
        found: dict[str, str] = {}
        for spelled in sorted(qualified):
            for meant in self.project.expand(spelled):
                for name, spellings in self.spellings.items():
                    if any(under(meant, s) for s in spellings):
                        direct = meant == spelled and under(meant, name)
                        if name not in found or direct:
                            found[name] = "" if direct else spelled
        return found


def scan_tree(tree: ast.Module, source: Source, module: Module, matcher: Matcher) -> list[Use]:
    lines = source.text.splitlines()
    found: list[Use] = []

    def add(node: ast.expr | ast.stmt, name: str, kind: str, via: str) -> None:
        code = lines[node.lineno - 1].strip() if node.lineno <= len(lines) else ""
        found.append(Use(source.path, node.lineno, node.col_offset + 1, name, kind, code, via))

    is_package = PurePosixPath(source.path).name == "__init__.py"
    exported = all_names(tree)
    for imported in module.imports:
        for name, via in matcher.match([imported.qualified]).items():
            reexport = imported.explicit_reexport or (
                is_package and imported.bound is not None and imported.bound in exported
            )
            add(imported.node, name, "re-export" if reexport else "import", via)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name | ast.Attribute):
            meant = matcher.match(qualify(module, node))
            if meant and isinstance(node, ast.Attribute):
                # Reported once, at the innermost node that means the name.
                for name in matcher.match(qualify(module, node.value)):
                    meant.pop(name, None)
            for name, via in meant.items():
                add(node, name, "use", via)
    for entry, line_node in _all_entries(tree):
        for name, via in matcher.match(module.exported(entry)).items():
            add(line_node, name, "re-export", via)
    return found


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


def all_names(tree: ast.Module) -> set[str]:
    """The names a module's ``__all__`` lists."""
    return {entry for entry, _ in _all_entries(tree)}
