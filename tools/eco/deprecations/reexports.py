"""Names a module passes on: ``pkg.Markup`` is ``flask.Markup`` when ``pkg`` imports it.

Used twice: over a project's own modules, so a package ``__init__`` re-exporting
``flask.Markup`` and a sibling's ``from . import Markup`` are followed to Flask; and over
an upstream package's modules (:mod:`.spellings`), where ``flask._request_ctx_stack``
leads through a module ``__getattr__`` to ``flask.globals``. A module passes on what
its imports leave bound once it has run (:meth:`eco.deprecations.scopes.Module.exported`)
plus what its ``__getattr__`` returns for a name. Everything comes from syntax trees:
nothing is imported.
"""

from __future__ import annotations

from collections.abc import Mapping

from eco.deprecations.scopes import Module


class Reexports:
    """Follow re-exports through ``modules`` (dotted name → analysed module).

    ``within`` keeps the targets to one top-level package: an upstream package's
    ``flask.Markup`` taken from ``markupsafe`` is not followed out of ``flask``.
    ``getattrs`` holds, per module, what its ``__getattr__`` returns for each name.
    """

    def __init__(
        self,
        modules: Mapping[str, Module],
        *,
        within: str | None = None,
        getattrs: Mapping[str, Mapping[str, set[str]]] | None = None,
    ) -> None:
        self.modules = modules
        self.within = within
        self.getattrs = getattrs or {}
        self._expanded: dict[str, frozenset[str]] = {}

    def targets(self, module: str, name: str) -> set[str]:
        """What ``module.name`` is taken from, one step: ``{"flask.Markup"}``."""
        found = self.modules[module].exported(name) | self.getattrs.get(module, {}).get(name, set())
        if self.within is not None:
            found = {t for t in found if t.split(".")[0] == self.within}
        return found

    def expand(self, qualified: str) -> frozenset[str]:
        """``qualified`` and every name it is re-exported from, transitively."""
        cached = self._expanded.get(qualified)
        if cached is not None:
            return cached
        seen: set[str] = set()
        stack = [qualified]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            if current in self.modules:  # a module is itself, never a name inside its parent
                continue
            parts = current.split(".")
            for end in range(len(parts) - 1, 0, -1):
                module = ".".join(parts[:end])
                if module in self.modules:
                    rest = parts[end + 1 :]
                    stack += [".".join([t, *rest]) for t in self.targets(module, parts[end])]
                    break
        result = self._expanded[qualified] = frozenset(seen)
        return result
