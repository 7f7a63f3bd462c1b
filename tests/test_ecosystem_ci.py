"""``eco test`` end to end: real uv environments, real pytest runs, a real package index.

The fixtures (tests/ecosystem_ci_fixtures.py) give an upstream whose 2.0.0 removes one
function, deprecates another and fixes a bug, and five downstream projects of both
generations. One run against 2.0.0 is made per module and shared by the tests.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from eco.ecosystem_ci.against import parse_upstream
from eco.ecosystem_ci.against import pin
from eco.ecosystem_ci.environments import Installer
from eco.ecosystem_ci.project import ProjectTest
from eco.ecosystem_ci.project import run_project
from eco.ecosystem_ci.project import RunRequest
from eco.ecosystem_ci.report import document
from eco.ecosystem_ci.services import Services
from eco.parallel import Outcome
from eco.parallel import run_each
from eco.registry import load_registry
from eco.workspace import Workspace
from tests.ecosystem_ci_fixtures import DOWNSTREAM
from tests.ecosystem_ci_fixtures import make_downstream
from tests.ecosystem_ci_fixtures import project_files
from tests.ecosystem_ci_fixtures import registry_entries
from tests.ecosystem_ci_fixtures import Upstream
from tests.ecosystem_ci_fixtures import upstream  # noqa: F401  (the session fixture)
from tests.helpers import make_bare_repo
from tests.helpers import make_ecosystem
from tests.helpers import REPO
from tests.helpers import run_eco
from tests.helpers import write_files
from tests.hostile import CANARY
from tests.hostile import canary_environment
from tests.hostile import canary_findings
from tests.hostile import HostileProject
from tests.hostile import Proofs

pytestmark = pytest.mark.slow


@dataclass
class Scene:
    root: Path
    workspace: Path
    index_url: str
    upstream: Upstream

    def run(
        self, *against: str, names: Sequence[str] = (), baseline: Sequence[str] = ()
    ) -> tuple[dict[str, Any], Installer]:
        """``eco test`` through the library: the report and the installer (runs counted)."""
        registry = load_registry(self.root / "projects.toml")
        workspace = Workspace(self.workspace, registry_root=self.root)
        request = RunRequest(
            against=tuple(pin(parse_upstream(a)) for a in against),
            baseline=tuple(pin(parse_upstream(b, "--baseline")) for b in baseline),
            index_url=self.index_url,
            cache=self.workspace / ".eco-test",
            timeout=300,
        )
        installer = Installer(self.index_url)
        services = Services.detect()

        def work(project: Any) -> ProjectTest:
            return run_project(workspace, project, request, installer, services)

        outcomes: list[Outcome[ProjectTest]] = run_each(
            registry.select(names), work, jobs=2, progress=io.StringIO()
        )
        return document(outcomes, list(against), list(baseline), installer.runs), installer

    def cli(self, *args: str) -> Any:
        return run_eco(
            "--root",
            str(self.root),
            "--workspace",
            str(self.workspace),
            "test",
            *args,
            "--index-url",
            self.index_url,
        )


@pytest.fixture(scope="module")
def scene(upstream: Upstream, tmp_path_factory: pytest.TempPathFactory) -> Scene:  # noqa: F811
    tmp = tmp_path_factory.mktemp("ecotest")
    eco = make_ecosystem(tmp, make_downstream(tmp), copy=())
    return Scene(eco.root, tmp / "workspace", upstream.index.url, upstream)


@pytest.fixture(scope="module")
def first(scene: Scene) -> tuple[dict[str, Any], Installer]:
    return scene.run("ecotest-up==2.0.0")


def by_name(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["project"]: p for p in doc["projects"]}


# -- acceptance 1: the verdicts ---------------------------------------------------------


def test_removed_function_is_a_regression_named_with_its_error(first: Any) -> None:
    project = by_name(first[0])["ext-removed"]
    assert project["verdict"] == "regressed"
    assert project["fails_run"] is True
    assert project["regressions"] == [
        {
            "id": "tests/test_it.py::test_helper",
            "error": "AttributeError: module 'ecotest_up' has no attribute 'old_helper'",
        }
    ]
    assert project["versions"] == {"ecotest-up": {"baseline": "1.0.0", "candidate": "2.0.0"}}
    assert project["tests"]["candidate"] == {"passed": 1, "failed": 1, "skipped": 0}


def test_deprecation_shows_warnings_and_is_not_a_regression(first: Any) -> None:
    # the project's filterwarnings = ["error"] would have made the warning a failure
    project = by_name(first[0])["ext-deprecated"]
    assert project["verdict"] == "new-deprecation-warnings"
    assert project["regressions"] == []
    assert project["fails_run"] is False
    assert project["new_warnings"] == {
        "count": 1,
        "first": [
            {
                "category": "DeprecationWarning",
                "message": "'legacy' is deprecated and will be removed in 3.0; use 'add'",
                "location": "src/ext_deprecated/__init__.py:7",
            }
        ],
    }
    assert project["requirements"] == "pyproject.toml [dependency-groups] tests"


def test_bug_fix_is_fixed(first: Any) -> None:
    project = by_name(first[0])["ext-fixed"]
    assert project["verdict"] == "fixed"
    assert project["fixed"] == ["tests/test_it.py::test_four"]
    assert project["tests"]["baseline"]["failed"] == 1


def test_same_failure_on_both_is_unchanged(first: Any) -> None:
    project = by_name(first[0])["ext-same"]
    assert project["verdict"] == "unchanged"
    # its registry entry asks for redis and a Debian package; the suite ran all the same
    apt, redis = project["notes"]
    assert apt == "needs Debian packages libxml2-dev, not installed by eco"
    if Services.detect().docker is None:
        assert redis == "needs redis, not started (no container engine here)"
    else:
        assert redis.startswith(("redis started (redis:7", "needs redis, not started: "))
    assert project["tests"]["baseline"] == project["tests"]["candidate"]
    assert project["tests"]["candidate"] == {"passed": 1, "failed": 1, "skipped": 0}


def test_a_test_failing_once_is_flaky_not_fixed_or_regressed(first: Any) -> None:
    project = by_name(first[0])["ext-flaky"]
    assert project["verdict"] == "flaky"
    assert project["flaky"] == ["tests/test_it.py::test_once"]
    assert project["regressions"] == [] and project["fixed"] == []


# -- acceptance 3: a second run reuses every environment ---------------------------------


def test_second_run_starts_no_installer(scene: Scene, first: Any) -> None:
    assert first[1].runs == 25  # per project: venv + install, and venv + install + candidate
    doc, installer = scene.run("ecotest-up==2.0.0")
    assert installer.runs == 0
    assert {p["project"]: p["environments"] for p in doc["projects"]} == {
        name: {"baseline": "reused", "candidate": "reused"} for name in by_name(first[0])
    }
    assert [p["verdict"] for p in doc["projects"]] == [p["verdict"] for p in first[0]["projects"]]


def test_another_candidate_remakes_only_the_candidate_environment(scene: Scene, first: Any) -> None:
    doc, installer = scene.run("ecotest-up==2.1.0rc1", names=["ext-removed"])
    project = by_name(doc)["ext-removed"]
    assert project["environments"] == {"baseline": "reused", "candidate": "created"}
    assert project["versions"] == {"ecotest-up": {"baseline": "1.0.0", "candidate": "2.1.0rc1"}}
    assert project["verdict"] == "regressed"
    assert installer.runs == 3  # uv venv, the project's requirements, the candidate


def test_a_candidate_that_cannot_install_is_errored_on_the_candidate(
    scene: Scene, first: Any
) -> None:
    doc, _ = scene.run("ecotest-up==9.9.9", names=["ext-same"])
    project = by_name(doc)["ext-same"]
    assert (project["verdict"], project["errored_on"], project["fails_run"]) == (
        "errored",
        "candidate",
        True,
    )
    assert project["reason"].startswith("install: could not install ecotest-up==9.9.9: ")
    assert "9.9.9" in project["reason"]
    assert project["environments"] == {"baseline": "reused", "candidate": "failed"}


def test_baseline_override_compares_two_candidates(scene: Scene, first: Any) -> None:
    doc, _ = scene.run(
        "ecotest-up==2.1.0rc1", names=["ext-removed"], baseline=["ecotest-up==2.0.0"]
    )
    project = by_name(doc)["ext-removed"]
    assert project["versions"] == {"ecotest-up": {"baseline": "2.0.0", "candidate": "2.1.0rc1"}}
    assert project["verdict"] == "unchanged"  # old_helper is gone from both
    assert project["tests"]["baseline"] == {"passed": 1, "failed": 1, "skipped": 0}


# -- the command line ---------------------------------------------------------------------


def test_cli_exits_1_on_a_regression_and_prints_each_format(scene: Scene, first: Any) -> None:
    result = scene.cli("--format", "json", "-q")
    assert result.returncode == 2  # --against is required
    assert "--against is required" in result.stderr
    result = scene.cli("ext-removed", "ext-fixed", "--against", "ecotest-up==2.0.0", "-q")
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    assert "ext-removed  regressed" in result.stdout
    assert (
        "ext-removed: regressed: tests/test_it.py::test_helper: "
        "AttributeError: module 'ecotest_up' has no attribute 'old_helper'"
    ) in result.stdout
    assert result.stdout.splitlines()[-1].startswith("environments: ")
    markdown = scene.cli("ext-fixed", "--against", "ecotest-up==2.0.0", "--format", "markdown")
    assert markdown.returncode == 0, markdown.stderr
    assert markdown.stdout.startswith("## eco test against `ecotest-up==2.0.0`\n")
    assert "| ext-fixed | ✅ fixed |" in markdown.stdout
    again = scene.cli("ext-fixed", "--against", "ecotest-up==2.0.0", "--format", "json")
    data = json.loads(again.stdout)
    assert data["version"] == 1 and data["projects"][0]["verdict"] == "fixed"
    assert data["installer_runs"] == 0  # the text run just made what was missing
    assert data["projects"][0]["environments"] == {"baseline": "reused", "candidate": "reused"}


# -- acceptance 2: three kinds of candidate ------------------------------------------------


@pytest.mark.parametrize("kind", ["path", "git", "pre-release"])
def test_against_a_path_a_git_ref_and_a_pre_release(scene: Scene, first: Any, kind: str) -> None:
    against = {
        "path": f"ecotest-up={scene.upstream.v2_source}",
        "git": f"ecotest-up @ git+{scene.upstream.git_url}@2.0.0",
        "pre-release": "ecotest-up==2.1.0rc1",
    }[kind]
    doc, _ = scene.run(against, names=["ext-removed", "ext-fixed"])
    projects = by_name(doc)
    expected = "2.1.0rc1" if kind == "pre-release" else "2.0.0"
    assert projects["ext-removed"]["versions"]["ecotest-up"]["candidate"] == expected
    assert projects["ext-removed"]["verdict"] == "regressed"
    assert projects["ext-fixed"]["verdict"] == "fixed"


# -- project code never sees a token ------------------------------------------------------


def test_project_code_runs_without_the_token(
    upstream: Upstream,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A project whose build backend and conftest leave proof of the token they see, whose
    requirements name another index, and whose tree holds a link out of it."""
    canary_environment(monkeypatch)
    proofs = Proofs(tmp_path / "proofs")
    eco = make_ecosystem(tmp_path, make_downstream(tmp_path, kinds=("ext-fixed",)), copy=())
    project = HostileProject.clone(tmp_path / "remotes" / "ext-fixed.git", tmp_path, proofs)
    pyproject = (project.work / "pyproject.toml").read_text()
    write_files(
        project.work,
        {
            "pyproject.toml": pyproject.replace(
                'build-backend = "flit_core.buildapi"',
                'build-backend = "backend"\nbackend-path = ["_build"]',
            ),
            "_build/backend.py": f"from flit_core.buildapi import *\n{proofs.python('backend')}\n",
            "tests/conftest.py": proofs.python("conftest") + "\n",
            "requirements/tests.txt": (
                "--extra-index-url http://127.0.0.1:9/simple\necotest-up==1.0.0\npytest\n"
            ),
        },
    )
    project.push()
    workspace = tmp_path / "workspace"
    result = run_eco(
        "--root", str(eco.root), "--workspace", str(workspace), "test", "--format", "json",
        "--against", "ecotest-up==2.0.0", "--index-url", upstream.index.url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)["projects"][0]
    assert report["verdict"] == "fixed"
    assert report["notes"] == [
        "requirements/tests.txt:1: --extra-index-url ignored (packages come from the index)"
    ]
    assert proofs.ran() == ["backend", "conftest"]  # both ran, in their subprocesses...
    assert {proofs.path(p).read_text() for p in proofs.ran()} == {"ran: "}  # ...tokenless
    assert canary_findings(workspace, tmp_path / "remotes") == []
    assert CANARY not in result.stdout + result.stderr

    project.symlink_out("tests/data.txt")
    project.push("a link out of the project")
    result = run_eco(
        "--root", str(eco.root), "--workspace", str(workspace), "test",
        "--against", "ecotest-up==2.0.0", "--index-url", upstream.index.url,
    )  # fmt: skip
    assert result.returncode == 1
    assert "ext-fixed  failed" in result.stdout
    assert "refused to export" in result.stdout
    assert not (workspace / ".eco-test" / "ext-fixed" / "src" / "tests" / "data.txt").exists()


