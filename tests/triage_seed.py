"""Seed the test GitHub server with issues, pull requests, comments and reviews at fixed times.

Times are whole seconds relative to ``base`` (the server's clock when seeding starts), so
every duration the metrics compute is known exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tests.github_server.state import Comment
from tests.github_server.state import Issue
from tests.github_server.state import Label
from tests.github_server.state import Pull
from tests.github_server.state import Repo
from tests.github_server.state import Review
from tests.github_server.state import State

HOUR = 3600
DAY = 86400


@dataclass(frozen=True)
class Said:
    """A comment (or, with ``review``, a pull request review) ``at`` seconds after base."""

    user: str
    at: int
    review: str | None = None  # APPROVED | CHANGES_REQUESTED | COMMENTED


@dataclass(frozen=True)
class Seed:
    title: str
    user: str
    at: int
    events: Sequence[Said] = ()
    labels: Sequence[str] = ()
    closed_at: int | None = None
    pull: bool = False
    draft: bool = False


def seed(state: State, repo: Repo, base: int, items: Sequence[Seed]) -> list[int]:
    """Create ``items`` in order (numbers 1, 2, ...); returns their numbers."""
    numbers = []
    with state.lock:
        for spec in items:
            number = repo.next_number()
            times = [base + spec.at] + [base + e.at for e in spec.events]
            if spec.closed_at is not None:
                times.append(base + spec.closed_at)
            pull = None
            if spec.pull:
                pull = Pull(
                    head=f"topic-{number}",
                    base=repo.default_branch,
                    head_sha="0" * 40,
                    draft=spec.draft,
                )
            issue = Issue(
                number=number,
                id=state.new_id(),
                title=spec.title,
                body="",
                user=spec.user,
                created_at=float(base + spec.at),
                updated_at=float(max(times)),
                state="open" if spec.closed_at is None else "closed",
                closed_at=None if spec.closed_at is None else float(base + spec.closed_at),
                labels=list(spec.labels),
                pull=pull,
            )
            repo.issues[number] = issue
            for name in spec.labels:
                if name.lower() not in repo.labels:
                    repo.labels[name.lower()] = Label(state.new_id(), name, "ededed")
            for event in spec.events:
                at = float(base + event.at)
                if event.review is not None:
                    assert pull is not None, f"{spec.title}: a review needs a pull request"
                    pull.reviews.append(
                        Review(state.new_id(), event.user, event.review, "", "0" * 40, at)
                    )
                else:
                    comment = Comment(state.new_id(), number, "", event.user, at, at)
                    repo.comments[comment.id] = comment
            numbers.append(number)
    return numbers
