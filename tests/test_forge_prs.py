"""``eco prs``: eco's pull requests across projects, with checks and review state."""

from __future__ import annotations

import json
from pathlib import Path

from eco.forge.pulls import summarize_checks
from eco.forge.pulls import summarize_reviews
from tests.github_server import gitrepo
from tests.github_server.core import GitHubServer
from tests.github_server.state import Issue
from tests.github_server.state import Pull
from tests.github_server.state import Repo
from tests.helpers import make_ecosystem
from tests.helpers import run_eco

pytest_plugins = ["tests.github_server.fixtures"]

TOKEN = "ghp_prsTestToken0123456789abcdefABCDEFGH"


def project(name: str) -> str:
    return (
        f'\n[projects.{name}]\nrepo = "pallets/{name}"\npypi = "{name}"\n'
        f'module = "{name}"\nchangelog = "CHANGES.md"\n'
    )


def open_pull(server: GitHubServer, repo: Repo, branch: str, title: str) -> Issue:
    """A branch with one commit and a pull request for it, as a user would make them."""
    main = gitrepo.resolve(repo.bare, "main")
    assert main is not None
    tree = gitrepo.git(repo.bare, "mktree", input=b"")
    sha = gitrepo.git(repo.bare, "commit-tree", tree, "-p", main, "-m", title)
    gitrepo.update_ref(repo.bare, f"refs/heads/{branch}", sha)
    now = server.state.now()
    issue = Issue(
        repo.next_number(),
        server.state.new_id(),
        title,
        "",
        "eco-bot",
        now,
        now,
        pull=Pull(branch, "main", sha),
    )
    repo.issues[issue.number] = issue
    return issue


def test_prs_lists_state_checks_and_reviews(github_server: GitHubServer, tmp_path: Path) -> None:
    state = github_server.state
    flask = state.create_repo("pallets", "flask")
    jinja = state.create_repo("pallets", "jinja")
    state.create_repo("pallets", "click")
    sync = open_pull(github_server, flask, "eco/sync", "eco sync: skeleton 1a2b3c")
    open_pull(github_server, flask, "feature", "Someone's feature")  # not eco's
    assert sync.pull is not None
    state.add_status(flask, sync.pull.head_sha, "docs", "success")
    state.add_check_run(flask, sync.pull.head_sha, "tests", conclusion="failure")
    state.add_review(flask, sync.number, "davidism", "CHANGES_REQUESTED")
    state.add_review(flask, sync.number, "davidism", "APPROVED")
    lock = open_pull(github_server, jinja, "eco/lock", "eco lock")
    state.merge_pull(jinja, lock.number)

    eco = make_ecosystem(tmp_path, project("flask") + project("jinja") + project("click"))
    env = {
        "GITHUB_TOKEN": TOKEN,
        "ECO_GITHUB_API_URL": github_server.url,
        "ECO_GITHUB_GIT_URL": github_server.git_base,
    }
    github_server.require_token(TOKEN)
    github_server.reset_hits()
    result = run_eco("prs", "-j", "1", cwd=eco.root, env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "project",
        "pr",
        "branch",
        "state",
        "checks",
        "review",
        "updated",
        "url",
    ]
    assert lines[2].split()[:6] == ["flask", "#1", "eco/sync", "open", "failing", "approved"]
    assert len(lines) == 3  # the merged one is not open; the feature PR is not eco's
    # 1 free /rate_limit, then 1 list per project and 3 for the one open PR
    assert github_server.count("GET", not_modified=False) == 1 + 3 + 3, github_server.summary()
    assert github_server.writes() == []

    result = run_eco("prs", "--state", "all", "--format", "json", cwd=eco.root, env=env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["version"] == 1 and data["state"] == "all"
    data = data["pulls"]
    assert [(p["project"], p["branch"], p["state"]) for p in data] == [
        ("flask", "eco/sync", "open"),
        ("jinja", "eco/lock", "merged"),
    ]
    assert data[1]["checks"] == "-" and data[1]["url"].endswith("/pallets/jinja/pull/1")


def test_prs_without_credentials_is_one_clear_error(tmp_path: Path) -> None:
    eco = make_ecosystem(tmp_path, project("flask"))
    result = run_eco("prs", cwd=eco.root, env={"GITHUB_TOKEN": "", "GH_TOKEN": ""})
    assert result.returncode == 2
    assert "needs credentials: set GITHUB_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


def test_summaries() -> None:
    assert summarize_checks([]) == "none"
    assert summarize_checks(["success", "neutral", "skipped"]) == "passing"
    assert summarize_checks(["success", "in_progress"]) == "pending"
    assert summarize_checks(["pending", "timed_out"]) == "failing"
    assert summarize_reviews([]) == "none"
    assert summarize_reviews([("a", "COMMENTED")]) == "commented"
    assert summarize_reviews([("a", "APPROVED"), ("a", "COMMENTED")]) == "approved"
    assert summarize_reviews([("a", "APPROVED"), ("b", "CHANGES_REQUESTED")]) == (
        "changes requested"
    )
    assert summarize_reviews([("a", "CHANGES_REQUESTED"), ("a", "DISMISSED")]) == "none"
