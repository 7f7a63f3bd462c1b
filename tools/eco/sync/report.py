"""What ``eco sync`` prints: each project's classification, its diff, the closing table."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from eco.output import status
from eco.output import STATUSES
from eco.sync.merge import split_lines
from eco.sync.plan import ACTIONS
from eco.sync.plan import CONFLICT
from eco.sync.plan import FilePlan
from eco.sync.plan import KEPT
from eco.sync.plan import NEW
from eco.sync.plan import Plan
from eco.sync.plan import REMOVED
from eco.sync.plan import REPLACED
from eco.sync.plan import UNCHANGED
from eco.tables import table

_NO_NEWLINE = "\\ No newline at end of file\n"


def unified_diff(file: FilePlan) -> str:
    """The change sync makes to one file, as ``git diff`` shows it."""
    old = f"a/{file.path}" if file.ours is not None else "/dev/null"
    new = f"b/{file.path}" if file.result is not None else "/dev/null"
    if _binary(file.ours) or _binary(file.result):
        return f"Binary files {old} and {new} differ\n"
    before = split_lines(file.ours or "")
    after = split_lines(file.result or "")
    out = []
    for line in difflib.unified_diff(before, after, old, new):
        out.append(line if line.endswith("\n") else line + "\n" + _NO_NEWLINE)
    return "".join(out)


def _binary(text: str | None) -> bool:
    """Not text: a NUL byte, or bytes that are not UTF-8 (kept as surrogate escapes)."""
    if text is None:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return "\0" in text


def classification(plan: Plan, *, verbose: bool = False) -> list[str]:
    """One line per file that sync touches or reports (all files with ``verbose``)."""
    lines = []
    width = max(len(a) for a in ACTIONS)
    for action in ACTIONS:
        if action == UNCHANGED and not verbose:
            continue
        for f in plan.by_action(action):
            extra = f"  ({f.reason})" if f.reason else ""
            lines.append(f"  {action.ljust(width)}  {f.path}{extra}")
            lines += [f"  {'':{width}}    {detail}" for detail in f.details]
    unchanged = len(plan.by_action(UNCHANGED))
    if unchanged and not verbose:
        lines.append(f"  {UNCHANGED.ljust(width)}  {unchanged} file{'s' if unchanged != 1 else ''}")
    return lines


def adoption_summary(plan: Plan) -> str:
    """For a project eco never synced: what it lacks, what is off-standard, what is retired."""
    lacks = len(plan.by_action(NEW))
    off = len(plan.by_action(CONFLICT))
    replaced = len(plan.by_action(REPLACED))
    kept = len(plan.by_action(KEPT)) + len(plan.kept)
    retired = len(plan.by_action(REMOVED))
    same = len(plan.by_action(UNCHANGED))
    return (
        f"  adoption: lacks {lacks} file{_s(lacks)}, replaces {replaced}, keeps {kept} of its "
        f"own, {off} in conflict, carries {retired} retired file{_s(retired)}, "
        f"{same} already standard"
    )


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def project_header(plan: Plan) -> str:
    previous = plan.previous[:12] if plan.previous else "none (adoption)"
    return (
        f"{plan.project}: skeleton {plan.revision[:12] or '(uncommitted)'}, last applied {previous}"
    )


def in_line(plan: Plan) -> bool:
    """Nothing to write and nothing to report: the project matches the skeleton."""
    return bool(plan.previous) and not plan.conflicts and not plan.writes()


def project_text(plan: Plan, *, verbose: bool = False) -> list[str]:
    """The header and the classification; one line for a project already in line."""
    if in_line(plan) and not verbose:
        return [
            f"{plan.project}: in line with skeleton {plan.revision[:12]} ({len(plan.files)} files)"
        ]
    lines = [project_header(plan), *classification(plan, verbose=verbose)]
    if not plan.previous:
        lines.append(adoption_summary(plan))
    return lines


def dry_run_text(plan: Plan, *, verbose: bool = False) -> str:
    """The classification, then the diff of every file sync would change (a conflict's
    diff shows the markers ``--allow-conflicts`` would commit)."""
    lines = project_text(plan, verbose=verbose)
    return "\n".join(lines) + "\n" + "".join(unified_diff(f) for f in plan.files if f.changes)


SUMMARY_ACTIONS = ("new", "updated", "merged", "removed", "conflict")


def _summary_rows(rows: Sequence[tuple[str, Plan | None, str]]) -> list[tuple[str, ...]]:
    out = []
    for name, plan, outcome in rows:
        counts = [str(len(plan.by_action(a))) if plan else "-" for a in SUMMARY_ACTIONS]
        out.append((name, *counts, outcome))
    return out


def summary_table(rows: Sequence[tuple[str, Plan | None, str]]) -> str:
    """The closing table: per project, file counts by classification and what happened
    (a word of the status vocabulary coloured where colour is wanted)."""
    shown = [(*row[:-1], status(row[-1]) if row[-1] in STATUSES else row[-1]) for row in rows]
    return table(["project", *SUMMARY_ACTIONS, "result"], _summary_rows(shown))


def summary_markdown(rows: Sequence[tuple[str, Plan | None, str]]) -> str:
    """The closing table as Markdown, for a step summary or a comment."""
    headers = ["project", *SUMMARY_ACTIONS, "result"]
    lines = ["| " + " | ".join(headers) + " |", "|" + " --- |" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in _summary_rows(rows)]
    return "\n".join(lines)
