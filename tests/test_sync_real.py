"""Sync and check with the real skeleton in templates/, on a project made by `eco init`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import Ecosystem
from tests.helpers import git
from tests.helpers import make_ecosystem
from tests.sync_fixtures import clone_of
from tests.sync_fixtures import eco_cli


@pytest.fixture
def ecosystem(tmp_path: Path) -> tuple[Ecosystem, Path]:
    eco = make_ecosystem(tmp_path)
    project = tmp_path / "projects" / "flask-demo"
    created = eco_cli(eco, "init", "flask-demo", "--path", str(project), "--register")
    assert created.exit_code == 0, created.output
    eco.commit("register flask-demo")
    return eco, project


def test_template_change_and_a_local_edit_both_land(ecosystem: tuple[Ecosystem, Path]) -> None:
    eco, project = ecosystem
    clean = eco_cli(eco, "check", "--format", "json")
    assert clean.exit_code == 0, clean.output
    (entry,) = json.loads(clean.stdout)["projects"]
    assert {f["status"] for f in entry["files"]} <= {"in sync", "project-owned"}
    assert len(entry["files"]) > 15
    # The rendered workflows are checked and meet the policy (pins, permissions, upload).
    assert ".github/workflows/publish.yaml" in {f["path"] for f in entry["files"]}
    assert entry["policy"] == []

    # The maintainer adds a test dependency; the skeleton adds an .editorconfig rule and
    # a .gitignore line.
    tests_in = project / "requirements" / "tests.in"
    tests_in.write_text(tests_in.read_text() + "pytest-mock\n")
    git("commit", "-q", "-am", "test with pytest-mock", cwd=project)
    skeleton = eco.root / "templates" / "skeleton"
    with (skeleton / ".editorconfig").open("a") as f:
        f.write("\n[*.toml]\nindent_size = 4\n")
    with (skeleton / ".gitignore").open("a") as f:
        f.write("/.eco-scratch/\n")
    eco.commit("skeleton: toml indent, scratch folder")

    drift = eco_cli(eco, "check")
    assert drift.exit_code == 1
    assert "  behind        .editorconfig" in drift.stdout
    assert "  behind        .gitignore" in drift.stdout
    assert "requirements/tests.in" not in drift.stdout  # a merged file's own edit is no drift

    synced = eco_cli(eco, "sync")
    assert synced.exit_code == 0, synced.output
    assert "updated        .editorconfig" in synced.stdout
    clone = clone_of("flask-demo")
    assert git("show", "eco/sync:.editorconfig", cwd=clone).endswith("indent_size = 4")
    assert "/.eco-scratch/" in git("show", "eco/sync:.gitignore", cwd=clone)
    assert "pytest-mock" in git("show", "eco/sync:requirements/tests.in", cwd=clone)
    changed = git("diff", "--name-only", "origin/main", "eco/sync", cwd=clone).split()
    assert changed == [".eco.toml", ".editorconfig", ".gitignore"]

    git("fetch", "-q", str(clone), "eco/sync", cwd=project)
    git("merge", "-q", "--ff-only", "FETCH_HEAD", cwd=project)
    assert eco_cli(eco, "check").exit_code == 0
    again = eco_cli(eco, "sync")
    assert again.exit_code == 0 and "nothing to do" in again.stdout


def test_adoption_keeps_the_projects_own_readme_and_licence(
    ecosystem: tuple[Ecosystem, Path],
) -> None:
    """An older extension with README.rst and LICENSE.rst gets no README.md or
    LICENSE.txt beside them: its own files stand in for the seeded ones."""
    eco, project = ecosystem
    for path in ("README.md", "LICENSE.txt", ".eco.toml"):
        git("rm", "-q", path, cwd=project)
    (project / "README.rst").write_text("Flask-Demo\n==========\n")
    (project / "LICENSE.rst").write_text("Copyright 2010 Someone\n")
    git("add", "-A", cwd=project)
    git("commit", "-q", "-m", "an older layout", cwd=project)
    report = eco_cli(eco, "sync", "--adopt", "--dry-run", "--format", "json")
    if report.exit_code != 0 or not report.stdout.lstrip().startswith("{"):
        report = eco_cli(eco, "check", "--format", "json")
    data = json.loads(report.stdout)
    (entry,) = data["projects"]
    files = {f["path"]: f for f in entry["files"]}
    for path, own in (("README.md", "README.rst"), ("LICENSE.txt", "LICENSE.rst")):
        assert files[path]["status"] == "project-owned", files[path]
        assert own in json.dumps(files[path])
    synced = eco_cli(eco, "sync", "--adopt")
    assert synced.exit_code == 0, synced.output
    tree = git("ls-tree", "-r", "--name-only", "eco/sync", cwd=clone_of("flask-demo"))
    assert "README.md" not in tree.splitlines()
    assert "LICENSE.txt" not in tree.splitlines()
    assert "README.rst" in tree.splitlines()
