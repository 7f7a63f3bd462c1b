"""A registered project's facts against what its repository says now (``eco check``).

The registry entry is what sync renders from: a wrong fact there turns into a wrong
file in every pull request. A licence that differs from the licence text is an error
(the metadata would misstate the licence); any other fact is drift, named with what the
registry says and what the repository says. Facts the repository does not state (no
release tags, no requirements at all) are never held against the registry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from packaging.specifiers import InvalidSpecifier
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from eco.adopt.fact_cache import cache_key
from eco.adopt.fact_cache import Found
from eco.adopt.fact_cache import load
from eco.adopt.fact_cache import store
from eco.adopt.facts import derive
from eco.adopt.facts import Facts
from eco.adopt.source import read_with
from eco.adopt.source import Source
from eco.errors import EcoError
from eco.git.files import ObjectReader
from eco.git.files import Snapshot
from eco.registry import Ecosystem
from eco.registry import Project


@dataclass(frozen=True)
class Contradiction:
    """One registry fact the repository contradicts."""

    fact: str  # the registry key, e.g. "generation", "vars.license"
    registry: str
    repository: str


# Once adopted, only these files' text is compared (the rest is listed, not read).
_COMPARED = re.compile(r"^(pyproject\.toml|(licen[cs]e|copying)(\.[a-z]+)?)$", re.IGNORECASE)


class LicenseContradiction(EcoError):
    """The registry's licence is not the licence text's: an error for that project."""


def read_facts(
    project: Project,
    ecosystem: Ecosystem,
    reader: ObjectReader,
    known: Snapshot,
    *,
    adopted: bool,
) -> tuple[Source, Facts]:
    """The facts :func:`contradictions` compares, at the commit sync read (``known``),
    through the same ``reader``: no tags (no network), no test dependencies or
    CI services, and the docs only before adoption (afterwards they are the skeleton's)."""
    folders = ("requirements",) if adopted else ("docs", "requirements")
    only = _COMPARED if adopted else None
    source = read_with(reader, known.commit, folders, only=only, known=known)
    facts = derive(
        source,
        branch=project.branch,
        tags=(),
        supported=ecosystem.python,
        default_generation=ecosystem.generation,
        name=project.name,
        tests=False,
    )
    return source, facts


class FactCheck:
    """One project's registry facts against its repository, read while sync reads it.

    Give :meth:`visit` to ``Syncer.read(visit=...)``: the facts come from the same commit
    and the same ``git cat-file`` process; then :meth:`contradictions`. What was found
    is kept in the workspace clone (:mod:`eco.adopt.fact_cache`): the next check of the
    same tree with the same registry entry reads nothing more.
    """

    def __init__(self, project: Project, ecosystem: Ecosystem) -> None:
        self.project = project
        self.ecosystem = ecosystem
        self._found: Found | None = None

    def visit(self, reader: ObjectReader, known: Snapshot, adopted: bool) -> None:
        key = cache_key(self.project, self.ecosystem, known.tree, adopted)
        self._found = load(reader.repo, key)
        if self._found is not None:
            return
        source, facts = read_facts(self.project, self.ecosystem, reader, known, adopted=adopted)
        try:
            found = contradictions(self.project, source, facts, adopted=adopted)
        except LicenseContradiction as exc:
            self._found = Found(exc.message, ())
        else:
            self._found = Found("", tuple((c.fact, c.registry, c.repository) for c in found))
        store(reader.repo, key, self._found)

    def contradictions(self) -> list[Contradiction]:
        """What the repository contradicts; :class:`LicenseContradiction` for the licence."""
        if self._found is None:
            raise RuntimeError("FactCheck.visit was never called")
        if self._found.license_error:
            raise LicenseContradiction(self._found.license_error)
        return [Contradiction(*c) for c in self._found.contradictions]


def contradictions(
    project: Project, source: Source, facts: Facts, *, adopted: bool
) -> list[Contradiction]:
    """Every fact of ``project``'s entry that its repository contradicts.

    Raises :class:`LicenseContradiction` when the licence differs from the licence text.
    Once a project is adopted, the files that carry its README and licence names, its
    ``py.typed``, docs and changelog are rendered or seeded from these very facts, and
    drift reports them file by file: only the facts no skeleton file carries (licence,
    generation, build backend, Pythons) are compared then.
    """
    license = project.vars.get("license")
    if facts.license and license and facts.license != license:
        raise LicenseContradiction(
            f"licence: projects.toml says {license} (vars.license) but "
            f"{facts.license_file} is the {facts.license} text; set vars = "
            f'{{ license = "{facts.license}" }} under [projects.{project.name}] '
            "(or correct the licence file)"
        )
    out: list[Contradiction] = []

    def differ(fact: str, registry: object, repository: object) -> None:
        if registry != repository:
            out.append(Contradiction(fact, _show(registry), _show(repository)))

    if "generation" not in facts.assumed:
        differ("generation", project.generation, facts.generation)
    if "build-backend" not in facts.assumed:
        differ("build-backend", project.build_backend, facts.build_backend)
    wider = _wider_than(project.python, facts.requires_python)
    if wider:
        out.append(
            Contradiction(
                "python",
                ", ".join(project.python),
                f"requires-python {facts.requires_python} (excludes {', '.join(wider)})",
            )
        )
    if adopted:
        return out
    if facts.readme and not source.exists(project.readme):
        differ("readme", project.readme, facts.readme)
    if facts.license_file and not source.exists(project.license_file):
        differ("license-file", project.license_file, facts.license_file)
    if source.names(f"src/{facts.module}") or source.names(facts.module):
        differ("typed", project.typed, facts.typed)
    differ("docs-layout", project.docs_layout, facts.docs_layout)
    docs_format = project.vars.get("docs_format")
    if facts.docs_format and docs_format:
        differ("vars.docs_format", docs_format, facts.docs_format)
    if project.changelog and not source.exists(project.changelog):
        differ("changelog", project.changelog, facts.changelog or "none")
    elif not project.changelog and facts.changelog:
        differ("changelog", "", facts.changelog)
    return out


def _wider_than(pythons: tuple[str, ...], requires: str | None) -> list[str]:
    if not requires:
        return []
    try:
        spec = SpecifierSet(requires)
    except InvalidSpecifier:
        return []
    return [v for v in pythons if not spec.contains(Version(v.rstrip("t")), prereleases=True)]


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f'"{value}"'
