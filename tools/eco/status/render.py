"""The status table as text, Markdown and one self-contained HTML page (Jinja2,
autoescaped: every value a contributor could have written is escaped)."""

from __future__ import annotations

from jinja2 import Environment

from eco.status.model import aspects
from eco.status.model import ATTENTION
from eco.status.model import Row
from eco.status.model import UNKNOWN
from eco.tables import table

MARKS = {"ok": "ok", "attention": "!!", "unknown": "??", "n/a": "-"}


def text(rows: list[Row], *, public: bool = False) -> str:
    """A plain table: a mark and the cell's text; then which command explains what."""
    shown = aspects(public=public)
    body = [
        [row.project, *(f"{MARKS[row.cell(a.key).state]} {row.cell(a.key).text}" for a in shown)]
        for row in rows
    ]
    lines = [table(["project", *(a.title for a in shown)], body), ""]
    lines.append("ok: fine  !!: needs attention  ??: could not be read  -: does not apply")
    lines.append("explained by: " + "; ".join(f"{a.title}: {a.command}" for a in shown))
    return "\n".join(lines)


def _md(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def markdown(rows: list[Row], *, public: bool = False) -> str:
    """A GitHub-flavoured table (a job summary): each cell with its explaining command."""
    shown = aspects(public=public)
    attention = sum(1 for r in rows if r.needs_attention)
    lines = [
        f"## eco status: {attention} of {len(rows)} projects need attention",
        "",
        "| project | " + " | ".join(a.title for a in shown) + " |",
        "| --- | " + " | ".join("---" for _ in shown) + " |",
    ]
    for row in rows:
        cells = []
        for a in shown:
            cell = row.cell(a.key)
            mark = {ATTENTION: "🔴 ", UNKNOWN: "❔ "}.get(cell.state, "")
            cells.append(f"{mark}{_md(cell.text)}<br>`{_md(cell.command(row.project))}`")
        lines.append(f"| {_md(row.project)} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


PAGE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 90em;
       padding: 0 1em; color: #1f2328; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.35em 0.6em; border: 1px solid #d0d7de;
         vertical-align: top; }
th { background: #f6f8fa; }
td.ok { background: #dafbe1; }
td.attention { background: #ffebe9; }
td.unknown { background: #fff8c5; }
td.na { color: #57606a; }
code { font-size: 0.85em; color: #57606a; display: block; margin-top: 0.2em; }
</style>
</head>
<body>
<header>
<h1>{{ title }}</h1>
<p>{{ attention }} of {{ rows|length }} projects need attention.
Each cell names the command that explains it.</p>
</header>
<main>
<table>
<thead><tr><th scope="col">project</th>
{%- for a in shown %}<th scope="col">{{ a.title }}</th>{% endfor %}</tr></thead>
<tbody>
{%- for row in rows %}
<tr><th scope="row">{{ row.project }}</th>
{%- for a in shown %}{% set cell = row.cell(a.key) %}
<td class="{{ classes[cell.state] }}"><span>{{ cell.text }}</span>
<code>{{ cell.command(row.project) }}</code></td>
{%- endfor %}</tr>
{%- endfor %}
</tbody>
</table>
</main>
</body>
</html>
"""


def html(rows: list[Row], *, title: str, public: bool = True) -> str:
    """One self-contained page (inline CSS, no scripts, no assets)."""
    env = Environment(autoescape=True, keep_trailing_newline=True)
    return env.from_string(PAGE).render(
        title=title,
        rows=rows,
        shown=aspects(public=public),
        attention=sum(1 for r in rows if r.needs_attention),
        classes={"ok": "ok", "attention": "attention", "unknown": "unknown", "n/a": "na"},
    )
