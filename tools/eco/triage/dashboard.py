"""The triage dashboard: one self-contained HTML file (inline CSS and SVG, no assets).

A table per queue and a bar chart of each project's response and close times; it opens
from disk or as a workflow artifact with no network access.
"""

from __future__ import annotations

from html import escape

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


def _queue_section(report: Report, name: str, title: str) -> list[str]:
    rows = report.rows(name)
    out = [f'<section id="{name}">', f"<h2>{escape(title)} ({len(rows)})</h2>"]
    if not rows:
        out += ['<p class="empty">Nothing waiting.</p>', "</section>"]
        return out
    out.append(
        "<table><thead><tr><th>project</th><th>item</th><th>title</th>"
        "<th>waiting</th><th>why</th></tr></thead><tbody>"
    )
    for project, row in rows:
        item = row.item
        ref = escape(item.ref)
        link = f'<a href="{escape(item.url)}">{ref}</a>' if item.url else ref
        kind = "PR" if item.is_pull else "issue"
        out.append(
            f'<tr><td>{escape(project)}</td><td class="ref">{link} <small>{kind}</small></td>'
            f"<td>{escape(item.title)}</td>"
            f'<td class="num" title="since {row.since:%Y-%m-%d %H:%M} UTC">'
            f"{waited(report, row.since)}</td><td>{escape(row.detail)}</td></tr>"
        )
    out += ["</tbody></table>", "</section>"]
    return out


def chart(report: Report) -> str:
    """Horizontal bars per project: response and close times, median and p90, in days."""
    label_width, bar_width, bar_height, gap = 180, 460, 12, 14
    values = [
        getattr(getattr(p.metrics, group), which)
        for p in report.projects
        for _, group, which, _ in BARS
    ]
    top = max([v for v in values if v is not None] + [86400.0])
    block = len(BARS) * bar_height + gap
    legend_height = 24
    height = legend_height + max(1, len(report.projects)) * block
    width = label_width + bar_width + 90
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-labelledby="chart-title">',
        '<title id="chart-title">Time to first response and time to close per project</title>',
    ]
    for index, (label, _, _, colour) in enumerate(BARS):
        x = index * 170
        out.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 16}" y="14">{escape(label)}</text>')
    for row, project in enumerate(report.projects):
        y0 = legend_height + row * block
        out.append(f'<text x="0" y="{y0 + 2 * bar_height + 4}">{escape(project.project)}</text>')
        for index, (label, group, which, colour) in enumerate(BARS):
            value = getattr(getattr(project.metrics, group), which)
            y = y0 + index * bar_height
            length = 0.0 if value is None else max(1.0, bar_width * value / top)
            shown = human(value)
            out.append(
                f'<rect x="{label_width}" y="{y}" width="{length:.1f}" '
                f'height="{bar_height - 2}" fill="{colour}">'
                f"<title>{escape(project.project)}: {escape(label)} {shown}</title></rect>"
            )
            out.append(
                f'<text x="{label_width + length + 4:.1f}" y="{y + bar_height - 3}">{shown}</text>'
            )
    out.append("</svg>")
    return "\n".join(out)


def html(report: Report) -> str:
    w = report.window
    summary = "".join(
        f'<li><a href="#{name}"><strong>{len(report.rows(name))}</strong>{escape(title)}</a></li>'
        for name, title in QUEUES.items()
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Triage: {len(report.projects)} projects</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        "<h1>Triage</h1>",
        f"<p>{len(report.projects)} projects; metrics from {w.since:%Y-%m-%d} to "
        f"{w.until:%Y-%m-%d %H:%M} UTC; needs reply after {w.days} days.</p>",
        f'<ul class="summary">{summary}</ul>',
        "</header>",
        "<main>",
    ]
    for name, title in QUEUES.items():
        parts += _queue_section(report, name, title)
    parts += ['<section id="metrics">', "<h2>Metrics</h2>", chart(report)]
    head = "".join(f"<th>{escape(h)}</th>" for h in METRIC_HEADERS)
    parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>")
    for cells in metric_rows(report):
        first, *rest = cells
        tds = "".join(f'<td class="num">{escape(c)}</td>' for c in rest)
        parts.append(f"<tr><td>{escape(first)}</td>{tds}</tr>")
    parts += [
        "</tbody></table>",
        f"<p>Percentiles: {escape(PERCENTILE_METHOD)}. Bots and the author never count as "
        "a response.</p>",
        "</section>",
    ]
    if report.failed:
        parts.append('<section id="failed"><h2>Not fetched</h2><ul>')
        parts += [
            f'<li class="failed">{escape(p)}: {escape(e)}</li>' for p, e in report.failed.items()
        ]
        parts.append("</ul></section>")
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts)
