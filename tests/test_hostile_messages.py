"""Issue 17, finding 11: each message says what happened.

(The empty ``template-revision`` needing ``--adopt`` is in test_hostile_templates.py.)
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import github
import pytest

from eco.errors import EcoError
from eco.forge import get_forge
from eco.forge.ratelimit import WriteSpacer
from eco.registry import load_registry
from eco.triage.close import close
from tests.github_server.clock import FakeClock
from tests.github_server.core import GitHubServer
from tests.helpers import Ecosystem
from tests.helpers import git
from tests.helpers import make_ecosystem
from tests.helpers import run_eco
from tests.helpers import write_files
from tests.hostile import HostileProject
from tests.hostile import Proofs
from tests.package_index import PackageIndex
from tests.release_project import make_project
from tests.sync_fixtures import clone_of
from tests.sync_fixtures import eco_cli
from tests.sync_fixtures import edit_template
from tests.sync_fixtures import make_fixture_ecosystem
from tests.sync_fixtures import make_synced_project
from tests.sync_fixtures import show
from tests.triage_seed import Seed
from tests.triage_seed import seed

pytest_plugins = ["tests.github_server.fixtures"]


@pytest.fixture
def eco(tmp_path: Path) -> Ecosystem:
    return make_fixture_ecosystem(tmp_path)


@pytest.fixture
def hostile(eco: Ecosystem, tmp_path: Path) -> HostileProject:
    remote = make_synced_project(eco, tmp_path, "alpha")
    return HostileProject.clone(remote, tmp_path, Proofs(tmp_path / "proofs"))


def files_of(eco: Ecosystem) -> dict[str, dict[str, str]]:
    checked = eco_cli(eco, "check", "--format", "json")
    (entry,) = json.loads(checked.stdout)["projects"]
    assert entry["error"] is None, entry["error"]
    return {f["path"]: f for f in entry["files"]}


def test_a_conflict_nothing_was_committed_for_is_not_said_committed(
    eco: Ecosystem, hostile: HostileProject
) -> None:
    hostile.folder_at(".editorconfig")
    hostile.push()
    result = eco_cli(eco, "sync", "--allow-conflicts")
    assert result.exit_code == 1
    assert "nothing to do" in result.stdout
    assert "committed with conflict markers" not in result.output
    assert (
        "conflicts in alpha: not committed, left as the project has them (each file's reason "
        "is above); move what stands where the skeleton's file goes, resolve old markers, or "
        "opt the file out in projects.toml"
    ) in result.stderr


@pytest.mark.parametrize(
    ("reshape", "reason"),
    [
        (HostileProject.symlink_folder_out, ".github is a symbolic link in the project"),
        (HostileProject.submodule_at, ".github is a submodule in the project"),
    ],
)
def test_a_link_or_submodule_at_a_skeleton_folder_is_named_as_such(
    eco: Ecosystem, hostile: HostileProject, reshape: object, reason: str
) -> None:
    assert callable(reshape)
    reshape(hostile, ".github")
    hostile.push()
    found = files_of(eco)[".github/workflows/tests.yaml"]
    assert (found["status"], found["reason"]) == ("conflict", reason)


def test_a_retired_path_that_is_a_symlink_is_never_removed(
    eco: Ecosystem, hostile: HostileProject
) -> None:
    hostile.symlink_out("tox.ini")
    hostile.push()
    found = files_of(eco)["tox.ini"]
    assert (found["status"], found["reason"]) == (
        "project-owned",
        "a symbolic link in the project; eco never writes or removes links",
    )
    edit_template(eco, ".editorconfig", "indent_size = 4", "indent_size = 2")
    synced = eco_cli(eco, "sync")
    assert synced.exit_code == 0, synced.output
    assert "removed" not in synced.stdout.split("project ")[0]
    assert show(clone_of("alpha"), "eco/sync", "tox.ini") == show(hostile.remote, "main", "tox.ini")


def test_an_unreachable_github_is_not_a_request_to_wait(tmp_path: Path) -> None:
    eco = make_ecosystem(tmp_path, '\n[projects.flask]\nrepo = "pallets/flask"\n', copy=())
    registry = load_registry(eco.root / "projects.toml")
    with socket.socket() as probe:  # a port nothing listens on once it is closed
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    env = {
        "GITHUB_TOKEN": "ghp_unreachableTest0123456789abcdefABCD",
        "ECO_GITHUB_API_URL": url,
        "ECO_GITHUB_MAX_WAIT": "3",
    }
    with pytest.raises(EcoError) as raised:
        get_forge("github", registry, env=env, clock=FakeClock())
    message = raised.value.message
    assert "asked to wait" not in message
    assert f"cannot reach {url}" in message
    assert "\n" not in message


@pytest.fixture
def server(github_server: GitHubServer) -> GitHubServer:
    repo = github_server.state.create_repo("org", "demo")
    seed(github_server.state, repo, int(github_server.state.now()) - 1000, [Seed("X", "a", 0)])
    return github_server


@pytest.mark.parametrize(
    ("method", "path", "status", "after"),
    [
        ("POST", r"/repos/org/demo/issues/1/comments", 201, "nothing else was done"),
        ("PATCH", r"/repos/org/demo/issues/1", 200, "the reason was posted"),
    ],
)
def test_triage_close_on_an_answer_that_is_not_githubs(
    server: GitHubServer, method: str, path: str, status: int, after: str
) -> None:
    server.fail_next(
        1,
        status=status,
        retry_after=None,
        raw=b"<html>Sign in to the network</html>",
        method=method,
        path=path,
    )
    gh = github.Github(base_url=server.url, auth=github.Auth.Token("t0ken"), retry=None)
    with pytest.raises(EcoError) as raised:
        close(gh, "org/demo", 1, "Out of scope.", "not_planned", WriteSpacer(FakeClock()).wait)
    message = raised.value.message
    assert message.startswith("org/demo#1: the answer to ")
    assert "is not GitHub's" in message
    assert after in message
    assert "None" not in message


@pytest.mark.slow
def test_resume_after_main_moved_says_what_happened_and_what_to_do(
    tmp_path: Path, package_index: PackageIndex
) -> None:
    bare, clone = make_project(tmp_path, "rel-moved")
    hook = bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'remote: closed for maintenance' >&2\nexit 1\n")
    hook.chmod(0o755)
    release = ["release", "--path", str(clone), "--date", "2026-11-21"]
    release += ["--index-url", package_index.url, "--forge", "local"]
    assert run_eco(*release).returncode == 2  # stopped at the push: commit and tag made
    hook.unlink()
    other = tmp_path / "other"
    git("clone", "-q", str(bare), str(other), cwd=tmp_path)
    write_files(other, {"NOTES.md": "meanwhile\n"})
    git("add", "-A", cwd=other)
    git("commit", "-q", "-m", "meanwhile on main", cwd=other)
    git("push", "-q", "origin", "HEAD:main", cwd=other)
    moved = git("rev-parse", "HEAD", cwd=other)
    start = git("rev-parse", "release-1.2.0^", cwd=clone)
    git("pull", "-q", "--ff-only", cwd=clone)  # as the first refusal asks

    resumed = run_eco(*release, "--resume")
    assert resumed.returncode == 2
    assert "fix it by hand" not in resumed.stderr
    assert (
        f"--resume: main moved on since the release of 1.2.0 began (release-1.2.0 starts "
        f"from {start[:12]}, main is now at {moved[:12]}); to release main as it is now, "
        f"start over: git tag -d 1.2.0 && git branch -D release-1.2.0 (in {clone}), then "
        "run eco release again"
    ) in resumed.stderr
