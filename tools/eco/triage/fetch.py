"""Fetch one repository's triage data through the ETag-cached list endpoints.

Requests per repository (every one a paged list, every page conditional on a re-run):

- ``GET /repos/{repo}/issues?state=open``: every open issue and pull request;
- ``GET /repos/{repo}/issues?state=closed&since=S``: closed ones touched in the window;
- ``GET /repos/{repo}/issues/comments?since=S``: the window's comments, all issues at once;
- ``GET /repos/{repo}/pulls?state=open``: drafts and requested reviewers;
- ``GET /repos/{repo}/pulls/{n}/reviews``: for open pull requests and those opened in
  the window;
- ``GET /repos/{repo}/issues/{n}/comments``: only for an open (or recently commented,
  closed) item whose older comments fall before the window.

``S`` is a whole UTC day so that the URLs, and therefore the cache, stay the same all day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from eco.forge.github_cache import ListFetcher
from eco.triage.model import Event
from eco.triage.model import is_bot
from eco.triage.model import Item
from eco.triage.model import Repository


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _user(data: Mapping[str, Any] | None) -> tuple[str, bool]:
    if not data:
        return "ghost", False  # a deleted account
    login = str(data.get("login", "ghost"))
    return login, is_bot(login, str(data.get("type", "User")))


def comment_event(data: Mapping[str, Any]) -> Event:
    login, bot = _user(data.get("user"))
    return Event(
        login,
        parse_time(data["created_at"]),
        str(data.get("author_association", "NONE")),
        bot,
    )


def review_event(data: Mapping[str, Any]) -> Event | None:
    if data.get("state") == "PENDING" or not data.get("submitted_at"):
        return None
    login, bot = _user(data.get("user"))
    return Event(
        login,
        parse_time(data["submitted_at"]),
        str(data.get("author_association", "NONE")),
        bot,
        "review",
    )


def issue_number(comment: Mapping[str, Any]) -> int:
    return int(str(comment["issue_url"]).rstrip("/").rsplit("/", 1)[1])


def make_item(
    repo: str,
    data: Mapping[str, Any],
    events: list[Event],
    pull: Mapping[str, Any] | None = None,
) -> Item:
    login, bot = _user(data.get("user"))
    milestone = data.get("milestone")
    labels = [
        label if isinstance(label, str) else str(label.get("name", ""))
        for label in data.get("labels") or []
    ]
    reviewers = [str(u.get("login")) for u in (pull or {}).get("requested_reviewers") or []]
    reviewers += [
        f"{repo.split('/')[0]}/{t.get('slug')}" for t in (pull or {}).get("requested_teams") or []
    ]
    closed = data.get("closed_at")
    return Item(
        repo=repo,
        number=int(data["number"]),
        title=str(data.get("title", "")),
        author=login,
        created_at=parse_time(data["created_at"]),
        url=str(data.get("html_url", "")),
        is_pull="pull_request" in data,
        state=str(data.get("state", "open")),
        closed_at=parse_time(closed) if closed else None,
        labels=tuple(labels),
        milestone=str(milestone.get("title")) if isinstance(milestone, dict) else None,
        association=str(data.get("author_association", "NONE")),
        author_bot=bot,
        draft=bool((pull or data).get("draft", False)),
        requested_reviewers=tuple(reviewers),
        events=tuple(sorted(events, key=lambda e: e.at)),
    )


def fetch_repository(fetcher: ListFetcher, project: str, repo: str, since: datetime) -> Repository:
    """Every item the queues and metrics of ``repo`` need, as plain data."""
    base = f"/repos/{repo}"
    window = {"since": iso(since)}
    issues: dict[int, Mapping[str, Any]] = {}
    for data in fetcher.get_all(f"{base}/issues", {"state": "open"}):
        issues[int(data["number"])] = data
    for data in fetcher.get_all(f"{base}/issues", {"state": "closed", **window}):
        issues[int(data["number"])] = data
    comments: dict[int, list[Event]] = defaultdict(list)
    for data in fetcher.get_all(f"{base}/issues/comments", window):
        number = issue_number(data)
        if number in issues:
            comments[number].append(comment_event(data))
    pulls = {int(p["number"]): p for p in fetcher.get_all(f"{base}/pulls", {"state": "open"})}

    items = []
    for number, data in sorted(issues.items()):
        events = comments[number]
        closed_at = data.get("closed_at")
        wanted = data.get("state") == "open" or (
            closed_at is not None and any(e.at >= parse_time(closed_at) for e in events)
        )
        if wanted and int(data.get("comments") or 0) > len(events):
            events = [comment_event(c) for c in fetcher.get_all(f"{base}/issues/{number}/comments")]
        is_pull = "pull_request" in data
        if is_pull and (number in pulls or parse_time(data["created_at"]) >= since):
            for review in fetcher.get_all(f"{base}/pulls/{number}/reviews"):
                event = review_event(review)
                if event is not None:
                    events.append(event)
        items.append(make_item(repo, data, events, pulls.get(number)))
    return Repository(project=project, repo=repo, items=tuple(items))