def test_a_project_with_only_a_tests_extra(upstream: Upstream, tmp_path: Path) -> None:  # noqa: F811
    """No requirements file, no dependency group: the project's own extra, the lock's pins."""
    _, code, tests = DOWNSTREAM["ext-fixed"]
    files = project_files("ext-fixed", "uv", code, tests)
    files["pyproject.toml"] = (
        files["pyproject.toml"]
        .replace('[dependency-groups]\ntests = ["pytest"]\n', "")
        .replace(
            "[tool.flit.module]", 'optional-dependencies.tests = ["pytest"]\n\n[tool.flit.module]'
        )
    )
    bare = make_bare_repo(tmp_path, "ext-fixed", files)
    entries = registry_entries({"ext-fixed": bare}, {"ext-fixed": "uv"})
    eco = make_ecosystem(tmp_path, entries, copy=())
    result = run_eco(
        "--root", str(eco.root), "--workspace", str(tmp_path / "workspace"), "test",
        "--against", "ecotest-up==2.0.0", "--index-url", upstream.index.url, "--format", "json",
    )  # fmt: skip
    project = json.loads(result.stdout)["projects"][0]
    assert project["requirements"] == "pyproject.toml [project.optional-dependencies] tests"
    assert project["versions"] == {"ecotest-up": {"baseline": "1.0.0", "candidate": "2.0.0"}}
    assert project["verdict"] == "fixed"


