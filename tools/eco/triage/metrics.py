"""Responsiveness figures per project over a window: median and 90th percentile.

*Time to first response*: from opening to the first comment or review by a maintainer
who is not the author (bots never count), over the items opened in the window; items
still unanswered are counted apart, not averaged in. *Time to close*: from opening to
closing, over the items closed in the window.

Percentiles use linear interpolation between closest ranks (Hyndman and Fan's type 7,
the default of ``numpy.percentile`` and ``statistics.quantiles(method="inclusive")``):
for sorted values ``x[0..n-1]`` the q-quantile is at rank ``h = (n - 1) * q``, that is
``x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)])``. The median is the
0.5-quantile of the same definition.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from eco.triage.model import Item
from eco.triage.model import Team
from eco.triage.model import Window

PERCENTILE_METHOD = "linear interpolation between closest ranks (type 7, numpy's default)"


def quantile(values: Sequence[float], q: float) -> float:
    """The ``q``-quantile (0 ≤ q ≤ 1) of ``values`` by linear interpolation (type 7)."""
    if not values:
        raise ValueError("quantile of no values")
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"quantile {q} is outside [0, 1]")
    xs = sorted(values)
    h = (len(xs) - 1) * q
    low = math.floor(h)
    high = min(low + 1, len(xs) - 1)
    return xs[low] + (h - low) * (xs[high] - xs[low])


@dataclass(frozen=True)
class Stat:
    """Count, median and 90th percentile of durations, in seconds."""

    count: int
    median: float | None
    p90: float | None

    @classmethod
    def of(cls, durations: Iterable[timedelta]) -> Stat:
        seconds = [d.total_seconds() for d in durations]
        if not seconds:
            return cls(0, None, None)
        return cls(len(seconds), quantile(seconds, 0.5), quantile(seconds, 0.9))


@dataclass(frozen=True)
class Metrics:
    first_response: Stat
    close: Stat
    opened: int  # items opened in the window
    unanswered: int  # of those, still without a maintainer response
    closed: int  # items closed in the window


def first_response(item: Item, team: Team) -> timedelta | None:
    """Opening to the first maintainer comment or review by someone else than the author."""
    for event in item.events:
        if event.author != item.author and team.is_maintainer(event):
            return event.at - item.created_at
    return None


def time_to_close(item: Item) -> timedelta | None:
    if item.open or item.closed_at is None:
        return None
    return item.closed_at - item.created_at


def metrics(items: Iterable[Item], team: Team, window: Window) -> Metrics:
    items = list(items)
    opened = [i for i in items if i.created_at in window and not i.author_bot]
    responses = [r for i in opened if (r := first_response(i, team)) is not None]
    closed = [
        d
        for i in items
        if i.closed_at is not None and i.closed_at in window and not i.author_bot
        if (d := time_to_close(i)) is not None
    ]
    return Metrics(
        first_response=Stat.of(responses),
        close=Stat.of(closed),
        opened=len(opened),
        unanswered=len(opened) - len(responses),
        closed=len(closed),
    )


def human(seconds: float | None) -> str:
    """``2d 4h``, ``5h 10m``, ``12m``: two units at most; ``-`` for no value."""
    if seconds is None:
        return "-"
    minutes = int(round(seconds / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {mins}m" if mins else f"{hours}h"
    return f"{mins}m"
