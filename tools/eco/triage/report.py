"""One report: every project's queues and metrics over one window (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eco.triage.metrics import Metrics
from eco.triage.metrics import metrics
from eco.triage.metrics import PERCENTILE_METHOD
from eco.triage.metrics import Stat
from eco.triage.model import Repository
from eco.triage.model import Team
from eco.triage.model import Window
from eco.triage.queues import all_queues
from eco.triage.queues import QUEUES
from eco.triage.queues import Row


@dataclass(frozen=True)
class ProjectReport:
    project: str
    repo: str
    queues: dict[str, list[Row]]
    metrics: Metrics


@dataclass(frozen=True)
class Report:
    generated: datetime
    window: Window
    projects: list[ProjectReport]
    failed: dict[str, str]  # project -> error, for projects that could not be fetched

    def rows(self, queue: str) -> list[tuple[str, Row]]:
        """A queue across every project, oldest wait first."""
        rows = [(p.project, r) for p in self.projects for r in p.queues[queue]]
        return sorted(rows, key=lambda pr: (pr[1].since, pr[0], pr[1].item.number))


def project_report(repository: Repository, team: Team, window: Window) -> ProjectReport:
    items = list(repository.items)
    return ProjectReport(
        project=repository.project,
        repo=repository.repo,
        queues=all_queues(items, team, window.until, window.days),
        metrics=metrics(items, team, window),
    )


def build(
    repositories: Sequence[Repository],
    team: Team,
    window: Window,
    *,
    failed: dict[str, str] | None = None,
) -> Report:
    return Report(
        generated=window.until,
        window=window,
        projects=[project_report(r, team, window) for r in repositories],
        failed=dict(failed or {}),
    )


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _stat(stat: Stat) -> dict[str, Any]:
    return {"count": stat.count, "median_seconds": stat.median, "p90_seconds": stat.p90}


def as_dict(report: Report) -> dict[str, Any]:
    """The JSON document of ``eco triage --format json`` (stable keys, ISO 8601 UTC)."""
    return {
        "version": 1,
        "generated": _iso(report.generated),
        "window": {
            "since": _iso(report.window.since),
            "until": _iso(report.window.until),
            "reply_days": report.window.days,
        },
        "percentile_method": PERCENTILE_METHOD,
        "queues": {
            name: [
                {
                    "project": project,
                    "repo": row.item.repo,
                    "number": row.item.number,
                    "title": row.item.title,
                    "url": row.item.url,
                    "kind": "pull" if row.item.is_pull else "issue",
                    "author": row.item.author,
                    "since": _iso(row.since),
                    "detail": row.detail,
                }
                for project, row in report.rows(name)
            ]
            for name in QUEUES
        },
        "metrics": {
            p.project: {
                "repo": p.repo,
                "first_response": _stat(p.metrics.first_response),
                "close": _stat(p.metrics.close),
                "opened": p.metrics.opened,
                "unanswered": p.metrics.unanswered,
                "closed": p.metrics.closed,
            }
            for p in report.projects
        },
        "failed": report.failed,
    }
