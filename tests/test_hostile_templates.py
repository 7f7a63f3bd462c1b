"""Issue 17, finding 1: a project's ``.eco.toml`` chooses which monorepo revision is
rendered as its base. Only a full commit id on the monorepo's default branch is
accepted, and templates render sandboxed, so no revision can run code in eco."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import Ecosystem
from tests.helpers import git
from tests.helpers import refs
from tests.hostile import canary_environment
from tests.hostile import canary_findings
from tests.hostile import HostileProject
from tests.hostile import Proofs
from tests.hostile import side_branch_template
from tests.hostile import template_payload
from tests.sync_fixtures import clone_of
from tests.sync_fixtures import eco_cli
from tests.sync_fixtures import edit_template
from tests.sync_fixtures import make_fixture_ecosystem
from tests.sync_fixtures import make_synced_project
from tests.sync_fixtures import SYNC


@pytest.fixture
def eco(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Ecosystem:
    canary_environment(monkeypatch)
    return make_fixture_ecosystem(tmp_path)


@pytest.fixture
def proofs(tmp_path: Path) -> Proofs:
    return Proofs(tmp_path / "proofs")


@pytest.fixture
def hostile(eco: Ecosystem, tmp_path: Path, proofs: Proofs) -> HostileProject:
    remote = make_synced_project(eco, tmp_path, "alpha")
    return HostileProject.clone(remote, tmp_path, proofs)


def failure(eco: Ecosystem, *args: str) -> str:
    """Run check (JSON) and return alpha's one-line error."""
    result = eco_cli(eco, "check", "--format", "json", *args)
    assert result.exit_code == 2, result.output
    (entry,) = json.loads(result.stdout)["projects"]
    error = entry["error"]
    assert isinstance(error, str) and "\n" not in error
    return error


def test_a_side_branch_revision_is_refused_and_never_rendered(
    eco: Ecosystem, hostile: HostileProject, proofs: Proofs, tmp_path: Path
) -> None:
    side = side_branch_template(eco, proofs, ".editorconfig")
    hostile.revision(side)
    hostile.push()

    error = failure(eco)
    assert error.startswith(f"alpha: .eco.toml: template-revision {side[:12]}")
    assert "not on the monorepo's default branch" in error
    synced = eco_cli(eco, "sync")
    assert synced.exit_code == 1
    assert "not on the monorepo's default branch" in synced.output
    assert SYNC not in refs(clone_of("alpha"))
    assert proofs.ran() == []
    assert not (tmp_path / "workspace" / ".snapshots" / side).exists()
    assert canary_findings(tmp_path / "workspace", tmp_path / "remotes") == []


@pytest.mark.parametrize("revision", ["HEAD", "main", "main~1", "0123abc", "refs/heads/main"])
def test_a_revision_that_is_not_a_commit_id_is_refused(
    eco: Ecosystem, hostile: HostileProject, revision: str, tmp_path: Path
) -> None:
    edit_template(eco, ".editorconfig", "indent_size = 4", "indent_size = 2")
    hostile.revision(revision)
    hostile.push()
    error = failure(eco)
    assert error == (
        f"alpha: .eco.toml: template-revision {revision!r}: expected the 40-hex commit id "
        "of the monorepo that eco last applied"
    )
    snapshots = tmp_path / "workspace" / ".snapshots"
    assert not snapshots.exists() or [p.name for p in snapshots.iterdir()] == []


def test_an_empty_revision_needs_adopt(eco: Ecosystem, hostile: HostileProject) -> None:
    hostile.revision("")
    hostile.push()
    refused = eco_cli(eco, "sync")
    assert refused.exit_code == 1
    assert (
        "alpha: .eco.toml records no template revision: eco has never synced this project; "
        "`eco sync --adopt --dry-run alpha` shows what adopting it changes"
    ) in refused.output
    checked = eco_cli(eco, "check", "--format", "json")
    (entry,) = json.loads(checked.stdout)["projects"]
    assert entry["adopted"] is False
    adopted = eco_cli(eco, "sync", "--adopt")
    assert adopted.exit_code == 0, adopted.output


def test_a_template_on_main_runs_sandboxed(
    eco: Ecosystem, hostile: HostileProject, proofs: Proofs, tmp_path: Path
) -> None:
    template_payload(eco, proofs, ".editorconfig", "main-template")
    result = eco_cli(eco, "check", "--format", "json")
    assert result.exit_code == 2, result.output
    (entry,) = json.loads(result.stdout)["projects"]
    assert entry["error"].startswith("templates/skeleton/.editorconfig:")
    assert "unsafe" in entry["error"]
    assert proofs.ran() == []
    assert canary_findings(tmp_path / "workspace") == []


def test_a_past_revision_in_a_shallow_clone_is_fetched(
    eco: Ecosystem, hostile: HostileProject, tmp_path: Path
) -> None:
    """CI checks the monorepo out shallow: the revision a project records is older, so
    eco deepens the clone to see it is on the default branch, then renders it."""
    edit_template(eco, ".editorconfig", "indent_size = 4", "indent_size = 2")
    shallow = tmp_path / "ci" / "eco"
    git("clone", "-q", "--depth", "1", eco.root.as_uri(), str(shallow), cwd=tmp_path)
    assert git("rev-parse", "--is-shallow-repository", cwd=shallow) == "true"
    result = eco_cli(Ecosystem(shallow), "check", "--format", "json")
    assert result.exit_code == 1, result.output
    (entry,) = json.loads(result.stdout)["projects"]
    assert entry["error"] is None
    statuses = {f["path"]: f["status"] for f in entry["files"]}
    assert statuses[".editorconfig"] == "behind"
