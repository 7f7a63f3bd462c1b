"""What ``eco settings check`` and ``apply`` print: text, JSON or Markdown."""

from __future__ import annotations

from typing import Any

from eco.settings.apply import Write
from eco.settings.compare import DIFFERENT
from eco.settings.compare import Finding
from eco.settings.compare import show
from eco.settings.compare import UNREADABLE
from eco.tables import table


def word(finding: Finding) -> str:
    if finding.state == DIFFERENT and finding.stricter:
        return "stricter"
    return finding.state


def text(name: str, repo: str, findings: list[Finding], writes: list[Write] | None) -> str:
    """One project: a line, then a table of the settings that are not as expected."""
    different = sum(1 for f in findings if f.state == DIFFERENT)
    unread = sum(1 for f in findings if f.state == UNREADABLE)
    head = f"{name} ({repo}): {different} different, {unread} could not be read"
    rows = []
    for f in findings:
        if f.state == DIFFERENT:
            rows.append([word(f), f.key, show(f.expected), show(f.actual)])
        elif f.state == UNREADABLE:
            rows.append([word(f), f.key, show(f.expected), f.reason])
    lines = [head]
    if rows:
        body = table(["state", "setting", "settings.toml", "repository"], rows)
        lines += [f"  {line}" for line in body.splitlines()]
    if writes is not None:
        lines += [f"  write: {w.describe()}" for w in writes] or ["  nothing to write"]
    return "\n".join(lines)


def json_project(repo: str, findings: list[Finding], writes: list[Write] | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "repo": repo,
        "different": sum(1 for f in findings if f.state == DIFFERENT),
        "unreadable": sum(1 for f in findings if f.state == UNREADABLE),
        "settings": [f.as_json() for f in findings],
    }
    if writes is not None:
        out["writes"] = [
            {"method": w.method, "path": w.path, "settings": list(w.settings)} for w in writes
        ]
    return out


def markdown_rows(name: str, findings: list[Finding]) -> list[tuple[str, ...]]:
    return [
        (
            name,
            word(f),
            f.key,
            show(f.expected),
            show(f.actual) if f.state == DIFFERENT else f.reason,
        )
        for f in findings
        if f.state != "expected"
    ]
