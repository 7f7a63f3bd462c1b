"""The registry: the shipped projects.toml loads, and every malformed one fails precisely."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eco.errors import RegistryError
from eco.registry import load_registry
from tests.helpers import REGISTRY_HEAD
from tests.helpers import REPO
from tests.helpers import run_eco

PROJECT = """
[projects.flask-demo]
repo = "pallets-eco/flask-demo"
pypi = "Flask-Demo"
module = "flask_demo"
changelog = "CHANGES.md"
"""


def test_shipped_registry_loads() -> None:
    registry = load_registry(REPO / "projects.toml")
    assert len(registry.projects) >= 8
    mail = registry.projects["flask-mail"]
    assert mail.repo == "pallets-eco/flask-mail"
    assert mail.pypi == "Flask-Mail"
    assert mail.module == "flask_mail"
    assert mail.changelog_format == "md"
    assert mail.clone_url == "https://github.com/pallets-eco/flask-mail.git"
    assert registry.projects["blinker"].changelog_format == "rst"
    for project in registry.projects.values():
        # never wider than the ecosystem's; narrower where requires-python is stricter
        assert set(project.python) <= set(registry.ecosystem.python)
        assert project.vars["maintainer_name"] == "Pallets"


def test_shipped_registry_states_the_real_repositories() -> None:
    """Facts read from the real repositories (issue 16): the ones adoption got wrong."""
    projects = load_registry(REPO / "projects.toml").projects
    # Three MIT projects: their wheels must not say BSD-3-Clause.
    mit = {name for name, p in projects.items() if p.vars["license"] == "MIT"}
    assert mit == {"blinker", "flask-alembic", "flask-sqlalchemy-lite"}
    # requires-python = ">=3.11": never widened to the ecosystem's 3.10.
    for name in ("cachelib", "flask-alembic"):
        assert projects[name].min_python == "3.11"
    # The uv generation where uv.lock / [dependency-groups] are.
    uv = {name for name, p in projects.items() if p.generation == "uv"}
    assert uv == {
        "blinker",
        "cachelib",
        "flask-alembic",
        "flask-caching",
        "flask-sqlalchemy-lite",
        "flask-wtf",
    }
    # Their own README and licence files, and backends that must be kept.
    assert (projects["flask-wtf"].readme, projects["flask-wtf"].license_file) == (
        "README.rst",
        "LICENSE.rst",
    )
    assert projects["flask-caching"].license_file == "LICENSE"
    assert projects["wtforms"].build_backend == "hatchling"
    assert projects["flask-wtf"].changelog == "docs/changes.rst"
    # Untyped projects get no typing job.
    assert not projects["flask-caching"].typed and not projects["wtforms"].typed
    # CI services flask-caching's tests need.
    caching = projects["flask-caching"]
    assert [(s.name, s.image, s.port) for s in caching.services] == [
        ("memcached", "memcached:1.6.41", 11212),
        ("redis", "redis:8.6.3", 6360),
    ]
    assert caching.apt == ("libmemcached-dev",)


def test_project_overrides(tmp_path: Path) -> None:
    path = tmp_path / "projects.toml"
    path.write_text(
        REGISTRY_HEAD
        + PROJECT
        + 'python = ["3.13", "3.12"]\nbranch = "stable"\n'
        + 'vars = { docs_format = "rst" }\n'
        + 'skip = { ".readthedocs.yaml" = "docs hosted elsewhere" }\n'
    )
    project = load_registry(path).projects["flask-demo"]
    assert project.python == ("3.12", "3.13")
    assert project.min_python == "3.12"
    assert project.branch == "stable"
    assert project.vars["docs_format"] == "rst"
    assert project.vars["maintainer_name"] == "Pallets"
    assert project.skip == {".readthedocs.yaml": "docs hosted elsewhere"}


def test_project_facts(tmp_path: Path) -> None:
    """The facts ``eco add`` reads from a project: defaults, then what the entry says."""
    path = tmp_path / "projects.toml"
    path.write_text(REGISTRY_HEAD + PROJECT)
    plain = load_registry(path).projects["flask-demo"]
    assert (plain.generation, plain.tag_style, plain.typed) == ("pip-tools", "X.Y.Z", True)
    assert (plain.readme, plain.license_file, plain.build_backend) == (
        "README.md",
        "LICENSE.txt",
        "flit_core",
    )
    assert plain.tag("1.2.0") == "1.2.0"
    path.write_text(
        REGISTRY_HEAD
        + PROJECT.replace('changelog = "CHANGES.md"', 'changelog = ""')
        + 'generation = "uv"\ntag-style = "vX.Y.Z"\ntyped = false\nreadme = "README.rst"\n'
        + 'license-file = "LICENSE"\nbuild-backend = "hatchling"\ndocs-layout = "single"\n'
        + "[projects.flask-demo.tests]\n"
        + 'dependencies = ["pytest", "redis>=5"]\napt = ["libmemcached-dev"]\n'
        + "[projects.flask-demo.tests.services]\n"
        + 'redis = { image = "redis:7-alpine", port = 6379 }\n'
    )
    own = load_registry(path).projects["flask-demo"]
    assert own.generation == "uv" and own.tag("1.2.0") == "v1.2.0" and own.typed is False
    assert (own.readme, own.license_file, own.build_backend, own.docs_layout) == (
        "README.rst",
        "LICENSE",
        "hatchling",
        "single",
    )
    assert not own.has_changelog and own.changelog_format == "none"
    assert own.test_dependencies == ("pytest", "redis>=5")
    assert own.apt == ("libmemcached-dev",)
    assert [(s.name, s.image, s.port) for s in own.services] == [("redis", "redis:7-alpine", 6379)]
    assert own.as_dict()["tests"]["services"] == {
        "redis": {"image": "redis:7-alpine", "port": 6379}
    }


def test_url_only_project(tmp_path: Path) -> None:
    path = tmp_path / "projects.toml"
    path.write_text(REGISTRY_HEAD + '\n[projects.local-thing]\nurl = "../repos/local-thing"\n')
    project = load_registry(path).projects["local-thing"]
    assert project.repo is None
    assert project.clone_url == "../repos/local-thing"
    assert project.module == "local_thing"
    assert project.pypi == "local-thing"


# Each case: the registry text, then fragments the single error line must contain.
BAD = {
    "toml-syntax": (
        REGISTRY_HEAD + "[projects.x\nrepo = 1\n",
        [f"projects.toml:{REGISTRY_HEAD.count(chr(10)) + 1}: invalid TOML", "column"],
    ),
    "unknown-key": (
        REGISTRY_HEAD + PROJECT + 'reppo = "a/b"\n',
        ["projects.flask-demo.reppo", "unknown key", "did you mean 'repo'"],
    ),
    "unknown-top-key": (REGISTRY_HEAD + "[project.x]\n", ["project", "did you mean 'projects'"]),
    "wrong-type": (
        REGISTRY_HEAD + PROJECT.replace('pypi = "Flask-Demo"', "pypi = 3"),
        ["projects.flask-demo.pypi", "expected a PyPI project name", "integer 3"],
    ),
    "missing-repo-and-url": (
        REGISTRY_HEAD + '\n[projects.nowhere]\npypi = "Nowhere"\n',
        ["projects.nowhere", "missing 'repo'", "'url'"],
    ),
    "duplicate-project": (
        REGISTRY_HEAD + PROJECT + PROJECT,
        [
            f"projects.toml:{(REGISTRY_HEAD + PROJECT).count(chr(10)) + 2}: invalid TOML",
            "flask-demo",
        ],
    ),
    "malformed-repo": (
        REGISTRY_HEAD + PROJECT.replace("pallets-eco/flask-demo", "flask-demo"),
        ["projects.flask-demo.repo", 'expected a GitHub repository as "owner/name"'],
    ),
    "invalid-python": (
        REGISTRY_HEAD + PROJECT + 'python = ["3.12", "python3"]\n',
        ["projects.flask-demo.python", "invalid Python version 'python3'"],
    ),
    "skip-without-reason": (
        REGISTRY_HEAD + PROJECT + 'skip = { "tox.ini" = "" }\n',
        ['projects.flask-demo.skip."tox.ini"', "needs a reason"],
    ),
    "unknown-changelog-extension": (
        REGISTRY_HEAD + PROJECT.replace("CHANGES.md", "CHANGES.txt"),
        ["projects.flask-demo.changelog", "unknown changelog format '.txt'", ".rst or .md"],
    ),
    "invalid-variable-name": (
        REGISTRY_HEAD + PROJECT + 'vars = { "2fast" = "x" }\n',
        ["projects.flask-demo.vars.2fast", "invalid variable name"],
    ),
    "same-repo-twice": (
        REGISTRY_HEAD + PROJECT + PROJECT.replace("[projects.flask-demo]", "[projects.other]"),
        ["projects.other.repo", "already registered as project 'flask-demo'"],
    ),
    "empty-branch": (
        REGISTRY_HEAD + PROJECT + 'branch = ""\n',
        ["projects.flask-demo.branch", "got an empty string"],
    ),
    "missing-ecosystem": ('[defaults]\nx = "y"\n', ["missing the [ecosystem] table"]),
    "bad-ecosystem-python": (
        REGISTRY_HEAD.replace('supported = ["3.11", "3.12", "3.13"]', 'supported = "3.12"'),
        ["ecosystem.python.supported", "expected a non-empty list"],
    ),
    "changelog-outside": (
        REGISTRY_HEAD + PROJECT.replace("CHANGES.md", "../CHANGES.md"),
        ["projects.flask-demo.changelog", "inside the project"],
    ),
    "unknown-generation": (
        REGISTRY_HEAD + PROJECT + 'generation = "poetry"\n',
        ["projects.flask-demo.generation", "'pip-tools', 'uv'", "'poetry'"],
    ),
    "typed-not-bool": (
        REGISTRY_HEAD + PROJECT + 'typed = "yes"\n',
        ["projects.flask-demo.typed", "true or false"],
    ),
    "unknown-service": (
        REGISTRY_HEAD
        + PROJECT
        + '[projects.flask-demo.tests.services]\nreddis = { image = "redis:7", port = 6379 }\n',
        ["projects.flask-demo.tests.services.reddis", "did you mean 'redis'"],
    ),
    "service-port": (
        REGISTRY_HEAD
        + PROJECT
        + '[projects.flask-demo.tests.services]\nredis = { image = "redis:7", port = "x" }\n',
        ["projects.flask-demo.tests.services.redis.port", "port number"],
    ),
    "bad-workflows-ref": (
        REGISTRY_HEAD.replace("0123456789abcdef0123456789abcdef01234567", "v1"),
        ["ecosystem.workflows-ref", "40-hex"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_registry_library(case: str, tmp_path: Path) -> None:
    text, fragments = BAD[case]
    path = tmp_path / "projects.toml"
    path.write_text(text)
    with pytest.raises(RegistryError) as info:
        load_registry(path)
    message = str(info.value)
    assert message.startswith(str(path))
    for fragment in fragments:
        assert fragment in message, message


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_registry_cli(case: str, tmp_path: Path) -> None:
    text, fragments = BAD[case]
    (tmp_path / "projects.toml").write_text(text)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run_eco("list", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "projects.toml" in lines[0]
    for fragment in fragments:
        assert fragment in lines[0]
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written


def test_line_numbers_point_at_the_key(tmp_path: Path) -> None:
    path = tmp_path / "projects.toml"
    text = REGISTRY_HEAD + PROJECT + 'reppo = "a/b"\n'
    path.write_text(text)
    expected = text.splitlines().index('reppo = "a/b"') + 1
    with pytest.raises(RegistryError, match=rf"projects.toml:{expected}: "):
        load_registry(path)


def test_eco_list_text_and_json() -> None:
    text = run_eco("list", cwd=REPO)
    assert text.returncode == 0, text.stderr
    assert "flask-sqlalchemy-lite" in text.stdout
    assert "Flask-SQLAlchemy-Lite" in text.stdout
    data = json.loads(run_eco("list", "--format", "json", cwd=REPO).stdout)
    names = [p["name"] for p in data["projects"]]
    assert names == sorted(names) and len(names) >= 8
    fields = {
        "name",
        "repo",
        "url",
        "clone_url",
        "pypi",
        "module",
        "description",
        "changelog",
        "changelog_format",
        "branch",
        "python",
        "vars",
        "skip",
        "cloned",
        "generation",
        "tag_style",
        "typed",
        "readme",
        "license_file",
        "build_backend",
        "docs_layout",
        "tests",
    }
    for project in data["projects"]:
        assert set(project) == fields
    assert data["ecosystem"]["repo"] == "pallets-eco/eco"


def test_unknown_project_name(tmp_path: Path) -> None:
    registry = load_registry(REPO / "projects.toml")
    with pytest.raises(
        RegistryError, match="no project named 'flask-mial'.*did you mean 'flask-mail'"
    ):
        registry.select(["flask-mial"])


def test_eco_list_named_projects() -> None:
    data = json.loads(run_eco("list", "flask-mail", "blinker", "--format", "json", cwd=REPO).stdout)
    assert [p["name"] for p in data["projects"]] == ["flask-mail", "blinker"]
    unknown = run_eco("list", "flask-mial", cwd=REPO)
    assert unknown.returncode == 2
    assert "did you mean 'flask-mail'" in unknown.stderr
