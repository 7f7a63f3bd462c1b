"""The skeleton renders for every registered project, deterministically, into files that
the real tools accept: ruff, validate-pyproject, pre-commit, TOML and YAML parsers."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from validate_pyproject import api as pyproject_api

from eco.errors import TemplateError
from eco.registry import load_registry
from eco.registry import Registry
from eco.skeleton.manifest import load_manifest
from eco.skeleton.render import render_project
from eco.skeleton.render import Rendering
from eco.skeleton.render import variables
from tests.helpers import REPO
from tests.helpers import run_eco
from tests.helpers import write_files

BIN = Path(sys.executable).parent
TEMPLATES = REPO / "templates"
SHA_REV = re.compile(r"^\s+rev: [0-9a-f]{40}  # frozen: v\d+\.\d+\.\d+$", re.M)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry(REPO / "projects.toml")


@pytest.fixture(scope="module")
def renderings(registry: Registry) -> dict[str, Rendering]:
    return {
        name: render_project(project, registry.ecosystem, TEMPLATES, include_init=True)
        for name, project in registry.projects.items()
    }


@pytest.fixture(scope="module")
def rendered_tree(
    renderings: dict[str, Rendering], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """Every registered project's rendering written out, one folder each."""
    root = tmp_path_factory.mktemp("rendered")
    for name, rendering in renderings.items():
        write_files(root / name, {path: f.content for path, f in rendering.files.items()})
    return root


def test_every_registered_project_renders_byte_identically_twice(
    registry: Registry, renderings: dict[str, Rendering]
) -> None:
    for name, project in registry.projects.items():
        again = render_project(project, registry.ecosystem, TEMPLATES, include_init=True)
        assert again == renderings[name]
        assert {p: f.content.encode() for p, f in again.files.items()} == {
            p: f.content.encode() for p, f in renderings[name].files.items()
        }


def test_manifest_explains_every_entry() -> None:
    manifest = load_manifest(TEMPLATES)
    for spec in manifest.files:
        assert len(spec.about) > 20, spec.path
    for old in manifest.retired:
        assert len(old.reason) > 20, old.path
    used = {spec.template for spec in manifest.files}
    on_disk = {
        str(p.relative_to(TEMPLATES / "skeleton"))
        for p in (TEMPLATES / "skeleton").rglob("*")
        if p.is_file()
    }
    assert on_disk <= used, f"templates no manifest entry uses: {sorted(on_disk - used)}"


def test_the_standard_layout_is_complete(
    registry: Registry, renderings: dict[str, Rendering]
) -> None:
    """Every project gets the standard files its facts call for: the pip-tools
    generation's requirements and noxfile, typing only when typed, the licence under
    the project's own name."""
    for name, rendering in renderings.items():
        project = registry.projects[name]
        expected = {
            ".editorconfig",
            ".gitignore",
            ".pre-commit-config.yaml",
            ".github/ISSUE_TEMPLATE/bug-report.md",
            ".github/ISSUE_TEMPLATE/feature-request.md",
            ".github/ISSUE_TEMPLATE/config.yml",
            ".github/pull_request_template.md",
            project.license_file,
            "README.md",
            "docs/conf.py",
            "pyproject.toml",
        }
        pip_tools = {
            ".readthedocs.yaml",
            "noxfile.py",
            "requirements/build.in",
            "requirements/dev.in",
            "requirements/docs.in",
            "requirements/tests.in",
        }
        if project.generation == "pip-tools":
            expected |= pip_tools | ({"requirements/typing.in"} if project.typed else set())
        else:
            assert not pip_tools & set(rendering.files), name
        assert ("requirements/typing.in" in rendering.files) == (
            project.generation == "pip-tools" and project.typed
        )
        assert expected <= set(rendering.files), name
        assert not any(
            p.endswith(".txt") and p.startswith("requirements/") for p in rendering.files
        )


