"""How ``eco deprecations scan`` shows its findings: text, JSON, and Markdown issue bodies."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from eco.deprecations.scan import ScanResult
from eco.deprecations.scan import Use
from eco.registry import Project

MARKER_PREFIX = "<!-- eco:deprecations "


@dataclass(frozen=True)
class ProjectScan:
    project: Project
    commit: str  # the commit scanned (origin/<branch>)
    result: ScanResult


def marker(names: Sequence[str]) -> str:
    """The hidden line that identifies the issue for this set of names in a project."""
    return f"{MARKER_PREFIX}{' '.join(sorted(set(names)))} -->"


def issue_title(names: Sequence[str]) -> str:
    shown = sorted(set(names))
    text = ", ".join(shown[:3]) + (f" and {len(shown) - 3} more" if len(shown) > 3 else "")
    return f"Replace deprecated {text}"


def text_report(scans: Sequence[ProjectScan]) -> str:
    """One line per use: ``project path:line:col name (kind) code``; the kind says
    ``via SPELLING`` when the code spells the name another way."""
    lines = []
    for scan in scans:
        for use in scan.result.uses:
            how = f"{use.kind} via {use.via}" if use.via else use.kind
            lines.append(
                f"{scan.project.name} {use.path}:{use.line}:{use.column}: "
                f"{use.name} ({how}) {use.code}"
            )
        for problem in scan.result.unparsed:
            lines.append(f"{scan.project.name} {problem} (not scanned)")
    return "\n".join(lines)


def json_report(scans: Sequence[ProjectScan], names: Sequence[str]) -> str:
    return json.dumps(
        {
            "version": 1,
            "names": list(names),
            "projects": [
                {
                    "project": s.project.name,
                    "commit": s.commit,
                    "uses": [u.as_dict() for u in s.result.uses],
                    "unparsed": list(s.result.unparsed),
                }
                for s in scans
            ],
        },
        indent=2,
    )


def markdown_report(scans: Sequence[ProjectScan], names: Sequence[str]) -> str:
    affected = [s for s in scans if s.result.uses]
    lines = [
        f"# Uses of {', '.join(f'`{n}`' for n in names)}",
        "",
        f"{sum(len(s.result.uses) for s in affected)} uses in {len(affected)} of "
        f"{len(scans)} projects.",
    ]
    for scan in affected:
        lines += ["", f"## {scan.project.name}", "", _table(scan)]
    return "\n".join(lines)


def issue_body(scan: ProjectScan, names: Sequence[str]) -> str:
    """The body of the one issue a project gets for these names (marker first)."""
    listed = ", ".join(f"`{n}`" for n in sorted(set(names)))
    return "\n".join(
        [
            marker(names),
            f"This project uses {listed}, deprecated upstream. Replace each use below before "
            "the next release of the dependency removes it.",
            "",
            _table(scan),
            "",
            f"Found by `eco deprecations scan` at {scan.commit[:12]}; a later scan updates "
            "this list.",
        ]
    )


def _table(scan: ProjectScan) -> str:
    rows = ["| name | where | code |", "|---|---|---|"]
    rows += [
        f"| `{use.name}`{f' via `{use.via}`' if use.via else ''} | {_where(scan, use)} | "
        f"`{_cell(use.code)}` |"
        for use in scan.result.uses
    ]
    return "\n".join(rows)


def _cell(code: str) -> str:
    return code.replace("|", "\\|")


def _where(scan: ProjectScan, use: Use) -> str:
    text = f"{use.path}:{use.line}"
    if scan.project.repo:
        url = f"https://github.com/{scan.project.repo}/blob/{scan.commit}/{use.path}#L{use.line}"
        return f"[{text}]({url})"
    return f"`{text}`"
