"""The shared tests workflow runs each generation its own way: nox over requirements/*.txt
for pip-tools, ``uv run --locked`` with the project's runner for uv. The callers rendered
for both generations lint clean against it, and the uv step's script runs for real on a
uv-generation project."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from eco.registry import load_registry
from eco.skeleton.render import render_project
from tests.adoption_fixtures import local_index_url
from tests.helpers import REPO
from tests.test_workflows import actionlint
from tests.test_workflows import zizmor

REGISTRY = load_registry(REPO / "projects.toml")
WORKFLOW = yaml.safe_load((REPO / "workflows" / "tests.yaml").read_text())
UV = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")


def _caller(generation: str) -> str:
    project = replace(next(iter(REGISTRY.projects.values())), generation=generation)
    rendering = render_project(project, REGISTRY.ecosystem, REPO / "templates")
    return rendering.files[".github/workflows/tests.yaml"].content


def test_the_caller_passes_the_projects_generation() -> None:
    uv = yaml.safe_load(_caller("uv"))["jobs"]["tests"]["with"]
    pip_tools = yaml.safe_load(_caller("pip-tools"))["jobs"]["tests"]["with"]
    assert uv["generation"] == "uv"
    assert "generation" not in pip_tools  # the workflow's default: callers stay as they were
    assert WORKFLOW[True]["workflow_call"]["inputs"]["generation"]["default"] == "pip-tools"


@pytest.mark.parametrize("job", ["python", "os", "session"])
def test_each_job_runs_one_generation_its_way(job: str) -> None:
    steps: list[dict[str, Any]] = WORKFLOW["jobs"][job]["steps"]
    for step in steps:
        text = str(step.get("run", "")) + str(step.get("uses", ""))
        if "nox " in text and "uv run" not in text:
            assert step["if"] == "inputs.generation != 'uv'", step
        if "uv run" in text or "setup-uv" in text:
            assert step["if"] == "inputs.generation == 'uv'", step
    assert any("uv run --locked" in str(s.get("run", "")) for s in steps)


@pytest.mark.slow
def test_callers_of_both_generations_lint_clean(tmp_path: Path) -> None:
    """With the reusable workflow made local, actionlint checks the inputs each caller
    passes; zizmor audits both."""
    remote = re.compile(re.escape(REGISTRY.ecosystem.repo) + r"/\.github/workflows/([\w.-]+)@\w+")
    for generation in ("uv", "pip-tools"):
        folder = tmp_path / generation / ".github" / "workflows"
        folder.mkdir(parents=True)
        shutil.copy(REPO / "workflows" / "tests.yaml", folder / "reusable-tests.yaml")
        caller = folder / "tests.yaml"
        caller.write_text(remote.sub(r"./.github/workflows/reusable-\1", _caller(generation)))
        assert actionlint(caller, cwd=tmp_path / generation) == "", generation
        rendered = tmp_path / generation / "rendered" / "tests.yaml"
        rendered.parent.mkdir()
        rendered.write_text(_caller(generation))
        assert zizmor(rendered) == [], generation


def _script(job: str) -> str:
    (step,) = [s for s in WORKFLOW["jobs"][job]["steps"] if "uv run" in str(s.get("run", ""))]
    return str(step["run"])


def _uv_project(tmp_path: Path, index: str) -> Path:
    """A uv-generation project without nox or tox: pytest from its 'tests' group."""
    project = tmp_path / "proj"
    (project / "src" / "gen_demo").mkdir(parents=True)
    (project / "tests").mkdir()
    (project / "src" / "gen_demo" / "__init__.py").write_text(
        "def answer() -> int:\n    return 42\n"
    )
    (project / "tests" / "test_demo.py").write_text(
        "from gen_demo import answer\n\n\ndef test_answer() -> None:\n    assert answer() == 42\n"
    )
    (project / "pyproject.toml").write_text(
        '[project]\nname = "gen-demo"\nversion = "1.0"\ndescription = "Demo."\n'
        'requires-python = ">=3.11"\ndependencies = ["iniconfig>=1"]\n'
        '\n[dependency-groups]\ntests = ["pytest"]\n'
        '\n[build-system]\nrequires = ["flit_core"]\nbuild-backend = "flit_core.buildapi"\n'
    )
    return project


@pytest.mark.slow
def test_the_uv_step_runs_the_projects_tests(tmp_path: Path) -> None:
    index = local_index_url()
    if UV is None or index is None:
        pytest.skip("needs uv and this machine's package index")
    project = _uv_project(tmp_path, index)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "PIP_"))}
    env.update(
        {
            "PATH": f"{Path(UV).parent}{os.pathsep}{env['PATH']}",
            "UV_DEFAULT_INDEX": index,
            "UV_NO_CONFIG": "1",
            "UV_PYTHON_DOWNLOADS": "never",
            "UV_PYTHON": sys.executable,
            "PYTHON": f"{sys.version_info.major}.{sys.version_info.minor}",
            "UV_CACHE_DIR": str(tmp_path / "cache"),
        }
    )
    subprocess.run([UV, "lock"], cwd=project, env=env, check=True, capture_output=True)

    def run(job: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-e", "-c", _script(job)],
            cwd=project,
            env={**env, **extra},
            capture_output=True,
            text=True,
        )

    tests = run("python")
    assert tests.returncode == 0, tests.stderr
    assert "1 passed" in tests.stdout
    # The minimum and the development versions of the project's own dependencies.
    for session in ("tests-min", "tests-dev"):
        ran = run("session", SESSION=session)
        assert ran.returncode == 0, ran.stderr
        assert "1 passed" in ran.stdout
    # A session a pytest-only project has no runner for fails, naming it.
    unknown = run("session", SESSION="docs")
    assert unknown.returncode == 1
    assert "::error::no runner for docs" in unknown.stdout
    # The lock is what runs: a pyproject that no longer matches it fails (--locked).
    text = (project / "pyproject.toml").read_text()
    (project / "pyproject.toml").write_text(text.replace('["pytest"]', '["pytest", "iniconfig"]'))
    stale = run("python")
    assert stale.returncode != 0 and "lock" in stale.stderr.lower()
