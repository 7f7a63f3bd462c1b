"""Sync and check on the shapes real projects take: what a maintainer's repository holds
where the skeleton expects a plain file, and other edge cases found in review."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import Ecosystem
from tests.helpers import git
from tests.helpers import refs
from tests.sync_fixtures import clone_of
from tests.sync_fixtures import eco_cli
from tests.sync_fixtures import edit_template
from tests.sync_fixtures import make_fixture_ecosystem
from tests.sync_fixtures import make_synced_project
from tests.sync_fixtures import show
from tests.sync_fixtures import SYNC


@pytest.fixture
def eco(tmp_path: Path) -> Ecosystem:
    return make_fixture_ecosystem(tmp_path)


@pytest.fixture
def remote(eco: Ecosystem, tmp_path: Path) -> Path:
    return make_synced_project(eco, tmp_path, "alpha")


def maintainer_clone(remote: Path, tmp: Path, name: str = "maintainer") -> Path:
    work = tmp / name
    git("clone", "-q", str(remote), str(work), cwd=tmp)
    return work


def commit_and_push(work: Path, message: str = "edit") -> None:
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", message, cwd=work)
    git("push", "-q", "origin", "HEAD:main", cwd=work)


def _folder(work: Path) -> tuple[str, str]:
    (work / ".editorconfig").unlink()
    (work / ".editorconfig" / "keep").parent.mkdir()
    (work / ".editorconfig" / "keep").write_text("the project's own\n")
    return ".editorconfig", "a folder in the project"


def _file_for_folder(work: Path) -> tuple[str, str]:
    shutil.rmtree(work / ".github")
    (work / ".github").write_text("the project's own\n")
    return ".github/workflows/tests.yaml", ".github is a file in the project"


def _symlink(work: Path) -> tuple[str, str]:
    (work / "editorconfig.ini").write_text((work / ".editorconfig").read_text())
    (work / ".editorconfig").unlink()
    os.symlink("editorconfig.ini", work / ".editorconfig")
    return ".editorconfig", "a symbolic link in the project"


@pytest.mark.parametrize("reshape", [_folder, _file_for_folder, _symlink])
def test_something_else_at_a_skeleton_path_is_never_replaced(
    eco: Ecosystem, remote: Path, tmp_path: Path, reshape: Callable[[Path], tuple[str, str]]
) -> None:
    work = maintainer_clone(remote, tmp_path)
    path, reason = reshape(work)
    commit_and_push(work, "the project's own layout")
    project_tree = git("ls-tree", "-r", "HEAD", cwd=work)
    edit_template(eco, "pyproject.toml", "line-length = 88", "line-length = 100")
    edit_template(eco, ".editorconfig", "indent_size = 4", "indent_size = 2")
    edit_template(eco, ".github/workflows/tests.yaml", "name: tests", "name: test")

    checked = eco_cli(eco, "check", "--format", "json")
    assert checked.exit_code == 1
    (entry,) = json.loads(checked.stdout)["projects"]
    (found,) = [f for f in entry["files"] if f["path"] == path]
    assert (found["status"], found["reason"]) == ("conflict", reason)

    refused = eco_cli(eco, "sync")
    assert refused.exit_code == 1
    assert f"conflict       {path}  ({reason})" in refused.stdout
    assert SYNC not in refs(clone_of("alpha"))

    allowed = eco_cli(eco, "sync", "--allow-conflicts")
    assert allowed.exit_code == 1, allowed.output
    clone = clone_of("alpha")
    changed = {".eco.toml", "pyproject.toml", ".editorconfig", ".github/workflows/tests.yaml"}
    changed.discard(path)
    diff = git("diff", "--name-only", "--no-renames", "origin/main", "eco/sync", cwd=clone)
    assert set(diff.split()) == changed
    synced_tree = git("ls-tree", "-r", "eco/sync", cwd=clone).splitlines()
    for line in project_tree.splitlines():  # the project's folder, file or link is kept
        if line.split("\t")[1] not in changed:
            assert line in synced_tree


def synced_for_review(eco: Ecosystem, remote: Path, tmp: Path) -> Path:
    """A template change synced with --push; a reviewer's clone of the remote."""
    edit_template(eco, "pyproject.toml", "line-length = 88", "line-length = 100")
    assert eco_cli(eco, "sync", "--push").exit_code == 0
    return maintainer_clone(remote, tmp, "reviewer")


