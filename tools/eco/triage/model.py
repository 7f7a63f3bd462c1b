"""The plain data triage works on: issues and pull requests with their conversation.

Built from GitHub's JSON by :mod:`eco.triage.fetch` and by hand in tests; the queues and
metrics never see HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime

# author_association values that mean "a member of the organisation or the repository".
MAINTAINER_ASSOCIATIONS = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})


@dataclass(frozen=True)
class Event:
    """One thing a person said on an issue or pull request: a comment or a review."""

    author: str
    at: datetime
    association: str = "NONE"
    bot: bool = False
    kind: str = "comment"  # "comment" | "review"


@dataclass(frozen=True)
class Item:
    """An issue or a pull request and everything said on it, oldest first."""

    repo: str
    number: int
    title: str
    author: str
    created_at: datetime
    url: str = ""
    is_pull: bool = False
    state: str = "open"
    closed_at: datetime | None = None
    labels: tuple[str, ...] = ()
    milestone: str | None = None
    association: str = "NONE"
    author_bot: bool = False
    draft: bool = False
    requested_reviewers: tuple[str, ...] = ()
    events: tuple[Event, ...] = ()

    @property
    def open(self) -> bool:
        return self.state == "open"

    @property
    def ref(self) -> str:
        """``owner/name#N``: how a maintainer names it on the command line."""
        return f"{self.repo}#{self.number}"

    @property
    def opening(self) -> Event:
        """The issue's own text as the first event of its conversation."""
        return Event(self.author, self.created_at, self.association, self.author_bot, "opened")


@dataclass(frozen=True)
class Team:
    """Who counts as a maintainer: listed logins, plus organisation members by association.

    Logins compare case-insensitively, as GitHub does. ``associations`` holds the
    ``author_association`` values that make anyone a maintainer (owners, organisation
    members and collaborators by default); pass an empty set to trust the list alone.
    """

    logins: frozenset[str] = frozenset()
    associations: frozenset[str] = MAINTAINER_ASSOCIATIONS

    @classmethod
    def of(cls, logins: Iterable[str], *, associations: Iterable[str] | None = None) -> Team:
        assoc = MAINTAINER_ASSOCIATIONS if associations is None else frozenset(associations)
        return cls(frozenset(login.lower() for login in logins), assoc)

    def is_maintainer(self, event: Event) -> bool:
        return not event.bot and (
            event.author.lower() in self.logins or event.association in self.associations
        )


def is_bot(login: str, user_type: str = "User") -> bool:
    """GitHub Apps post as ``name[bot]`` with type ``Bot``."""
    return user_type == "Bot" or login.endswith("[bot]")


@dataclass(frozen=True)
class Window:
    """The metrics window ``[since, until)``; ``days`` is the needs-reply threshold."""

    since: datetime
    until: datetime
    days: int = 3

    def __contains__(self, moment: datetime) -> bool:
        return self.since <= moment < self.until


@dataclass(frozen=True)
class Repository:
    """One project's fetched items (the unit the report is built from)."""

    project: str
    repo: str
    items: tuple[Item, ...] = field(default_factory=tuple)
