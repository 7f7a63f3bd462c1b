"""``eco sync --push`` against the test GitHub server: acceptance 1-4 end to end.

Each project's registry entry names its GitHub repository (``repo``) and, as ``url``,
the bare repository behind the server, so sync clones and fetches without a token while
the GitHub forge pushes over the server's authenticated smart HTTP and opens the PR.
"""

from __future__ import annotations

import base64
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner
from click.testing import Result

from eco.cli import cli
from tests.github_server.clock import FakeClock
from tests.github_server.core import GitHubServer
from tests.github_server.state import Repo
from tests.helpers import Ecosystem
from tests.helpers import git
from tests.sync_fixtures import clone_of
from tests.sync_fixtures import make_fixture_ecosystem
from tests.sync_fixtures import make_synced_project

pytest_plugins = ["tests.github_server.fixtures"]

TOKEN = "ghp_syncPushToken0123456789abcdefABCDEFG"


def entry(name: str, tmp: Path) -> str:
    url = tmp / "remotes" / f"{name}.git"
    return (
        f'\n[projects.{name}]\nrepo = "pallets/{name}"\nurl = "{url}"\n'
        f'description = "The {name} extension."\n'
    )


def make_world(
    tmp: Path, server: GitHubServer, names: tuple[str, ...], missing: tuple[str, ...] = ()
) -> Ecosystem:
    """An ecosystem whose projects are in sync and served by ``server`` (but ``missing``)."""
    eco = make_fixture_ecosystem(tmp, names=())
    with (eco.root / "projects.toml").open("a") as registry:
        registry.write("".join(entry(n, tmp) for n in names))
    eco.commit("register projects")
    for name in names:
        bare = make_synced_project(eco, tmp, name)
        if name not in missing:
            server.state.add_repo("pallets", name, bare)
    return eco


def edit_template(eco: Ecosystem, old: str, new: str) -> None:
    file = eco.root / "templates" / "skeleton" / "pyproject.toml"
    file.write_text(file.read_text().replace(old, new))
    eco.commit("skeleton: pyproject.toml")


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """Every wait of the run happens on this clock (none of them sleeps)."""
    fake = FakeClock()
    monkeypatch.setattr("eco.forge.SystemClock", lambda: fake)
    return fake


