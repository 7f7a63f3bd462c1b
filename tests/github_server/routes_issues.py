"""Issues, issue comments and labels (on the repository and on an issue)."""

from __future__ import annotations

import calendar
import time
from typing import Any

from tests.github_server import shapes
from tests.github_server.core import ApiError
from tests.github_server.core import Call
from tests.github_server.core import invalid
from tests.github_server.core import not_found
from tests.github_server.core import Page
from tests.github_server.core import Reply
from tests.github_server.core import route
from tests.github_server.routes_repos import find_repo
from tests.github_server.state import Comment
from tests.github_server.state import Issue
from tests.github_server.state import Label
from tests.github_server.state import Repo


def parse_time(text: str) -> float:
    try:
        return float(calendar.timegm(time.strptime(text.replace("Z", ""), "%Y-%m-%dT%H:%M:%S")))
    except ValueError as exc:
        raise invalid("Validation Failed", field="since", code="invalid") from exc


def find_issue(call: Call, repo: Repo) -> Issue:
    issue = repo.issues.get(int(call.params["number"]))
    if issue is None:
        raise not_found()
    return issue


def edit_text(call: Call, issue: Issue) -> None:
    """Apply a PATCH's ``title`` and ``body`` (issues and pull requests alike)."""
    if call.arg("title") is not None:
        issue.title = str(call.arg("title"))
    if call.arg("body") is not None:
        issue.body = str(call.arg("body"))


def requested_state(call: Call, resource: str) -> str | None:
    """A PATCH's ``state``: "open", "closed", or None when it leaves the state alone."""
    state = call.arg("state")
    if state is not None and state not in ("open", "closed"):
        raise invalid("Validation Failed", resource=resource, field="state", code="invalid")
    return None if state is None else str(state)


def _label_names(repo: Repo, names: list[Any], call: Call) -> list[str]:
    """The canonical names of ``names``, creating missing labels as GitHub does."""
    result = []
    for raw in names:
        name = raw["name"] if isinstance(raw, dict) else str(raw)
        found = repo.labels.get(name.lower())
        if found is None:
            found = Label(call.state.new_id(), name, "ededed")
            repo.labels[name.lower()] = found
        if found.name not in result:
            result.append(found.name)
    return result


@route("GET", "/repos/{owner}/{repo}/issues")
def list_issues(call: Call) -> Any:
    repo = find_repo(call)
    state = call.query.get("state", "open")
    wanted = [n.strip().lower() for n in call.query.get("labels", "").split(",") if n.strip()]
    since = parse_time(call.query["since"]) if call.query.get("since") else None
    sort = call.query.get("sort", "created")
    found = []
    for issue in repo.issues.values():
        if state != "all" and issue.state != state:
            continue
        names = {n.lower() for n in issue.labels}
        if any(n not in names for n in wanted):
            continue
        if since is not None and issue.updated_at < since:
            continue
        found.append(issue)

    def key(issue: Issue) -> tuple[float, int]:
        when = issue.updated_at if sort == "updated" else issue.created_at
        return when, issue.number

    found.sort(key=key, reverse=call.query.get("direction") != "asc")
    return Page([shapes.issue(call.state, repo, issue) for issue in found])


@route("POST", "/repos/{owner}/{repo}/issues")
def create_issue(call: Call) -> Any:
    repo = find_repo(call)
    title = str(call.require("title"))
    now = call.state.now()
    issue = Issue(
        number=repo.next_number(),
        id=call.state.new_id(),
        title=title,
        body=call.arg("body"),
        user=call.state.login,
        created_at=now,
        updated_at=now,
        labels=_label_names(repo, list(call.arg("labels", [])), call),
        assignees=[str(a) for a in call.arg("assignees", [])],
    )
    repo.issues[issue.number] = issue
    return Reply(201, shapes.issue(call.state, repo, issue))


@route("GET", "/repos/{owner}/{repo}/issues/{number}")
def get_issue(call: Call) -> Any:
    repo = find_repo(call)
    return shapes.issue(call.state, repo, find_issue(call, repo))


@route("PATCH", "/repos/{owner}/{repo}/issues/{number}")
def update_issue(call: Call) -> Any:
    repo = find_repo(call)
    issue = find_issue(call, repo)
    edit_text(call, issue)
    if call.arg("labels") is not None:
        issue.labels = _label_names(repo, list(call.arg("labels")), call)
    if call.arg("assignees") is not None:
        issue.assignees = [str(a) for a in call.arg("assignees")]
    state = requested_state(call, "Issue")
    if state is not None:
        if state == "closed" and issue.state == "open":
            issue.closed_at = call.state.now()
            issue.state_reason = call.arg("state_reason") or "completed"
        if state == "open" and issue.state == "closed":
            issue.closed_at = None
            issue.state_reason = "reopened"
        issue.state = state
    issue.updated_at = call.state.now()
    return shapes.issue(call.state, repo, issue)


@route("GET", "/repos/{owner}/{repo}/issues/{number}/comments")
def list_comments(call: Call) -> Any:
    repo = find_repo(call)
    issue = find_issue(call, repo)
    since = parse_time(call.query["since"]) if call.query.get("since") else None
    found = [
        c
        for c in sorted(repo.comments.values(), key=lambda c: c.id)
        if c.issue_number == issue.number and (since is None or c.updated_at >= since)
    ]
    return Page([shapes.comment(call.state, repo, c) for c in found])


