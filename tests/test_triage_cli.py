"""The real command lines against the test GitHub server: eco triage, labels sync, close."""

from __future__ import annotations

import json
from pathlib import Path

import html5lib
import pytest
from click.testing import CliRunner

from eco.cli import cli
from tests.github_server.core import GitHubServer
from tests.github_server.state import Label
from tests.github_server.state import Repo
from tests.helpers import Ecosystem
from tests.helpers import make_ecosystem
from tests.helpers import run_eco
from tests.triage_seed import DAY
from tests.triage_seed import Said
from tests.triage_seed import Seed
from tests.triage_seed import seed

pytest_plugins = ["tests.github_server.fixtures"]

PROJECTS = """
[projects.demo]
repo = "org/demo"

[projects.quiet]
repo = "org/quiet"

[projects.offline]
url = "/nowhere/offline.git"
"""

LABELS = """
[[label]]
name = "docs"
color = "0075ca"
description = "Documentation"
aliases = ["documentation"]

[[label]]
name = "typing"
color = "3572a5"
description = "Type annotations"
"""

pytestmark = pytest.mark.slow


@pytest.fixture
def world(
    github_server: GitHubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[GitHubServer, Repo, Ecosystem, dict[str, str]]:
    server = github_server
    # The server's clock stands still (its repository objects carry the current time as
    # updated_at, which would change every list page's ETag each second).
    base = int(server.state.now())
    monkeypatch.setattr(server.state, "now", lambda: float(base))
    repo = server.state.create_repo("org", "demo")
    server.state.create_repo("org", "quiet")
    seed(
        server.state,
        repo,
        base,
        [
            Seed("Session expires early", "alice", -5 * DAY, labels=["documentation"]),
            Seed("Cache key collision", "bob", -5 * DAY, [Said("maint", -4 * DAY)]),
            Seed("Add type hints", "gina", -4 * DAY, pull=True),
        ],
    )
    repo.labels["bug"] = Label(server.state.new_id(), "bug", "d73a4a")
    eco = make_ecosystem(tmp_path, PROJECTS, copy=())
    text = (eco.root / "projects.toml").read_text()
    eco.write_registry(
        text.replace(
            'repo = "scratch-org/eco"', 'repo = "scratch-org/eco"\nmaintainers = ["maint"]'
        )
    )
    (eco.root / "labels.toml").write_text(LABELS)
    env = {"GITHUB_TOKEN": "ghp_" + "x" * 36, "ECO_GITHUB_API_URL": server.url}
    return server, repo, eco, env


def test_triage_json_then_repeat_run_costs_nothing(
    world: tuple[GitHubServer, Repo, Ecosystem, dict[str, str]],
) -> None:
    server, _, eco, env = world
    args = ("triage", "--no-members", "--format", "json")
    cold = run_eco(*args, cwd=eco.root, env=env)
    assert cold.returncode == 0, cold.stderr
    data = json.loads(cold.stdout)
    assert [r["number"] for r in data["queues"]["needs-reply"]] == [1, 3]
    assert [r["number"] for r in data["queues"]["awaiting-review"]] == [3]
    assert "skipped offline: not on GitHub" in cold.stderr
    lists = server.count("GET", not_modified=False) - server.count("GET", "/rate_limit")
    # org/demo: open and closed issues, comments, open pulls, the pull's reviews;
    # org/quiet: the same lists, no pull. One request per page, fetched in parallel.
    assert "GitHub: 9 requests, 0 not modified" in cold.stderr and lists == 9

    server.reset_hits()
    warm = run_eco(*args, cwd=eco.root, env=env)
    assert warm.returncode == 0, warm.stderr
    assert json.loads(warm.stdout)["queues"] == data["queues"]
    assert "GitHub: 9 requests, 9 not modified (free), 0 counted" in warm.stderr
    assert server.count("GET", not_modified=False) == server.count("GET", "/rate_limit")


def test_triage_html_dashboard_file(
    world: tuple[GitHubServer, Repo, Ecosystem, dict[str, str]], tmp_path: Path
) -> None:
    _, _, eco, env = world
    out = tmp_path / "triage.html"
    result = run_eco("triage", "demo", "--format", "html", "-o", str(out), cwd=eco.root, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and f"wrote {out}" in result.stderr
    html5lib.HTMLParser(strict=True).parse(out.read_text())


def test_triage_needs_credentials(
    world: tuple[GitHubServer, Repo, Ecosystem, dict[str, str]],
) -> None:
    server, _, eco, env = world
    result = run_eco("triage", cwd=eco.root, env={**env, "GITHUB_TOKEN": ""})
    assert result.returncode == 2
    assert "eco triage needs GitHub credentials: set GITHUB_TOKEN" in result.stderr
    assert server.hits == []


def test_triage_rejects_a_local_project(
    world: tuple[GitHubServer, Repo, Ecosystem, dict[str, str]],
) -> None:
    _, _, eco, env = world
    result = run_eco("triage", "offline", cwd=eco.root, env=env)
    assert result.returncode == 2 and "not on GitHub" in result.stderr


def test_labels_sync_dry_run_then_apply(
    world: tuple[GitHubServer, Repo, Ecosystem, dict[str, str]],
) -> None:
    server, repo, eco, env = world
    dry = run_eco("labels", "sync", cwd=eco.root, env=env)
    assert dry.returncode == 0, dry.stderr
    first = "dry run: the labels on GitHub would be changed; nothing is (add --apply)"
    assert dry.stderr.splitlines()[0] == first
    assert "labels sync: 2 would change, 0 failed" in dry.stderr
    assert "demo (org/demo): 2 changes (dry run, --apply to write)" in dry.stdout
    assert "quiet (org/quiet): 2 changes" in dry.stdout
    assert "rename  documentation -> docs" in dry.stdout
    assert "extra   bug" in dry.stdout and "(kept; --prune deletes it)" in dry.stdout
    assert server.writes() == []

    applied = run_eco(
        "labels", "sync", "demo", "--apply", "--format", "json", cwd=eco.root, env=env
    )
    assert applied.returncode == 0, applied.stderr
    assert applied.stderr.splitlines()[0] == "applying: the labels on GitHub"
    actions = [c["action"] for c in json.loads(applied.stdout)["projects"]["demo"]]
    assert actions == ["rename", "create", "extra"]
    assert [h.method for h in server.writes()] == ["PATCH", "POST"]
    assert repo.issues[1].labels == ["docs"] and "bug" in repo.labels


def test_close_posts_the_reason_first(
    world: tuple[GitHubServer, Repo, Ecosystem, dict[str, str]],
) -> None:
    server, repo, eco, env = world
    args = ("triage", "close", "demo#2", "--reason", "Fixed in 2.0.", "--as", "completed")
    dry = run_eco(*args, cwd=eco.root, env=env)
    assert dry.returncode == 0, dry.stderr
    assert dry.stderr.startswith("dry run: org/demo#2 would be changed; nothing is (add --apply)")
    assert dry.stdout == (
        "would comment on org/demo#2, then close it (completed):\n> Fixed in 2.0.\n"
    )
    assert server.writes() == [] and repo.issues[2].state == "open"
    result = run_eco(*args, "--apply", cwd=eco.root, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "closed org/demo#2 (completed): https://github.com/org/demo/issues/2#issuecomment-"
    )
    assert [(h.method, h.path) for h in server.writes()] == [
        ("POST", "/repos/org/demo/issues/2/comments"),
        ("PATCH", "/repos/org/demo/issues/2"),
    ]
    assert repo.issues[2].state == "closed"
    again = run_eco("triage", "close", "org/demo#2", "--reason", "x", cwd=eco.root, env=env)
    assert result.stderr.startswith("applying: org/demo#2")
    assert again.returncode == 2 and "already closed; nothing was posted" in again.stderr
    assert "ghp_" not in again.stderr + result.stderr


def test_help_texts() -> None:
    for args in (
        ["triage", "--help"],
        ["triage", "report", "--help"],
        ["triage", "close", "--help"],
        ["labels", "sync", "--help"],
    ):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0 and "Usage:" in result.output, args
    assert "report" in CliRunner().invoke(cli, ["triage", "--help"]).output
