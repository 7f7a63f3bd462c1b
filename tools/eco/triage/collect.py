"""Fetch every selected project in parallel and build the report (the I/O edge)."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from datetime import datetime
from datetime import timedelta
from datetime import UTC

from eco.forge.github_cache import ListFetcher
from eco.parallel import Outcome
from eco.parallel import run_each
from eco.registry import Project
from eco.triage.fetch import fetch_repository
from eco.triage.model import Repository
from eco.triage.model import Team
from eco.triage.model import Window
from eco.triage.report import build
from eco.triage.report import Report

DEFAULT_WINDOW_DAYS = 30


def window_start(
    now: datetime, since: datetime | None, days: int = DEFAULT_WINDOW_DAYS
) -> datetime:
    """``since`` (a date) or ``days`` before ``now``, at 00:00 UTC.

    A whole day keeps the ``since=`` of every list URL, and so the ETag cache, valid all day.
    """
    start = since if since is not None else now - timedelta(days=days)
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    return start.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def collect(
    projects: Sequence[Project],
    fetcher_for: Callable[[str], ListFetcher],
    team: Team,
    window: Window,
    *,
    jobs: int | None = None,
) -> tuple[Report, list[Outcome[Repository]]]:
    """Fetch each project (``fetcher_for(repo)`` gives each thread its own fetcher)."""

    def one(project: Project) -> Repository:
        assert project.repo is not None
        return fetch_repository(fetcher_for(project.repo), project.name, project.repo, window.since)

    outcomes = run_each(projects, one, jobs=jobs, label="triage")
    fetched = [o.value for o in outcomes if o.value is not None]
    failed = {o.project.name: o.error or "" for o in outcomes if not o.ok}
    return build(fetched, team, window, failed=failed), outcomes
