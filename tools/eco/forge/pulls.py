"""eco's own pull requests on GitHub: state, checks and review state, per project.

A pull request is eco's when its head branch starts with ``eco/`` (``eco/sync``,
``eco/lock`` ...) in the project's own repository. Cost per project: one ``GET`` of the
pull list (newest first, one page), then for each open one its combined status, check
runs and reviews (3 ``GET``); closed and merged ones need nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from dataclasses import dataclass
from typing import Any

from github.PullRequest import PullRequest
from github.Repository import Repository

from eco.forge.base import owner_of
from eco.forge.github import GitHubForge
from eco.registry import Project

PREFIX = "eco/"
FAILED = {"failure", "error", "cancelled", "timed_out", "action_required", "startup_failure"}
PENDING = {"pending", "queued", "in_progress", "waiting", "requested"}


@dataclass(frozen=True)
class PullStatus:
    project: str
    number: int
    title: str
    branch: str
    state: str  # open | draft | merged | closed
    checks: str  # passing | failing | pending | none | - (not looked at: closed)
    review: str  # approved | changes requested | commented | none | -
    updated: str  # ISO 8601, UTC
    url: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarize_checks(states: list[str]) -> str:
    """One word for a PR's statuses and check-run conclusions."""
    if not states:
        return "none"
    if any(s in FAILED for s in states):
        return "failing"
    if any(s in PENDING for s in states):
        return "pending"
    return "passing"


def summarize_reviews(reviews: list[tuple[str, str]]) -> str:
    """The review state from ``(user, state)`` pairs in order: each reviewer's last word."""
    last: dict[str, str] = {}
    for user, state in reviews:
        if state in ("APPROVED", "CHANGES_REQUESTED", "DISMISSED"):
            last[user] = state
        elif state == "COMMENTED":
            last.setdefault(user, state)
    words = set(last.values())
    if "CHANGES_REQUESTED" in words:
        return "changes requested"
    if "APPROVED" in words:
        return "approved"
    if "COMMENTED" in words:
        return "commented"
    return "none"


def _state(pull: PullRequest) -> str:
    if pull.state == "open":
        return "draft" if pull.draft else "open"
    return "merged" if pull.merged_at is not None else "closed"


def _checks(repo: Repository, sha: str) -> str:
    commit = repo.get_commit(sha)
    states = [s.state for s in commit.get_combined_status().statuses]
    for run in commit.get_check_runs():
        states.append(run.conclusion or run.status)
    return summarize_checks(states)


def _looker(repo: Repository, pull: PullRequest) -> Callable[[], tuple[str, str]]:
    def look() -> tuple[str, str]:
        reviews = [(r.user.login, r.state) for r in pull.get_reviews()]
        return _checks(repo, pull.head.sha), summarize_reviews(reviews)

    return look


def _stamp(pull: PullRequest) -> str:
    when = pull.updated_at or pull.created_at
    return when.strftime("%Y-%m-%dT%H:%M:%SZ") if when else ""


def project_pulls(forge: GitHubForge, project: Project, state: str) -> list[PullStatus]:
    """eco's pull requests of ``project`` in ``state`` (open, closed, merged or all)."""
    full = project.repo
    if not full:
        return []
    owner = owner_of(full)
    gh = forge.call(full, lambda: forge.client(owner))
    try:
        repo = gh.get_repo(full)
        api_state = "open" if state == "open" else "all"

        def listing() -> list[PullRequest]:
            pulls = repo.get_pulls(state=api_state, sort="updated", direction="desc")
            return [p for p in pulls.get_page(0) if p.head.ref.startswith(PREFIX)]

        found = []
        for pull in forge.call(f"{full} pull requests", listing):
            pull_state = _state(pull)
            if state not in ("all", "open") and pull_state != state:
                continue
            checks = review = "-"
            if pull.state == "open":
                checks, review = forge.call(f"{full} #{pull.number}", _looker(repo, pull))
            found.append(
                PullStatus(
                    project=project.name,
                    number=pull.number,
                    title=pull.title,
                    branch=pull.head.ref,
                    state=pull_state,
                    checks=checks,
                    review=review,
                    updated=_stamp(pull),
                    url=pull.html_url,
                )
            )
        return found
    finally:
        gh.close()
