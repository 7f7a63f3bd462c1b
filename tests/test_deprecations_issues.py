"""``--open-issues``: one issue per affected project on GitHub, updated, never duplicated.

Against the local GitHub server (PyGithub over HTTP), never mocked objects.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eco.deprecations.issues import file_issues
from eco.deprecations.report import marker
from eco.deprecations.report import ProjectScan
from eco.deprecations.scan import scan_sources
from eco.deprecations.scan import Source
from eco.forge import get_forge
from eco.forge import GitHubForge
from eco.registry import load_registry
from eco.registry import Registry
from tests.github_server.clock import FakeClock
from tests.github_server.core import GitHubServer
from tests.github_server.state import Issue
from tests.github_server.state import Pull
from tests.helpers import make_ecosystem
from tests.helpers import run_eco

pytest_plugins = ["tests.github_server.fixtures"]

TOKEN = "ghp_deprecationsTest0123456789abcdefABCD"
NAMES = ["flask.Markup"]
ONE = {"src/one/__init__.py": "from flask import Markup\n\nMarkup('x')\n"}
TWO = {"src/two/views.py": "import flask\n\n\ndef f():\n    return flask.Markup\n"}
CLEAN = {"src/three/__init__.py": "# flask.Markup\n"}


def env(server: GitHubServer) -> dict[str, str]:
    return {"GITHUB_TOKEN": TOKEN, "ECO_GITHUB_API_URL": server.url}


def registry(server: GitHubServer, tmp_path: Path) -> Registry:
    tables = ""
    for name, files in (("one", ONE), ("two", TWO), ("three", CLEAN)):
        repo = server.state.create_repo("pallets-eco", name, files)
        tables += f'\n[projects.{name}]\nrepo = "pallets-eco/{name}"\nurl = "{repo.bare}"\n'
    eco = make_ecosystem(tmp_path, tables, copy=())
    return load_registry(eco.root / "projects.toml")


def scans(reg: Registry, files: dict[str, dict[str, str]]) -> list[ProjectScan]:
    return [
        ProjectScan(
            reg.projects[name],
            "0" * 40,
            scan_sources([Source(p, t) for p, t in content.items()], NAMES),
        )
        for name, content in files.items()
    ]


def test_one_issue_per_project_then_updates(github_server: GitHubServer, tmp_path: Path) -> None:
    github_server.require_token(TOKEN)
    reg = registry(github_server, tmp_path)
    one = github_server.state.repo("pallets-eco", "one")
    assert one is not None
    # Someone else's open issue, and an open pull request quoting the marker: neither is ours.
    now = github_server.state.now()
    one.issues[1] = Issue(1, 101, "Unrelated", "Markup looks odd", "user", now, now)
    one.issues[2] = Issue(
        2, 102, "Quote", marker(NAMES), "user", now, now, pull=Pull("feature", "main", "0" * 40)
    )
    clock = FakeClock()
    forge = get_forge("github", reg, env=env(github_server), clock=clock)
    assert isinstance(forge, GitHubForge)
    github_server.reset_hits()

    first = scans(reg, {"one": ONE, "two": TWO, "three": CLEAN})
    outcomes = file_issues(forge, first, NAMES, jobs=1)
    assert [(o.project.name, o.value and o.value.action) for o in outcomes] == [
        ("one", "created"),
        ("two", "created"),
    ]
    assert clock.sleeps == [pytest.approx(1.0)]  # the second write waited on the clock
    created = one.issues[3]
    assert created.title == "Replace deprecated flask.Markup"
    assert created.body is not None and created.body.startswith(marker(NAMES))
    assert "https://github.com/pallets-eco/one/blob/" in created.body
    assert [w.method for w in github_server.writes()] == ["POST", "POST"]

    # The same findings again: nothing is written.
    github_server.reset_hits()
    again = file_issues(forge, first, NAMES, jobs=1)
    assert [o.value and o.value.action for o in again] == ["unchanged", "unchanged"]
    assert github_server.writes() == []
    assert github_server.count("GET", route="/repos/{owner}/{repo}/issues") == 2

    # One use fixed in "one": its issue is edited in place, no second issue.
    fixed = scans(reg, {"one": {"src/one/__init__.py": "from flask import Markup\n"}})
    (updated,) = file_issues(forge, fixed, NAMES, jobs=1)
    assert updated.value is not None and updated.value.action == "updated"
    assert updated.value.number == 3 and len(one.issues) == 3
    assert "Markup('x')" not in (one.issues[3].body or "")

    # Once closed, the next scan files a new one.
    one.issues[3].state = "closed"
    (reopened,) = file_issues(forge, fixed, NAMES, jobs=1)
    assert reopened.value is not None and (reopened.value.action, reopened.value.number) == (
        "created",
        4,
    )


def test_cli_open_issues(github_server: GitHubServer, tmp_path: Path) -> None:
    github_server.require_token(TOKEN)
    reg = registry(github_server, tmp_path)
    root = reg.root
    proc = run_eco(
        "deprecations",
        "scan",
        "one",
        "three",
        "--name",
        "flask.Markup",
        "--open-issues",
        cwd=root,
        env=env(github_server),
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[-1].startswith("one: created issue #1 ")
    assert lines[-1].endswith("/pallets-eco/one/issues/1")
    proc = run_eco(
        "deprecations",
        "scan",
        "one",
        "--name",
        "flask.Markup",
        "--open-issues",
        "--format",
        "json",
        cwd=root,
        env=env(github_server),
    )
    assert proc.returncode == 0, proc.stderr
    assert "one: unchanged issue #1" in proc.stderr
    one = github_server.state.repo("pallets-eco", "one")
    assert one is not None and list(one.issues) == [1]
    assert TOKEN not in proc.stdout + proc.stderr

    proc = run_eco("deprecations", "scan", "--name", "flask.Markup", "--open-issues", cwd=root)
    assert proc.returncode == 2
    assert "needs credentials: set GITHUB_TOKEN" in proc.stderr
