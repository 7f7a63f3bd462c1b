"""The triage queues as pure functions: one table of cases per queue."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta
from datetime import UTC

import pytest

from eco.triage.model import Event
from eco.triage.model import Item
from eco.triage.model import Team
from eco.triage.queues import all_queues
from eco.triage.queues import awaiting_review
from eco.triage.queues import closed_comment
from eco.triage.queues import duplicates
from eco.triage.queues import needs_reply
from eco.triage.queues import similarity
from eco.triage.queues import untriaged

T0 = datetime(2026, 11, 1, tzinfo=UTC)
NOW = T0 + timedelta(days=20)
TEAM = Team.of(["davidism", "maint"], associations=())


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def said(author: str, at: float, *, bot: bool = False, kind: str = "comment") -> Event:
    return Event(author, day(at), bot=bot, kind=kind)


def item(number: int = 1, author: str = "alice", **kw: object) -> Item:
    fields: dict[str, object] = {"title": f"issue {number}", "created_at": day(0)}
    fields.update(kw)
    return Item(repo="o/r", number=number, author=author, **fields)  # type: ignore[arg-type]


NEEDS_REPLY_CASES = [
    # (id, item, listed, waiting since (day))
    ("opened, nobody answered", item(), True, 0),
    ("opened yesterday: not yet due", item(created_at=day(19.5)), False, None),
    ("maintainer answered last", item(events=(said("maint", 1),)), False, None),
    ("author replied after maintainer", item(events=(said("maint", 1), said("alice", 2))), True, 2),
    ("community member spoke last", item(events=(said("maint", 1), said("bob", 3))), True, 3),
    (
        "wait starts at the first unanswered message",
        item(events=(said("maint", 1), said("bob", 3), said("alice", 4))),
        True,
        3,
    ),
    ("a bot's comment is no answer", item(events=(said("ci[bot]", 1, bot=True),)), True, 0),
    ("maintainer opened it, nobody spoke", item(author="maint"), False, None),
    (
        "a maintainer's review is an answer",
        item(events=(said("maint", 1, kind="review"),)),
        False,
        None,
    ),
    ("logins compare case-insensitively", item(events=(said("DavidIsm", 1),)), False, None),
    ("closed items never need a reply", item(state="closed", closed_at=day(2)), False, None),
    ("pull requests too", item(is_pull=True, events=(said("alice", 5),)), True, 0),
]


@pytest.mark.parametrize(
    ("case", "subject", "listed", "since"), NEEDS_REPLY_CASES, ids=[c[0] for c in NEEDS_REPLY_CASES]
)
def test_needs_reply(case: str, subject: Item, listed: bool, since: float | None) -> None:
    row = needs_reply(subject, TEAM, NOW, days=3)
    assert (row is not None) is listed
    if row is not None:
        assert since is not None and row.since == day(since)


def test_needs_reply_threshold_is_inclusive() -> None:
    subject = item(created_at=NOW - timedelta(days=3))
    assert needs_reply(subject, TEAM, NOW, days=3) is not None
    assert needs_reply(subject, TEAM, NOW - timedelta(seconds=1), days=3) is None


def test_association_makes_a_maintainer() -> None:
    org = Team.of([])  # default: OWNER, MEMBER, COLLABORATOR count
    answered = item(events=(Event("carol", day(1), association="MEMBER"),))
    assert needs_reply(answered, org, NOW, 3) is None
    assert needs_reply(answered, Team.of([], associations=()), NOW, 3) is not None


REVIEW_CASES = [
    ("ready, never reviewed", item(is_pull=True), "no maintainer review yet"),
    ("draft", item(is_pull=True, draft=True), None),
    ("issue, not a PR", item(), None),
    ("closed PR", item(is_pull=True, state="closed", closed_at=day(1)), None),
    (
        "reviewed by a maintainer",
        item(is_pull=True, events=(said("maint", 1, kind="review"),)),
        None,
    ),
    (
        "only a comment, no review",
        item(is_pull=True, events=(said("maint", 1),)),
        "no maintainer review yet",
    ),
    (
        "review by a non-maintainer",
        item(is_pull=True, events=(said("bob", 1, kind="review"),)),
        "no maintainer review yet",
    ),
    (
        "re-requested after a review",
        item(
            is_pull=True,
            requested_reviewers=("maint",),
            events=(said("maint", 1, kind="review"),),
        ),
        "review requested from @maint",
    ),
    (
        "maintainer's own PR reviewed by nobody else",
        item(author="maint", is_pull=True, events=(said("maint", 1, kind="review"),)),
        "no maintainer review yet",
    ),
]


@pytest.mark.parametrize(
    ("case", "subject", "detail"), REVIEW_CASES, ids=[c[0] for c in REVIEW_CASES]
)
def test_awaiting_review(case: str, subject: Item, detail: str | None) -> None:
    row = awaiting_review(subject, TEAM)
    assert (row.detail if row else None) == detail


def test_awaiting_review_waits_since_the_last_review() -> None:
    subject = item(
        is_pull=True, requested_reviewers=("maint",), events=(said("maint", 4, kind="review"),)
    )
    row = awaiting_review(subject, TEAM)
    assert row is not None and row.since == day(4)


UNTRIAGED_CASES = [
    ("no label, no milestone", item(), "no label, no milestone"),
    ("label only", item(labels=("docs",)), "no milestone"),
    ("milestone only", item(milestone="3.2.0"), "no label"),
    ("both", item(labels=("docs",), milestone="3.2.0"), None),
    ("pull request", item(is_pull=True), None),
    ("closed", item(state="closed", closed_at=day(1)), None),
]


@pytest.mark.parametrize(
    ("case", "subject", "detail"), UNTRIAGED_CASES, ids=[c[0] for c in UNTRIAGED_CASES]
)
def test_untriaged(case: str, subject: Item, detail: str | None) -> None:
    row = untriaged(subject)
    assert (row.detail if row else None) == detail


def closed(*events: Event) -> Item:
    return item(state="closed", closed_at=day(5), events=events)


CLOSED_CASES = [
    ("closed, quiet", closed(), None),
    ("comment before closing", closed(said("bob", 4)), None),
    ("someone commented after closing", closed(said("bob", 6)), 6),
    ("maintainer answered it", closed(said("bob", 6), said("maint", 7)), None),
    ("bot after closing", closed(said("lock[bot]", 19, bot=True)), None),
    ("maintainer's own note", closed(said("maint", 6)), None),
    ("asked again after the answer", closed(said("bob", 6), said("maint", 7), said("eve", 9)), 9),
    ("open issue", item(events=(said("bob", 6),)), None),
]


@pytest.mark.parametrize(
    ("case", "subject", "since"), CLOSED_CASES, ids=[c[0] for c in CLOSED_CASES]
)
def test_closed_comment(case: str, subject: Item, since: float | None) -> None:
    row = closed_comment(subject, TEAM)
    assert (row.since if row else None) == (day(since) if since is not None else None)


DUPLICATE_CASES = [
    ("url_for fails with blueprints", "url_for fails in blueprint", True),
    ("Support async views", "Add support for async views", True),
    ("Docs typo in quickstart", "Session cookie not set on redirect", False),
    ("Typo in config docs", "Docs typo in quickstart", False),
    ("", "anything", False),
]


@pytest.mark.parametrize(("older", "newer", "similar"), DUPLICATE_CASES)
def test_similar_titles(older: str, newer: str, similar: bool) -> None:
    assert (similarity(older, newer) >= 0.6) is similar


def test_duplicates_report_the_newer_open_issue_once() -> None:
    items = [
        item(1, title="url_for fails with blueprints", state="closed", closed_at=day(1)),
        item(2, title="Session cookie not set"),
        item(3, title="url_for fails in blueprint"),
        item(4, title="URL_FOR fails with blueprint", is_pull=True),
        Item("o/other", 5, "url_for fails with blueprints", "bob", day(0)),
    ]
    rows = duplicates(items)
    assert [(r.item.number, r.detail.split(" (")[0]) for r in rows] == [
        (3, "similar to #1, closed")
    ]


def test_all_queues_sorted_oldest_first() -> None:
    items = [item(1, created_at=day(5)), item(2, created_at=day(1)), item(3, created_at=day(3))]
    queues = all_queues(items, TEAM, NOW, 3)
    assert [r.item.number for r in queues["needs-reply"]] == [2, 3, 1]
    assert [r.item.number for r in queues["untriaged"]] == [2, 3, 1]
