"""The workspace with real git: clone once, fetch after, isolate an unreachable remote."""

from __future__ import annotations

import io
from pathlib import Path

from eco.parallel import run_each
from eco.parallel import summary_lines
from eco.registry import load_registry
from eco.workspace import Workspace
from tests.helpers import git
from tests.helpers import make_bare_repo
from tests.helpers import REGISTRY_HEAD
from tests.helpers import run_eco


def _registry(tmp_path: Path, urls: dict[str, Path]) -> Path:
    text = REGISTRY_HEAD + "".join(
        f'\n[projects.{name}]\nurl = "{url}"\n' for name, url in urls.items()
    )
    path = tmp_path / "eco" / "projects.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_clone_then_fetch(tmp_path: Path) -> None:
    bare = make_bare_repo(tmp_path, "alpha", {"README.md": "one\n"})
    registry = load_registry(_registry(tmp_path, {"alpha": bare}))
    workspace = Workspace(tmp_path / "ws")
    project = registry.projects["alpha"]

    first = workspace.ensure(project)
    assert not first.fetched
    assert (first.path / "README.md").read_text() == "one\n"
    inode = (first.path / ".git").stat().st_ino

    # A new commit lands in the remote; the second use fetches it into the same clone.
    work = tmp_path / "other"
    git("clone", "-q", str(bare), str(work), cwd=tmp_path)
    (work / "README.md").write_text("two\n")
    git("commit", "-qam", "two", cwd=work)
    git("push", "-q", "origin", "main", cwd=work)

    second = workspace.ensure(project)
    assert second.fetched
    assert (second.path / ".git").stat().st_ino == inode  # not re-cloned
    assert git("show", "origin/main:README.md", cwd=second.path) == "two"


def test_relative_url_resolves_against_the_registry(tmp_path: Path) -> None:
    make_bare_repo(tmp_path, "beta", {"README.md": "b\n"})
    path = _registry(tmp_path, {"beta": Path("../remotes/beta.git")})
    registry = load_registry(path)
    workspace = Workspace(tmp_path / "ws", registry_root=path.parent)
    clone = workspace.ensure(registry.projects["beta"])
    assert (clone.path / "README.md").read_text() == "b\n"


def test_missing_remote_fails_only_its_project(tmp_path: Path) -> None:
    good = make_bare_repo(tmp_path, "good", {"README.md": "g\n"})
    registry = load_registry(
        _registry(tmp_path, {"good": good, "gone": tmp_path / "remotes" / "gone.git"})
    )
    workspace = Workspace(tmp_path / "ws")
    progress = io.StringIO()
    outcomes = run_each(
        registry.select(), lambda p: workspace.ensure(p).path, jobs=2, progress=progress
    )
    by_name = {o.project.name: o for o in outcomes}
    assert by_name["good"].ok and by_name["good"].value == tmp_path / "ws" / "good"
    assert not by_name["gone"].ok
    assert "gone.git" in (by_name["gone"].error or "")
    assert not (tmp_path / "ws" / "gone").exists()
    lines = summary_lines(outcomes, "fetch")
    assert lines[0] == "fetch: 1 ok, 1 failed"
    assert lines[1].startswith("  failed gone: git clone")
    assert "good ok" in progress.getvalue() and "gone failed" in progress.getvalue()


def test_fetch_command_exit_status(tmp_path: Path) -> None:
    good = make_bare_repo(tmp_path, "good", {"README.md": "g\n"})
    path = _registry(tmp_path, {"good": good, "gone": tmp_path / "remotes" / "gone.git"})
    result = run_eco("fetch", cwd=path.parent, env={"ECO_WORKSPACE": str(tmp_path / "ws")})
    assert result.returncode == 1
    assert "failed gone" in result.stderr
    assert "1 ok, 1 failed" in result.stderr
    again = run_eco("fetch", "good", cwd=path.parent, env={"ECO_WORKSPACE": str(tmp_path / "ws")})
    assert again.returncode == 0, again.stderr
    assert "good" in again.stdout and "fetched" in again.stdout


def test_unusable_workspace_is_one_error_not_one_per_project(tmp_path: Path) -> None:
    good = make_bare_repo(tmp_path, "good", {"README.md": "g\n"})
    path = _registry(tmp_path, {"good": good, "also": good})
    (tmp_path / "a-file").write_text("not a folder\n")
    workspace = str(tmp_path / "a-file" / "ws")
    for command in (["fetch"], ["check"], ["--workspace", workspace, "check", "--no-fetch"]):
        result = run_eco(*command, cwd=path.parent, env={"ECO_WORKSPACE": workspace})
        assert result.returncode == 2, result.stderr
        assert result.stderr.splitlines() == [
            f"error: workspace {workspace}: {tmp_path / 'a-file'} is a file; give --workspace "
            "(or ECO_WORKSPACE) a folder eco can create and write"
        ]


def test_a_file_system_error_in_one_project_names_the_path(tmp_path: Path) -> None:
    registry = load_registry(_registry(tmp_path, {"one": tmp_path / "one.git"}))

    def fail(project: object) -> None:
        (tmp_path / "missing" / "x").write_text("")

    [outcome] = run_each(registry.select(), fail, progress=io.StringIO())
    assert outcome.error == f"{tmp_path / 'missing' / 'x'}: No such file or directory"
