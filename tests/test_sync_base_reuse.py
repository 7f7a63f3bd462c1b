"""The base render is skipped only when everything it reads equals today's.

The base (the skeleton as last applied) is rendered from the recorded revision's
``templates/`` with that revision's registry. When the templates tree, the project's
entry and ``[ecosystem]`` all equal today's, it is the "theirs" render byte for byte and
is reused; any difference, or uncommitted templates, and it is rendered.
"""

from __future__ import annotations

from pathlib import Path

from eco.registry import load_registry
from eco.registry import Project
from eco.sync.project import Syncer
from eco.workspace import Workspace
from tests.helpers import Ecosystem
from tests.sync_fixtures import make_fixture_ecosystem
from tests.sync_fixtures import make_synced_project


def _read(eco: Ecosystem, tmp_path: Path) -> tuple[list[str], dict[str, str]]:
    """Plan alpha's sync; which renders were done, and each file's check status."""
    renders: list[str] = []

    def count(project: Project, which: str) -> None:
        renders.append(which)

    registry = load_registry(eco.root / "projects.toml")
    syncer = Syncer(registry, Workspace(tmp_path / "workspace", eco.root), on_render=count)
    view = syncer.read(registry.projects["alpha"])
    return renders, {f.path: f.check_status for f in view.plan.files}


def _edit_registry(eco: Ecosystem, old: str, new: str) -> None:
    text = (eco.root / "projects.toml").read_text()
    assert old in text
    eco.write_registry(text.replace(old, new, 1))


def test_base_reused_when_only_other_files_changed(tmp_path: Path) -> None:
    eco = make_fixture_ecosystem(tmp_path)
    make_synced_project(eco, tmp_path, "alpha")
    (eco.root / "NOTES.md").write_text("nothing the skeleton reads\n")
    eco.commit("notes")  # a new head: the recorded revision is no longer it
    renders, status = _read(eco, tmp_path)
    assert renders == ["theirs"]
    assert set(status.values()) <= {"in sync", "project-owned"}


def test_same_tree_with_a_changed_project_variable_renders_the_base(tmp_path: Path) -> None:
    eco = make_fixture_ecosystem(tmp_path)
    make_synced_project(eco, tmp_path, "alpha")
    _edit_registry(eco, 'description = "The alpha extension."', 'description = "Now better."')
    eco.commit("alpha: new description")
    renders, status = _read(eco, tmp_path)
    assert renders == ["theirs", "base"]
    assert status["pyproject.toml"] == "behind"  # the skeleton's value moved; the base knew


def test_same_tree_with_a_changed_ecosystem_value_renders_the_base(tmp_path: Path) -> None:
    eco = make_fixture_ecosystem(tmp_path)
    make_synced_project(eco, tmp_path, "alpha")
    _edit_registry(eco, 'org = "scratch-org"', 'org = "other-org"')
    eco.commit("ecosystem: new org")
    renders, _ = _read(eco, tmp_path)
    assert renders == ["theirs", "base"]


def test_uncommitted_templates_render_the_base(tmp_path: Path) -> None:
    eco = make_fixture_ecosystem(tmp_path)
    make_synced_project(eco, tmp_path, "alpha")
    (eco.root / "NOTES.md").write_text("x\n")
    eco.commit("notes")
    (eco.root / "templates" / "skeleton" / "extra.txt").write_text("not committed\n")
    renders, _ = _read(eco, tmp_path)
    assert renders == ["theirs", "base"]


def test_changed_templates_render_the_base(tmp_path: Path) -> None:
    eco = make_fixture_ecosystem(tmp_path)
    make_synced_project(eco, tmp_path, "alpha")
    editorconfig = eco.root / "templates" / "skeleton" / ".editorconfig"
    editorconfig.write_text(editorconfig.read_text() + "\n[*.md]\nindent_size = 2\n")
    eco.commit("skeleton: markdown indent")
    renders, status = _read(eco, tmp_path)
    assert renders == ["theirs", "base"]
    assert status[".editorconfig"] == "behind"
