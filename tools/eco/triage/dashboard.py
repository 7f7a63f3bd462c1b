"""The triage dashboard: one self-contained HTML file (inline CSS and SVG, no assets).

A table per queue and a bar chart of each project's response and close times; it opens
from disk or as a workflow artifact with no network access. The page is the Jinja2
template ``templates/dashboard.html.j2``, rendered with autoescape: titles, labels and
logins come from strangers on GitHub, and every one of them is escaped.
"""

from __future__ import annotations

from typing import Any

import jinja2

from eco.triage.metrics import human
from eco.triage.metrics import PERCENTILE_METHOD
from eco.triage.output import METRIC_HEADERS
from eco.triage.output import metric_rows
from eco.triage.output import waited
from eco.triage.queues import QUEUES
from eco.triage.report import Report

CSS = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 72em;
       padding: 0 1em; color: #1f2328; }
h1 { margin-bottom: 0.2em; }
.summary { display: flex; flex-wrap: wrap; gap: 0.5em; padding: 0; list-style: none; }
.summary a { display: block; padding: 0.4em 0.8em; border: 1px solid #d0d7de;
             border-radius: 6px; text-decoration: none; color: inherit; }
.summary strong { font-size: 1.3em; margin-right: 0.3em; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1.5em; }
th, td { text-align: left; padding: 0.3em 0.6em; border-bottom: 1px solid #d0d7de;
         vertical-align: top; }
th { background: #f6f8fa; }
td.num, td:first-child, td.ref { white-space: nowrap; }
td.num { text-align: right; }
.empty { color: #57606a; font-style: italic; }
.failed { color: #cf222e; }
svg text { font: 12px system-ui, sans-serif; fill: #1f2328; }
"""

# (metric label, attribute path, colour): two bars per figure, median darker than p90.
BARS = (
    ("first response, median", "first_response", "median", "#0969da"),
    ("first response, p90", "first_response", "p90", "#80ccff"),
    ("close, median", "close", "median", "#8250df"),
    ("close, p90", "close", "p90", "#d8b9ff"),
)


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("eco.triage", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def _queues(report: Report) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "title": title,
            "rows": [
                {
                    "project": project,
                    "ref": row.item.ref,
                    "url": row.item.url,
                    "kind": "PR" if row.item.is_pull else "issue",
                    "title": row.item.title,
                    "since": row.since,
                    "waited": waited(report, row.since),
                    "detail": row.detail,
                }
                for project, row in report.rows(name)
            ],
        }
        for name, title in QUEUES.items()
    ]


def chart(report: Report) -> dict[str, Any]:
    """The bar chart's geometry: per project, response and close times, median and p90."""
    label_width, bar_width, bar_height, gap = 180, 460, 12, 14
    values = [
        getattr(getattr(p.metrics, group), which)
        for p in report.projects
        for _, group, which, _ in BARS
    ]
    top = max([v for v in values if v is not None] + [86400.0])
    block = len(BARS) * bar_height + gap
    legend_height = 24
    projects = []
    for row, project in enumerate(report.projects):
        y0 = legend_height + row * block
        bars = []
        for index, (label, group, which, colour) in enumerate(BARS):
            value = getattr(getattr(project.metrics, group), which)
            length = 0.0 if value is None else max(1.0, bar_width * value / top)
            bars.append(
                {
                    "label": label,
                    "colour": colour,
                    "y": y0 + index * bar_height,
                    "length": length,
                    "shown": human(value),
                }
            )
        projects.append({"name": project.project, "y": y0 + 2 * bar_height + 4, "bars": bars})
    return {
        "width": label_width + bar_width + 90,
        "height": legend_height + max(1, len(report.projects)) * block,
        "label_width": label_width,
        "bar_height": bar_height,
        "legend": [
            {"x": index * 170, "label": label, "colour": colour}
            for index, (label, _, _, colour) in enumerate(BARS)
        ],
        "projects": projects,
    }


def html(report: Report) -> str:
    return _ENV.get_template("dashboard.html.j2").render(
        css=CSS,
        projects=report.projects,
        window=report.window,
        queues=_queues(report),
        chart=chart(report),
        metric_headers=METRIC_HEADERS,
        metric_rows=[(first, rest) for first, *rest in metric_rows(report)],
        percentile_method=PERCENTILE_METHOD,
        failed=report.failed,
    )
