"""``eco check``'s report: per project and per file, as text, JSON or Markdown.

The JSON shape is documented in ``docs/maintainer/sync.md``; :func:`as_json` is its one
producer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eco.output import status as coloured
from eco.sync.plan import DRIFT
from eco.sync.plan import Plan
from eco.sync.policy import Finding
from eco.tables import table

# 2: the statuses of every command (docs/maintainer/command-line.md): "in sync" and
# "failed" replace "clean" and "error", and a file in line is "in sync", not "in-sync".
SCHEMA_VERSION = 2
STATUSES = ("in sync", "drift", "failed")


@dataclass(frozen=True)
class FactFinding:
    """A registry fact the project's repository contradicts (``eco add`` would write
    another value): drift, named with both values."""

    fact: str
    registry: str
    repository: str

    @property
    def message(self) -> str:
        return (
            f"{self.fact}: projects.toml says {self.registry}, "
            f"the repository says {self.repository}"
        )

    def as_dict(self) -> dict[str, str]:
        return {"fact": self.fact, "registry": self.registry, "repository": self.repository}


@dataclass(frozen=True)
class ProjectCheck:
    name: str
    plan: Plan | None  # None when the project could not be checked
    adopted: bool = True
    policy: tuple[Finding, ...] = ()
    error: str | None = None
    facts: tuple[FactFinding, ...] = ()

    @property
    def status(self) -> str:
        if self.error is not None or self.plan is None:
            return "failed"
        if not self.adopted or self.plan.drift or self.policy or self.facts:
            return "drift"
        return "in sync"

    def drifting(self) -> list[tuple[str, str, str]]:
        """(status, path, detail) for every file that drifts."""
        if self.plan is None:
            return []
        return [
            (f.check_status, f.path, f.reason) for f in self.plan.files if f.check_status in DRIFT
        ]


def exit_code(checks: Sequence[ProjectCheck]) -> int:
    """0 in sync, 1 drift, 2 when any project could not be checked."""
    if any(c.status == "failed" for c in checks):
        return 2
    return 1 if any(c.status == "drift" for c in checks) else 0


def as_json(checks: Sequence[ProjectCheck], *, revision: str, ecosystem: str) -> dict[str, Any]:
    projects = []
    for c in checks:
        files = []
        if c.plan is not None:
            files = [
                {"path": f.path, "mode": f.mode, "status": f.check_status, "reason": f.reason}
                for f in c.plan.files
            ]
        projects.append(
            {
                "name": c.name,
                "status": c.status,
                "error": c.error,
                "adopted": c.adopted if c.plan is not None else None,  # unknown on error
                "last_applied": (c.plan.previous or None) if c.plan else None,
                "files": files,
                "policy": [f.as_dict() for f in c.policy],
                "facts": [f.as_dict() for f in c.facts],
            }
        )
    return {
        "version": SCHEMA_VERSION,
        "ecosystem": ecosystem,
        "revision": revision,
        "status": STATUSES[exit_code(checks)],
        "summary": {status: sum(1 for c in checks if c.status == status) for status in STATUSES},
        "projects": projects,
    }


def by_file(checks: Sequence[ProjectCheck]) -> list[tuple[str, str, list[str]]]:
    """(path, status, projects) for each drifting file across projects, widest first.

    A policy finding counts as its workflow file with the status ``policy: RULE``.
    """
    groups: dict[tuple[str, str], list[str]] = {}
    for c in checks:
        for status, path, _ in c.drifting():
            groups.setdefault((path, status), []).append(c.name)
        for finding in c.policy:
            names = groups.setdefault((finding.path, f"policy: {finding.rule}"), [])
            if c.name not in names:
                names.append(c.name)
    rows = [(path, status, names) for (path, status), names in groups.items()]
    return sorted(rows, key=lambda row: (-len(row[2]), row[0], row[1]))


def as_text_by_file(checks: Sequence[ProjectCheck]) -> str:
    """Each drifting file once, with the projects it drifts in; then errors and the table."""
    rows = [
        (path, status, f"{len(names)}: {', '.join(names)}")
        for path, status, names in by_file(checks)
    ]
    out = [table(["file", "status", "projects"], rows)] if rows else ["no file drifts"]
    out += [f"{c.name}: not adopted: no .eco.toml" for c in checks if c.plan and not c.adopted]
    out += ["", _project_table(checks)]
    return "\n".join(out)


def _project_table(checks: Sequence[ProjectCheck]) -> str:
    """The closing table; a project that could not be checked has "-" for its counts
    (why is in the failure list on stderr, said once)."""
    rows = [
        (
            c.name,
            coloured(c.status),
            len(c.drifting()) if c.plan else "-",
            len(c.policy) if c.plan else "-",
        )
        for c in checks
    ]
    return table(["project", "status", "files drifting", "policy findings"], rows)


def as_text(checks: Sequence[ProjectCheck], *, verbose: bool = False) -> str:
    out = []
    for c in checks:
        if c.plan is None:
            out.append(f"{c.name}: {coloured('failed')} (why: the failure list below)")
            continue
        count = len(c.plan.files)
        note = "" if c.adopted else " (not adopted: no .eco.toml)"
        out.append(f"{c.name}: {coloured(c.status)}, {count} files checked{note}")
        rows = c.drifting()
        if verbose:
            rows = [(f.check_status, f.path, f.reason) for f in c.plan.files]
        for status, path, detail in rows:
            out.append(f"  {status:<13} {path}" + (f"  ({detail})" if detail else ""))
        for finding in c.policy:
            out.append(
                f"  {'policy':<13} {finding.path}:{finding.line}: {finding.rule}: {finding.message}"
            )
        for fact in c.facts:
            out.append(f"  {'fact':<13} {fact.message}")
    out += ["", _project_table(checks)]
    return "\n".join(out)


def as_markdown(checks: Sequence[ProjectCheck], *, revision: str, by_file: bool = False) -> str:
    """For a GitHub Actions step summary: a table, then each drifting project's files
    (``by_file``: each drifting file once, with the projects it drifts in)."""
    drift = sum(1 for c in checks if c.status != "in sync")
    out = [
        f"## eco check: {len(checks) - drift} of {len(checks)} projects in sync",
        "",
        f"Skeleton revision `{revision[:12] or 'uncommitted'}`.",
        "",
        "| project | status | files drifting | policy findings |",
        "| --- | --- | ---: | ---: |",
    ]
    for c in checks:
        word = c.status if c.status == "in sync" else f"**{c.status}**"
        counts = f"{len(c.drifting())} | {len(c.policy)}" if c.plan else "- | -"
        out.append(f"| {c.name} | {word} | {counts} |")
    if by_file:
        return "\n".join(out + _markdown_by_file(checks)) + "\n"
    for c in checks:
        if c.status == "in sync":
            continue
        out += ["", f"<details><summary>{c.name}</summary>", ""]
        if c.error:
            out.append(f"Failed: {_cell(c.error)}")
        else:
            if not c.adopted:
                out += ["Not adopted yet: no `.eco.toml`.", ""]
            rows = c.drifting()
            if rows:
                out += ["| file | status | why |", "| --- | --- | --- |"]
                out += [f"| `{path}` | {status} | {_cell(why)} |" for status, path, why in rows]
            if c.policy:
                out += ["", "| workflow | line | rule | finding |", "| --- | ---: | --- | --- |"]
                out += [
                    f"| `{f.path}` | {f.line} | {f.rule} | {_cell(f.message)} |" for f in c.policy
                ]
            if c.facts:
                out += ["", "| registry fact | projects.toml | repository |", "| --- | --- | --- |"]
                out += [
                    f"| `{f.fact}` | {_cell(f.registry)} | {_cell(f.repository)} |" for f in c.facts
                ]
        out += ["", "</details>"]
    return "\n".join(out) + "\n"


def _markdown_by_file(checks: Sequence[ProjectCheck]) -> list[str]:
    rows = by_file(checks)
    out = []
    if rows:
        out += ["", "| file | status | projects |", "| --- | --- | --- |"]
        out += [
            f"| `{path}` | {status} | {len(names)}: {', '.join(names)} |"
            for path, status, names in rows
        ]
    errors = [c for c in checks if c.error]
    if errors:
        out += ["", "| project | error |", "| --- | --- |"]
        out += [f"| {c.name} | {_cell(c.error or '')} |" for c in errors]
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
