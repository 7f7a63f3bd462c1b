"""The triage queues: pure functions from items to the rows a maintainer must act on.

Each queue answers one question and says since when the item has been waiting, so the
oldest wait comes first. Bots never count as speakers.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from eco.triage.model import Event
from eco.triage.model import Item
from eco.triage.model import Team

NEEDS_REPLY = "needs-reply"
AWAITING_REVIEW = "awaiting-review"
UNTRIAGED = "untriaged"
CLOSED_COMMENTS = "closed-comments"
DUPLICATES = "duplicates"

QUEUES: dict[str, str] = {
    NEEDS_REPLY: "Needs reply",
    AWAITING_REVIEW: "Pull requests awaiting review",
    UNTRIAGED: "New issues without a label or milestone",
    CLOSED_COMMENTS: "Comments on closed issues",
    DUPLICATES: "Possible duplicates",
}

DUPLICATE_THRESHOLD = 0.6


@dataclass(frozen=True)
class Row:
    """One line of a queue: the item, since when it waits, and why it is listed."""

    item: Item
    since: datetime
    detail: str


def _speakers(item: Item) -> list[Event]:
    return [e for e in (item.opening, *item.events) if not e.bot]


def _unanswered(events: Sequence[Event], team: Team) -> list[Event]:
    """The non-maintainer messages after the last maintainer message, oldest first."""
    tail: list[Event] = []
    for event in events:
        if team.is_maintainer(event):
            tail = []
        else:
            tail.append(event)
    return tail


def needs_reply(item: Item, team: Team, now: datetime, days: int) -> Row | None:
    """Open, a non-maintainer spoke last, and no maintainer answered for ``days`` days."""
    if not item.open:
        return None
    waiting = _unanswered(_speakers(item), team)
    if not waiting or now - waiting[0].at < timedelta(days=days):
        return None
    last = waiting[-1]
    who = "the author" if last.author == item.author else f"@{last.author}"
    return Row(item, waiting[0].at, f"{who} spoke last; {len(waiting)} unanswered")


def awaiting_review(item: Item, team: Team) -> Row | None:
    """An open, ready pull request with a pending review request or no maintainer review."""
    if not (item.open and item.is_pull) or item.draft:
        return None
    reviews = [
        e
        for e in item.events
        if e.kind == "review" and team.is_maintainer(e) and e.author != item.author
    ]
    if item.requested_reviewers:
        names = ", ".join(f"@{name}" for name in item.requested_reviewers)
        since = max([item.created_at, *(r.at for r in reviews)])
        return Row(item, since, f"review requested from {names}")
    if not reviews:
        return Row(item, item.created_at, "no maintainer review yet")
    return None


def untriaged(item: Item) -> Row | None:
    """An open issue that has not been given a label or a milestone yet."""
    if not item.open or item.is_pull:
        return None
    missing = [
        what
        for what, has in (("no label", item.labels), ("no milestone", item.milestone))
        if not has
    ]
    if not missing:
        return None
    return Row(item, item.created_at, ", ".join(missing))


def closed_comment(item: Item, team: Team) -> Row | None:
    """A closed issue or PR where someone other than a maintainer spoke after closing."""
    if item.open or item.closed_at is None:
        return None
    closed_at = item.closed_at
    after = [e for e in item.events if not e.bot and e.at >= closed_at]
    waiting = _unanswered(after, team)
    if not waiting:
        return None
    last = waiting[-1]
    return Row(item, waiting[0].at, f"@{last.author} commented after it was closed")


_STOPWORDS = frozenset(
    "a an and are as at be but by can do does for from how i in is it not of on or should "
    "the to when why with without".split()
)
_WORD_RE = re.compile(r"[a-z0-9_]+")


def title_tokens(title: str) -> frozenset[str]:
    """Lower-case words without stop words, with a plural ``s`` dropped."""
    words = _WORD_RE.findall(title.lower())
    return frozenset(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
        for w in words
        if w not in _STOPWORDS
    )


def similarity(a: str, b: str) -> float:
    """Mean of the token-set Jaccard index and difflib's ratio of the normalised titles."""
    ta, tb = title_tokens(a), title_tokens(b)
    if not ta or not tb:
        return 0.0
    jaccard = len(ta & tb) / len(ta | tb)
    ratio = difflib.SequenceMatcher(None, " ".join(sorted(ta)), " ".join(sorted(tb))).ratio()
    return (jaccard + ratio) / 2


def duplicates(items: Iterable[Item], threshold: float = DUPLICATE_THRESHOLD) -> list[Row]:
    """Open issues whose title resembles an older issue's in the same repository.

    Each pair is reported once, on the newer issue; the older one may be closed (a
    question asked again after an answer).
    """
    issues = sorted((i for i in items if not i.is_pull), key=lambda i: (i.repo, i.number))
    rows: list[Row] = []
    for index, newer in enumerate(issues):
        if not newer.open:
            continue
        best: tuple[float, Item] | None = None
        for older in issues[:index]:
            if older.repo != newer.repo:
                continue
            score = similarity(newer.title, older.title)
            if score >= threshold and (best is None or score > best[0]):
                best = (score, older)
        if best is not None:
            score, older = best
            state = "" if older.open else ", closed"
            detail = f"similar to #{older.number}{state} ({score:.2f}): {older.title}"
            rows.append(Row(newer, newer.created_at, detail))
    return rows


def all_queues(items: Sequence[Item], team: Team, now: datetime, days: int) -> dict[str, list[Row]]:
    """Every queue for these items, each sorted oldest wait first."""
    queues: dict[str, list[Row]] = {
        NEEDS_REPLY: [r for i in items if (r := needs_reply(i, team, now, days))],
        AWAITING_REVIEW: [r for i in items if (r := awaiting_review(i, team))],
        UNTRIAGED: [r for i in items if (r := untriaged(i))],
        CLOSED_COMMENTS: [r for i in items if (r := closed_comment(i, team))],
        DUPLICATES: duplicates(items),
    }
    for rows in queues.values():
        rows.sort(key=lambda r: (r.since, r.item.repo, r.item.number))
    return queues
