"""Label sync against the test GitHub server: dry run, rename in place, prune, spacing."""

from __future__ import annotations

import github
import pytest

from eco.forge.github_cache import ListFetcher
from eco.forge.ratelimit import WriteSpacer
from eco.triage.labels import apply
from eco.triage.labels import Change
from eco.triage.labels import Label
from eco.triage.labels import LabelSpec
from eco.triage.labels import plan
from tests.github_server.clock import FakeClock
from tests.github_server.core import GitHubServer
from tests.github_server.state import Label as ServerLabel
from tests.github_server.state import Repo
from tests.triage_seed import Seed
from tests.triage_seed import seed

pytest_plugins = ["tests.github_server.fixtures"]

SPECS = [
    LabelSpec("docs", "0075ca", "Documentation", ("documentation",)),
    LabelSpec("typing", "3572a5", "Type annotations"),
]


@pytest.fixture
def server(github_server: GitHubServer) -> tuple[GitHubServer, Repo]:
    repo = github_server.state.create_repo("org", "demo")
    seed(
        github_server.state,
        repo,
        int(github_server.state.now()) - 1000,
        [Seed("Wrong link in the tutorial", "alice", 0, labels=["documentation", "redis"])],
    )
    return github_server, repo


def sync(server: GitHubServer, *, write: bool, prune: bool, clock: FakeClock) -> list[Change]:
    gh = github.Github(base_url=server.url, auth=github.Auth.Token("t0ken"), retry=None)
    current = [
        Label(d["name"], d["color"], d.get("description") or "")
        for d in ListFetcher(gh.requester).get_all("/repos/org/demo/labels")
    ]
    changes = plan(SPECS, current, prune=prune)
    if write:

        def send(method: str, path: str, body: object) -> None:
            gh.requester.requestJsonAndCheck(method, path, input=body)

        apply("org/demo", changes, send, WriteSpacer(clock).wait)
    return changes


def test_dry_run_writes_nothing(server: tuple[GitHubServer, Repo]) -> None:
    gh, _ = server
    changes = sync(gh, write=False, prune=True, clock=FakeClock())
    assert [(c.action, c.name) for c in changes] == [
        ("rename", "documentation"),
        ("create", "typing"),
        ("delete", "redis"),
    ]
    assert gh.writes() == [] and gh.count("GET") == 1


def test_rename_keeps_the_label_and_its_issues(server: tuple[GitHubServer, Repo]) -> None:
    gh, repo = server
    label_id = repo.labels["documentation"].id
    clock = FakeClock()
    sync(gh, write=True, prune=False, clock=clock)
    writes = [(h.method, h.path) for h in gh.writes()]
    assert writes == [
        ("PATCH", "/repos/org/demo/labels/documentation"),
        ("POST", "/repos/org/demo/labels"),
    ]
    assert repo.labels["docs"].id == label_id  # the same label, renamed
    assert repo.labels["docs"].color == "0075ca"
    assert repo.issues[1].labels == ["docs", "redis"]  # the issue kept it; redis kept
    assert clock.sleeps == [1.0]  # the second write waited for its second
    # A second run has nothing left to do.
    assert [c.action for c in sync(gh, write=False, prune=False, clock=clock)] == ["extra"]


def test_prune_only_with_the_flag(server: tuple[GitHubServer, Repo]) -> None:
    gh, repo = server
    repo.labels["wontfix"] = ServerLabel(gh.state.new_id(), "wontfix", "ffffff")
    sync(gh, write=True, prune=False, clock=FakeClock())
    assert not [h for h in gh.writes() if h.method == "DELETE"]
    gh.reset_hits()
    clock = FakeClock()
    sync(gh, write=True, prune=True, clock=clock)
    assert sorted(h.path for h in gh.writes()) == [
        "/repos/org/demo/labels/redis",
        "/repos/org/demo/labels/wontfix",
    ]
    assert all(h.method == "DELETE" for h in gh.writes())
    assert sorted(repo.labels) == ["docs", "typing"]
    assert repo.issues[1].labels == ["docs"]
    assert clock.sleeps == [1.0]
