"""Both generations first class: the skeleton renders each its own shape, retires neither's
files for the other, and adopting a uv-generation project keeps its generation."""

from __future__ import annotations

import json
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from eco.registry import load_registry
from eco.skeleton.render import render_project
from eco.skeleton.render import Rendering
from tests.adoption_fixtures import ADOPTION_REGISTRY_HEAD
from tests.adoption_fixtures import make_fixture
from tests.helpers import make_ecosystem
from tests.helpers import REPO
from tests.sync_fixtures import eco_cli

REGISTRY = load_registry(REPO / "projects.toml")
PIP_TOOLS_FILES = {
    "requirements/build.in",
    "requirements/dev.in",
    "requirements/docs.in",
    "requirements/tests.in",
    "requirements/typing.in",
    "noxfile.py",
}


def _render(generation: str) -> Rendering:
    project = replace(next(iter(REGISTRY.projects.values())), generation=generation)
    return render_project(project, REGISTRY.ecosystem, REPO / "templates")


def test_the_pip_tools_generation() -> None:
    rendering = _render("pip-tools")
    assert PIP_TOOLS_FILES <= set(rendering.files)
    assert {"uv.lock", "tox.ini"} <= set(rendering.retired)
    pyproject = tomllib.loads(rendering.files["pyproject.toml"].content)
    assert "dependency-groups" not in pyproject and "uv" not in pyproject["tool"]
    assert "requirements/docs.txt" in rendering.files[".readthedocs.yaml"].content


def test_the_uv_generation() -> None:
    rendering = _render("uv")
    assert not PIP_TOOLS_FILES & set(rendering.files)
    # Neither uv.lock nor the tox configuration is retired: they are this generation's.
    assert not {"uv.lock", "tox.ini"} & set(rendering.retired)
    pyproject = tomllib.loads(rendering.files["pyproject.toml"].content)
    groups = pyproject["dependency-groups"]
    assert set(groups) == {"dev", "docs", "tests", "typing", "pre-commit"}
    assert {"include-group": "tests"} in groups["dev"]
    assert pyproject["tool"]["uv"] == {"default-groups": ["dev"]}
    assert "uv sync --frozen --group docs" in rendering.files[".readthedocs.yaml"].content
    assert "generation: 'uv'" in rendering.files[".github/workflows/tests.yaml"].content


@pytest.mark.slow
def test_adopting_keeps_the_projects_generation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """flask-grouped (uv.lock, [dependency-groups], [tool.tox]) registered as the uv
    generation: adoption adds no requirements/*.in or noxfile and retires no uv.lock; the
    same repository registered as pip-tools would get both (what a wrong registry entry
    does, and why eco add reads the generation from the project)."""
    monkeypatch.setenv("ECO_WORKSPACE", str(tmp_path / "workspace"))
    repo = make_fixture(tmp_path, "flask-grouped")
    actions = {}
    for generation in ("uv", "pip-tools"):
        eco = make_ecosystem(tmp_path / generation)
        entry = (
            f'\n[projects.flask-grouped]\nurl = "{repo.remote}"\ngeneration = "{generation}"\n'
            'python = ["3.11", "3.12", "3.13"]\n'
        )
        eco.write_registry(ADOPTION_REGISTRY_HEAD + entry)
        eco.commit("register flask-grouped")
        result = eco_cli(eco, "sync", "--adopt", "-n", "--format", "json")
        (project,) = json.loads(result.stdout)["projects"]
        actions[generation] = {f["path"]: f["action"] for f in project["files"]}
        monkeypatch.setenv("ECO_WORKSPACE", str(tmp_path / f"workspace-{generation}"))
    uv, pip_tools = actions["uv"], actions["pip-tools"]
    assert not PIP_TOOLS_FILES & set(uv)
    assert "uv.lock" not in uv  # neither removed nor touched
    assert {path: pip_tools[path] for path in PIP_TOOLS_FILES} == dict.fromkeys(
        PIP_TOOLS_FILES, "new"
    )
    assert pip_tools["uv.lock"] == "removed"