# -- acceptance 4: the workflow's test step, run as written -------------------------------


def test_workflow_step_tests_the_calling_commit_and_writes_the_json(
    upstream: Upstream,  # noqa: F811
    tmp_path: Path,
) -> None:
    """ecosystem-ci.yaml's `eco test` step, run by bash as the runner would: the calling
    commit (a checkout of 2.0.0 at $GITHUB_WORKSPACE/upstream) against two projects."""
    downstream = make_downstream(tmp_path, kinds=("ext-removed", "ext-fixed"))
    eco = make_ecosystem(tmp_path, downstream, copy=())
    eco.use_index(upstream.index.url)
    shutil.copytree(upstream.v2_source, tmp_path / "runner" / "upstream")
    (tmp_path / "temp").mkdir()
    doc = yaml.safe_load((REPO / "workflows" / "ecosystem-ci.yaml").read_text())
    step = next(s for s in doc["jobs"]["test"]["steps"] if s.get("name") == "eco test")
    shim = tmp_path / "bin" / "eco"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m eco "$@"\n')
    shim.chmod(0o755)
    result = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=eco.root,
        capture_output=True,
        text=True,
        env={
            "PATH": f"{shim.parent}:{Path(sys.executable).parent}:/usr/bin:/bin",
            "PYTHONPATH": str(REPO / "tools"),
            "ECO_WORKSPACE": str(tmp_path / "workspace"),
            "GITHUB_WORKSPACE": str(tmp_path / "runner"),
            "RUNNER_TEMP": str(tmp_path / "temp"),
            "PROJECTS": "ext-removed ext-fixed",
            "PACKAGE": "ecotest-up",
            "TIMEOUT": "600",
        },
    )
    assert result.returncode == 1, result.stderr  # the regression fails the job...
    report = json.loads((tmp_path / "temp" / "eco-test.json").read_text())  # ...after this
    assert report["against"] == [f"ecotest-up={tmp_path / 'runner' / 'upstream'}"]
    assert {p["project"]: p["verdict"] for p in report["projects"]} == {
        "ext-removed": "regressed",
        "ext-fixed": "fixed",
    }
