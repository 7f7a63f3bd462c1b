"""Which imported thing a name refers to: Python's scoping rules and the flow of a module.

:func:`analyse` walks a module once, in the order it runs, and records per scope
(module, class, function, lambda, comprehension) every binding of every name: an import
(with the fully qualified name it binds), a star import, or anything else (assignment,
parameter, ``def``, loop target, ``with ... as``, ``except ... as``, pattern capture).

For each name loaded it records which bindings may reach that load (:mod:`.flow`):
only bindings before it in the order the code runs, and every one of them that some
path leaves in place — both arms of an ``if``, a ``try`` body and its ``except``
fallback, a loop run any number of times. Code that runs at once (a class body, a
comprehension) sees the enclosing scope as it is at that point; a function body runs
later, so there every binding of the enclosing scope counts. :meth:`Module.resolve`
then says what a loaded name means, so a local variable or parameter that happens to
be called ``Markup`` is never mistaken for ``flask.Markup``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from dataclasses import field

from eco.deprecations.flow import Binding
from eco.deprecations.flow import Flow
from eco.deprecations.flow import UNBOUND

_IMMEDIATE = ("class", "comprehension")  # scopes whose code runs where they are written


@dataclass(eq=False)
class Scope:
    kind: str  # "module" | "class" | "function" | "comprehension"
    parent: Scope | None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)  # every one made here
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)
    flow: Flow = field(default_factory=Flow)  # while building: the state at this point
    loops: list[Loop] = field(default_factory=list)  # the loops being walked, innermost last
    tries: list[dict[str, set[Binding]]] = field(default_factory=list)  # bindings in open trys


@dataclass(eq=False)
class Loop:
    """A loop being walked: the loads inside it, and the states ``break`` and
    ``continue`` leave it with."""

    loads: list[tuple[Load, int]] = field(default_factory=list)
    breaks: list[Flow] = field(default_factory=list)
    continues: list[Flow] = field(default_factory=list)


@dataclass(eq=False)
class Load:
    """A name loaded, with what may reach it in each scope it is looked up in at once."""

    name: str
    steps: list[tuple[Scope, frozenset[Binding]]]
    later: Scope | None  # where the lookup goes on when the code runs later (a function)


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
    loads: dict[int, Load]  # id(ast.Name) -> the lookup recorded where it is loaded
    imports: list[ImportedName]
    end: Flow  # the module's state when it has run: what other modules import from it

    def reaching(self, node: ast.Name) -> set[Binding]:
        """Every binding the loaded name ``node`` may refer to (empty: a builtin or unknown)."""
        load = self.loads.get(id(node))
        return set() if load is None else _reaching(load)

    def resolve(self, node: ast.Name) -> set[str]:
        """The qualified names the loaded name ``node`` may refer to.

        Empty when it is bound to anything but an import (or is a builtin or unknown).
        Alternatives (``try: from a import X`` / ``except ImportError: from b import X``)
        are all returned.
        """
        return _means(self.reaching(node), node.id)

    def exported(self, name: str) -> set[str]:
        """What ``module.name`` refers to from outside, once the module has run."""
        return _means(set(self.end.get(name)) - {UNBOUND}, name)


def _means(bindings: set[Binding], name: str) -> set[str]:
    return {q for b in bindings if (q := b.means(name)) is not None}


def _reaching(load: Load) -> set[Binding]:
    found: set[Binding] = set()
    for scope, reaching in load.steps:
        found |= reaching - {UNBOUND}
        local = scope.kind in ("function", "comprehension") and load.name in scope.bindings
        if UNBOUND not in reaching or local:
            return found
    current = load.later
    while current is not None:
        if current.kind != "class" and load.name in current.bindings:
            return found | set(current.bindings[load.name])
        if current.parent is None:  # the module: a star import may bind it
            return found | {b for b in current.flow.default if b.star}
        current = current.parent
    return found


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
    if not isinstance(current, ast.Name) or not isinstance(current.ctx, ast.Load):
        return set()
    suffix = "".join("." + part for part in chain)
    return {q + suffix for q in module.resolve(current)}


def analyse(tree: ast.Module, package: str | None) -> Module:
    """Scopes, flow and imports of a module; ``package`` resolves relative imports."""
    builder = _Builder(package)
    builder.visit(tree)
    return Module(builder.root, builder.loads, builder.imports, builder.root.flow)


class _Builder(ast.NodeVisitor):
    def __init__(self, package: str | None) -> None:
        self.package = package
        self.root = Scope("module", None)
        self.scope = self.root
        self.loads: dict[int, Load] = {}
        self.imports: list[ImportedName] = []

    # -- scopes -----------------------------------------------------------------------

    def _enter(self, kind: str) -> Scope:
        self.scope = Scope(kind, self.scope)
        return self.scope

    def _leave(self, scope: Scope) -> None:
        assert scope.parent is not None
        self.scope = scope.parent

    def _bind(self, name: str, line: int, binding: Binding | None = None) -> None:
        binding = binding or Binding(line)
        scope = self.scope
        if name in scope.globals and scope is not self.root:  # bound in the module, later
            self.root.bindings.setdefault(name, []).append(binding)
            return
        scope.bindings.setdefault(name, []).append(binding)
        scope.flow.bind(name, binding)
        for made in scope.tries:
            made.setdefault(name, set()).add(binding)

    def _arguments(self, args: ast.arguments) -> None:
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        every += [a for a in (args.vararg, args.kwarg) if a is not None]
        for arg in every:
            self._bind(arg.arg, arg.lineno)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        self._defaults_and_annotations(node.args)
        if node.returns is not None:
            self.visit(node.returns)
        for param in getattr(node, "type_params", []):
            self.visit(param)
        self._bind(node.name, node.lineno)
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
        scope = self._enter("class")
        for statement in node.body:
            self.visit(statement)
        self._leave(scope)
        self._bind(node.name, node.lineno)

    def _comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp
    ) -> None:
        # The first iterable is evaluated in the enclosing scope.
        self.visit(node.generators[0].iter)
        scope = self._enter("comprehension")
        for index, generator in enumerate(node.generators):
            if index:
                self.visit(generator.iter)
            self.visit(generator.target)
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

    # -- the order code runs in ---------------------------------------------------------

    def _body(self, statements: list[ast.stmt]) -> Flow:
        for statement in statements:
            self.visit(statement)
        return self.scope.flow

    def visit_If(self, node: ast.If) -> None:
        self.visit(node.test)
        before = self.scope.flow.copy()
        taken = self._body(node.body)
        self.scope.flow = before
        self.scope.flow = taken.join(self._body(node.orelse))

    def _loop(self, node: ast.For | ast.AsyncFor | ast.While) -> None:
        scope = self.scope
        if not isinstance(node, ast.While):
            self.visit(node.iter)
        head = scope.flow.copy()
        loop = Loop()
        scope.loops.append(loop)
        if isinstance(node, ast.While):
            self.visit(node.test)
        else:
            self.visit(node.target)
        end = self._body(node.body)
        scope.loops.pop()
        for state in loop.continues:
            end = end.join(state)
        # A load in the loop may also see what the end of the previous round left bound.
        for load, index in loop.loads:
            where, reaching = load.steps[index]
            if reaching & head.get(load.name):
                load.steps[index] = (where, reaching | end.get(load.name))
        scope.flow = head.join(end)
        self._body(node.orelse)
        for state in loop.breaks:
            scope.flow = scope.flow.join(state)

    def visit_Break(self, node: ast.Break) -> None:
        if self.scope.loops:
            self.scope.loops[-1].breaks.append(self.scope.flow.copy())

    def visit_Continue(self, node: ast.Continue) -> None:
        if self.scope.loops:
            self.scope.loops[-1].continues.append(self.scope.flow.copy())

    visit_For = _loop
    visit_AsyncFor = _loop
    visit_While = _loop

    def _try(self, node: ast.Try | ast.TryStar) -> None:
        scope = self.scope
        before = scope.flow.copy()
        scope.tries.append({})
        done = self._body(node.body)
        made = scope.tries.pop()
        # A handler may start after any statement of the body.
        start = before.join(done)
        for name, bindings in made.items():
            if name == "*":
                for star in bindings:
                    start.star(star)
            else:
                start.add(name, bindings)
        ends = []
        for handler in node.handlers:
            scope.flow = start.copy()
            self.visit(handler)
            ends.append(scope.flow)
        scope.flow = done
        after = self._body(node.orelse)
        for end in ends:
            after = after.join(end)
        scope.flow = after
        self._body(node.finalbody)

    visit_Try = _try
    visit_TryStar = _try

    def visit_Match(self, node: ast.Match) -> None:
        self.visit(node.subject)
        before = self.scope.flow.copy()
        after = before.copy()  # no case may match
        for case in node.cases:
            self.scope.flow = before.copy()
            self.visit(case.pattern)
            if case.guard is not None:
                self.visit(case.guard)
            after = after.join(self._body(case.body))
        self.scope.flow = after

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        for target in node.targets:
            if isinstance(target, ast.Name):
                self._bind(target.id, target.lineno, Binding(target.lineno, value=node.value))
            else:
                self.visit(target)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.visit(node.annotation)
        if node.value is None:  # ``x: int`` binds nothing
            return
        self.visit(node.value)
        if isinstance(node.target, ast.Name):
            target = node.target
            self._bind(target.id, target.lineno, Binding(target.lineno, value=node.value))
        else:
            self.visit(node.target)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.visit(node.value)
        self.visit(node.target)

    # -- bindings ---------------------------------------------------------------------

    def visit_Global(self, node: ast.Global) -> None:
        self.scope.globals.update(node.names)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self.scope.nonlocals.update(node.names)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Store | ast.Del):
            self._bind(node.id, node.lineno)
        else:
            self._load(node)

    def _load(self, node: ast.Name) -> None:
        name, scope = node.id, self.scope
        steps: list[tuple[Scope, frozenset[Binding]]] = []
        later: Scope | None = None
        while True:
            if name in scope.globals:
                later = self.root
                break
            if name in scope.nonlocals:
                later = scope.parent
                break
            steps.append((scope, scope.flow.get(name)))
            if scope.kind in _IMMEDIATE and scope.parent is not None:
                parent = scope.parent
                while scope.kind == "comprehension" and parent.kind == "class":
                    assert parent.parent is not None  # a comprehension cannot see a class
                    parent = parent.parent
                scope = parent
                continue
            later = scope.parent
            break
        load = Load(name, steps, later)
        for index, (where, _) in enumerate(steps):
            for loop in where.loops:
                loop.loads.append((load, index))
        self.loads[id(node)] = load

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        # ``(x := ...)`` binds in the nearest enclosing non-comprehension scope.
        self.visit(node.value)
        scope = self.scope
        while self.scope.kind == "comprehension" and self.scope.parent is not None:
            self.scope = self.scope.parent
        self._bind(node.target.id, node.target.lineno)
        self.scope = scope

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.type is not None:
            self.visit(node.type)
        if node.name:
            self._bind(node.name, node.lineno)
        self._body(node.body)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.pattern is not None:
            self.visit(node.pattern)
        if node.name:
            self._bind(node.name, node.lineno)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self._bind(node.name, node.lineno)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        self.generic_visit(node)
        if node.rest:
            self._bind(node.rest, node.lineno)

    # -- imports ----------------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self._bind(alias.asname, node.lineno, Binding(node.lineno, alias.name))
            else:
                top = alias.name.split(".")[0]
                self._bind(top, node.lineno, Binding(node.lineno, top))
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
                star = Binding(node.lineno, module, star=True)
                self.scope.flow.star(star)
                for made in self.scope.tries:
                    made.setdefault("*", set()).add(star)
                self.imports.append(ImportedName(node, module, None, False))
                continue
            qualified = f"{module}.{alias.name}"
            bound = alias.asname or alias.name
            self._bind(bound, node.lineno, Binding(node.lineno, qualified))
            self.imports.append(ImportedName(node, qualified, bound, alias.asname == alias.name))

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
