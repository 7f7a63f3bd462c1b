"""Triage against the test GitHub server: every queue, exact metrics, request budgets.

The server is seeded with issues, pull requests, comments and reviews at known times;
eco fetches them through PyGithub's requester and the ETag list cache.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from datetime import UTC
from pathlib import Path
from typing import Any

import github
import pytest

from eco.forge.github_cache import EtagCache
from eco.forge.github_cache import GitHubListError
from eco.forge.github_cache import ListFetcher
from eco.registry import Project
from eco.triage.collect import collect
from eco.triage.collect import window_start
from eco.triage.model import Team
from eco.triage.model import Window
from eco.triage.report import as_dict
from tests.github_server.core import GitHubServer
from tests.github_server.schemas import check_server
from tests.github_server.state import Comment
from tests.github_server.state import State
from tests.triage_seed import DAY
from tests.triage_seed import HOUR
from tests.triage_seed import Said
from tests.triage_seed import Seed
from tests.triage_seed import seed

TEAM = Team.of(["maint", "other-maint"], associations=())  # the server says MEMBER for all

# (case, seed, queues it must appear in). Base time 0 is "now" minus 60 days; the
# window starts 30 days before now. Every open issue lacks a milestone (the server has
# no milestones), so every open issue is in "untriaged"; its detail is checked apart.
NOW = 60 * DAY
CASES: list[tuple[str, Seed, set[str]]] = [
    (
        "unanswered for 5 days",
        Seed("Session expires early", "alice", NOW - 5 * DAY),
        {"needs-reply", "untriaged"},
    ),
    (
        "maintainer answered",
        Seed(
            "Cache key collision",
            "bob",
            NOW - 5 * DAY,
            [Said("maint", NOW - 4 * DAY)],
            labels=["docs"],
        ),
        {"untriaged"},
    ),
    (
        "author replied after the maintainer",
        Seed(
            "Config not loaded",
            "carol",
            NOW - 9 * DAY,
            [Said("maint", NOW - 8 * DAY), Said("carol", NOW - 7 * DAY)],
        ),
        {"needs-reply", "untriaged"},
    ),
    ("opened yesterday", Seed("Typo in README", "dan", NOW - DAY), {"untriaged"}),
    (
        "only a bot answered",
        Seed(
            "Deprecation warning on import",
            "erin",
            NOW - 5 * DAY,
            [Said("dependabot[bot]", NOW - 5 * DAY + HOUR)],
        ),
        {"needs-reply", "untriaged"},
    ),
    (
        "old issue answered before the window",
        Seed("Support Python 3.14", "frank", NOW - 50 * DAY, [Said("maint", NOW - 45 * DAY)]),
        {"untriaged"},
    ),
    (
        "pull request, not reviewed",
        Seed("Add type hints", "gina", NOW - 4 * DAY, pull=True),
        {"needs-reply", "awaiting-review"},
    ),
    (
        "pull request, approved",
        Seed(
            "Fix docs build",
            "hank",
            NOW - 4 * DAY,
            [Said("maint", NOW - 3 * DAY, "APPROVED")],
            pull=True,
        ),
        set(),
    ),
    (
        "draft pull request",
        Seed("WIP: async support", "ivy", NOW - 4 * DAY, pull=True, draft=True),
        {"needs-reply"},
    ),
    (
        "pull request reviewed by its own author",
        Seed(
            "Maintainer refactor",
            "maint",
            NOW - 4 * DAY,
            [Said("maint", NOW - 3 * DAY, "COMMENTED")],
            pull=True,
        ),
        {"awaiting-review"},
    ),
    (
        "comment after closing",
        Seed(
            "url_for fails with blueprints",
            "jack",
            NOW - 20 * DAY,
            [Said("maint", NOW - 19 * DAY), Said("kim", NOW - 2 * DAY)],
            closed_at=NOW - 19 * DAY,
        ),
        {"closed-comments"},
    ),
    (
        "comment after closing, answered",
        Seed(
            "Crash on startup",
            "lee",
            NOW - 20 * DAY,
            [Said("mo", NOW - 3 * DAY), Said("maint", NOW - 2 * DAY)],
            closed_at=NOW - 19 * DAY,
        ),
        set(),
    ),
    (
        "duplicate of a closed issue",
        Seed("url_for fails in blueprint", "nia", NOW - DAY, labels=["routing"]),
        {"duplicates", "untriaged"},
    ),
]


def start_server(path: Path) -> GitHubServer:
    return GitHubServer(State(path)).start()


def project(name: str, repo: str) -> Project:
    return Project(
        name, name, name.replace("-", "_"), "CHANGES.rst", "rst", "main", ("3.12",), repo=repo
    )


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[GitHubServer, int, dict[str, int]]]:
    server = start_server(tmp_path_factory.mktemp("github"))
    base = int(server.state.now()) - NOW
    repo = server.state.create_repo("org", "demo")
    numbers = seed(server.state, repo, base, [case[1] for case in CASES])
    try:
        yield server, base, {case[0]: n for case, n in zip(CASES, numbers, strict=True)}
    finally:
        server.stop()
    check_server(server)


def client(server: GitHubServer) -> github.Github:
    return github.Github(base_url=server.url, auth=github.Auth.Token("t0ken-for-tests"), retry=None)


def run(
    server: GitHubServer, base: int, cache: Path | None, name: str = "demo"
) -> tuple[dict[str, Any], ListFetcher]:
    """Collect the report of ``org/NAME`` as of the seeded "now" (through ``cache``)."""
    gh = client(server)
    fetcher = ListFetcher(gh.requester, EtagCache(cache) if cache else None)
    now = datetime.fromtimestamp(base + NOW, UTC)
    window = Window(window_start(now, None), now, 3)
    report, outcomes = collect(
        [project(name, f"org/{name}")], lambda repo: fetcher, TEAM, window, jobs=1
    )
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    return as_dict(report), fetcher


@pytest.fixture(scope="module")
def report(seeded: tuple[GitHubServer, int, dict[str, int]]) -> dict[str, object]:
    server, base, _ = seeded
    data, _ = run(server, base, None)
    return data


@pytest.mark.parametrize(("case", "spec", "queues"), CASES, ids=[c[0] for c in CASES])
def test_queues_on_the_server(
    seeded: tuple[GitHubServer, int, dict[str, int]],
    report: dict[str, object],
    case: str,
    spec: Seed,
    queues: set[str],
) -> None:
    number = seeded[2][case]
    found = {
        name
        for name, rows in report["queues"].items()  # type: ignore[attr-defined]
        if any(row["number"] == number for row in rows)
    }
    assert found == queues


def test_queue_details_on_the_server(
    seeded: tuple[GitHubServer, int, dict[str, int]], report: dict[str, object]
) -> None:
    numbers = seeded[2]
    queues = report["queues"]
    assert isinstance(queues, dict)
    untriaged = {row["number"]: row["detail"] for row in queues["untriaged"]}
    assert untriaged[numbers["unanswered for 5 days"]] == "no label, no milestone"
    assert untriaged[numbers["maintainer answered"]] == "no milestone"
    dupes = {row["number"]: row["detail"] for row in queues["duplicates"]}
    closed = numbers["comment after closing"]
    assert dupes[numbers["duplicate of a closed issue"]].startswith(f"similar to #{closed}, closed")
    waits = {row["number"]: row["since"] for row in queues["needs-reply"]}
    _, base, _ = seeded
    replied = datetime.fromtimestamp(base + NOW - 7 * DAY, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert waits[numbers["author replied after the maintainer"]] == replied


# -- metrics: a second repository with known durations -------------------------------

METRIC_SEEDS = [
    # First maintainer responses after 1, 2, 4, 8 and 16 hours; a bot and the author
    # speaking first do not count.
    Seed("one", "u1", NOW - 20 * DAY, [Said("maint", NOW - 20 * DAY + HOUR)]),
    Seed(
        "two",
        "u2",
        NOW - 20 * DAY,
        [Said("dependabot[bot]", NOW - 20 * DAY + 60), Said("maint", NOW - 20 * DAY + 2 * HOUR)],
    ),
    Seed(
        "three",
        "u3",
        NOW - 20 * DAY,
        [Said("u3", NOW - 20 * DAY + HOUR), Said("other-maint", NOW - 20 * DAY + 4 * HOUR)],
    ),
    Seed(
        "four",
        "u4",
        NOW - 20 * DAY,
        [Said("maint", NOW - 20 * DAY + 8 * HOUR, "COMMENTED")],
        pull=True,
    ),
    Seed("five", "u5", NOW - 20 * DAY, [Said("maint", NOW - 20 * DAY + 16 * HOUR)]),
    Seed("unanswered", "u6", NOW - 10 * DAY),
    # Opened before the window, closed in it after 11, 13, 20 and 30 days.
    *(
        Seed(f"closed {d}", "u7", NOW - 40 * DAY, closed_at=NOW - 40 * DAY + d * DAY)
        for d in (11, 13, 20, 30)
    ),
    # Closed before the window: not counted.
    Seed("closed long ago", "u8", NOW - 59 * DAY, closed_at=NOW - 58 * DAY),
]


def test_metrics_exact_on_the_server(tmp_path: Path) -> None:
    server = start_server(tmp_path / "github")
    try:
        base = int(server.state.now()) - NOW
        seed(server.state, server.state.create_repo("org", "metrics"), base, METRIC_SEEDS)
        gh = client(server)
        now = datetime.fromtimestamp(base + NOW, UTC)
        window = Window(window_start(now, None), now, 3)
        report, outcomes = collect(
            [project("metrics", "org/metrics")],
            lambda repo: ListFetcher(gh.requester),
            TEAM,
            window,
            jobs=1,
        )
    finally:
        server.stop()
    check_server(server)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    figures = as_dict(report)["metrics"]["metrics"]
    assert figures["opened"] == 6 and figures["unanswered"] == 1
    assert figures["first_response"] == {
        "count": 5,
        "median_seconds": 4 * HOUR,  # of 1, 2, 4, 8, 16 hours
        "p90_seconds": pytest.approx(12.8 * HOUR),  # rank 3.6: 8 + 0.6 * (16 - 8)
    }
    assert figures["closed"] == 4
    assert figures["close"] == {
        "count": 4,
        "median_seconds": pytest.approx(16.5 * DAY),  # of 11, 13, 20, 30 days: rank 1.5
        "p90_seconds": pytest.approx(27 * DAY),  # rank 2.7: 20 + 0.7 * (30 - 20)
    }


# -- request budgets -------------------------------------------------------------------


@pytest.mark.slow
def test_cold_run_one_request_per_page_repeat_run_free(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = start_server(tmp_path / "github")
    # The server's clock stands still between runs, as a repository nobody touches does
    # (its repository objects carry the current time as updated_at).
    frozen = [float(int(server.state.now()))]
    monkeypatch.setattr(server.state, "now", lambda: frozen[0])
    try:
        base = int(frozen[0]) - NOW
        repo = server.state.create_repo("org", "busy")
        seeds = [Seed(f"issue {i}", "alice", NOW - 10 * DAY + i) for i in range(200)]
        seeds.append(Seed("a pull", "bob", NOW - 2 * DAY, [Said("carol", NOW - DAY)], pull=True))
        seed(server.state, repo, base, seeds)
        cache = tmp_path / "cache"

        # Cold: 201 open items on 3 pages, then one page each of closed issues, comments,
        # open pulls and the pull's reviews. Nothing is asked twice.
        cold, fetcher = run(server, base, cache, "busy")
        hits = list(server.hits)
        assert [h.status for h in hits] == [200] * 7, server.summary()
        assert len({(h.path, h.query) for h in hits}) == 7
        assert sum(1 for h in hits if h.path == "/repos/org/busy/issues") == 4
        assert fetcher.budget.requests == 7 and fetcher.budget.not_modified == 0
        assert len(cold["queues"]["untriaged"]) == 200

        # Repeat: the same 7 requests, each conditional, each answered 304 and not counted.
        server.reset_hits()
        remaining = server.rate_remaining
        warm, fetcher = run(server, base, cache, "busy")
        assert [h.status for h in server.hits] == [304] * 7, server.summary()
        assert server.count(not_modified=False) == 0
        assert server.rate_remaining == remaining
        assert fetcher.budget.counted == 0
        assert warm["queues"] == cold["queues"]

        # One new comment: only the pages that changed cost a request.
        server.reset_hits()
        seed_comment(server, repo, 5, "maint")
        again, fetcher = run(server, base, cache, "busy")
        changed = [(h.path, h.query) for h in server.hits if h.status == 200]
        assert sorted(p for p, _ in changed) == [
            "/repos/org/busy/issues",  # the page holding issue #5 (its comment count)
            "/repos/org/busy/issues/comments",
        ], server.summary()
        assert fetcher.budget.not_modified == 5
        assert 5 not in [row["number"] for row in again["queues"]["needs-reply"]]
    finally:
        server.stop()
    check_server(server)


def seed_comment(server: GitHubServer, repo: Any, number: int, user: str) -> None:
    now = server.state.now()
    with server.state.lock:
        comment = Comment(server.state.new_id(), number, "answered", user, now, now)
        repo.comments[comment.id] = comment
        repo.issues[number].updated_at = now


def test_a_page_that_is_not_json_is_one_clear_error(
    seeded: tuple[GitHubServer, int, dict[str, int]],
) -> None:
    """A proxy or captive portal answering 200 with its own page is named, not a
    traceback from the JSON parser."""
    server = seeded[0]
    server.fail_next(
        status=200,
        raw=b"<html><body>Sign in to the\nhotel wifi</body></html>",
        retry_after=None,
        path=r"/repos/org/demo/labels",
    )
    fetcher = ListFetcher(client(server).requester)
    with pytest.raises(GitHubListError) as caught:
        fetcher.get_all("/repos/org/demo/labels")
    assert str(caught.value) == (
        "GET /repos/org/demo/labels?per_page=100: 200 answered with something that is not "
        "JSON: <html><body>Sign in to the hotel wifi</body></html>"
    )
