"""The status renderings on their own: escaping, the public page without settings, marks."""

from __future__ import annotations

import json

import html5lib

from eco.status.model import as_json
from eco.status.model import ASPECTS
from eco.status.model import Cell
from eco.status.model import Row
from eco.status.render import html
from eco.status.render import markdown
from eco.status.render import text

HOSTILE = '<script>alert(1)</script> | "quoted" & more'


def rows() -> list[Row]:
    cells = tuple(
        Cell(a.key, "attention" if a.key == "drift" else "ok", f"{a.key} fine") for a in ASPECTS
    )
    hostile = tuple(
        Cell(a.key, "unknown", HOSTILE) if a.key == "release" else Cell(a.key, "n/a", "-")
        for a in ASPECTS
    )
    return [Row("alpha", cells), Row("x<b>y", hostile)]


def test_html_escapes_everything_and_leaves_settings_out() -> None:
    page = html(rows(), title="eco & friends")
    html5lib.HTMLParser(strict=True).parse(page)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "x&lt;b&gt;y" in page and "eco &amp; friends" in page
    assert "settings fine" not in page and "eco settings check" not in page
    assert '<td class="attention"><span>drift fine</span>' in page


def test_markdown_and_text_keep_settings_and_escape_pipes() -> None:
    md = markdown(rows())
    assert "settings fine<br>`eco settings check alpha`" in md
    assert '\\| "quoted"' in md  # a pipe cannot end the cell
    assert md.startswith("## eco status: 1 of 2 projects need attention\n")
    plain = text(rows())
    assert "!! drift fine" in plain and "?? <script>" in plain
    public = text(rows(), public=True)
    assert "settings fine" not in public


def test_json_names_the_command_of_every_cell() -> None:
    data = json.loads(json.dumps(as_json(rows(), public=False)))
    assert [a["key"] for a in data["aspects"]] == [a.key for a in ASPECTS]
    assert data["projects"]["alpha"]["prs"] == {
        "state": "ok",
        "text": "prs fine",
        "command": "eco prs alpha",
    }
    assert "settings" not in as_json(rows(), public=True)["projects"]["alpha"]
