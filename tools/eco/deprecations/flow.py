"""The bindings that may reach a point of a module: the state :mod:`.scopes` carries along.

A :class:`Flow` maps each name to the set of bindings that may be its value at the
current point of execution, in one scope. Straight-line code replaces a name's set;
where paths meet (after an ``if``, a ``try``, a loop) the sets are joined. The marker
:data:`UNBOUND` stands for "no binding on some path": the name then falls through to the
enclosing scope, the builtins or a star import.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass
from dataclasses import field


@dataclass(frozen=True, eq=False)
class Binding:
    """One place a name is bound. Compared by identity: each binding site is one object."""

    line: int
    qualified: str | None = None  # an import's name ("flask.Markup"); a star import's module
    star: bool = False  # ``from qualified import *``: may bind any name
    value: ast.expr | None = None  # the value of a plain ``NAME = value`` assignment

    def means(self, name: str) -> str | None:
        """The upstream name this binding gives ``name``, if it is an import."""
        if self.qualified is None:
            return None
        if self.star:
            # A star import binds no builtin, and (without an ``__all__`` saying
            # otherwise) no name starting with an underscore.
            private = name.startswith("_")
            return None if name in BUILTINS or private else f"{self.qualified}.{name}"
        return self.qualified


UNBOUND = Binding(0)

# ``from flask import *`` then ``print`` is Python's print, never ``flask.print``.
BUILTINS = frozenset(dir(builtins))


@dataclass
class Flow:
    """Per name, the bindings that may reach the current point."""

    names: dict[str, frozenset[Binding]] = field(default_factory=dict)
    default: frozenset[Binding] = frozenset({UNBOUND})  # for names not bound yet

    def get(self, name: str) -> frozenset[Binding]:
        return self.names.get(name, self.default)

    def bind(self, name: str, binding: Binding) -> None:
        self.names[name] = frozenset({binding})

    def add(self, name: str, bindings: frozenset[Binding] | set[Binding]) -> None:
        self.names[name] = self.get(name) | bindings

    def star(self, binding: Binding) -> None:
        """A star import may bind every name, so it joins every name's set."""
        self.default = self.default | {binding}
        for name, bindings in self.names.items():
            self.names[name] = bindings | {binding}

    def copy(self) -> Flow:
        return Flow(dict(self.names), self.default)

    def join(self, other: Flow) -> Flow:
        """The state where a path through ``self`` and one through ``other`` meet."""
        keys = self.names.keys() | other.names.keys()
        return Flow({k: self.get(k) | other.get(k) for k in keys}, self.default | other.default)