@route("POST", "/repos/{owner}/{repo}/issues/{number}/comments")
def create_comment(call: Call) -> Any:
    repo = find_repo(call)
    issue = find_issue(call, repo)
    body = str(call.require("body"))
    now = call.state.now()
    item = Comment(call.state.new_id(), issue.number, body, call.state.login, now, now)
    repo.comments[item.id] = item
    issue.updated_at = now
    return Reply(201, shapes.comment(call.state, repo, item))


@route("GET", "/repos/{owner}/{repo}/issues/comments")
def list_repo_comments(call: Call) -> Any:
    repo = find_repo(call)
    since = parse_time(call.query["since"]) if call.query.get("since") else None
    found = [
        c
        for c in sorted(repo.comments.values(), key=lambda c: c.id)
        if since is None or c.updated_at >= since
    ]
    return Page([shapes.comment(call.state, repo, c) for c in found])


@route("GET", "/repos/{owner}/{repo}/labels")
def list_labels(call: Call) -> Any:
    repo = find_repo(call)
    items = sorted(repo.labels.values(), key=lambda lab: lab.id)
    return Page([shapes.label(call.state, repo, lab) for lab in items])


def _color(value: Any) -> str:
    color = str(value).lstrip("#").lower()
    if len(color) != 6 or any(c not in "0123456789abcdef" for c in color):
        raise invalid("Validation Failed", resource="Label", field="color", code="invalid")
    return color


@route("POST", "/repos/{owner}/{repo}/labels")
def create_label(call: Call) -> Any:
    repo = find_repo(call)
    name = str(call.require("name"))
    if name.lower() in repo.labels:
        raise invalid("Validation Failed", resource="Label", field="name", code="already_exists")
    item = Label(
        call.state.new_id(), name, _color(call.arg("color", "ededed")), call.arg("description")
    )
    repo.labels[name.lower()] = item
    return Reply(201, shapes.label(call.state, repo, item))


def _find_label(call: Call, repo: Repo) -> Label:
    item = repo.labels.get(call.params["name"].lower())
    if item is None:
        raise not_found()
    return item


@route("GET", "/repos/{owner}/{repo}/labels/{name}")
def get_label(call: Call) -> Any:
    repo = find_repo(call)
    return shapes.label(call.state, repo, _find_label(call, repo))


@route("PATCH", "/repos/{owner}/{repo}/labels/{name}")
def update_label(call: Call) -> Any:
    repo = find_repo(call)
    item = _find_label(call, repo)
    new_name = call.arg("new_name")
    if new_name is not None and str(new_name) != item.name:
        new_name = str(new_name)
        clash = repo.labels.get(new_name.lower())
        if clash is not None and clash is not item:
            raise invalid(
                "Validation Failed", resource="Label", field="name", code="already_exists"
            )
        del repo.labels[item.name.lower()]
        for issue in repo.issues.values():
            issue.labels = [new_name if n == item.name else n for n in issue.labels]
        item.name = new_name
        repo.labels[new_name.lower()] = item
    if call.arg("color") is not None:
        item.color = _color(call.arg("color"))
    if call.arg("description") is not None:
        item.description = str(call.arg("description"))
    return shapes.label(call.state, repo, item)


@route("DELETE", "/repos/{owner}/{repo}/labels/{name}")
def delete_label(call: Call) -> Any:
    repo = find_repo(call)
    item = _find_label(call, repo)
    del repo.labels[item.name.lower()]
    for issue in repo.issues.values():
        issue.labels = [n for n in issue.labels if n != item.name]
    return Reply(204)


@route("GET", "/repos/{owner}/{repo}/issues/{number}/labels")
def list_issue_labels(call: Call) -> Any:
    repo = find_repo(call)
    issue = find_issue(call, repo)
    return Page(shapes.issue_labels(call.state, repo, issue))


def _labels_arg(call: Call) -> list[Any]:
    body = call.body
    if isinstance(body, dict):
        body = body.get("labels", [])
    if not isinstance(body, list):
        raise invalid("Invalid request.", field="labels", code="invalid")
    return body


@route("POST", "/repos/{owner}/{repo}/issues/{number}/labels")
def add_issue_labels(call: Call) -> Any:
    repo = find_repo(call)
    issue = find_issue(call, repo)
    for name in _label_names(repo, _labels_arg(call), call):
        if name not in issue.labels:
            issue.labels.append(name)
    issue.updated_at = call.state.now()
    return shapes.issue_labels(call.state, repo, issue)


@route("PUT", "/repos/{owner}/{repo}/issues/{number}/labels")
def set_issue_labels(call: Call) -> Any:
    repo = find_repo(call)
    issue = find_issue(call, repo)
    issue.labels = _label_names(repo, _labels_arg(call), call)
    issue.updated_at = call.state.now()
    return shapes.issue_labels(call.state, repo, issue)


@route(
    "DELETE",
    "/repos/{owner}/{repo}/issues/{number}/labels/{name}",
    schema="GET /repos/{owner}/{repo}/issues/{issue_number}/labels",
)
def remove_issue_label(call: Call) -> Any:
    repo = find_repo(call)
    issue = find_issue(call, repo)
    names = [n for n in issue.labels if n.lower() != call.params["name"].lower()]
    if len(names) == len(issue.labels):
        raise ApiError(404, "Label does not exist")
    issue.labels = names
    issue.updated_at = call.state.now()
    return shapes.issue_labels(call.state, repo, issue)