def test_docs_format_and_changelog_format_pick_the_docs_files(
    registry: Registry, renderings: dict[str, Rendering]
) -> None:
    for name, rendering in renderings.items():
        project = registry.projects[name]
        fmt = project.vars["docs_format"]
        files = rendering.files
        assert f"docs/index.{fmt}" in files and f"docs/license.{fmt}" in files
        assert project.changelog in files and files[project.changelog].mode == "seeded"
        conf = files["docs/conf.py"].content
        if project.generation != "pip-tools":
            continue  # its docs dependencies are its own (a dependency group)
        docs_in = files["requirements/docs.in"].content.split()
        if fmt == "md":
            assert 'html_theme = "furo"' in conf and "myst_parser" in conf
            assert {"furo", "myst-parser"} <= set(docs_in)
        else:
            assert "pallets_sphinx_themes" in conf and "pallets-sphinx-themes" in docs_in
        if project.changelog_format == "md":
            assert "myst-parser" in docs_in and "myst_parser" in conf
        for role in ("issue", "pr", "ghsa"):
            assert f'"{role}": (f"{{repo_url}}' in conf
    # flask-wtf keeps its changelog at docs/changes.rst: that file is the changelog itself.
    wtf = renderings["flask-wtf"].files["docs/changes.rst"]
    assert wtf.mode == "seeded" and wtf.content.startswith("Version 0.1.0\n")
    include = renderings["flask-mail"].files["docs/changes.md"].content
    assert "```{include} ../CHANGES.md" in include


