"""A push never overwrites a commit eco did not make, whatever the timing.

eco checks the remote sync (or lock) branch for commits it did not make when it fetches.
A reviewer may push in the window between that fetch and eco's push (a large project
widens it): the push is leased on the sha eco checked, so it fails for that project and
the reviewer's commit stays. The window is opened deterministically: the test wraps the
step between plan and push and pushes the reviewer's commit there.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from eco.lock import project as lock_module
from eco.sync.project import Syncer
from tests.github_server.core import GitHubServer
from tests.helpers import Ecosystem
from tests.helpers import git
from tests.helpers import make_bare_repo
from tests.helpers import make_ecosystem
from tests.helpers import refs
from tests.package_index import PackageIndex
from tests.sync_fixtures import eco_cli
from tests.sync_fixtures import edit_template
from tests.sync_fixtures import make_fixture_ecosystem
from tests.sync_fixtures import make_synced_project

pytest_plugins = ["tests.github_server.fixtures"]

TOKEN = "ghp_leaseTestToken0123456789abcdefABCDEF"
MOVED = "branch changed since eco fetched it"


def review(bare: Path, tmp: Path, branch: str) -> str:
    """A reviewer's commit pushed onto ``branch`` of ``bare`` (created from main when the
    branch is not there yet); its sha."""
    work = tmp / "reviewer"
    if not work.exists():
        git("clone", "-q", str(bare), str(work), cwd=tmp)
    git("fetch", "-q", "origin", cwd=work)
    has = git("ls-remote", "origin", f"refs/heads/{branch}", cwd=work)
    git("checkout", "-q", "-B", branch, f"origin/{branch}" if has else "origin/main", cwd=work)
    (work / "REVIEW.md").write_text("a reviewer's fix-up\n")
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", "review fix-up", cwd=work)
    git("push", "-q", "origin", f"HEAD:refs/heads/{branch}", cwd=work)
    return git("rev-parse", "HEAD", cwd=work)


def between_plan_and_push(
    monkeypatch: pytest.MonkeyPatch, action: Callable[[], object]
) -> list[object]:
    """Run ``action`` once, after sync planned a project and before it writes and pushes."""
    original = Syncer.write
    done: list[object] = []

    def write(self: Syncer, view: Any, **kwargs: Any) -> Any:
        if not done:
            done.append(action())
        return original(self, view, **kwargs)

    monkeypatch.setattr(Syncer, "write", write)
    return done


@pytest.fixture
def eco(tmp_path: Path) -> Ecosystem:
    return make_fixture_ecosystem(tmp_path)


@pytest.mark.parametrize("pushed_before", [True, False], ids=["branch-moved", "branch-created"])
def test_local_forge_does_not_overwrite_a_commit_pushed_while_planning(
    eco: Ecosystem, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pushed_before: bool
) -> None:
    remote = make_synced_project(eco, tmp_path, "alpha")
    if pushed_before:  # eco's own branch is there: the check at fetch finds nothing foreign
        edit_template(eco, ".editorconfig", "indent_size = 4", "indent_size = 2")
        first = eco_cli(eco, "sync", "--push", "--forge", "local")
        assert first.exit_code == 0, first.output
    edit_template(eco, "pyproject.toml", "line-length = 88", "line-length = 100")
    done = between_plan_and_push(monkeypatch, lambda: review(remote, tmp_path, "eco/sync"))

    result = eco_cli(eco, "sync", "--push", "--forge", "local")
    assert done, "the reviewer's push did not happen"
    assert result.exit_code == 1, result.output
    assert f"alpha: the remote eco/sync {MOVED}" in result.stderr
    assert "Traceback" not in result.output
    assert git("rev-parse", "eco/sync", cwd=remote) == done[0]  # the reviewer's, kept


def test_github_forge_does_not_overwrite_a_commit_pushed_while_planning(
    github_server: GitHubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    github_server.require_token(TOKEN)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("ECO_GITHUB_API_URL", github_server.url)
    monkeypatch.setenv("ECO_GITHUB_GIT_URL", github_server.git_base)
    eco = make_fixture_ecosystem(tmp_path, names=())
    url = tmp_path / "remotes" / "alpha.git"
    with (eco.root / "projects.toml").open("a") as registry:
        registry.write(f'\n[projects.alpha]\nrepo = "pallets/alpha"\nurl = "{url}"\n')
    eco.commit("register alpha")
    bare = make_synced_project(eco, tmp_path, "alpha")
    github_server.state.add_repo("pallets", "alpha", bare)
    edit_template(eco, ".editorconfig", "indent_size = 4", "indent_size = 2")
    first = eco_cli(eco, "sync", "--push")
    assert first.exit_code == 0, first.output
    assert "pull request created" in first.stdout

    edit_template(eco, "pyproject.toml", "line-length = 88", "line-length = 100")
    done = between_plan_and_push(monkeypatch, lambda: review(bare, tmp_path, "eco/sync"))
    result = eco_cli(eco, "sync", "--push")
    assert done
    assert result.exit_code == 1, result.output
    assert f"alpha: the remote eco/sync {MOVED}" in result.stderr
    assert TOKEN not in result.output
    assert git("rev-parse", "eco/sync", cwd=bare) == done[0]


@pytest.mark.slow
def test_lock_does_not_overwrite_a_commit_pushed_while_resolving(
    package_index: PackageIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package_index.add("lease-app", "1.0")
    bare = make_bare_repo(tmp_path, "alpha", {"requirements/tests.in": "lease-app\n"})
    eco = make_ecosystem(tmp_path, f'\n[projects.alpha]\nurl = "{bare}"\n', copy=())
    eco.use_index(package_index.url)
    first = eco_cli(eco, "lock", "--push", "--forge", "local")
    assert first.exit_code == 0, first.output
    package_index.add("lease-app", "1.1")

    original = lock_module.lock_project
    done: list[str] = []

    def lock_project(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        done.append(review(bare, tmp_path, "eco/lock"))
        return result

    monkeypatch.setattr("eco.commands.lock.lock_project", lock_project)
    before = refs(bare)
    result = eco_cli(eco, "lock", "--push", "--forge", "local", "--format", "json", "-U")
    assert done
    assert result.exit_code == 1, result.output
    (row,) = json.loads(result.stdout)["projects"]
    assert row["ok"] is False
    assert f"alpha: the remote eco/lock {MOVED}" in row["error"]
    assert git("rev-parse", "eco/lock", cwd=bare) == done[0]
    assert refs(bare) != before  # the reviewer's push, and nothing of eco's after it


@pytest.mark.slow
def test_lock_does_not_overwrite_a_commit_pushed_before_the_run(
    package_index: PackageIndex, tmp_path: Path
) -> None:
    """Sync's check at fetch, for the lock branch: a reviewer's commit on eco/lock fails
    the project instead of being replaced by a fresh lock."""
    package_index.add("lease-two", "1.0")
    bare = make_bare_repo(tmp_path, "alpha", {"requirements/tests.in": "lease-two\n"})
    eco = make_ecosystem(tmp_path, f'\n[projects.alpha]\nurl = "{bare}"\n', copy=())
    eco.use_index(package_index.url)
    first = eco_cli(eco, "lock", "--push", "--forge", "local")
    assert first.exit_code == 0, first.output
    package_index.add("lease-two", "1.1")
    reviewed = review(bare, tmp_path, "eco/lock")
    result = eco_cli(eco, "lock", "--push", "--forge", "local", "-U")
    assert result.exit_code == 1, result.output
    assert "alpha: the remote eco/lock branch has commits eco did not make" in result.stderr
    assert git("rev-parse", "eco/lock", cwd=bare) == reviewed
