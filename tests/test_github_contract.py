"""Acceptance 5: every answer of the test GitHub server matches GitHub's official schemas.

A scenario drives every endpoint eco uses through PyGithub (the client eco uses), then
each JSON body the server sent is validated against the response schema of the same
operation in the OpenAPI description (``shared/data/github-api``).
"""

from __future__ import annotations

import json
import urllib.request

import github
import pytest

from tests.github_server import schemas
from tests.github_server.core import FULL
from tests.github_server.core import GitHubServer
from tests.github_server.core import OUTSIDE_SUBSET
from tests.github_server.core import ROUTES
from tests.helpers import shared_data

# The modules of routes this scenario covers; other modules bring their own tests.
CORE_MODULES = {
    "tests.github_server.routes_checks",
    "tests.github_server.routes_git",
    "tests.github_server.routes_issues",
    "tests.github_server.routes_pulls",
    "tests.github_server.routes_releases",
    "tests.github_server.routes_repos",
}

pytest_plugins = ["tests.github_server.fixtures"]


@pytest.fixture(autouse=True)
def _subset() -> None:
    shared_data(*schemas.SUBSET)


def client(server: GitHubServer) -> github.Github:
    return github.Github(
        base_url=server.url,
        auth=github.Auth.Token("contract"),
        seconds_between_requests=None,
        seconds_between_writes=None,
    )


def _raw(server: GitHubServer, method: str, path: str, body: object = None) -> object:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server.url + path, data=data, method=method)
    request.add_header("Authorization", "token contract")
    with urllib.request.urlopen(request) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


def drive_everything(server: GitHubServer) -> None:
    """Call every core endpoint at least once, the way eco's commands do."""
    state = server.state
    repo = state.create_repo("pallets", "flask", {"README.md": "# Flask\n"})
    gh = client(server)
    gh_repo = gh.get_repo("pallets/flask")
    assert gh.get_user().login == "eco-bot"
    gh.get_rate_limit()

    # refs, commits, branches, tags
    main = gh_repo.get_git_ref("heads/main")
    list(gh_repo.get_git_refs())
    gh_repo.create_git_ref("refs/heads/eco/sync", main.object.sha)
    list(gh_repo.get_git_matching_refs("heads/eco"))
    assert gh_repo.get_commit("main").sha == main.object.sha
    # a new commit on the sync branch so a PR has something to show
    from tests.github_server import gitrepo

    new_tree = gitrepo.git(repo.bare, "mktree", input=b"")
    sha = gitrepo.git(repo.bare, "commit-tree", new_tree, "-p", main.object.sha, "-m", "sync")
    gh_repo.get_git_ref("heads/eco/sync").edit(sha, force=True)
    gh_repo.get_branch("main")
    gh_repo.create_git_ref("refs/tags/1.0.0", main.object.sha)
    list(gh_repo.get_tags())

    # pulls
    pr = gh_repo.create_pull(title="Sync", body="body", head="eco/sync", base="main")
    list(gh_repo.get_pulls(state="open", head="pallets:eco/sync", base="main"))
    pr = gh_repo.get_pull(pr.number)
    pr.edit(title="Sync 2", body="new body")
    state.add_review(repo, pr.number, "davidism", "APPROVED")
    list(pr.get_reviews())
    pr.edit(state="closed")

    # issues, comments, labels
    gh_repo.create_label("bug", "d73a4a", "Something is wrong")
    label = gh_repo.get_label("bug")
    label.edit("type: bug", "d73a4a", "Something is wrong")
    gh_repo.create_label("stale", "ffffff")
    issue = gh_repo.create_issue("Broken", body="it broke", labels=["type: bug"])
    list(gh_repo.get_issues(state="all", labels=["type: bug"], since=issue.created_at))
    issue = gh_repo.get_issue(issue.number)
    issue.add_to_labels("stale")
    list(issue.get_labels())
    issue.set_labels("stale", "type: bug")
    issue.remove_from_labels("stale")
    issue.create_comment("Thanks!")
    list(issue.get_comments())
    list(gh_repo.get_issues_comments())
    issue.edit(state="closed", state_reason="not_planned")
    gh_repo.get_label("stale").delete()
    list(gh_repo.get_labels())

    # releases
    release = gh_repo.create_git_release("2.0.0", "2.0.0", "notes", draft=True)
    list(gh_repo.get_releases())
    release = gh_repo.get_release(release.id)
    release.update_release("2.0.0", "notes", draft=False)
    gh_repo.get_release("2.0.0")
    gh_repo.create_git_release("2.0.1", "2.0.1", "notes").delete_release()

    # statuses and check runs
    state.add_status(repo, main.object.sha, "ci/tests", "success")
    state.add_status(repo, main.object.sha, "ci/docs", "pending")
    state.add_check_run(repo, main.object.sha, "tests (3.13)")
    state.add_check_run(repo, main.object.sha, "build", status="in_progress", conclusion=None)
    gh_repo.get_commit(main.object.sha).get_combined_status()
    list(gh_repo.get_commit(main.object.sha).get_check_runs())

    # the rest by hand, as PyGithub has no call for them
    _raw(server, "DELETE", "/repos/pallets/flask/git/refs/heads/eco/sync")
    _raw(server, "PUT", "/repos/pallets/flask/issues/2/labels", {"labels": ["type: bug"]})