def test_update_branch_merge_on_the_pull_request_is_not_foreign_work(
    eco: Ecosystem, remote: Path, tmp_path: Path
) -> None:
    """GitHub's "Update branch" merges the project's branch into the sync branch: that
    brings no work of the reviewer's, so the next sync rebuilds the branch."""
    work = synced_for_review(eco, remote, tmp_path)
    (work / "NOTES.md").write_text("the project's own\n")
    commit_and_push(work, "meanwhile on main")
    git("checkout", "-q", "eco/sync", cwd=work)
    git("merge", "-q", "--no-edit", "main", "-m", "Merge branch 'main' into eco/sync", cwd=work)
    git("push", "-q", "origin", "eco/sync", cwd=work)
    edit_template(eco, ".editorconfig", "indent_size = 4", "indent_size = 2")
    result = eco_cli(eco, "sync", "--push")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    head = git("rev-parse", "refs/heads/eco/sync", cwd=remote)
    assert git("rev-parse", f"{head}^", cwd=remote) == git("rev-parse", "main", cwd=remote)
    changed = git("diff", "--name-only", "main", head, cwd=remote).split()
    assert changed == [".eco.toml", ".editorconfig", "pyproject.toml"]


def test_squash_merged_review_work_does_not_block_the_next_sync(
    eco: Ecosystem, remote: Path, tmp_path: Path
) -> None:
    """A reviewer's fix-up on the sync branch, squash-merged into the project's branch:
    the work is in the project, so the branch left behind can be rebuilt."""
    work = synced_for_review(eco, remote, tmp_path)
    git("checkout", "-q", "eco/sync", cwd=work)
    (work / "NOTES.md").write_text("reviewed\n")
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", "review fix-up", cwd=work)
    git("push", "-q", "origin", "eco/sync", cwd=work)
    git("checkout", "-q", "main", cwd=work)
    git("merge", "-q", "--squash", "eco/sync", cwd=work)
    git("commit", "-q", "-m", "eco sync (#12)", cwd=work)
    git("push", "-q", "origin", "main", cwd=work)
    edit_template(eco, ".editorconfig", "indent_size = 4", "indent_size = 2")
    result = eco_cli(eco, "sync", "--push")
    assert result.exit_code == 0, result.output
    assert "indent_size = 2" in git("show", "eco/sync:.editorconfig", cwd=remote)
    assert git("show", "eco/sync:NOTES.md", cwd=remote) == "reviewed"


def test_unmerged_review_work_behind_an_update_branch_merge_is_kept(
    eco: Ecosystem, remote: Path, tmp_path: Path
) -> None:
    work = synced_for_review(eco, remote, tmp_path)
    git("checkout", "-q", "eco/sync", cwd=work)
    (work / "NOTES.md").write_text("reviewed\n")
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", "review fix-up", cwd=work)
    git("checkout", "-q", "main", cwd=work)
    (work / "OTHER.md").write_text("meanwhile\n")
    commit_and_push(work, "meanwhile on main")
    git("checkout", "-q", "eco/sync", cwd=work)
    git("merge", "-q", "--no-edit", "main", cwd=work)
    git("push", "-q", "origin", "eco/sync", cwd=work)
    pushed = git("rev-parse", "HEAD", cwd=work)
    edit_template(eco, ".editorconfig", "indent_size = 4", "indent_size = 2")
    result = eco_cli(eco, "sync", "--push")
    assert result.exit_code == 1
    assert "the remote eco/sync branch has commits eco did not make" in result.stderr
    assert git("rev-parse", "eco/sync", cwd=remote) == pushed


