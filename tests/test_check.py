"""`eco check`: per-file drift, policy findings, the three formats and the exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import Result

from tests.helpers import Ecosystem
from tests.helpers import refs
from tests.sync_fixtures import clone_of
from tests.sync_fixtures import eco_cli
from tests.sync_fixtures import edit_template
from tests.sync_fixtures import make_fixture_ecosystem
from tests.sync_fixtures import make_synced_project
from tests.sync_fixtures import push_to
from tests.sync_fixtures import show


def check(eco: Ecosystem, *args: str) -> Result:
    return eco_cli(eco, "check", *args)


@pytest.fixture
def eco(tmp_path: Path) -> Ecosystem:
    return make_fixture_ecosystem(tmp_path, ("alpha", "beta"))


@pytest.fixture
def remotes(eco: Ecosystem, tmp_path: Path) -> dict[str, Path]:
    return {name: make_synced_project(eco, tmp_path, name) for name in ("alpha", "beta")}


def test_all_in_sync_exits_0_in_every_format(eco: Ecosystem, remotes: dict[str, Path]) -> None:
    text = check(eco)
    assert text.exit_code == 0, text.output
    assert "alpha: in sync, 4 files checked" in text.stdout
    assert "check: 2 in sync, 0 drift, 0 failed" in text.stderr
    data = json.loads(check(eco, "--format", "json", "--no-fetch").stdout)
    assert data["version"] == 2 and data["status"] == "in sync"
    assert data["summary"] == {"in sync": 2, "drift": 0, "failed": 0}
    alpha = data["projects"][0]
    assert alpha["name"] == "alpha" and alpha["adopted"] is True
    assert alpha["last_applied"] == data["revision"]
    assert {f["status"] for f in alpha["files"]} == {"in sync", "project-owned"}
    assert alpha["files"][0] == {
        "path": ".editorconfig",
        "mode": "owned",
        "status": "in sync",
        "reason": "",
    }
    markdown = check(eco, "--format", "markdown", "--no-fetch")
    assert markdown.exit_code == 0
    assert markdown.stdout.startswith("## eco check: 2 of 2 projects in sync\n")
    assert "| alpha | in sync | 0 | 0 |" in markdown.stdout


def test_drift_of_every_kind_exits_1(
    eco: Ecosystem, remotes: dict[str, Path], tmp_path: Path
) -> None:
    alpha = remotes["alpha"]
    workflow = show(alpha, "main", ".github/workflows/tests.yaml") + "\n"
    push_to(
        alpha,
        tmp_path,
        {
            ".editorconfig": "root = true\n",  # modified (owned)
            "pyproject.toml": None,  # missing
            "tox.ini": "[tox]\n",  # retired
            ".github/workflows/tests.yaml": workflow.replace(
                "@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2", "@v4"
            ),
        },
    )
    file = eco.root / "templates" / "skeleton" / "docs" / "index.md"
    file.write_text(file.read_text() + "More.\n")  # seeded: no drift
    eco.commit()
    result = check(eco, "alpha", "--format", "json")
    assert result.exit_code == 1, result.output
    (project,) = json.loads(result.stdout)["projects"]
    statuses = {f["path"]: f["status"] for f in project["files"]}
    assert statuses == {
        ".editorconfig": "modified",
        ".github/workflows/tests.yaml": "modified",
        "docs/index.md": "project-owned",
        "pyproject.toml": "missing",
        "tox.ini": "retired",
    }
    assert project["policy"] == [
        {
            "path": ".github/workflows/tests.yaml",
            "line": 8,
            "rule": "unpinned-action",
            "message": "actions/checkout@v4: pin to a full commit SHA with the version as a "
            "comment (`@<40-hex sha> # vX.Y.Z`)",
        }
    ]
    text = check(eco, "alpha", "--no-fetch")
    assert "alpha: drift" in text.stdout
    assert "  retired       tox.ini  (nox replaced tox)" in text.stdout
    assert "  policy        .github/workflows/tests.yaml:8: unpinned-action" in text.stdout
    markdown = check(eco, "alpha", "--no-fetch", "--format", "markdown").stdout
    assert "| alpha | **drift** | 4 | 1 |" in markdown
    assert "| `tox.ini` | retired | nox replaced tox |" in markdown
    for table in re.findall(r"(?m)(?:^\|.*\|\n)+", markdown):  # valid GFM tables
        rows = [re.sub(r"\\\|", "", row) for row in table.splitlines()]
        assert len({row.count("|") for row in rows}) == 1, table


def test_template_change_makes_projects_behind(eco: Ecosystem, remotes: dict[str, Path]) -> None:
    edit_template(eco, "pyproject.toml", "88", "100")
    result = check(eco)
    assert result.exit_code == 1
    assert "  behind        pyproject.toml" in result.stdout
    assert "alpha    drift   1               0" in result.stdout


def test_check_writes_nothing(eco: Ecosystem, remotes: dict[str, Path]) -> None:
    check(eco)
    clone = clone_of("alpha")
    before = refs(clone)
    check(eco, "--no-fetch")
    assert refs(clone) == before


def test_unreachable_project_exits_2(
    eco: Ecosystem, remotes: dict[str, Path], tmp_path: Path
) -> None:
    registry = (eco.root / "projects.toml").read_text()
    eco.write_registry(registry + f'\n[projects.gone]\nurl = "{tmp_path / "gone.git"}"\n')
    result = check(eco, "--format", "json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["status"] == "failed"
    gone = data["projects"][2]
    assert gone["status"] == "failed" and "gone.git" in gone["error"]
    assert gone["adopted"] is None and gone["last_applied"] is None  # unknown, not "true"
    assert data["summary"] == {"in sync": 2, "drift": 0, "failed": 1}
    # The closing lines name the project that failed and why, to retry it.
    assert result.stderr.splitlines()[-1].startswith("  failed gone: ")
    assert "gone.git" in result.stderr.splitlines()[-1]


def test_project_without_state_is_reported_not_adopted(eco: Ecosystem, tmp_path: Path) -> None:
    make_synced_project(eco, tmp_path, "alpha", state=False)
    make_synced_project(eco, tmp_path, "beta")
    result = check(eco, "alpha")
    assert result.exit_code == 1
    assert "alpha: drift, 4 files checked (not adopted: no .eco.toml)" in result.stdout


@pytest.mark.parametrize("command", [("check",), ("sync", "--dry-run")])
def test_broken_manifest_is_one_error_not_one_per_project(
    eco: Ecosystem, remotes: dict[str, Path], command: tuple[str, ...]
) -> None:
    manifest = eco.root / "templates" / "manifest.toml"
    manifest.write_text(manifest.read_text() + "\n[[file]]\npath = 3\n")
    result = eco_cli(eco, *command)
    assert result.exit_code == 2, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith("error: ") and "manifest.toml" in line
    assert "alpha" not in result.stderr and "beta" not in result.stderr


def test_by_file_groups_the_drift_of_every_project_per_file(
    eco: Ecosystem, remotes: dict[str, Path], tmp_path: Path
) -> None:
    edit_template(eco, ".editorconfig", "indent_size = 4", "indent_size = 4\nmax_line_length = 100")
    push_to(remotes["beta"], tmp_path, {"tox.ini": "[tox]\n"})  # retired, beta only
    text = check(eco, "--by-file")
    assert text.exit_code == 1, text.output
    lines = text.stdout.splitlines()
    assert lines[0].split() == ["file", "status", "projects"]
    assert lines[2].split() == [".editorconfig", "behind", "2:", "alpha,", "beta"]
    assert lines[3].split() == ["tox.ini", "retired", "1:", "beta"]
    assert lines[4] == ""  # then the per-project table, as without --by-file
    markdown = check(eco, "--by-file", "--format", "markdown", "--no-fetch")
    assert "| `.editorconfig` | behind | 2: alpha, beta |" in markdown.stdout
    assert "<details>" not in markdown.stdout
