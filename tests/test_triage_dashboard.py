"""The outputs of a triage report: text, Markdown, JSON and the HTML dashboard.

The dashboard must parse as strict HTML5 (html5lib) and render in a real headless
Chromium showing every queue; that test runs wherever Chromium is installed.
"""

from __future__ import annotations

import json
import subprocess
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from pathlib import Path

import html5lib
import pytest

from eco.triage import dashboard
from eco.triage import output
from eco.triage.model import Event
from eco.triage.model import Item
from eco.triage.model import Repository
from eco.triage.model import Team
from eco.triage.model import Window
from eco.triage.queues import QUEUES
from eco.triage.report import build
from eco.triage.report import Report
from tests.helpers import chromium

T0 = datetime(2026, 11, 1, tzinfo=UTC)
NOW = T0 + timedelta(days=20)
TEAM = Team.of(["maint"], associations=())


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def sample_report() -> Report:
    """Two projects with at least one row in every queue (titles need escaping)."""
    first = Repository(
        "flask-demo",
        "org/flask-demo",
        (
            Item(
                "org/flask-demo",
                1,
                "url_for fails with <blueprints> & | pipes",
                "alice",
                day(1),
                url="https://github.com/org/flask-demo/issues/1",
            ),
            Item(
                "org/flask-demo",
                2,
                "url_for fails in blueprint",
                "bob",
                day(2),
                labels=("docs",),
                events=(Event("maint", day(3)),),
            ),
            Item(
                "org/flask-demo",
                3,
                "Add typing to the session",
                "carol",
                day(4),
                is_pull=True,
                url="https://github.com/org/flask-demo/pull/3",
            ),
            Item(
                "org/flask-demo",
                4,
                "Crash on import",
                "dan",
                day(0),
                state="closed",
                closed_at=day(2),
                labels=("cli",),
                milestone="1.0.0",
                events=(Event("maint", day(1)), Event("erin", day(10))),
            ),
        ),
    )
    second = Repository(
        "cache-demo",
        "org/cache-demo",
        (
            Item(
                "org/cache-demo",
                7,
                "Redis backend drops keys",
                "frank",
                day(5),
                labels=("redis",),
                milestone="2.0.0",
                events=(
                    Event(
                        "maint",
                        day(
                            5,
                        )
                        + timedelta(hours=6),
                    ),
                ),
            ),
        ),
    )
    return build([first, second], TEAM, Window(day(0), NOW, 3))


def test_every_queue_has_rows_in_the_sample() -> None:
    report = sample_report()
    assert {name: len(report.rows(name)) for name in QUEUES} == {
        "needs-reply": 2,  # #1 (opened, unanswered), #3 (PR, unanswered)
        "awaiting-review": 1,
        "untriaged": 2,  # #1 (nothing), #2 (no milestone)
        "closed-comments": 1,
        "duplicates": 1,
    }


def test_html_is_strictly_valid_and_self_contained() -> None:
    page = dashboard.html(sample_report())
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    tree = parser.parse(page)  # raises on any parse error
    assert not parser.errors
    for name, title in QUEUES.items():
        section = tree.find(f".//section[@id='{name}']")
        assert section is not None, name
        assert title in "".join(section.find("h2").itertext())
        assert section.find(".//table/tbody/tr") is not None, name
    svg = tree.find(".//section[@id='metrics']/{http://www.w3.org/2000/svg}svg")
    assert svg is not None and len(svg.findall("{http://www.w3.org/2000/svg}rect")) >= 8
    # Nothing is loaded from elsewhere: no scripts, stylesheets, images or fonts.
    for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")):
        assert all(el.get(attr) is None for el in tree.iter(tag)), tag
    assert "url(" not in page
    assert "&lt;blueprints&gt; &amp; | pipes" in page


def test_empty_report_still_shows_every_queue() -> None:
    report = build([Repository("quiet", "org/quiet", ())], TEAM, Window(day(0), NOW, 3))
    page = dashboard.html(report)
    html5lib.HTMLParser(strict=True).parse(page)
    assert page.count("Nothing waiting.") == len(QUEUES)


def test_text_markdown_json() -> None:
    report = sample_report()
    text = output.text(report)
    assert "Needs reply (2)" in text and "Possible duplicates (1)" in text
    assert "similar to #1" in text
    md = output.markdown(report)
    assert "| flask-demo | [org/flask-demo#1](https://github.com/org/flask-demo/issues/1) |" in md
    assert "url_for fails with <blueprints> & \\| pipes" in md  # a pipe cannot end a cell
    data = json.loads(output.json_text(report))
    assert [row["number"] for row in data["queues"]["closed-comments"]] == [4]
    assert data["queues"]["closed-comments"][0]["since"] == "2026-11-11T00:00:00Z"
    assert data["metrics"]["cache-demo"]["first_response"] == {
        "count": 1,
        "median_seconds": 6 * 3600.0,
        "p90_seconds": 6 * 3600.0,
    }
    assert data["window"] == {
        "since": "2026-11-01T00:00:00Z",
        "until": "2026-11-21T00:00:00Z",
        "reply_days": 3,
    }


@pytest.mark.slow
def test_dashboard_opens_in_headless_chromium(tmp_path: Path) -> None:
    browser = chromium()
    page = tmp_path / "triage.html"
    page.write_text(dashboard.html(sample_report()), encoding="utf-8")
    shot = tmp_path / "triage.png"
    common = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run(
        [*common, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    rendered = html5lib.parse(dom.stdout, namespaceHTMLElements=False)
    for name, title in QUEUES.items():
        section = rendered.find(f".//section[@id='{name}']")
        assert section is not None, f"{name} missing from what Chromium rendered"
        assert title in "".join(section.itertext())
        assert section.find(".//tbody/tr") is not None
    subprocess.run(
        [*common, f"--screenshot={shot}", "--window-size=1200,2400", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_value_from_github_is_escaped_in_text_and_attributes() -> None:
    hostile = '"><script>alert(1)</script>'
    repo = Repository(
        "x",
        "org/x",
        (Item("org/x", 1, hostile, "eve", day(1), url=f"https://example.org/{hostile}"),),
    )
    page = dashboard.html(build([repo], TEAM, Window(day(0), NOW, 3)))
    html5lib.HTMLParser(strict=True).parse(page)
    assert "<script>" not in page
    assert 'href="https://example.org/&#34;&gt;&lt;script&gt;' in page