@pytest.fixture
def github(
    github_server: GitHubServer, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> GitHubServer:
    github_server.require_token(TOKEN)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("ECO_GITHUB_API_URL", github_server.url)
    monkeypatch.setenv("ECO_GITHUB_GIT_URL", github_server.git_base)
    return github_server


def sync(eco: Ecosystem, *args: str) -> Result:
    return CliRunner().invoke(
        cli, ["--root", str(eco.root), "sync", "--push", *args], catch_exceptions=False
    )


def project_hits(server: GitHubServer, name: str) -> list[tuple[str, str]]:
    prefix = f"/repos/pallets/{name}"
    return [(h.method, h.path) for h in server.hits if h.path.startswith(prefix)]


def pulls(repo: Repo | None) -> list[int]:
    assert repo is not None
    return [issue.number for issue in repo.pulls()]


def test_one_pr_then_no_writes_then_the_same_pr_updated(
    github: GitHubServer, tmp_path: Path
) -> None:
    eco = make_world(tmp_path, github, ("alpha",))
    alpha = github.state.repo("pallets", "alpha")
    assert alpha is not None
    edit_template(eco, "line-length = 88", "line-length = 100")

    github.reset_hits()
    first = sync(eco)
    assert first.exit_code == 0, first.output
    assert "pull request created: https://github.com/pallets/alpha/pull/1" in first.stdout
    opened = project_hits(github, "alpha")
    assert len(opened) <= 5, github.summary()
    assert github.count("GET", "/rate_limit") == 1  # the credentials check, free
    assert github.count() == len(opened) + 1
    body = alpha.issues[1].body or ""
    assert "line-length" not in body and "`pyproject.toml`" in body  # sync's body
    assert git("rev-parse", "eco/sync", cwd=alpha.bare) == git(
        "rev-parse", "eco/sync", cwd=clone_of("alpha")
    )

    github.reset_hits()
    second = sync(eco)
    assert second.exit_code == 0, second.output
    unchanged = project_hits(github, "alpha")
    assert all(method == "GET" for method, _ in unchanged) and len(unchanged) <= 3, unchanged
    assert github.writes() == []
    assert not any("receive-pack" in h.path for h in github.git_hits)

    edit_template(eco, "line-length = 100", "line-length = 110")
    github.reset_hits()
    third = sync(eco)
    assert third.exit_code == 0, third.output
    assert "pull request updated: https://github.com/pallets/alpha/pull/1" in third.stdout
    assert "line-length = 110" in git("show", "eco/sync:pyproject.toml", cwd=alpha.bare)
    assert pulls(alpha) == [1]
    assert alpha.issues[1].state == "open"


def test_a_secondary_rate_limit_then_success_completes_the_run(
    github: GitHubServer, tmp_path: Path, clock: FakeClock
) -> None:
    eco = make_world(tmp_path, github, ("alpha", "beta"))
    edit_template(eco, "line-length = 88", "line-length = 100")
    github.fail_next(3, path=r"/repos/pallets/\w+/pulls", retry_after=20)
    result = sync(eco, "-j", "1")
    assert result.exit_code == 0, result.output
    assert pulls(github.state.repo("pallets", "alpha")) == [1]
    assert pulls(github.state.repo("pallets", "beta")) == [1]
    assert clock.sleeps.count(20.0) == 3  # Retry-After, honoured on the clock
    assert sum(1 for h in github.hits if h.status == 403) == 3
    assert result.stderr.count("GitHub answered 403; waiting 20s before retrying") == 3


def test_a_bad_token_stops_with_one_clear_error(
    github: GitHubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    eco = make_world(tmp_path, github, ("alpha", "beta"))
    edit_template(eco, "line-length = 88", "line-length = 100")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_revoked0123456789abcdefghijklmnopq")
    github.reset_hits()
    result = sync(eco)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: GitHub rejected the credentials from GITHUB_TOKEN (401 Bad credentials)"
    ]
    assert github.count() == 1  # stopped before any project


def test_per_project_failures_are_isolated_and_summarised(
    github: GitHubServer, tmp_path: Path
) -> None:
    eco = make_world(tmp_path, github, ("alpha", "beta"), missing=("beta",))
    edit_template(eco, "line-length = 88", "line-length = 100")
    result = sync(eco)
    assert result.exit_code == 1
    assert pulls(github.state.repo("pallets", "alpha")) == [1]
    failed = [line for line in result.stderr.splitlines() if "failed beta" in line]
    assert failed == [
        "  failed beta: pallets/beta: pushing eco/sync to "
        f"{github.git_url('pallets', 'beta')} failed: repository not found, or the "
        "credentials from GITHUB_TOKEN cannot push to it"
    ]
    assert "sync: 1 changed, 1 failed" in result.stderr


def test_canary_token_appears_nowhere(
    github_server: GitHubServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    clock: FakeClock,
) -> None:
    canary = "ghp_CANARYsyncCanary0123456789abcdefghijk"
    forms = [canary, base64.b64encode(f"x-access-token:{canary}".encode()).decode()]
    caplog.set_level(logging.DEBUG)
    github_server.require_token(canary)
    monkeypatch.setenv("GITHUB_TOKEN", canary)
    monkeypatch.setenv("ECO_GITHUB_API_URL", github_server.url)
    monkeypatch.setenv("ECO_GITHUB_GIT_URL", github_server.git_base)
    eco = make_world(tmp_path, github_server, ("alpha", "beta"), missing=("beta",))
    edit_template(eco, "line-length = 88", "line-length = 100")
    outputs = []
    for _ in range(2):
        result = sync(eco)
        outputs += [result.stdout, result.stderr, repr(result.exception)]
        edit_template(eco, "line-length = 100", "line-length = 120")
    # a failure message while the token is in use
    github_server.fail_next(1, retry_after=100_000, path="/repos/pallets/alpha/.*")
    result = sync(eco)
    outputs += [result.stdout, result.stderr, caplog.text]
    assert result.exit_code == 1 and "maximum of 300s" in result.stderr
    for text in outputs:
        for form in forms:
            assert form not in text
    leaked = [
        str(path)
        for path in tmp_path.rglob("*")
        if path.is_file() and any(f.encode() in path.read_bytes() for f in forms)
    ]
    assert leaked == []
    clone = clone_of("alpha")
    assert canary not in (clone / ".git" / "config").read_text()
    assert pulls(github_server.state.repo("pallets", "alpha")) == [1]