def move_workflow(eco: Ecosystem) -> str:
    """The skeleton renames its tests workflow (same content, new path)."""
    manifest = eco.root / "templates" / "manifest.toml"
    old = 'path = ".github/workflows/tests.yaml"\n'
    new = 'path = ".github/workflows/ci.yaml"\ntemplate = ".github/workflows/tests.yaml"\n'
    manifest.write_text(manifest.read_text().replace(old, new))
    return eco.commit("skeleton: the tests workflow is ci.yaml")


def test_a_file_the_skeleton_moved_leaves_its_old_path(eco: Ecosystem, remote: Path) -> None:
    """Like a merge where one side deleted a file the other never touched: the old path
    goes, so a project does not run the same workflow twice."""
    move_workflow(eco)
    checked = eco_cli(eco, "check", "--format", "json")
    (entry,) = json.loads(checked.stdout)["projects"]
    statuses = {f["path"]: f["status"] for f in entry["files"]}
    assert statuses[".github/workflows/ci.yaml"] == "missing"
    assert statuses[".github/workflows/tests.yaml"] == "retired"

    result = eco_cli(eco, "sync")
    assert result.exit_code == 0, result.output
    assert "removed        .github/workflows/tests.yaml  (no longer in the skeleton)" in (
        result.stdout
    )
    clone = clone_of("alpha")
    diff = git("diff", "--name-status", "--no-renames", "origin/main", "eco/sync", cwd=clone)
    assert diff.splitlines() == [
        "M\t.eco.toml",
        "A\t.github/workflows/ci.yaml",
        "D\t.github/workflows/tests.yaml",
    ]


def test_a_dropped_file_the_project_changed_is_kept(
    eco: Ecosystem, remote: Path, tmp_path: Path
) -> None:
    work = maintainer_clone(remote, tmp_path)
    workflow = work / ".github" / "workflows" / "tests.yaml"
    workflow.write_text(workflow.read_text() + "      - run: pytest\n")
    commit_and_push(work, "run the tests")
    move_workflow(eco)
    result = eco_cli(eco, "sync")
    assert result.exit_code == 0, result.output
    kept = "no longer in the skeleton; kept: the project changed it"
    assert f"project-owned  .github/workflows/tests.yaml  ({kept})" in result.stdout
    clone = clone_of("alpha")
    diff = git("diff", "--name-only", "origin/main", "eco/sync", cwd=clone)
    assert diff.split() == [".eco.toml", ".github/workflows/ci.yaml"]


def test_a_renamed_default_branch_is_named_in_the_error(eco: Ecosystem, remote: Path) -> None:
    assert eco_cli(eco, "check").exit_code == 0  # the clone exists, on main
    git("branch", "-m", "main", "stable", cwd=remote)
    git("symbolic-ref", "HEAD", "refs/heads/stable", cwd=remote)
    checked = eco_cli(eco, "check")
    assert checked.exit_code == 2
    assert (
        "  failed alpha: alpha: no branch 'main' on its remote; if the project renamed it, "
        'set branch = "..." under [projects.alpha] in projects.toml'
    ) in checked.stderr.splitlines()
    registry = eco.root / "projects.toml"
    registry.write_text(registry.read_text() + 'branch = "stable"\n')
    eco.commit("alpha: the branch is stable")
    edit_template(eco, ".editorconfig", "indent_size = 4", "indent_size = 2")
    synced = eco_cli(eco, "sync", "--push")
    assert synced.exit_code == 0, synced.output
    stable = git("rev-parse", "stable", cwd=remote)
    assert git("rev-parse", "eco/sync^", cwd=remote) == stable


