"""Which imported thing a name refers to: Python's scoping rules over an ``ast`` tree.

:func:`analyse` walks a module once and records, per scope (module, class, function,
lambda, comprehension), every binding of every name: an import (with the fully
qualified name it binds) or anything else (assignment, parameter, ``def``, loop target,
``with ... as``, ``except ... as``, pattern capture). :meth:`Module.resolve` then says
what a name loaded at a given place means, so a local variable or parameter that
happens to be called ``Markup`` is never mistaken for ``flask.Markup``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from dataclasses import field

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


@dataclass(frozen=True)
class Binding:
    line: int
    qualified: str | None  # the imported name, or None for any other binding


@dataclass
class Scope:
    kind: str  # "module" | "class" | "function" | "comprehension"
    parent: Scope | None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)
    star_imports: list[str] = field(default_factory=list)

    def bind(self, name: str, line: int, qualified: str | None = None) -> None:
        self.bindings.setdefault(name, []).append(Binding(line, qualified))


@dataclass
class ImportedName:
    """One name an import statement binds, with what it refers to."""

    node: ast.Import | ast.ImportFrom
    qualified: str  # "flask.Markup"; for ``from m import *`` the module "m"
    bound: str | None  # the local name (None for a star import)
    explicit_reexport: bool  # ``from m import X as X``


@dataclass
class Module:
    root: Scope
    scope_of: dict[int, Scope]  # id(node) -> the scope a Name/Attribute is evaluated in
    imports: list[ImportedName]

    def resolve(self, name: str, scope: Scope, line: int) -> set[str]:
        """The qualified names ``name`` may refer to when loaded at ``line`` in ``scope``.

        Empty when it is bound to anything but an import (or is a builtin or unknown).
        Alternatives bound in the same scope (``try: from a import X`` / ``except
        ImportError: from b import X``) are all returned.
        """
        current: Scope | None = self.root if name in scope.globals else scope
        first = True
        while current is not None:
            skip = current.kind == "class" and not first
            if not skip and name in current.bindings and name not in current.nonlocals:
                return _pick(current.bindings[name], line if first else None)
            if name in current.globals:
                current = self.root
                first = False
                continue
            current = current.parent
            first = False
        return {f"{module}.{name}" for module in self.root.star_imports}


def qualify(module: Module, node: ast.expr) -> set[str]:
    """What a Name or an attribute chain on one (``flask.helpers.x``) refers to.

    Empty when its base is not bound by an import (a local, a parameter, ``self``, a
    call's result) or when the node is a plain name being assigned.
    """
    chain: list[str] = []
    current = node
    while isinstance(current, ast.Attribute):
        chain.insert(0, current.attr)
        current = current.value
    if not isinstance(current, ast.Name):
        return set()
    if current is node and not isinstance(current.ctx, ast.Load):
        return set()
    scope = module.scope_of.get(id(current))
    if scope is None:
        return set()
    suffix = "".join("." + part for part in chain)
    return {q + suffix for q in module.resolve(current.id, scope, current.lineno)}


def _pick(bindings: list[Binding], line: int | None) -> set[str]:
    ordered = sorted(bindings, key=lambda b: b.line)
    before = [b for b in ordered if line is None or b.line <= line]
    effective = (before or ordered)[-1]
    if effective.qualified is None:
        return set()
    return {b.qualified for b in ordered if b.qualified is not None}


def analyse(tree: ast.Module, package: str | None) -> Module:
    """Scopes and imports of a module; ``package`` resolves relative imports."""
    builder = _Builder(package)
    builder.visit(tree)
    return Module(builder.root, builder.scope_of, builder.imports)


class _Builder(ast.NodeVisitor):
    def __init__(self, package: str | None) -> None:
        self.package = package
        self.root = Scope("module", None)
        self.scope = self.root
        self.scope_of: dict[int, Scope] = {}
        self.imports: list[ImportedName] = []

    # -- scopes -----------------------------------------------------------------------

    def _enter(self, kind: str) -> Scope:
        self.scope = Scope(kind, self.scope)
        return self.scope

    def _leave(self, scope: Scope) -> None:
        assert scope.parent is not None
        self.scope = scope.parent

    def _arguments(self, args: ast.arguments) -> None:
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        every += [a for a in (args.vararg, args.kwarg) if a is not None]
        for arg in every:
            self.scope.bind(arg.arg, arg.lineno)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        self._defaults_and_annotations(node.args)
        if node.returns is not None:
            self.visit(node.returns)
        for param in getattr(node, "type_params", []):
            self.visit(param)
        self.scope.bind(node.name, node.lineno)
        scope = self._enter("function")
        self._arguments(node.args)
        for statement in node.body:
            self.visit(statement)
        self._leave(scope)

    def _defaults_and_annotations(self, args: ast.arguments) -> None:
        for default in [*args.defaults, *[d for d in args.kw_defaults if d is not None]]:
            self.visit(default)
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        every += [a for a in (args.vararg, args.kwarg) if a is not None]
        for arg in every:
            if arg.annotation is not None:
                self.visit(arg.annotation)

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._defaults_and_annotations(node.args)
        scope = self._enter("function")
        self._arguments(node.args)
        self.visit(node.body)
        self._leave(scope)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for expr in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
            self.visit(expr)
        self.scope.bind(node.name, node.lineno)
        scope = self._enter("class")
        for statement in node.body:
            self.visit(statement)
        self._leave(scope)

    def _comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp
    ) -> None:
        # The first iterable is evaluated in the enclosing scope.
        self.visit(node.generators[0].iter)
        scope = self._enter("comprehension")
        for index, generator in enumerate(node.generators):
            self.visit(generator.target)
            if index:
                self.visit(generator.iter)
            for condition in generator.ifs:
                self.visit(condition)
        if isinstance(node, ast.DictComp):
            self.visit(node.key)
            self.visit(node.value)
        else:
            self.visit(node.elt)
        self._leave(scope)

    visit_ListComp = _comprehension
    visit_SetComp = _comprehension
    visit_DictComp = _comprehension
    visit_GeneratorExp = _comprehension

    # -- bindings ---------------------------------------------------------------------

    def visit_Global(self, node: ast.Global) -> None:
        self.scope.globals.update(node.names)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self.scope.nonlocals.update(node.names)

    def visit_Name(self, node: ast.Name) -> None:
        self.scope_of[id(node)] = self.scope
        if isinstance(node.ctx, ast.Store | ast.Del):
            self.scope.bind(node.id, node.lineno)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        # ``(x := ...)`` binds in the nearest enclosing non-comprehension scope.
        self.visit(node.value)
        target = self.scope
        while target.kind == "comprehension" and target.parent is not None:
            target = target.parent
        target.bind(node.target.id, node.target.lineno)
        self.scope_of[id(node.target)] = self.scope

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.scope_of[id(node)] = self.scope
        self.generic_visit(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.scope.bind(node.name, node.lineno)
        self.generic_visit(node)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.name:
            self.scope.bind(node.name, node.lineno)
        self.generic_visit(node)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self.scope.bind(node.name, node.lineno)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        if node.rest:
            self.scope.bind(node.rest, node.lineno)
        self.generic_visit(node)

    # -- imports ----------------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self.scope.bind(alias.asname, node.lineno, alias.name)
            else:
                top = alias.name.split(".")[0]
                self.scope.bind(top, node.lineno, top)
            self.imports.append(
                ImportedName(
                    node,
                    alias.name,
                    alias.asname or alias.name.split(".")[0],
                    alias.asname == alias.name,
                )
            )

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = self._absolute(node)
        if module is None:
            return
        for alias in node.names:
            if alias.name == "*":
                self.scope.star_imports.append(module)
                self.imports.append(ImportedName(node, module, None, False))
                continue
            qualified = f"{module}.{alias.name}"
            self.scope.bind(alias.asname or alias.name, node.lineno, qualified)
            self.imports.append(
                ImportedName(
                    node, qualified, alias.asname or alias.name, alias.asname == alias.name
                )
            )

    def _absolute(self, node: ast.ImportFrom) -> str | None:
        if not node.level:
            return node.module
        if self.package is None:
            return None
        parts = self.package.split(".") if self.package else []
        if node.level - 1 > len(parts):
            return None
        base = parts[: len(parts) - (node.level - 1)]
        if node.module:
            base.append(node.module)
        return ".".join(base) or None
