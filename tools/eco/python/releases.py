"""The Python support policy over CPython's release and end-of-life dates.

The dates live in ``python-releases.toml`` at the ecosystem root (data the monorepo ships
and updates, like ``projects.toml``). The policy is ``[ecosystem.python] policy`` in the
registry, ``"eol+6months"`` by default: a version is supported from its first final
release, may be dropped once it reaches end of life, and must be dropped within six
months of it. Everything here is pure: the date of "today" is always passed in.
"""

from __future__ import annotations

import calendar
import re
import tomllib
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from eco.errors import EcoError
from eco.registry import PYTHON_RE
from eco.registry import python_sort_key

RELEASES_FILE = "python-releases.toml"
DEFAULT_POLICY = "eol+6months"
_POLICY_RE = re.compile(r"^eol(?:\+(\d{1,2})months?)?$")


@dataclass(frozen=True)
class Release:
    """One CPython feature version: ``3.N``, its first final release, its end of life."""

    version: str
    first_release: date
    end_of_life: date
    pep: int | None = None


@dataclass(frozen=True)
class Releases:
    path: Path
    versions: Mapping[str, Release]

    def get(self, version: str) -> Release:
        """The release of ``3.N`` (or free-threaded ``3.Nt``); unknown versions fail."""
        base = base_version(version)
        if base not in self.versions:
            known = ", ".join(self.versions) or "(none)"
            raise EcoError(
                f'{self.path}: no dates for Python {base}; add a [versions."{base}"] table '
                f"with first-release and end-of-life (known: {known})"
            )
        return self.versions[base]

    def released(self, today: date) -> list[Release]:
        return [r for r in self.versions.values() if r.first_release <= today]


@dataclass(frozen=True)
class Policy:
    """``eol+Nmonths``: drop a version within N months of its end of life (``eol``: N=0)."""

    grace_months: int = 6

    @property
    def text(self) -> str:
        return f"eol+{self.grace_months}months" if self.grace_months else "eol"

    def deadline(self, release: Release) -> date:
        """The last day a project may still support ``release``."""
        return add_months(release.end_of_life, self.grace_months)


@dataclass(frozen=True)
class Finding:
    """One difference between a list of supported versions and the policy.

    ``kind`` is ``drop`` (past the deadline), ``add`` (released, not supported),
    ``unreleased`` (listed before its first release) — these are drift, fixed by
    ``eco python apply`` — or ``eol`` (past end of life, within the grace period: a
    reminder, not drift).
    """

    kind: str
    version: str
    message: str

    @property
    def drift(self) -> bool:
        return self.kind != "eol"


def base_version(version: str) -> str:
    """``3.13t`` → ``3.13``."""
    return version[:-1] if version.endswith("t") else version


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def parse_policy(text: str, where: str = "[ecosystem.python] policy") -> Policy:
    """Parse the registry's policy string; empty means :data:`DEFAULT_POLICY`."""
    match = _POLICY_RE.match((text or DEFAULT_POLICY).strip().replace(" ", ""))
    if not match:
        raise EcoError(
            f'{where}: unknown policy {text!r}; expected "eol" or "eol+Nmonths" '
            f"(default {DEFAULT_POLICY!r})"
        )
    return Policy(int(match.group(1) or 0))


def load_releases(path: Path) -> Releases:
    """Read and validate ``python-releases.toml``."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EcoError(
            f"{path}: not found; the Python policy needs CPython's release dates "
            f"(copy {RELEASES_FILE} from the eco repository to the ecosystem root)"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise EcoError(f"{path}: invalid TOML: {exc}") from None
    table = data.get("versions")
    if not isinstance(table, dict) or not table:
        raise EcoError(f'{path}: expected [versions."3.N"] tables with dates')
    versions: dict[str, Release] = {}
    for version, entry in table.items():
        where = f'{path}: versions."{version}"'
        match = PYTHON_RE.match(version)
        if not match or match.group(2):
            raise EcoError(f'{where}: expected a version like "3.14"')
        if not isinstance(entry, dict):
            raise EcoError(f"{where}: expected a table with first-release and end-of-life")
        days = {}
        for key in ("first-release", "end-of-life"):
            value = entry.get(key)
            if not isinstance(value, date):
                raise EcoError(
                    f"{where}.{key}: expected a TOML date like 2025-10-07, got {value!r}"
                )
            days[key] = value
        if days["end-of-life"] <= days["first-release"]:
            raise EcoError(f"{where}: end-of-life is not after first-release")
        pep = entry.get("pep")
        if pep is not None and not isinstance(pep, int):
            raise EcoError(f"{where}.pep: expected the schedule PEP's number, got {pep!r}")
        versions[version] = Release(version, days["first-release"], days["end-of-life"], pep)
    ordered = sorted(versions, key=python_sort_key)
    return Releases(path, {v: versions[v] for v in ordered})


def evaluate(
    supported: Sequence[str], releases: Releases, policy: Policy, today: date
) -> list[Finding]:
    """Compare a list of supported versions with the policy on ``today``."""
    findings: list[Finding] = []
    bases = {base_version(v) for v in supported}
    for version in sorted(bases, key=python_sort_key):
        release = releases.get(version)
        deadline = policy.deadline(release)
        if today > deadline:
            findings.append(
                Finding(
                    "drop",
                    version,
                    f"{version} reached end of life on {release.end_of_life}; "
                    f"the deadline to drop it was {deadline}",
                )
            )
        elif today >= release.end_of_life:
            findings.append(
                Finding(
                    "eol",
                    version,
                    f"{version} reached end of life on {release.end_of_life}; "
                    f"drop it by {deadline}",
                )
            )
        elif today < release.first_release:
            findings.append(
                Finding(
                    "unreleased",
                    version,
                    f"{version} is not released until {release.first_release}",
                )
            )
    for release in required(releases, policy, today):
        if release.version not in bases:
            findings.append(
                Finding(
                    "add",
                    release.version,
                    f"{release.version} was released on {release.first_release} "
                    "and is not supported",
                )
            )
    return findings


def required(releases: Releases, policy: Policy, today: date) -> list[Release]:
    """Versions every project must support today: released and not yet end of life."""
    return [r for r in releases.released(today) if today < r.end_of_life]


def conform(
    supported: Iterable[str],
    releases: Releases,
    policy: Policy,
    today: date,
    *,
    drop_eol: bool = False,
) -> tuple[str, ...]:
    """``supported`` brought in line with the policy, as few changes as possible.

    Versions past their deadline (or, with ``drop_eol``, past end of life) and versions
    not yet released are removed, with their free-threaded variants; released versions
    still before end of life are added. Versions within the grace period stay.
    """
    keep: list[str] = []
    for version in supported:
        release = releases.get(version)
        if today < release.first_release or today > policy.deadline(release):
            continue
        if drop_eol and today >= release.end_of_life:
            continue
        keep.append(version)
    bases = {base_version(v) for v in keep}
    keep += [r.version for r in required(releases, policy, today) if r.version not in bases]
    return tuple(sorted(keep, key=python_sort_key))
