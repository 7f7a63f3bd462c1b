"""Text, Markdown and JSON renderings of a triage report."""

from __future__ import annotations

import json
from datetime import datetime

from eco.tables import table
from eco.triage.metrics import human
from eco.triage.metrics import PERCENTILE_METHOD
from eco.triage.queues import QUEUES
from eco.triage.report import as_dict
from eco.triage.report import Report

METRIC_HEADERS = [
    "project",
    "opened",
    "first response median",
    "p90",
    "unanswered",
    "closed",
    "close median",
    "p90",
]


def waited(report: Report, since: datetime) -> str:
    return human((report.generated - since).total_seconds())


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _window(report: Report) -> str:
    w = report.window
    return (
        f"{w.since:%Y-%m-%d} to {w.until:%Y-%m-%d %H:%M} UTC; "
        f"needs reply after {w.days} day{'s' if w.days != 1 else ''}"
    )


def metric_rows(report: Report) -> list[list[str]]:
    return [
        [
            p.project,
            str(p.metrics.opened),
            human(p.metrics.first_response.median),
            human(p.metrics.first_response.p90),
            str(p.metrics.unanswered),
            str(p.metrics.closed),
            human(p.metrics.close.median),
            human(p.metrics.close.p90),
        ]
        for p in report.projects
    ]


def text(report: Report) -> str:
    out = [f"Triage: {len(report.projects)} projects, {_window(report)}"]
    for name, title in QUEUES.items():
        rows = report.rows(name)
        out += ["", f"{title} ({len(rows)})"]
        if rows:
            out.append(
                table(
                    ["project", "item", "title", "waiting", "why"],
                    [
                        [
                            project,
                            f"#{r.item.number}",
                            _short(r.item.title),
                            waited(report, r.since),
                            r.detail,
                        ]
                        for project, r in rows
                    ],
                )
            )
        else:
            out.append("  nothing waiting")
    out += ["", "Metrics (median and 90th percentile)", table(METRIC_HEADERS, metric_rows(report))]
    out.append(f"Percentiles: {PERCENTILE_METHOD}.")
    if report.failed:  # why is in eco's closing lines on stderr, said once there
        out.append(f"failed (not in the queues above): {', '.join(report.failed)}")
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def markdown(report: Report) -> str:
    out = ["# Triage", "", f"{len(report.projects)} projects, {_window(report)}."]
    for name, title in QUEUES.items():
        rows = report.rows(name)
        out += ["", f"## {title} ({len(rows)})", ""]
        if not rows:
            out.append("Nothing waiting.")
            continue
        out += ["| project | item | title | waiting | why |", "| --- | --- | --- | --- | --- |"]
        for project, r in rows:
            link = f"[{r.item.ref}]({r.item.url})" if r.item.url else r.item.ref
            out.append(
                f"| {project} | {link} | {_md(r.item.title)} | {waited(report, r.since)} "
                f"| {_md(r.detail)} |"
            )
    out += ["", "## Metrics", "", "| " + " | ".join(METRIC_HEADERS) + " |"]
    out.append("| --- |" + " ---: |" * (len(METRIC_HEADERS) - 1))
    out += ["| " + " | ".join(_md(c) for c in row) + " |" for row in metric_rows(report)]
    out += ["", f"Percentiles: {PERCENTILE_METHOD}."]
    if report.failed:
        out += ["", "## Failed", ""]
        out += [f"- {project}: {_md(error)}" for project, error in report.failed.items()]
    return "\n".join(out) + "\n"


def json_text(report: Report) -> str:
    return json.dumps(as_dict(report), indent=2) + "\n"
