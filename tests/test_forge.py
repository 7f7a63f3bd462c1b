"""The forges against real git remotes and the test GitHub server (acceptance 1-3, 6)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from eco.forge import AuthError
from eco.forge import AutoForge
from eco.forge import budget_notice
from eco.forge import ForgeError
from eco.forge import get_forge
from eco.forge import GitHubForge
from eco.forge import LARGE_RUN
from eco.forge import LocalForge
from eco.forge import PublishRequest
from eco.forge.ratelimit import RateLimitTooLong
from eco.registry import load_registry
from eco.registry import Project
from eco.registry import Registry
from tests.github_server.clock import FakeClock
from tests.github_server.core import GitHubServer
from tests.helpers import git
from tests.helpers import make_bare_repo
from tests.helpers import make_ecosystem
from tests.helpers import refs

pytest_plugins = ["tests.github_server.fixtures"]

TOKEN = "ghp_forgeTestToken0123456789abcdefABCDEF"
PROJECTS = """
[projects.flask]
repo = "pallets/flask"
pypi = "Flask"
module = "flask"
changelog = "CHANGES.md"

[projects.offline]
url = "../remotes/offline.git"
pypi = "offline"
module = "offline"
changelog = "CHANGES.md"
"""


@pytest.fixture
def registry(tmp_path: Path) -> Registry:
    eco = make_ecosystem(tmp_path, PROJECTS, copy=())
    return load_registry(eco.root / "projects.toml")


def clone_with_branch(tmp_path: Path, remote: str, name: str = "clone") -> Path:
    """A workspace clone of ``remote`` with an ``eco/sync`` commit on ``main``."""
    clone = tmp_path / name
    git("clone", "-q", remote, str(clone), cwd=tmp_path)
    commit_on_branch(clone, {"CHANGED.md": "first\n"})
    return clone


_dates = iter(range(1_700_000_000, 1_800_000_000, 60))


def commit_on_branch(clone: Path, files: dict[str, str], branch: str = "eco/sync") -> str:
    """Recreate ``branch`` as one new commit on ``main`` holding ``files`` (like eco sync)."""
    git("checkout", "-q", "-B", branch, "main", cwd=clone)
    for name, text in files.items():
        (clone / name).write_text(text)
    git("add", "-A", cwd=clone)
    git("commit", "-q", "-m", "eco sync", f"--date=@{next(_dates)}", cwd=clone)
    git("checkout", "-q", "main", cwd=clone)
    return git("rev-parse", branch, cwd=clone)


def request(
    project: Project, clone: Path, title: str = "eco sync", body: str = "b"
) -> PublishRequest:
    return PublishRequest(project, clone, "eco/sync", "main", title, body)


@pytest.fixture
def env(github_server: GitHubServer) -> dict[str, str]:
    github_server.require_token(TOKEN)
    return {
        "GITHUB_TOKEN": TOKEN,
        "ECO_GITHUB_API_URL": github_server.url,
        "ECO_GITHUB_GIT_URL": github_server.git_base,
    }


@pytest.fixture
def flask(github_server: GitHubServer, tmp_path: Path) -> Path:
    github_server.state.create_repo("pallets", "flask", {"README.md": "# Flask\n"})
    return clone_with_branch(tmp_path, str(github_server.state.repo("pallets", "flask").bare))  # type: ignore[union-attr]


def test_local_forge_pushes_to_a_bare_remote(
    tmp_path: Path, registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_ALLOW_PROTOCOL", "file")  # git may not use any network transport
    bare = make_bare_repo(tmp_path, "offline", {"README.md": "# offline\n"})
    clone = clone_with_branch(tmp_path, str(bare))
    forge = get_forge("local", registry, env={})
    assert isinstance(forge, LocalForge)
    result = forge.publish(request(registry.projects["offline"], clone))
    assert result.action == "pushed"
    assert git("rev-parse", "refs/heads/eco/sync", cwd=bare) == git(
        "rev-parse", "eco/sync", cwd=clone
    )
    before = refs(bare)
    assert forge.publish(request(registry.projects["offline"], clone)).action == "unchanged"
    assert refs(bare) == before
    # new content replaces the branch (a forced push, as the branch is eco's)
    new = commit_on_branch(clone, {"CHANGED.md": "second\n"})
    assert forge.publish(request(registry.projects["offline"], clone)).action == "pushed"
    assert git("rev-parse", "refs/heads/eco/sync", cwd=bare) == new


def test_auto_without_credentials_is_local(registry: Registry) -> None:
    assert isinstance(get_forge("auto", registry, env={}), LocalForge)
    with pytest.raises(AuthError, match="GITHUB_TOKEN"):
        get_forge("github", registry, env={})


def test_github_opens_one_pr_then_changes_nothing_then_updates_it(
    github_server: GitHubServer, registry: Registry, env: dict[str, str], flask: Path
) -> None:
    clock = FakeClock()
    forge = get_forge("auto", registry, env=env, clock=clock)
    assert isinstance(forge, AutoForge)
    project = registry.projects["flask"]
    github_server.reset_hits()

    first = forge.publish(request(project, flask))
    assert first.action == "created" and first.number == 1
    assert first.url == "https://github.com/pallets/flask/pull/1"
    assert github_server.count() <= 5, github_server.summary()
    bare = github_server.state.repo("pallets", "flask")
    assert bare is not None
    assert git("rev-parse", "eco/sync", cwd=bare.bare) == git("rev-parse", "eco/sync", cwd=flask)

    github_server.reset_hits()
    again = forge.publish(request(project, flask))
    assert (again.action, again.number) == ("unchanged", 1)
    assert github_server.count("GET") <= 3 and github_server.writes() == []
    assert not any("receive-pack" in h.path for h in github_server.git_hits)

    # the same content in a new commit (a fresh workspace) is still no change
    pushed = git("rev-parse", "eco/sync", cwd=bare.bare)
    assert commit_on_branch(flask, {"CHANGED.md": "first\n"}) != pushed
    github_server.reset_hits()
    assert forge.publish(request(project, flask)).action == "unchanged"
    assert github_server.count("GET") <= 3 and github_server.writes() == []
    assert not any("receive-pack" in h.path for h in github_server.git_hits)

    # a template change: new content, a new body: the same PR is updated
    head = commit_on_branch(flask, {"CHANGED.md": "second\n"})
    github_server.reset_hits()
    updated = forge.publish(request(project, flask, body="new body"))
    assert (updated.action, updated.number) == ("updated", 1)
    assert git("rev-parse", "eco/sync", cwd=bare.bare) == head
    assert [w.method for w in github_server.writes()] == ["PATCH"]
    pulls = [i for i in bare.issues.values() if i.pull is not None]
    assert len(pulls) == 1 and pulls[0].body == "new body"


def test_a_merged_branch_opens_no_pull_request(
    github_server: GitHubServer, registry: Registry, env: dict[str, str], flask: Path
) -> None:
    forge = get_forge("github", registry, env=env, clock=FakeClock())
    project = registry.projects["flask"]
    first = forge.publish(request(project, flask))
    repo = github_server.state.repo("pallets", "flask")
    assert repo is not None and first.number is not None
    github_server.state.merge_pull(repo, first.number)
    assert forge.publish(request(project, flask)).action == "unchanged"
    assert len(repo.pulls()) == 1


def test_writes_are_spaced_on_the_clock(
    github_server: GitHubServer, registry: Registry, env: dict[str, str], flask: Path
) -> None:
    clock = FakeClock()
    forge = get_forge("github", registry, env=env, clock=clock)
    project = registry.projects["flask"]
    forge.publish(request(project, flask))
    forge.publish(request(project, flask, title="eco sync (2)"))
    assert clock.sleeps == [pytest.approx(1.0)]  # the second write waited one second


@pytest.mark.parametrize("status", [403, 429])
def test_secondary_rate_limit_then_success(
    github_server: GitHubServer, registry: Registry, env: dict[str, str], flask: Path, status: int
) -> None:
    clock = FakeClock()
    forge = get_forge("github", registry, env=env, clock=clock)
    github_server.fail_next(2, status=status, path=r"/repos/pallets/flask/pulls", retry_after=7)
    result = forge.publish(request(registry.projects["flask"], flask))
    assert result.action == "created"
    assert clock.sleeps.count(7.0) == 2  # Retry-After honoured, on the clock


def test_a_long_rate_limit_stops_instead_of_waiting(
    github_server: GitHubServer, registry: Registry, env: dict[str, str], flask: Path
) -> None:
    clock = FakeClock()
    forge = get_forge("github", registry, env={**env, "ECO_GITHUB_MAX_WAIT": "60"}, clock=clock)
    github_server.fail_next(1, path=r"/repos/pallets/flask/pulls", retry_after=3600)
    with pytest.raises(RateLimitTooLong, match="3600s.*maximum of 60s"):
        forge.publish(request(registry.projects["flask"], flask))
    assert clock.sleeps == []


def test_primary_rate_limit_waits_for_the_reset(
    github_server: GitHubServer, registry: Registry, env: dict[str, str], flask: Path
) -> None:
    clock = FakeClock()
    forge = get_forge("github", registry, env=env, clock=clock)
    reset = int(clock.now()) + 30
    github_server.fail_next(
        1,
        message="API rate limit exceeded for user ID 1.",
        retry_after=None,
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)},
        path=r"/repos/pallets/flask/pulls",
    )
    assert forge.publish(request(registry.projects["flask"], flask)).action == "created"
    assert clock.sleeps and 29 <= clock.sleeps[0] <= 32


def test_the_budget_is_shown_before_a_large_run(
    github_server: GitHubServer, registry: Registry, env: dict[str, str]
) -> None:
    clock = FakeClock()
    github_server.rate_remaining = 4321
    github_server.rate_reset = int(clock.now()) + 41 * 60
    forge = get_forge("auto", registry, env=env, clock=clock)
    assert budget_notice(forge, LARGE_RUN - 1) is None
    assert budget_notice(forge, LARGE_RUN) == (
        "GitHub API budget: 4321 of 5000 requests left, resets in 41 min"
    )
    assert github_server.count() == 1  # the check's answer is reused, not asked again
    assert budget_notice(LocalForge(), 100) is None


def test_a_bad_token_stops_with_one_message(
    github_server: GitHubServer, registry: Registry, env: dict[str, str]
) -> None:
    with pytest.raises(AuthError) as info:
        get_forge(
            "github", registry, env={**env, "GITHUB_TOKEN": "ghp_wrong0123456789abcdefghijklmn"}
        )
    message = str(info.value)
    assert message == "GitHub rejected the credentials from GITHUB_TOKEN (401 Bad credentials)"
    assert github_server.count() == 1  # one free request, then stop


def test_missing_repository_is_a_project_failure(
    github_server: GitHubServer, registry: Registry, env: dict[str, str], tmp_path: Path
) -> None:
    forge = get_forge("github", registry, env=env)
    bare = make_bare_repo(tmp_path, "elsewhere", {"README.md": "x\n"})
    clone = clone_with_branch(tmp_path, str(bare))
    with pytest.raises(ForgeError, match="pallets/flask"):
        forge.publish(request(registry.projects["flask"], clone))


def test_no_repo_means_no_pull_request(registry: Registry, env: dict[str, str]) -> None:
    forge = get_forge("github", registry, env=env)
    assert isinstance(forge, GitHubForge)
    with pytest.raises(ForgeError, match="offline: no 'repo'"):
        forge.publish(request(registry.projects["offline"], Path(os.devnull)))
