"""workflows/ecosystem-ci.yaml: its matrix rendered from the registry (chunked under
GitHub's 256 jobs), its merge step, its rights. actionlint, zizmor and the copy in
.github/workflows/ are checked with every workflow by tests/test_workflows.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from eco.registry import load_registry
from tests.helpers import make_ecosystem
from tests.helpers import REPO

WORKFLOW = REPO / "workflows" / "ecosystem-ci.yaml"
BIN = Path(sys.executable).parent


def _load() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text())
    return doc


def _step(job: str, name: str) -> dict[str, Any]:
    steps = _load()["jobs"][job]["steps"]
    found: dict[str, Any] = next(s for s in steps if s.get("name") == name)
    return found


def _shim(tmp_path: Path) -> Path:
    shim = tmp_path / "bin" / "eco"
    shim.parent.mkdir(exist_ok=True)
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m eco "$@"\n')
    shim.chmod(0o755)
    return shim.parent


def run_step(step: dict[str, Any], cwd: Path, tmp_path: Path, **env: str) -> None:
    subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=cwd,
        check=True,
        env={
            "PATH": f"{_shim(tmp_path)}:{BIN}:/usr/bin:/bin",
            "PYTHONPATH": str(REPO / "tools"),
            "ECO_WORKSPACE": str(tmp_path / "workspace"),
            **env,
        },
    )


def groups(output: Path) -> list[str]:
    key, _, value = output.read_text().strip().partition("=")
    assert key == "groups"
    found: list[str] = json.loads(value)
    return found


def test_matrix_is_one_job_per_registry_project(tmp_path: Path) -> None:
    output = tmp_path / "output"
    run_step(_step("projects", "eco list"), REPO, tmp_path, GITHUB_OUTPUT=str(output), PROJECTS="")
    assert groups(output) == list(load_registry(REPO / "projects.toml").projects)
    matrix = _load()["jobs"]["test"]["strategy"]["matrix"]["projects"]
    assert matrix == "${{ fromJSON(needs.projects.outputs.groups) }}"


@pytest.mark.parametrize("count", [256, 257, 600])
def test_matrix_stays_within_256_jobs(tmp_path: Path, count: int) -> None:
    names = [f"ext-{n:03d}" for n in range(count)]
    projects = "".join(f'\n[projects.{n}]\nurl = "/srv/{n}.git"\n' for n in names)
    eco = make_ecosystem(tmp_path, projects, copy=())
    output = tmp_path / "output"
    run_step(
        _step("projects", "eco list"), eco.root, tmp_path, GITHUB_OUTPUT=str(output), PROJECTS=""
    )
    found = groups(output)
    assert len(found) <= 256
    assert [name for group in found for name in group.split()] == names
    if count == 256:
        assert found == names


def test_matrix_of_named_projects(tmp_path: Path) -> None:
    eco = make_ecosystem(tmp_path, '\n[projects.a]\nurl = "/a"\n\n[projects.b]\nurl = "/b"\n')
    output = tmp_path / "output"
    step = _step("projects", "eco list")
    run_step(step, eco.root, tmp_path, GITHUB_OUTPUT=str(output), PROJECTS="b")
    assert groups(output) == ["b"]


def test_merge_step_writes_the_markdown_summary(tmp_path: Path) -> None:
    reports = tmp_path / "temp" / "reports"
    for job, name in enumerate(["ext-a", "ext-b"]):
        folder = reports / f"eco-test-{job}"
        folder.mkdir(parents=True)
        entry = {"project": name, "verdict": "unchanged", "errored_on": None, "reason": ""}
        doc = {"version": 1, "against": ["flask=/w/upstream"], "baseline": [], "projects": [entry]}
        (folder / "eco-test.json").write_text(json.dumps(doc))
    summary = tmp_path / "summary.md"
    run_step(
        _step("report", "eco test-report"),
        REPO,
        tmp_path,
        RUNNER_TEMP=str(tmp_path / "temp"),
        GITHUB_STEP_SUMMARY=str(summary),
    )
    text = summary.read_text()
    assert text.startswith("## eco test against `flask=/w/upstream`\n\n2 unchanged\n")
    assert "| ext-a | ✔️ unchanged |" in text and "| ext-b | ✔️ unchanged |" in text


def test_read_only_no_secrets_never_pull_request_target() -> None:
    doc = _load()
    triggers: dict[Any, Any] = doc
    assert list(triggers[True]) == ["workflow_call"]  # yaml reads the key `on` as True
    assert doc["permissions"] == {}
    for job in doc["jobs"].values():
        assert job["permissions"] == {"contents": "read"}
    text = WORKFLOW.read_text()
    assert "secrets" not in text.replace("no secrets", "")
    assert "pull_request_target:" not in text
    for job in doc["jobs"].values():
        for step in job["steps"]:
            if "actions/checkout" in step.get("uses", ""):
                assert step["with"]["persist-credentials"] is False


def test_apt_step_installs_the_group_s_debian_packages(tmp_path: Path) -> None:
    projects = (
        '\n[projects.a]\nurl = "/a"\ntests.apt = ["libxml2-dev", "libpq-dev"]\n'
        '\n[projects.b]\nurl = "/b"\ntests.apt = ["libpq-dev"]\n'
        '\n[projects.c]\nurl = "/c"\n'
    )
    eco = make_ecosystem(tmp_path, projects, copy=())
    log = tmp_path / "sudo.log"
    sudo = _shim(tmp_path) / "sudo"
    sudo.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\n')
    sudo.chmod(0o755)
    step = _step("test", "the Debian packages the projects' tests need")
    run_step(step, eco.root, tmp_path, PROJECTS="a b")
    assert log.read_text().splitlines() == [
        "apt-get update -q",
        "apt-get install -y -q --no-install-recommends libpq-dev libxml2-dev",
    ]
    log.unlink()
    run_step(step, eco.root, tmp_path, PROJECTS="c")
    assert not log.exists()  # nothing to install: apt-get is not run
