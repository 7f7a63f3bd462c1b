"""Pull requests: list (state/head/base filters), create, get, update; reviews."""

from __future__ import annotations

from typing import Any

from tests.github_server import gitrepo
from tests.github_server import shapes
from tests.github_server.core import Call
from tests.github_server.core import invalid
from tests.github_server.core import not_found
from tests.github_server.core import Page
from tests.github_server.core import Reply
from tests.github_server.core import route
from tests.github_server.routes_issues import edit_text
from tests.github_server.routes_issues import find_issue
from tests.github_server.routes_issues import requested_state
from tests.github_server.routes_repos import find_repo
from tests.github_server.state import Issue
from tests.github_server.state import Pull
from tests.github_server.state import Repo


def find_pull(call: Call, repo: Repo) -> Issue:
    issue = find_issue(call, repo)
    if issue.pull is None:
        raise not_found()
    return issue


def _branch_sha(repo: Repo, name: str) -> str | None:
    return (
        gitrepo.resolve(repo.bare, name) if gitrepo.ref(repo.bare, f"refs/heads/{name}") else None
    )


def _head_name(repo: Repo, head: str) -> str:
    owner, sep, name = head.partition(":")
    if sep and owner.lower() != repo.owner.lower():
        raise invalid("Validation Failed", resource="PullRequest", field="head", code="invalid")
    return name if sep else head


@route("GET", "/repos/{owner}/{repo}/pulls")
def list_pulls(call: Call) -> Any:
    repo = find_repo(call)
    state = call.query.get("state", "open")
    head = call.query.get("head")
    base = call.query.get("base")
    found = []
    for issue in sorted(repo.pulls(), key=lambda i: i.number, reverse=True):
        assert issue.pull is not None
        if state != "all" and issue.state != state:
            continue
        if head and head.partition(":")[2] != issue.pull.head:
            # GitHub matches ``user:ref``; a bare name matches nothing.
            continue
        if head and head.partition(":")[0].lower() != repo.owner.lower():
            continue
        if base and issue.pull.base != base:
            continue
        found.append(issue)
    if call.query.get("direction") == "asc":
        found.reverse()
    return Page([shapes.pull(call.state, repo, issue, full=False) for issue in found])


@route("POST", "/repos/{owner}/{repo}/pulls")
def create_pull(call: Call) -> Any:
    repo = find_repo(call)
    title = str(call.require("title"))
    head = _head_name(repo, str(call.require("head")))
    base = str(call.require("base"))
    head_sha = _branch_sha(repo, head)
    if head_sha is None:
        raise invalid("Validation Failed", resource="PullRequest", field="head", code="invalid")
    base_sha = _branch_sha(repo, base)
    if base_sha is None:
        raise invalid("Validation Failed", resource="PullRequest", field="base", code="invalid")
    for other in repo.pulls():
        assert other.pull is not None
        if other.state == "open" and other.pull.head == head and other.pull.base == base:
            raise invalid(
                "Validation Failed",
                resource="PullRequest",
                code="custom",
                message=f"A pull request already exists for {repo.owner}:{head}.",
            )
    if gitrepo.is_ancestor(repo.bare, head_sha, base_sha):
        raise invalid(
            "Validation Failed",
            resource="PullRequest",
            code="custom",
            message=f"No commits between {base} and {head}",
        )
    now = call.state.now()
    issue = Issue(
        number=repo.next_number(),
        id=call.state.new_id(),
        title=title,
        body=call.arg("body"),
        user=call.state.login,
        created_at=now,
        updated_at=now,
        pull=Pull(
            head=head,
            base=base,
            head_sha=head_sha,
            draft=bool(call.arg("draft", False)),
            maintainer_can_modify=bool(call.arg("maintainer_can_modify", False)),
        ),
    )
    repo.issues[issue.number] = issue
    return Reply(201, shapes.pull(call.state, repo, issue))


@route("GET", "/repos/{owner}/{repo}/pulls/{number}")
def get_pull(call: Call) -> Any:
    repo = find_repo(call)
    return shapes.pull(call.state, repo, find_pull(call, repo))


@route("PATCH", "/repos/{owner}/{repo}/pulls/{number}")
def update_pull(call: Call) -> Any:
    repo = find_repo(call)
    issue = find_pull(call, repo)
    pull = issue.pull
    assert pull is not None
    edit_text(call, issue)
    if call.arg("base") is not None:
        pull.base = str(call.arg("base"))
    state = requested_state(call, "PullRequest")
    if state is not None:
        if state == "closed" and issue.state == "open":
            pull.head_sha = gitrepo.resolve(repo.bare, pull.head) or pull.head_sha
            issue.closed_at = call.state.now()
        if state == "open":
            if pull.merged_at is not None:
                raise invalid(
                    "Validation Failed",
                    resource="PullRequest",
                    code="custom",
                    message="Cannot reopen a merged pull request",
                )
            issue.closed_at = None
        issue.state = state
    issue.updated_at = call.state.now()
    return shapes.pull(call.state, repo, issue)


@route("GET", "/repos/{owner}/{repo}/pulls/{number}/reviews")
def list_reviews(call: Call) -> Any:
    repo = find_repo(call)
    issue = find_pull(call, repo)
    assert issue.pull is not None
    number = issue.number
    return Page([shapes.review(call.state, repo, number, r) for r in issue.pull.reviews])
