"""``eco test``'s report: one JSON document (``"version": 1``), rendered as a text table or
as Markdown for a pull-request comment or a workflow's step summary.

Text and Markdown are made from the JSON document only, so the reports of many matrix
jobs, merged with :func:`merge`, render exactly as one local run does. The document's
fields are described in docs/maintainer/ecosystem-ci.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from eco.ecosystem_ci.project import ProjectTest
from eco.ecosystem_ci.suite import SuiteRun
from eco.errors import EcoError
from eco.parallel import Outcome
from eco.tables import table

VERSION = 1
FIRST_WARNINGS = 3  # new deprecation warnings shown per project
VERDICTS = (
    "regressed",
    "errored",
    "failed",
    "new-deprecation-warnings",
    "fixed",
    "flaky",
    "unchanged",
)
_MARK = {
    "regressed": "❌",
    "errored": "⚠️",
    "failed": "⚠️",
    "new-deprecation-warnings": "🟡",
    "fixed": "✅",
    "flaky": "🔁",
    "unchanged": "✔️",
}


def document(
    outcomes: Sequence[Outcome[ProjectTest]],
    against: Sequence[str],
    baseline: Sequence[str],
    installer_runs: int,
) -> dict[str, Any]:
    """The JSON report of one run; ``installer_runs`` counts the uv processes that made
    environments (0 when every environment was reused)."""
    return {
        "version": VERSION,
        "against": list(against),
        "baseline": list(baseline),
        "installer_runs": installer_runs,
        "projects": [_project(o) for o in outcomes],
    }


def _project(outcome: Outcome[ProjectTest]) -> dict[str, Any]:
    value = outcome.value
    if value is None:  # eco could not test it at all (clone, export, bad project file)
        return {
            "project": outcome.project.name,
            "verdict": "failed",
            "errored_on": None,
            "reason": outcome.error,
        }
    verdict = value.verdict
    return {
        "project": value.project.name,
        "verdict": verdict.kind,
        "errored_on": verdict.errored_on,
        "reason": verdict.reason,
        "fails_run": verdict.fails_run,
        "commit": value.commit,
        "python": value.python,
        "requirements": value.requirements_source,
        "versions": value.versions,
        "environments": value.environments,
        "tests": {role: _counts(run) for role, run in value.runs.items()},
        "regressions": [{"id": r.id, "error": r.error} for r in verdict.regressions],
        "fixed": list(verdict.fixed),
        "flaky": list(verdict.flaky),
        "new_warnings": {
            "count": len(verdict.new_warnings),
            "first": [
                {"category": w.category, "message": w.message, "location": w.location}
                for w in verdict.new_warnings[:FIRST_WARNINGS]
            ],
        },
        "notes": list(value.notes),
        "seconds": round(value.seconds, 2),
    }


def _counts(run: SuiteRun) -> dict[str, int]:
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    for result in run.tests.values():
        counts[result.outcome] += 1
    return counts


def fails(doc: Mapping[str, Any]) -> bool:
    """Exit status 1: a project regressed, errored on the candidate only, or was not tested."""
    return any(p.get("fails_run") or p["verdict"] == "failed" for p in doc["projects"])


def merge(docs: Iterable[Mapping[str, Any]], names: Iterable[str] = ()) -> dict[str, Any]:
    """One report from several (one per matrix job); ``names`` say where each came from."""
    merged: dict[str, Any] = {
        "version": VERSION,
        "against": [],
        "baseline": [],
        "installer_runs": 0,
        "projects": [],
    }
    labels = list(names)
    for number, doc in enumerate(docs):
        name = labels[number] if number < len(labels) else f"report {number + 1}"
        if not isinstance(doc, Mapping) or doc.get("version") != VERSION:
            raise EcoError(
                f'{name or "report"}: not an eco test report (expected "version": {VERSION})'
            )
        for key in ("against", "baseline"):
            for item in doc.get(key, []):
                if item not in merged[key]:
                    merged[key].append(item)
        merged["installer_runs"] += int(doc.get("installer_runs") or 0)
        projects = doc.get("projects")
        if not isinstance(projects, list) or not all(_is_project(p) for p in projects):
            raise EcoError(
                f"{name}: projects: expected a list of objects with a project name and "
                f"a verdict ({', '.join(VERDICTS)})"
            )
        merged["projects"] += projects
    merged["projects"].sort(key=lambda p: (VERDICTS.index(p["verdict"]), p["project"]))
    return merged


def _is_project(entry: object) -> bool:
    return (
        isinstance(entry, Mapping)
        and isinstance(entry.get("project"), str)
        and entry.get("verdict") in VERDICTS
    )


def text(doc: Mapping[str, Any]) -> str:
    """A table, then one line per regression, fix, flaky test, new warning and note."""
    rows = []
    details = []
    for p in doc["projects"]:
        rows.append((p["project"], _status(p), _tests(p), _versions(p)))
        for kind, subject, message in _details(p):
            parts = [p["project"], kind, subject, message]
            details.append(": ".join(part for part in parts if part))
    head = f"against {', '.join(doc['against'])}" + (
        f" (baseline {', '.join(doc['baseline'])})" if doc["baseline"] else ""
    )
    body = table(["project", "verdict", "tests (baseline -> candidate)", "upstream"], rows)
    return "\n".join([head, body, *details, _environments(doc)])


def _environments(doc: Mapping[str, Any]) -> str:
    """The closing line: how many environments were made and reused."""
    states = [s for p in doc["projects"] for s in (p.get("environments") or {}).values()]
    counts = ", ".join(
        f"{states.count(s)} {s}" for s in ("created", "reused", "failed") if s in states
    )
    runs = doc.get("installer_runs", 0)
    return f"environments: {counts or 'none'} ({runs} installer run{'s' if runs != 1 else ''})"


def markdown(doc: Mapping[str, Any]) -> str:
    """For a pull-request comment or ``$GITHUB_STEP_SUMMARY``. What a project's code wrote
    (error lines, warning messages, reasons) is shown in code spans, never as Markdown."""
    against = ", ".join(_code(a) for a in doc["against"])
    lines = [f"## eco test against {against}", ""]
    counts = {s: sum(p["verdict"] == s for p in doc["projects"]) for s in VERDICTS}
    lines += [", ".join(f"{n} {s}" for s, n in counts.items() if n) or "no projects", ""]
    lines += [
        "| project | verdict | tests (baseline → candidate) | upstream |",
        "| --- | --- | --- | --- |",
    ]
    for p in doc["projects"]:
        mark = _MARK[p["verdict"]]
        lines.append(f"| {p['project']} | {mark} {_status(p)} | {_tests(p)} | {_versions(p)} |")
    for p in doc["projects"]:
        details = _details(p)
        if details:
            lines += ["", f"<details><summary>{p['project']}: {_status(p)}</summary>", ""]
            for kind, subject, message in details:
                shown = " ".join(_code(part) for part in (subject, message) if part)
                lines.append(f"- {kind}: {shown}" if kind != "note" else f"- note: {message}")
            lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def _code(text: str) -> str:
    """``text`` as one Markdown code span, whatever backticks it holds."""
    text = " ".join(text.split())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _status(p: Mapping[str, Any]) -> str:
    if p["verdict"] == "errored":
        return f"errored on {p['errored_on']}"
    if p["verdict"] == "new-deprecation-warnings":
        count = p["new_warnings"]["count"]
        return f"{count} new deprecation warning{'s' if count != 1 else ''}"
    return str(p["verdict"])


def _tests(p: Mapping[str, Any]) -> str:
    tests = p.get("tests")
    if not tests:
        return "-"
    return " -> ".join(_count_text(tests[r]) for r in ("baseline", "candidate") if r in tests)


def _count_text(counts: Mapping[str, int]) -> str:
    shown = [f"{counts[k]} {k}" for k in ("passed", "failed", "skipped") if counts.get(k)]
    return ", ".join(shown) or "none"


def _versions(p: Mapping[str, Any]) -> str:
    out = []
    for name, roles in (p.get("versions") or {}).items():
        out.append(f"{name} {roles.get('baseline', '-')} -> {roles.get('candidate', '-')}")
    return "; ".join(out) or "-"


def _details(p: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """``(kind, subject, message)`` for each line under a project's row."""
    out: list[tuple[str, str, str]] = []
    if p.get("reason"):
        out.append(("reason", "", p["reason"]))
    out += [("regressed", r["id"], r["error"]) for r in p.get("regressions", [])]
    out += [("fixed", t, "") for t in p.get("fixed", [])]
    out += [("flaky", t, "") for t in p.get("flaky", [])]
    warnings = p.get("new_warnings") or {"count": 0, "first": []}
    for w in warnings["first"]:
        out.append(("new warning", w["location"], f"{w['category']}: {w['message']}"))
    more = warnings["count"] - len(warnings["first"])
    if more > 0:
        out.append(("note", "", f"and {more} more new deprecation warnings"))
    out += [("note", "", n) for n in p.get("notes", [])]
    return out
