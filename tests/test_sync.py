"""`eco sync` on real git repositories: each scenario of the sync contract."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from eco.cli import cli
from eco.errors import GitError
from eco.git import branch
from eco.skeleton.state import parse_state
from tests.helpers import Ecosystem
from tests.helpers import git
from tests.helpers import refs
from tests.sync_fixtures import clone_of
from tests.sync_fixtures import eco_cli
from tests.sync_fixtures import edit_template
from tests.sync_fixtures import make_fixture_ecosystem
from tests.sync_fixtures import make_synced_project
from tests.sync_fixtures import push_to
from tests.sync_fixtures import show
from tests.sync_fixtures import SYNC


@pytest.fixture
def eco(tmp_path: Path) -> Ecosystem:
    return make_fixture_ecosystem(tmp_path)


@pytest.fixture
def remote(eco: Ecosystem, tmp_path: Path) -> Path:
    return make_synced_project(eco, tmp_path, "alpha")


def test_in_sync_project_commits_nothing(eco: Ecosystem, remote: Path) -> None:
    result = eco_cli(eco, "sync")
    assert result.exit_code == 0, result.output
    assert "alpha: in line with skeleton " in result.stdout
    assert "(4 files)" in result.stdout
    assert "nothing to do" in result.stdout  # the closing table
    assert SYNC not in refs(clone_of("alpha"))
    verbose = eco_cli(eco, "sync", "--verbose", "--no-fetch")
    assert "  unchanged      .editorconfig" in verbose.stdout
    assert "  project-owned  docs/index.md" in verbose.stdout


def test_edit_in_merged_file_survives_a_template_change(
    eco: Ecosystem, remote: Path, tmp_path: Path
) -> None:
    pyproject = show(remote, "main", "pyproject.toml") + "\n"
    push_to(
        remote,
        tmp_path,
        {"pyproject.toml": pyproject.replace("dependencies = []", 'dependencies = ["flask>=3"]')},
    )
    revision = edit_template(eco, "pyproject.toml", "line-length = 88", "line-length = 100")
    result = eco_cli(eco, "sync")
    assert result.exit_code == 0, result.output
    assert "merged" in result.stdout and "pyproject.toml" in result.stdout
    clone = clone_of("alpha")
    merged = show(clone, "eco/sync", "pyproject.toml")
    assert 'dependencies = ["flask>=3"]' in merged
    assert "line-length = 100" in merged
    state = parse_state(show(clone, "eco/sync", ".eco.toml") + "\n")
    assert state.template_revision == revision
    assert git("rev-parse", "eco/sync^", cwd=clone) == git("rev-parse", "origin/main", cwd=clone)
    message = git("log", "-1", "--format=%B", "eco/sync", cwd=clone)
    assert f"skeleton at {revision[:12]}" in message
    assert "merged:\n  pyproject.toml" in message


def test_conflicting_edit_is_reported_and_project_left_untouched(
    eco: Ecosystem, remote: Path, tmp_path: Path
) -> None:
    pyproject = show(remote, "main", "pyproject.toml") + "\n"
    push_to(
        remote,
        tmp_path,
        {"pyproject.toml": pyproject.replace("line-length = 88", "line-length = 120")},
    )
    edit_template(eco, "pyproject.toml", "line-length = 88", "line-length = 100")
    edit_template(eco, ".editorconfig", "indent_size = 4", "indent_size = 4\nmax_line_length = 100")
    eco_cli(eco, "fetch")
    before = refs(clone_of("alpha"))
    result = eco_cli(eco, "sync")
    assert result.exit_code == 1
    assert "conflict" in result.stdout and "pyproject.toml" in result.stdout
    assert "conflict: left untouched" in result.stdout
    # The exit status is 1 with "0 failed": the closing line names the project to look at.
    assert result.stderr.splitlines()[-1].startswith("conflicts in alpha: resolve them")
    assert refs(clone_of("alpha")) == before
    assert git("status", "--porcelain", cwd=clone_of("alpha")) == ""


def test_allow_conflicts_commits_markers(eco: Ecosystem, remote: Path, tmp_path: Path) -> None:
    pyproject = show(remote, "main", "pyproject.toml") + "\n"
    push_to(
        remote,
        tmp_path,
        {"pyproject.toml": pyproject.replace("line-length = 88", "line-length = 120")},
    )
    edit_template(eco, "pyproject.toml", "line-length = 88", "line-length = 100")
    result = eco_cli(eco, "sync", "--allow-conflicts")
    assert result.exit_code == 1
    text = show(clone_of("alpha"), "eco/sync", "pyproject.toml")
    # markers longer than any line of the file, so none can be read as a marker
    size = max(len(line) for line in pyproject.splitlines()) + 1
    assert f"{'<' * size} project\nline-length = 120\n" in text
    assert f"\n{'=' * size}\nline-length = 100\n{'>' * size} skeleton" in text
    message = git("log", "-1", "--format=%B", "eco/sync", cwd=clone_of("alpha"))
    assert "conflict (committed with conflict markers" in message


def test_local_edit_of_an_owned_file_is_a_conflict(
    eco: Ecosystem, remote: Path, tmp_path: Path
) -> None:
    push_to(remote, tmp_path, {".editorconfig": "root = true\n"})
    edit_template(eco, "pyproject.toml", "line-length = 88", "line-length = 100")
    result = eco_cli(eco, "sync")
    assert result.exit_code == 1
    assert "conflict" in result.stdout and ".editorconfig" in result.stdout
    assert SYNC not in refs(clone_of("alpha"))


def test_deleted_seeded_file_stays_deleted(eco: Ecosystem, remote: Path, tmp_path: Path) -> None:
    push_to(remote, tmp_path, {"docs/index.md": None})
    edit_template(eco, "docs/index.md", "Welcome.", "Welcome, reader.")
    edit_template(eco, "pyproject.toml", "line-length = 88", "line-length = 100")
    result = eco_cli(eco, "sync")
    assert result.exit_code == 0, result.output
    assert "project-owned  docs/index.md" in result.stdout
    files = git("ls-tree", "-r", "--name-only", "eco/sync", cwd=clone_of("alpha")).split()
    assert "docs/index.md" not in files
    assert "pyproject.toml" in files


def test_opted_out_file_is_untouched(eco: Ecosystem, remote: Path, tmp_path: Path) -> None:
    push_to(remote, tmp_path, {".editorconfig": "root = true\n# ours\n"})
    registry = (eco.root / "projects.toml").read_text()
    eco.write_registry(registry + '[projects.alpha.skip]\n".editorconfig" = "we use our own"\n')
    edit_template(eco, ".editorconfig", "indent_size = 4", "indent_size = 2")
    edit_template(eco, "pyproject.toml", "line-length = 88", "line-length = 100")
    result = eco_cli(eco, "sync")
    assert result.exit_code == 0, result.output
    assert "opted-out      .editorconfig  (we use our own)" in result.stdout
    assert show(clone_of("alpha"), "eco/sync", ".editorconfig") == "root = true\n# ours"
    assert "line-length = 100" in show(clone_of("alpha"), "eco/sync", "pyproject.toml")


def test_retired_file_is_removed_with_its_reason(eco: Ecosystem, tmp_path: Path) -> None:
    remote = make_synced_project(
        eco,
        tmp_path,
        "alpha",
        extra={
            "tox.ini": "[tox]\n",
            ".github/workflows/provenance.yaml": "uses: slsa-framework/slsa-github-generator\n",
        },
    )
    result = eco_cli(eco, "sync")
    assert result.exit_code == 0, result.output
    assert "removed        tox.ini  (nox replaced tox)" in result.stdout
    clone = clone_of("alpha")
    files = git("ls-tree", "-r", "--name-only", "eco/sync", cwd=clone).split()
    assert "tox.ini" not in files and ".github/workflows/provenance.yaml" not in files
    message = git("log", "-1", "--format=%B", "eco/sync", cwd=clone)
    assert "removed:\n" in message
    assert "  tox.ini: nox replaced tox" in message
    assert "  .github/workflows/provenance.yaml: PyPI attestations replace" in message
    assert remote.exists()


def test_retired_file_without_its_marker_is_kept(eco: Ecosystem, tmp_path: Path) -> None:
    make_synced_project(
        eco, tmp_path, "alpha", extra={".github/workflows/provenance.yaml": "name: ours\n"}
    )
    result = eco_cli(eco, "sync")
    assert result.exit_code == 0, result.output
    assert "provenance" not in result.stdout
    assert SYNC not in refs(clone_of("alpha"))


def test_second_run_commits_nothing(eco: Ecosystem, remote: Path) -> None:
    edit_template(eco, "pyproject.toml", "line-length = 88", "line-length = 100")
    first = eco_cli(eco, "sync")
    assert "committed eco/sync" in first.stdout
    before = refs(clone_of("alpha"))
    second = eco_cli(eco, "sync")
    assert second.exit_code == 0, second.output
    assert "eco/sync already up to date" in second.stdout
    assert refs(clone_of("alpha")) == before


def _snapshot(clone: Path) -> tuple[str, bytes, str, str]:
    index = (clone / ".git" / "index").read_bytes()
    tree = git("stash", "create", cwd=clone) or git("write-tree", cwd=clone)
    files = git("ls-files", "-s", "--others", cwd=clone)
    return refs(clone), index, tree, files


def test_dry_run_changes_nothing_byte_for_byte(eco: Ecosystem, remote: Path) -> None:
    eco_cli(eco, "fetch")
    clone = clone_of("alpha")
    (clone / "scratch.txt").write_text("untracked work in progress\n")
    edit_template(eco, "pyproject.toml", "line-length = 88", "line-length = 100")
    before = _snapshot(clone)
    remote_before = refs(remote)
    result = eco_cli(eco, "sync", "--dry-run")
    assert result.exit_code == 0, result.output
    assert refs(remote) == remote_before
    assert "updated        pyproject.toml" in result.stdout
    assert "--- a/pyproject.toml\n+++ b/pyproject.toml\n" in result.stdout
    assert "-line-length = 88\n+line-length = 100\n" in result.stdout
    assert _snapshot(clone) == before


@pytest.mark.parametrize("step", ["_commit_tree", "_update_ref"])
def test_failure_mid_sync_leaves_branches_and_worktree_as_they_were(
    eco: Ecosystem, remote: Path, step: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit_template(eco, "pyproject.toml", "line-length = 88", "line-length = 100")
    eco_cli(eco, "sync")  # an existing sync branch, to be replaced
    edit_template(eco, ".editorconfig", "indent_size = 4", "indent_size = 2")
    clone = clone_of("alpha")
    before = _snapshot(clone)
    remote_refs = refs(remote)

    def boom(*args: object, **kwargs: object) -> None:
        raise GitError("injected failure")

    monkeypatch.setattr(branch, step, boom)
    result = eco_cli(eco, "sync")
    assert result.exit_code == 1
    assert "failed alpha: injected failure" in result.stderr
    assert _snapshot(clone) == before
    assert refs(remote) == remote_refs


def test_dirty_templates_are_refused(eco: Ecosystem, remote: Path) -> None:
    (eco.root / "templates" / "skeleton" / ".editorconfig").write_text("root = true\n")
    result = eco_cli(eco, "sync")
    assert result.exit_code == 2
    assert "uncommitted changes" in result.stderr
    looked = eco_cli(eco, "sync", "--dry-run")  # looking is fine
    assert looked.exit_code == 0, looked.output
    assert "updated        .editorconfig" in looked.stdout


def test_failure_in_one_project_is_isolated(eco: Ecosystem, tmp_path: Path) -> None:
    registry = (eco.root / "projects.toml").read_text()
    eco.write_registry(registry + f'\n[projects.broken]\nurl = "{tmp_path / "nowhere.git"}"\n')
    make_synced_project(eco, tmp_path, "alpha")
    edit_template(eco, "pyproject.toml", "line-length = 88", "line-length = 100")
    result = eco_cli(eco, "sync")
    assert result.exit_code == 1
    assert "failed broken" in result.stderr
    assert "sync: 1 changed, 1 failed" in result.stderr
    assert "committed eco/sync" in result.stdout


# -- adoption ----------------------------------------------------------------------------


@pytest.fixture
def unadopted(eco: Ecosystem, tmp_path: Path) -> Path:
    """An existing project eco never synced: no .eco.toml, one file off-standard, one
    missing, a retired tox.ini, the rest identical."""
    remote = make_synced_project(eco, tmp_path, "alpha", state=False, extra={"tox.ini": "[tox]\n"})
    push_to(remote, tmp_path, {".editorconfig": "root = true\n", "docs/index.md": None})
    return remote


def test_sync_refuses_a_project_never_synced(eco: Ecosystem, unadopted: Path) -> None:
    result = eco_cli(eco, "sync")
    assert result.exit_code == 1
    assert "no .eco.toml on main" in result.stderr
    assert "eco sync --adopt --dry-run alpha" in result.stderr


def test_adoption_report_and_no_silent_overwrite(eco: Ecosystem, unadopted: Path) -> None:
    eco_cli(eco, "fetch")
    before = refs(clone_of("alpha"))
    report = eco_cli(eco, "sync", "--adopt", "--dry-run")
    assert report.exit_code == 0, report.output
    assert "last applied none (adoption)" in report.stdout
    # the owned file is replaced, visibly: what the project's version had is listed
    assert "replaced       .editorconfig" in report.stdout
    assert "new            docs/index.md" in report.stdout
    assert "removed        tox.ini  (nox replaced tox)" in report.stdout
    assert (
        "adoption: lacks 1 file, replaces 1, keeps 0 of its own, 0 in conflict, carries 1 "
        "retired file, 2 already standard" in report.stdout
    )
    assert refs(clone_of("alpha")) == before  # a dry run writes nothing


def test_adoption_replaces_owned_files_and_records_the_state(
    eco: Ecosystem, unadopted: Path
) -> None:
    result = eco_cli(eco, "sync", "--adopt")
    assert result.exit_code == 0, result.output
    clone = clone_of("alpha")
    editorconfig = show(clone, "eco/sync", ".editorconfig")
    assert editorconfig == (eco.root / "templates/skeleton/.editorconfig").read_text().rstrip()
    assert show(clone, "eco/sync", "docs/index.md") == "# alpha\n\nWelcome."
    state = parse_state(show(clone, "eco/sync", ".eco.toml") + "\n")
    assert state.seeded == ("docs/index.md",)
    message = git("log", "-1", "--format=%B", "eco/sync", cwd=clone)
    assert "Last applied: (none: the project is being adopted)" in message
    assert "replaced:\n  .editorconfig\n" in message


def test_adopting_a_standard_project_records_the_state(eco: Ecosystem, tmp_path: Path) -> None:
    make_synced_project(eco, tmp_path, "alpha", state=False, extra={"tox.ini": "[tox]\n"})
    result = eco_cli(eco, "sync", "--adopt")
    assert result.exit_code == 0, result.output
    clone = clone_of("alpha")
    files = git("ls-tree", "-r", "--name-only", "eco/sync", cwd=clone).split()
    assert ".eco.toml" in files and "tox.ini" not in files
    # Once the branch is merged, the project is an ordinary synced project.
    work = tmp_path / "maintainer" / "alpha"
    git(
        "clone",
        "-q",
        "--branch",
        "main",
        str(tmp_path / "remotes" / "alpha.git"),
        str(work),
        cwd=tmp_path,
    )
    git("fetch", "-q", str(clone), "eco/sync", cwd=work)
    git("merge", "-q", "--ff-only", "FETCH_HEAD", cwd=work)
    git("push", "-q", "origin", "main", cwd=work)
    again = eco_cli(eco, "sync")
    assert again.exit_code == 0, again.output
    assert "nothing to do" in again.stdout


# -- publishing --------------------------------------------------------------------------


def test_push_through_the_local_forge_lands_the_branch_in_the_remote(
    eco: Ecosystem, remote: Path
) -> None:
    edit_template(eco, "pyproject.toml", "line-length = 88", "line-length = 100")
    result = eco_cli(eco, "sync", "--push")  # auto: no token, so the local forge
    assert result.exit_code == 0, result.output
    assert "; pushed" in result.stdout
    local = git("rev-parse", "eco/sync", cwd=clone_of("alpha"))
    assert git("rev-parse", "refs/heads/eco/sync", cwd=remote) == local
    assert "line-length = 100" in show(remote, "eco/sync", "pyproject.toml")
    before = refs(remote)
    again = eco_cli(eco, "sync", "--push", "--forge", "local")
    assert again.exit_code == 0, again.output
    assert "eco/sync already up to date; remote already up to date" in again.stdout
    assert refs(remote) == before


def test_push_needs_a_real_run(eco: Ecosystem, remote: Path) -> None:
    result = eco_cli(eco, "sync", "--push", "--dry-run")
    assert result.exit_code == 2
    assert "a --dry-run writes nothing" in result.output


def test_maintainer_commits_on_the_published_branch_are_never_overwritten(
    eco: Ecosystem, remote: Path, tmp_path: Path
) -> None:
    edit_template(eco, "pyproject.toml", "line-length = 88", "line-length = 100")
    assert eco_cli(eco, "sync", "--push").exit_code == 0
    work = tmp_path / "reviewer"
    git("clone", "-q", "--branch", "eco/sync", str(remote), str(work), cwd=tmp_path)
    (work / "NOTES.md").write_text("reviewed\n")
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", "review fix-up", cwd=work)
    git("push", "-q", "origin", "eco/sync", cwd=work)
    pushed = git("rev-parse", "HEAD", cwd=work)
    edit_template(eco, ".editorconfig", "indent_size = 4", "indent_size = 2")
    result = eco_cli(eco, "sync", "--push")
    assert result.exit_code == 1
    assert "the remote eco/sync branch has commits eco did not make" in result.stderr
    assert git("rev-parse", "eco/sync", cwd=remote) == pushed
    # Once that work is merged, sync goes on.
    git("checkout", "-q", "main", cwd=work)
    git("merge", "-q", "--no-edit", "eco/sync", cwd=work)
    git("push", "-q", "origin", "main", cwd=work)
    again = eco_cli(eco, "sync", "--push")
    assert again.exit_code == 0, again.output
    assert "indent_size = 2" in show(remote, "eco/sync", ".editorconfig")


# -- the base: the skeleton as last applied -----------------------------------------------


def test_a_registry_change_reaches_the_project(eco: Ecosystem, remote: Path) -> None:
    """The base is rendered with the registry of the recorded revision too, so a changed
    variable is the ecosystem's change, not mistaken for the project's own edit."""
    registry = (eco.root / "projects.toml").read_text()
    eco.write_registry(registry.replace("The alpha extension.", "Alpha, renamed."))
    eco.commit("describe alpha better")
    result = eco_cli(eco, "sync")
    assert result.exit_code == 0, result.output
    assert "updated        pyproject.toml" in result.stdout
    assert 'description = "Alpha, renamed."' in show(
        clone_of("alpha"), "eco/sync", "pyproject.toml"
    )


def test_unknown_recorded_revision_is_an_error_for_that_project(
    eco: Ecosystem, tmp_path: Path
) -> None:
    remote = make_synced_project(eco, tmp_path, "alpha")
    state = show(remote, "main", ".eco.toml") + "\n"
    revision = git("rev-parse", "HEAD", cwd=eco.root)
    push_to(remote, tmp_path, {".eco.toml": state.replace(revision, "f" * 40)})
    result = eco_cli(eco, "sync", "--dry-run")
    assert result.exit_code == 1
    assert f"template revision {'f' * 40} is not in the ecosystem repository" in result.stderr
    checked = CliRunner().invoke(cli, ["--root", str(eco.root), "check"])
    assert checked.exit_code == 2


def test_a_new_template_change_replaces_the_sync_commit(eco: Ecosystem, remote: Path) -> None:
    edit_template(eco, "pyproject.toml", "line-length = 88", "line-length = 100")
    eco_cli(eco, "sync")
    clone = clone_of("alpha")
    first = git("rev-parse", "eco/sync", cwd=clone)
    edit_template(eco, ".editorconfig", "indent_size = 4", "indent_size = 2")
    result = eco_cli(eco, "sync")
    assert "committed eco/sync" in result.stdout
    second = git("rev-parse", "eco/sync", cwd=clone)
    assert second != first
    assert git("rev-parse", "eco/sync^", cwd=clone) == git("rev-parse", "origin/main", cwd=clone)
    changed = git("diff", "--name-only", "origin/main", "eco/sync", cwd=clone).split()
    assert changed == [".eco.toml", ".editorconfig", "pyproject.toml"]
