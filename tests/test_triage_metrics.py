"""Metrics on a known fixture: medians and 90th percentiles computed by hand."""

from __future__ import annotations

import statistics
from datetime import datetime
from datetime import timedelta
from datetime import UTC

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eco.triage.metrics import first_response
from eco.triage.metrics import human
from eco.triage.metrics import metrics
from eco.triage.metrics import quantile
from eco.triage.model import Event
from eco.triage.model import Item
from eco.triage.model import Team
from eco.triage.model import Window

T0 = datetime(2026, 10, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
TEAM = Team.of(["maint", "other-maint"], associations=())
WINDOW = Window(since=T0, until=T0 + 60 * DAY, days=3)


def opened(number: int, at: datetime, *events: Event, **kw: object) -> Item:
    return Item("o/r", number, f"#{number}", "alice", at, events=events, **kw)  # type: ignore[arg-type]


def fixture() -> list[Item]:
    start = T0 + DAY
    items = [
        # First maintainer responses after 1, 2, 4, 8 and 16 hours.
        opened(1, start, Event("maint", start + 1 * HOUR)),
        opened(2, start, Event("bob", start + HOUR), Event("maint", start + 2 * HOUR)),
        # A bot and the author speak first: neither is a response.
        opened(
            3,
            start,
            Event("ci[bot]", start + HOUR, bot=True),
            Event("alice", start + 2 * HOUR),
            Event("other-maint", start + 4 * HOUR),
        ),
        opened(4, start, Event("maint", start + 8 * HOUR, kind="review"), is_pull=True),
        opened(5, start, Event("maint", start + 16 * HOUR), Event("maint", start + 17 * HOUR)),
        # Never answered: counted as unanswered, not in the figures.
        opened(6, start, Event("bob", start + HOUR)),
        # Opened before the window: not in the response figures.
        opened(7, T0 - DAY, Event("maint", T0 - DAY + HOUR)),
    ]
    # Closed in the window after 1, 3, 10 and 30 days; one closed after the window.
    for number, days in zip(range(10, 14), (1, 3, 10, 30), strict=True):
        created = T0 - 12 * HOUR  # opened before the window, closed in it
        items.append(
            opened(
                number,
                created,
                Event("maint", created + HOUR),
                state="closed",
                closed_at=created + days * DAY,
            )
        )
    late = T0 + 50 * DAY
    items.append(opened(14, late, state="closed", closed_at=late + 20 * DAY))
    return items


def test_metrics_on_the_fixture() -> None:
    result = metrics(fixture(), TEAM, WINDOW)
    assert result.opened == 7  # 1-6 and 14
    assert result.unanswered == 2  # 6 and 14
    assert result.first_response.count == 5
    # 1, 2, 4, 8, 16 hours: median 4 h; p90 at rank 3.6 = 8 + 0.6 * (16 - 8) = 12.8 h.
    assert result.first_response.median == 4 * 3600
    assert result.first_response.p90 == pytest.approx(12.8 * 3600)
    # Closed in the window: ages 1, 3, 10 and 30 days (#14 closes after the window).
    assert result.closed == 4
    # median at rank 1.5 = 3 + 0.5 * 7 = 6.5 days; p90 at rank 2.7 = 10 + 0.7 * 20 = 24 days.
    assert result.close.median == pytest.approx(6.5 * 86400)
    assert result.close.p90 == pytest.approx(24 * 86400)


def test_no_data_gives_no_figures() -> None:
    result = metrics([], TEAM, WINDOW)
    assert (result.first_response.count, result.first_response.median) == (0, None)
    assert human(result.close.p90) == "-"


def test_the_author_answering_is_no_response() -> None:
    mine = Item("o/r", 1, "t", "maint", T0, events=(Event("maint", T0 + HOUR),))
    assert first_response(mine, TEAM) is None


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([5.0], 0.9, 5.0),
        ([1.0, 2.0], 0.5, 1.5),
        ([1.0, 2.0, 3.0, 4.0], 0.9, 3.7),
        ([10.0, 1.0, 5.0], 0.0, 1.0),
        ([10.0, 1.0, 5.0], 1.0, 10.0),
    ],
)
def test_quantile_by_hand(values: list[float], q: float, expected: float) -> None:
    assert quantile(values, q) == pytest.approx(expected)


@given(st.lists(st.floats(0, 1e7), min_size=2, max_size=50))
def test_quantile_is_statistics_inclusive(values: list[float]) -> None:
    deciles = statistics.quantiles(values, n=10, method="inclusive")
    assert quantile(values, 0.9) == pytest.approx(deciles[8], abs=1e-6)
    assert quantile(values, 0.5) == pytest.approx(statistics.median(values), abs=1e-6)


def test_quantile_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        quantile([], 0.5)
    with pytest.raises(ValueError):
        quantile([1.0], 1.5)


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0, "0m"),
        (59 * 60, "59m"),
        (3600, "1h"),
        (3660, "1h 1m"),
        (86400 * 2 + 3600 * 4, "2d 4h"),
        (86400 * 3, "3d"),
    ],
)
def test_human_durations(seconds: float, shown: str) -> None:
    assert human(seconds) == shown
