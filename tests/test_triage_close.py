"""``eco triage close`` as a library call against the test GitHub server."""

from __future__ import annotations

from pathlib import Path

import github
import pytest

from eco.errors import EcoError
from eco.forge.ratelimit import WriteSpacer
from eco.registry import parse_registry
from eco.registry import Registry
from eco.triage.close import close
from eco.triage.close import parse_ref
from tests.github_server.clock import FakeClock
from tests.github_server.core import GitHubServer
from tests.helpers import REGISTRY_HEAD
from tests.triage_seed import Seed
from tests.triage_seed import seed

pytest_plugins = ["tests.github_server.fixtures"]


@pytest.fixture
def server(github_server: GitHubServer) -> GitHubServer:
    repo = github_server.state.create_repo("org", "demo")
    seed(
        github_server.state,
        repo,
        int(github_server.state.now()) - 1000,
        [Seed("Please add X", "alice", 0), Seed("Old", "bob", 0, closed_at=10)],
    )
    return github_server


def client(server: GitHubServer) -> github.Github:
    return github.Github(base_url=server.url, auth=github.Auth.Token("t0ken"), retry=None)


def test_reason_is_posted_then_the_issue_closed(server: GitHubServer) -> None:
    clock = FakeClock()
    done = close(
        client(server),
        "org/demo",
        1,
        "Out of scope: see the docs.",
        "not_planned",
        WriteSpacer(clock).wait,
    )
    writes = [(h.method, h.path) for h in server.writes()]
    assert writes == [
        ("POST", "/repos/org/demo/issues/1/comments"),
        ("PATCH", "/repos/org/demo/issues/1"),
    ]
    repo = server.state.repo("org", "demo")
    assert repo is not None
    issue = repo.issues[1]
    assert (issue.state, issue.state_reason) == ("closed", "not_planned")
    [comment] = [c for c in repo.comments.values() if c.issue_number == 1]
    assert comment.body == "Out of scope: see the docs."
    assert done.ref == "org/demo#1" and done.comment_url.endswith(f"#issuecomment-{comment.id}")
    assert clock.sleeps == [1.0]  # the close waited a second after the comment


def test_already_closed_posts_nothing(server: GitHubServer) -> None:
    with pytest.raises(EcoError, match="already closed; nothing was posted"):
        close(client(server), "org/demo", 2, "Again", "completed", lambda: None)
    assert server.writes() == []


def test_a_reason_is_required(server: GitHubServer) -> None:
    with pytest.raises(EcoError, match="--reason must say why"):
        close(client(server), "org/demo", 1, "  ", "completed", lambda: None)
    assert server.hits == []


def test_missing_issue(server: GitHubServer) -> None:
    with pytest.raises(EcoError, match=r"org/demo#99: GitHub answered 404 Not Found; nothing"):
        close(client(server), "org/demo", 99, "Why", "completed", lambda: None)
    assert server.writes() == []


def registry() -> Registry:
    text = (
        REGISTRY_HEAD + '\n[projects.demo]\nrepo = "org/demo"\n\n[projects.local]\nurl = "/tmp/x"\n'
    )
    import tomllib

    return parse_registry(Path("projects.toml"), text, tomllib.loads(text))


@pytest.mark.parametrize(
    ("ref", "expected"),
    [("org/demo#12", ("org/demo", 12)), ("demo#3", ("org/demo", 3)), ("a/b.c#1", ("a/b.c", 1))],
)
def test_parse_ref(ref: str, expected: tuple[str, int]) -> None:
    assert parse_ref(ref, registry()) == expected


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("org/demo", "expected OWNER/REPO#NUMBER"),
        ("nope#1", "no project named 'nope'"),
        ("local#1", "has no GitHub repository"),
    ],
)
def test_parse_ref_errors(ref: str, message: str) -> None:
    with pytest.raises(EcoError, match=message):
        parse_ref(ref, registry())