def test_rendered_python_passes_ruff(rendered_tree: Path) -> None:
    """ruff reads each project's own [tool.ruff] configuration from its pyproject.toml."""
    check = subprocess.run(
        [str(BIN / "ruff"), "check", "--no-fix", "--no-cache", "."],
        cwd=rendered_tree,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    fmt = subprocess.run(
        [str(BIN / "ruff"), "format", "--check", "--no-cache", "."],
        cwd=rendered_tree,
        capture_output=True,
        text=True,
    )
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_rendered_config_files_parse_and_validate(
    registry: Registry, renderings: dict[str, Rendering]
) -> None:
    validator = pyproject_api.Validator()
    for name, rendering in renderings.items():
        for path, rendered in rendering.files.items():
            if path.endswith(".toml"):
                data = tomllib.loads(rendered.content)
            elif path.endswith((".yaml", ".yml")):
                yaml.safe_load(rendered.content)
            elif path.endswith(".py"):
                compile(rendered.content, f"{name}/{path}", "exec")
        pyproject = tomllib.loads(rendering.files["pyproject.toml"].content)
        validator(pyproject)
        if registry.projects[name].build_backend == "flit_core":
            assert pyproject["build-system"]["requires"] == ["flit_core>=3.11,<4"]
        else:  # the project's own backend and its tables are the project's
            assert "build-system" not in pyproject and "flit" not in pyproject["tool"]
        assert pyproject["project"]["version"].endswith(".dev")
        assert set(pyproject["project"]["urls"]) == {
            "Donate",
            "Documentation",
            "Changes",
            "Source",
            "Chat",
        }
        assert data is not None


def test_pre_commit_config_is_valid_and_frozen(rendered_tree: Path) -> None:
    config = rendered_tree / "flask-mail" / ".pre-commit-config.yaml"
    result = subprocess.run(
        [str(BIN / "pre-commit"), "validate-config", str(config)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    text = config.read_text()
    repos = yaml.safe_load(text)["repos"]
    assert len(SHA_REV.findall(text)) == len(repos) == 3


def test_python_versions_follow_the_registry(
    registry: Registry, renderings: dict[str, Rendering]
) -> None:
    name = next(n for n, p in registry.projects.items() if p.generation == "pip-tools" and p.typed)
    project = registry.projects[name]
    files = renderings[name].files
    lowest = project.python[0]
    assert f'requires-python = ">={lowest}"' in files["pyproject.toml"].content
    assert f'python_version = "{lowest}"' in files["pyproject.toml"].content
    listed = ", ".join(f'"{v}"' for v in project.python)
    noxfile = files["noxfile.py"].content
    assert f"PYTHONS = [{listed}]" in noxfile
    # The reusable tests workflow sets up the oldest and the default (newest) Python for
    # the extra sessions: tests-min and tests-dev must ask for exactly those.
    assert f'name="tests-min", python="{lowest}"' in noxfile
    assert f'name="tests-dev", python="{project.python[-1]}"' in noxfile
    assert (
        f"default-python: '{project.python[-1]}'" in files[".github/workflows/tests.yaml"].content
    )


def test_retired_files_carry_reasons(renderings: dict[str, Rendering]) -> None:
    retired = renderings["flask-session"].retired
    assert "tox.ini" in retired and "nox" in retired["tox.ini"]
    assert ".github/dependabot.yml" in retired and "gha-update" in retired[".github/dependabot.yml"]
    assert "requirements-dev.lock" in retired and "rye" in retired["requirements-dev.lock"]
    assert "uv.lock" in retired
    # A token-based release workflow goes only when it really uploads with a token.
    contains = renderings["flask-session"].retired_contains
    assert contains == {".github/workflows/release.yml": "PYPI_API_TOKEN"}


def test_derived_variables(registry: Registry) -> None:
    project = registry.projects["flask-sqlalchemy-lite"]
    values = variables(project, registry.ecosystem)
    assert values["module_path"] == "flask_sqlalchemy_lite"
    assert values["changelog_from_docs"] == "../CHANGES.md"
    assert values["is_flask_extension"] is True
    assert values["docs_url"] == "https://flask-sqlalchemy-lite.readthedocs.io"
    assert values["maintainer_name"] == registry.defaults["maintainer_name"]
    assert (
        variables(registry.projects["flask-wtf"], registry.ecosystem)["changelog_from_docs"]
        == "changes.rst"
    )


def _scratch_templates(tmp_path: Path, template: str) -> Path:
    templates = tmp_path / "templates"
    write_files(
        templates,
        {
            "manifest.toml": '[[file]]\npath = "setup.txt"\nmode = "owned"\n',
            "skeleton/setup.txt": template,
        },
    )
    return templates


def test_unknown_variable_names_file_line_and_variable(tmp_path: Path, registry: Registry) -> None:
    templates = _scratch_templates(tmp_path, "name = {{ pypi }}\n\nhome = {{ homepage }}\n")
    project = registry.projects["blinker"]
    with pytest.raises(TemplateError) as info:
        render_project(project, registry.ecosystem, templates)
    assert str(info.value).startswith("templates/skeleton/setup.txt:3: unknown variable 'homepage'")


def test_unknown_variable_through_the_cli_exits_2(tmp_path: Path) -> None:
    root = tmp_path / "eco"
    _scratch_templates(root, "{% if docs_format == 'md' %}\n{{ nope }}\n{% endif %}\n")
    from tests.helpers import REGISTRY_HEAD

    (root / "projects.toml").write_text(REGISTRY_HEAD)
    result = run_eco("--root", str(root), "init", "demo", "--path", str(tmp_path / "demo"))
    assert result.returncode == 2
    assert "templates/skeleton/setup.txt:2: unknown variable 'nope'" in result.stderr
    assert not (tmp_path / "demo").exists()


def test_strings_with_quotes_and_accents_stay_valid(registry: Registry) -> None:
    awkward = 'Zoë "Z" O\'Brien \\ co'
    project = replace(
        registry.projects["blinker"],
        description=awkward,
        vars={**registry.projects["blinker"].vars, "maintainer_name": awkward},
    )
    files = render_project(project, registry.ecosystem, TEMPLATES).files
    pyproject = tomllib.loads(files["pyproject.toml"].content)
    assert pyproject["project"]["description"] == awkward
    assert pyproject["project"]["maintainers"][0]["name"] == awkward
    conf: dict[str, object] = {}
    code = files["docs/conf.py"].content.replace("from pallets_sphinx_themes", "# from")
    code = code.replace("release, version = get_version(project)", "version = '1'")
    exec(compile(code, "conf.py", "exec"), {"ProjectLink": lambda *a: a}, conf)
    assert conf["author"] == awkward