def test_dry_run_diff_splits_lines_as_git_does_and_never_prints_binary(
    eco: Ecosystem, remote: Path, tmp_path: Path
) -> None:
    work = maintainer_clone(remote, tmp_path)
    pyproject = (work / "pyproject.toml").read_text()
    own = "# the project's note\u2028(a line separator is not a line end)\n[tool.ruff]"
    (work / "pyproject.toml").write_text(pyproject.replace("[tool.ruff]", own))
    (work / ".editorconfig").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff")
    commit_and_push(work, "own content")
    edit_template(eco, "pyproject.toml", "line-length = 88", "line-length = 100")
    result = eco_cli(eco, "sync", "--dry-run")
    assert result.exit_code == 1  # the binary .editorconfig is a conflict
    assert "\\ No newline at end of file" not in result.stdout
    assert " # the project's note\u2028(a line separator is not a line end)\n" in result.stdout
    assert "Binary files a/.editorconfig and b/.editorconfig differ\n" in result.stdout
    result.stdout.encode("utf-8")  # nothing undecodable reaches the terminal


def test_allow_conflicts_does_not_advise_allowing_conflicts(
    eco: Ecosystem, remote: Path, tmp_path: Path
) -> None:
    work = maintainer_clone(remote, tmp_path)
    (work / ".editorconfig").write_text("root = true\n")
    commit_and_push(work, "own editorconfig")
    edit_template(eco, ".editorconfig", "indent_size = 4", "indent_size = 2")
    refused = eco_cli(eco, "sync")
    assert "re-run with --allow-conflicts" in refused.stderr
    allowed = eco_cli(eco, "sync", "--allow-conflicts")
    assert allowed.exit_code == 1
    assert "re-run with --allow-conflicts" not in allowed.stderr
    assert "committed with conflict markers; resolve them on the sync branch" in allowed.stderr


def test_a_sync_commit_amended_by_hand_is_not_overwritten(
    eco: Ecosystem, remote: Path, tmp_path: Path
) -> None:
    """Amending keeps eco's subject; the tree eco recorded tells the commits apart."""
    work = synced_for_review(eco, remote, tmp_path)
    git("checkout", "-q", "eco/sync", cwd=work)
    (work / "NOTES.md").write_text("reviewed\n")
    git("add", "-A", cwd=work)
    git("commit", "-q", "--amend", "--no-edit", cwd=work)
    git("push", "-q", "--force", "origin", "eco/sync", cwd=work)
    amended = git("rev-parse", "HEAD", cwd=work)
    edit_template(eco, ".editorconfig", "indent_size = 4", "indent_size = 2")
    result = eco_cli(eco, "sync", "--push")
    assert result.exit_code == 1
    assert "the remote eco/sync branch has commits eco did not make" in result.stderr
    assert git("rev-parse", "eco/sync", cwd=remote) == amended


def test_a_conflict_resolved_in_a_merge_on_the_pull_request_is_not_overwritten(
    eco: Ecosystem, remote: Path, tmp_path: Path
) -> None:
    """GitHub's "Resolve conflicts" commits a merge with the reviewer's resolution: unlike
    a clean "Update branch" merge, that is work of the reviewer's."""
    work = synced_for_review(eco, remote, tmp_path)
    pyproject = work / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("line-length = 88", "line-length = 90"))
    commit_and_push(work, "meanwhile on main")
    git("checkout", "-q", "eco/sync", cwd=work)
    merged = subprocess.run(["git", "merge", "-q", "main"], cwd=work, capture_output=True)
    assert merged.returncode == 1  # a conflict in pyproject.toml
    pyproject.write_text(show(remote, "main", "pyproject.toml").replace("90", "99") + "\n")
    git("add", "-A", cwd=work)
    git("commit", "-q", "--no-edit", cwd=work)
    git("push", "-q", "origin", "eco/sync", cwd=work)
    resolved = git("rev-parse", "HEAD", cwd=work)
    edit_template(eco, ".editorconfig", "indent_size = 4", "indent_size = 2")
    result = eco_cli(eco, "sync", "--push", "--allow-conflicts")
    assert result.exit_code == 1
    assert "the remote eco/sync branch has commits eco did not make" in result.stderr
    assert git("rev-parse", "eco/sync", cwd=remote) == resolved
