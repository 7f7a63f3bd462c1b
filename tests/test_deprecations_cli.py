"""``eco deprecations scan`` across a scratch registry of real git projects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import Ecosystem
from tests.helpers import make_bare_repo
from tests.helpers import make_ecosystem
from tests.helpers import run_eco

USES_MARKUP = {
    "src/flask_one/__init__.py": (
        "from flask import Markup\n\n__all__ = ['Markup', 'render']\n\n\n"
        "def render(text):\n    return Markup(text)\n"
    ),
    "tests/test_one.py": "import flask\n\n\ndef test_x():\n    assert flask.Markup('a')\n",
}
USES_URL_QUOTE = {
    "src/flask_two/views.py": (
        "# flask.Markup is gone here\nimport werkzeug.urls as wu\n\n\n"
        "def link(x):\n    return wu.url_quote(x)\n"
    ),
}
CLEAN = {"src/flask_three/__init__.py": "Markup = 'flask.Markup'\n"}


@pytest.fixture
def eco(tmp_path: Path) -> Ecosystem:
    projects = ""
    for name, files in (("one", USES_MARKUP), ("two", USES_URL_QUOTE), ("three", CLEAN)):
        make_bare_repo(tmp_path, name, files)
        projects += (
            f'\n[projects.flask-{name}]\nrepo = "scratch-org/flask-{name}"\n'
            f'url = "{tmp_path}/remotes/{name}.git"\n'
        )
    return make_ecosystem(tmp_path, projects, copy=())


def test_scan_text(eco: Ecosystem) -> None:
    proc = run_eco(
        "deprecations",
        "scan",
        "--name",
        "flask.Markup",
        "--name",
        "werkzeug.urls.url_quote",
        cwd=eco.root,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines() == [
        "flask-one src/flask_one/__init__.py:1:1: flask.Markup (re-export) "
        "from flask import Markup",
        "flask-one src/flask_one/__init__.py:3:12: flask.Markup (re-export) "
        "__all__ = ['Markup', 'render']",
        "flask-one src/flask_one/__init__.py:7:12: flask.Markup (use) return Markup(text)",
        "flask-one tests/test_one.py:5:12: flask.Markup (use) assert flask.Markup('a')",
        "flask-two src/flask_two/views.py:6:12: werkzeug.urls.url_quote (use) "
        "return wu.url_quote(x)",
    ]
    assert "5 use(s) of 2 name(s) in 2 of 3 project(s)" in proc.stderr


def test_scan_filters_and_formats(eco: Ecosystem) -> None:
    proc = run_eco(
        "deprecations",
        "scan",
        "flask-two",
        "flask-three",
        "--name",
        "flask.Markup",
        "--format",
        "json",
        cwd=eco.root,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [p["project"] for p in data["projects"]] == ["flask-two", "flask-three"]
    assert all(p["uses"] == [] for p in data["projects"])

    proc = run_eco(
        "deprecations",
        "scan",
        "--name",
        "werkzeug.urls.url_quote",
        "--format",
        "markdown",
        cwd=eco.root,
    )
    assert proc.returncode == 1
    commit = json.loads(
        run_eco(
            "deprecations",
            "scan",
            "flask-two",
            "--name",
            "werkzeug.urls",
            "--format",
            "json",
            cwd=eco.root,
        ).stdout
    )["projects"][0]["commit"]
    assert proc.stdout.splitlines() == [
        "# Uses of `werkzeug.urls.url_quote`",
        "",
        "1 uses in 1 of 3 projects.",
        "",
        "## flask-two",
        "",
        "| name | where | code |",
        "|---|---|---|",
        f"| `werkzeug.urls.url_quote` | [src/flask_two/views.py:6](https://github.com/"
        f"scratch-org/flask-two/blob/{commit}/src/flask_two/views.py#L6) | "
        "`return wu.url_quote(x)` |",
    ]


def test_scan_bad_input(eco: Ecosystem) -> None:
    proc = run_eco("deprecations", "scan", "--name", "flask.Markup()", cwd=eco.root)
    assert proc.returncode == 2
    assert "'flask.Markup()' is not a dotted Python name" in proc.stderr
    proc = run_eco("deprecations", "scan", "nope", "--name", "flask.Markup", cwd=eco.root)
    assert proc.returncode == 2
    assert "no project named 'nope'" in proc.stderr


def test_scan_and_due_no_fetch_read_the_clones_offline(eco: Ecosystem, tmp_path: Path) -> None:
    first = run_eco("deprecations", "scan", "--name", "flask.Markup", cwd=eco.root)
    due = run_eco("deprecations", "due", cwd=eco.root)
    (tmp_path / "remotes").rename(tmp_path / "unreachable")  # on a train: no remote
    offline = run_eco("deprecations", "scan", "--name", "flask.Markup", cwd=eco.root)
    assert offline.returncode == 1
    # Every project failed alike: one line naming them all (grouped, not one per project).
    (failed,) = [line for line in offline.stderr.splitlines() if line.startswith("  failed")]
    assert failed.startswith("  failed 3 projects (") and "flask-one" in failed
    again = run_eco("deprecations", "scan", "--name", "flask.Markup", "--no-fetch", cwd=eco.root)
    assert (again.returncode, again.stdout) == (first.returncode, first.stdout)
    assert "failed" not in again.stderr.replace("0 failed", "")
    due_again = run_eco("deprecations", "due", "--no-fetch", cwd=eco.root)
    assert (due_again.returncode, due_again.stdout) == (due.returncode, due.stdout)


def test_scan_also_bad_input(eco: Ecosystem) -> None:
    proc = run_eco(
        "deprecations",
        "scan",
        "--name",
        "flask.Markup",
        "--also",
        "flask.globals.nothing",
        cwd=eco.root,
    )
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "error: --also 'flask.globals.nothing': no NAME ends in 'nothing'; write NAME=SPELLING"
    ]
    proc = run_eco("deprecations", "scan", "flask-one", cwd=eco.root)
    assert proc.returncode == 2
    assert "Missing option '--name'" in proc.stderr
