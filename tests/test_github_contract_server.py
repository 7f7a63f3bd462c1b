"""The test GitHub server behaves like GitHub where eco depends on it: counting, ETags,
paging, injected failures, tokens, filters, and refs shared with real git."""

from __future__ import annotations

import base64
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import github
import pytest

from tests.github_server.core import GitHubServer
from tests.helpers import git

pytest_plugins = ["tests.github_server.fixtures"]


def client(server: GitHubServer, token: str = "t0ken") -> github.Github:
    return github.Github(
        base_url=server.url,
        auth=github.Auth.Token(token),
        seconds_between_requests=None,
        seconds_between_writes=None,
        retry=None,
    )


def get(server: GitHubServer, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(server.url + path, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_requests_are_counted_by_method_and_path(github_server: GitHubServer) -> None:
    github_server.state.create_repo("pallets", "flask")
    repo = client(github_server).get_repo("pallets/flask")
    repo.create_label("bug", "d73a4a")
    list(repo.get_labels())
    assert github_server.count("GET") == 2
    assert github_server.count("POST", "/repos/pallets/flask/labels") == 1
    assert [w.path for w in github_server.writes()] == ["/repos/pallets/flask/labels"]
    assert github_server.counts()[("GET", "/repos/{owner}/{repo}/labels")] == 1
    github_server.reset_hits()
    assert github_server.count() == 0 and github_server.writes() == []


def test_etag_answers_304_without_spending_the_budget(github_server: GitHubServer) -> None:
    github_server.state.create_repo("pallets", "flask")
    status, headers, _ = get(github_server, "/repos/pallets/flask/labels")
    assert status == 200
    remaining = int(headers["X-RateLimit-Remaining"])
    status, again, body = get(
        github_server, "/repos/pallets/flask/labels", **{"If-None-Match": headers["ETag"]}
    )
    assert (status, body) == (304, b"")
    assert int(again["X-RateLimit-Remaining"]) == remaining
    assert github_server.count("GET", not_modified=False) == 1
    client(github_server).get_repo("pallets/flask").create_label("new", "ffffff")
    status, _, _ = get(
        github_server, "/repos/pallets/flask/labels", **{"If-None-Match": headers["ETag"]}
    )
    assert status == 200  # the list changed, so the old ETag no longer matches


def test_lists_are_paginated_with_link_headers(github_server: GitHubServer) -> None:
    repo = github_server.state.create_repo("pallets", "flask")
    for n in range(35):
        github_server.state.add_status(repo, "0" * 40, f"ctx{n}", "success")  # noise
    gh_repo = client(github_server).get_repo("pallets/flask")
    for n in range(35):
        gh_repo.create_issue(f"issue {n}")
    status, headers, _ = get(github_server, "/repos/pallets/flask/issues?per_page=30")
    assert 'rel="next"' in headers["Link"] and "page=2" in headers["Link"]
    github_server.reset_hits()
    titles = [issue.title for issue in gh_repo.get_issues()]
    assert len(titles) == 35 and titles[0] == "issue 34"
    assert github_server.count("GET", "/repos/pallets/flask/issues") == 2


def test_secondary_rate_limit_is_injected_then_lifted(github_server: GitHubServer) -> None:
    github_server.state.create_repo("pallets", "flask")
    github_server.fail_next(2, path="/repos/pallets/flask")
    for _ in range(2):
        status, headers, body = get(github_server, "/repos/pallets/flask")
        assert status == 403 and headers["Retry-After"] == "1"
        assert b"secondary rate limit" in body
    assert get(github_server, "/repos/pallets/flask")[0] == 200


def test_a_bad_token_gets_401(github_server: GitHubServer) -> None:
    github_server.state.create_repo("pallets", "flask")
    github_server.require_token("good-token")
    with pytest.raises(github.BadCredentialsException) as info:
        client(github_server, "bad-token").get_repo("pallets/flask")
    assert info.value.status == 401
    assert client(github_server, "good-token").get_repo("pallets/flask").name == "flask"


def test_git_and_the_api_share_refs(github_server: GitHubServer, tmp_path: Path) -> None:
    github_server.state.create_repo("pallets", "flask", {"README.md": "# Flask\n"})
    github_server.require_token("push-token")
    url = github_server.git_url("pallets", "flask")
    clone = tmp_path / "clone"
    auth = "Authorization: Basic " + base64.b64encode(b"x-access-token:push-token").decode()
    header = ["-c", f"http.extraHeader={auth}"]
    git(*header, "clone", "-q", url, str(clone), cwd=tmp_path)
    (clone / "NEW.md").write_text("new\n")
    git("checkout", "-q", "-b", "eco/sync", cwd=clone)
    git("add", "-A", cwd=clone)
    git("commit", "-q", "-m", "sync", cwd=clone)
    git(*header, "push", "-q", "origin", "eco/sync", cwd=clone)
    pushed = git("rev-parse", "HEAD", cwd=clone)

    repo = client(github_server, "push-token").get_repo("pallets/flask")
    assert repo.get_git_ref("heads/eco/sync").object.sha == pushed
    repo.create_git_ref("refs/tags/v1", pushed)
    remote = git(*header, "ls-remote", url, "refs/tags/v1", cwd=tmp_path)
    assert remote.split()[0] == pushed

    # without the token git is refused, as on GitHub
    denied = subprocess.run(
        ["git", "-c", "credential.helper=", "ls-remote", url],
        capture_output=True,
        text=True,
        env={"GIT_TERMINAL_PROMPT": "0", "PATH": "/usr/bin:/bin"},
    )
    assert denied.returncode != 0


def test_pull_filters_and_one_open_pr_per_branch(github_server: GitHubServer) -> None:
    state = github_server.state
    repo = state.create_repo("pallets", "flask")
    gh_repo = client(github_server).get_repo("pallets/flask")
    main = gh_repo.get_git_ref("heads/main").object.sha
    from tests.github_server import gitrepo

    tree = gitrepo.git(repo.bare, "mktree", input=b"")
    sha = gitrepo.git(repo.bare, "commit-tree", tree, "-p", main, "-m", "sync")
    gh_repo.create_git_ref("refs/heads/eco/sync", sha)
    pr = gh_repo.create_pull(title="Sync", body="", head="eco/sync", base="main")
    with pytest.raises(github.GithubException) as info:
        gh_repo.create_pull(title="Sync", body="", head="eco/sync", base="main")
    assert info.value.status == 422 and "already exists" in str(info.value.data)

    def numbers(**query: str) -> list[int]:
        return [p.number for p in gh_repo.get_pulls(**query)]

    assert numbers(head="pallets:eco/sync") == [pr.number]
    assert numbers(head="pallets:other") == []
    assert numbers(base="develop") == []
    state.merge_pull(repo, pr.number)
    assert numbers(state="open") == []
    merged = gh_repo.get_pull(pr.number)
    assert merged.merged and merged.state == "closed"
    assert gh_repo.get_branch("main").commit.sha == sha


def test_issue_filters_and_label_rename(github_server: GitHubServer) -> None:
    state = github_server.state
    state.create_repo("pallets", "flask")
    gh_repo = client(github_server).get_repo("pallets/flask")
    gh_repo.create_label("bug", "d73a4a")
    old = gh_repo.create_issue("old", labels=["bug"])
    state.advance(3600)
    new = gh_repo.create_issue("new")
    since = new.created_at
    assert [i.title for i in gh_repo.get_issues(since=since)] == ["new"]
    assert [i.title for i in gh_repo.get_issues(labels=["bug"])] == ["old"]
    old.edit(state="closed")
    assert [i.title for i in gh_repo.get_issues()] == ["new"]
    assert {i.title for i in gh_repo.get_issues(state="all")} == {"old", "new"}
    gh_repo.get_label("bug").edit("type: bug", "d73a4a")
    assert [lab.name for lab in gh_repo.get_issue(old.number).labels] == ["type: bug"]