def test_every_answer_matches_the_official_schema(github_server: GitHubServer) -> None:
    drive_everything(github_server)
    assert len(github_server.answers) > 40
    assert schemas.problems(github_server.answers) == []
    # and the scenario reached every core endpoint with a successful answer
    answered = {(h.method, h.route) for h in github_server.hits if h.status < 400}
    missing = [
        schemas.describe(r)
        for r in ROUTES
        if r.handler.__module__ in CORE_MODULES and (r.method, r.pattern) not in answered
    ]
    assert missing == []


# The GitHub App token exchange is missing from the subset: the only routes not checked.
OUTSIDE = {
    "GET /app",
    "GET /orgs/{org}/installation",
    "GET /repos/{owner}/{repo}/installation",
    "POST /app/installations/{installation_id}/access_tokens",
}


def test_every_route_names_an_official_operation() -> None:
    """Routes added by any module must map onto an operation of GitHub's description."""
    from tests.github_server import load_routes

    load_routes()
    spec = schemas.spec()["paths"]
    full = schemas.full_spec()["paths"]
    unknown = []
    outside = {schemas.describe(r) for r in ROUTES if r.schema == OUTSIDE_SUBSET}
    assert outside == OUTSIDE
    for entry in ROUTES:
        try:
            found = schemas.source(entry)
        except LookupError as exc:
            unknown.append(str(exc))
            continue
        if found is None:
            continue
        method, path, _ = found
        if entry.schema == FULL:
            if method.lower() not in full.get(path, {}):
                unknown.append(f"{schemas.describe(entry)}: not in GitHub's whole description")
            continue
        if method.lower() not in spec.get(path, {}):
            unknown.append(f"{schemas.describe(entry)}: {method} {path} is not in the subset")
    assert unknown == []


def test_a_wrong_answer_is_caught(github_server: GitHubServer) -> None:
    """The check can fail: a label without its required ``color`` is reported."""
    github_server.state.create_repo("pallets", "jinja")
    gh = client(github_server)
    gh.get_repo("pallets/jinja").create_label("bug", "d73a4a")
    answer = github_server.answers[-1]
    broken = json.loads(answer.body)
    del broken["color"]
    broken["default"] = "no"
    from dataclasses import replace

    found = schemas.problems([replace(answer, body=json.dumps(broken).encode())])
    assert any("'color' is a required property" in p for p in found), found
    assert any("at default" in p and "boolean" in p for p in found), found
    github_server.answers.clear()
