"""The rules adoption follows, one by one: markers, key ownership, list unions, docs pages,
workflows kept or replaced, and the templates following the project's facts."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from eco.registry import parse_registry
from eco.skeleton.manifest import Keys
from eco.skeleton.manifest import load_manifest
from eco.skeleton.render import render_project
from eco.skeleton.render import RenderedFile
from eco.skeleton.render import Rendering
from eco.skeleton.state import format_state
from eco.skeleton.state import parse_state
from eco.sync.adopt import Needs
from eco.sync.adopt import nox_sessions
from eco.sync.adopt import unmapped
from eco.sync.merge import has_conflict_markers
from eco.sync.merge import merge3
from eco.sync.merge import union_lines
from eco.sync.merge_toml import merge_owned
from eco.sync.plan import make_plan
from eco.sync.plan import pull_request_body
from tests.helpers import REGISTRY_HEAD

REPO = Path(__file__).parent.parent


def _pyproject_keys() -> Keys:
    (spec,) = [f for f in load_manifest(REPO / "templates").files if f.path == "pyproject.toml"]
    assert spec.keys is not None
    return spec.keys


KEYS = _pyproject_keys()

# -- conflict markers ----------------------------------------------------------------------


def test_markers_are_longer_than_any_line_so_an_rst_title_is_no_marker() -> None:
    base = "License\n=======\n\nBSD.\n"
    ours = "License\n=======\n\nMIT.\n"
    theirs = "License\n=======\n\nBSD-3-Clause.\n"
    merged = merge3(base, ours, theirs)
    assert merged.conflicts == 1
    lines = merged.text.splitlines()
    assert lines.count("=======") == 1  # the title's underline, never a marker
    separators = [line for line in lines if set(line) == {"="} and len(line) > 7]
    assert separators == ["=" * 14]  # "BSD-3-Clause." is 13 characters long
    assert has_conflict_markers(merged.text)


@pytest.mark.parametrize("size", [7, 8, 30])
def test_unresolved_markers_are_recognised_at_any_length(size: int) -> None:
    text = f"a\n{'<' * size} project\nb\n{'=' * size}\nc\n{'>' * size} skeleton\n"
    assert has_conflict_markers(text)
    assert not has_conflict_markers("Title\n=======\n\n<<<<<<< quoted in prose\n")
    assert not has_conflict_markers(f"{'<' * 6} project\n{'>' * 6} skeleton\n")


# -- pyproject.toml: key ownership ------------------------------------------------------------

PROJECT = """\
[project]
name = "Flask-Old"
dynamic = ["version"]
description = "An old extension."
readme = "README.rst"
license = "MIT"
license-files = ["LICENSE"]
authors = [{ name = "Original Author" }]
classifiers = ["Development Status :: 5 - Production/Stable"]
requires-python = ">=3.11"
dependencies = ["flask>=3"]

[project.urls]
Source = "https://example.org/old"

[build-system]
requires = ["hatchling", "hatch-vcs"]
build-backend = "hatchling.build"

[tool.hatch.version]
source = "vcs"

[tool.pytest.ini_options]
testpaths = ["tests"]
filterwarnings = ["error", "ignore::DeprecationWarning"]
"""

STANDARD = """\
[project]
name = "Flask-Old"
version = "0.1.0.dev"
description = "Something else."
readme = "README.md"
license = "BSD-3-Clause"
license-files = ["LICENSE.txt"]
classifiers = ["Development Status :: 3 - Alpha", "Typing :: Typed"]
requires-python = ">=3.10"
dependencies = []

[project.urls]
Donate = "https://example.org/donate"
Source = "https://example.org/old"

[tool.pytest.ini_options]
testpaths = ["tests"]
filterwarnings = ["error"]

[tool.ruff]
src = ["src"]

[tool.ruff.lint]
select = ["B", "E"]
"""


def test_adoption_keeps_every_key_the_project_owns() -> None:
    merged = merge_owned(None, PROJECT, STANDARD, KEYS)
    assert merged is not None
    data = tomllib.loads(merged.text)
    original = tomllib.loads(PROJECT)
    assert data["project"] == original["project"]  # its own URLs too, kept whole
    assert "version" not in data["project"]  # dynamic stays dynamic
    assert data["build-system"] == original["build-system"]
    assert data["tool"]["hatch"] == original["tool"]["hatch"]
    # the project's own pytest table stays whole (its tests run as they did), named
    assert data["tool"]["pytest"] == original["tool"]["pytest"]
    assert merged.notes == (
        "kept the project's own [project.urls]",
        "kept the project's own [tool.pytest]",
    )
    # what the project lacks arrives: the ruff tables whole, as laid out
    assert merged.text.startswith(PROJECT.split("\n[build-system]")[0])
    assert '\n[tool.ruff]\nsrc = ["src"]\n\n[tool.ruff.lint]\nselect = ["B", "E"]\n' in merged.text


def test_a_project_without_urls_gets_the_standard_ones() -> None:
    ours = PROJECT.replace('[project.urls]\nSource = "https://example.org/old"\n\n', "")
    merged = merge_owned(None, ours, STANDARD, KEYS)
    assert merged is not None
    assert (
        tomllib.loads(merged.text)["project"]["urls"] == tomllib.loads(STANDARD)["project"]["urls"]
    )


def test_with_a_base_the_projects_keys_never_conflict() -> None:
    base = STANDARD
    ours = STANDARD.replace('requires-python = ">=3.10"', 'requires-python = ">=3.12"')
    theirs = STANDARD.replace('requires-python = ">=3.10"', 'requires-python = ">=3.11"')
    assert not merge3(base, ours, theirs).clean
    merged = merge_owned(base, ours, theirs, KEYS)
    assert merged is not None and merged.text == ours
    # a key only the skeleton changed still arrives (a Python dropped by the registry)
    moved = merge_owned(base, base.replace("Alpha", "Beta"), theirs, KEYS)
    assert moved is not None and ">=3.11" in moved.text and "Beta" in moved.text
    # a key of a table the skeleton manages, changed both ways: a conflict (None)
    a = STANDARD.replace('src = ["src"]', 'src = ["lib"]')
    b = STANDARD.replace('src = ["src"]', 'src = ["source"]')
    assert merge_owned(STANDARD, a, b, KEYS) is None


def test_a_table_split_across_the_file_is_merged() -> None:
    ours = (
        '[tool.uv]\npackage = true\n\n[project]\nname = "x"\n\n[tool.pytest.ini_options]\na = 1\n'
    )
    merged = merge_owned(None, ours, STANDARD, KEYS)
    assert merged is not None
    assert tomllib.loads(merged.text)["tool"]["uv"] == {"package": True}
    assert tomllib.loads(merged.text)["tool"]["ruff"]["lint"]["select"] == ["B", "E"]


def test_keys_owner_and_unit() -> None:
    keys = Keys(project=("project.version", "build-system"), skeleton=("tool.ruff",))
    assert keys.owner(("build-system", "requires")) == "project"
    assert keys.owner(("project", "versions")) == ""
    assert keys.owner(("tool", "ruff", "lint", "select")) == "skeleton"
    assert keys.unit(("tool", "ruff", "lint", "select")) == "tool.ruff"
    assert keys.unit(("tool", "ruffle")) == ""


# -- list files ----------------------------------------------------------------------------


def test_requirements_are_unioned_by_name() -> None:
    ours = "pytest>=7\nredis\n"
    theirs = "# What the tests need.\npytest\nblinker\n"
    assert union_lines(ours, theirs) == "pytest>=7\nredis\npytest\nblinker\n"  # by line
    plan = make_plan(
        "p",
        "r",
        _rendering(("requirements/tests.in", theirs, "merged")),
        None,
        {"requirements/tests.in": ours},
        None,
    )
    (file,) = plan.files
    assert (file.action, file.result) == ("merged", "pytest>=7\nredis\nblinker\n")


def test_gitignore_is_unioned() -> None:
    plan = make_plan(
        "p",
        "r",
        _rendering((".gitignore", "dist/\n.nox/\n", "merged")),
        None,
        {".gitignore": "dist/\n.tox/"},
        None,
    )
    (file,) = plan.files
    assert (file.action, file.result) == ("merged", "dist/\n.tox/\n.nox/\n")


# -- docs pages ------------------------------------------------------------------------------


def _rendering(
    *files: tuple[str, str, str], linked: str = "", unless: tuple[str, ...] = ()
) -> Rendering:
    return Rendering(
        files={
            path: RenderedFile(
                path,
                content,
                mode,
                "t",
                unless=unless if path.startswith("docs/") else (),
                linked_from=linked if path.startswith("docs/license") else "",
            )
            for path, content, mode in files
        },
        retired={},
    )


PAGE = ("docs/license.rst", "License\n=======\n", "owned")


@pytest.mark.parametrize(
    ("index", "action"),
    [
        ("Title\n=====\n\n.. toctree::\n\n    usage\n", "not-added"),
        ("Title\n=====\n\n.. toctree::\n\n    usage\n    license\n", "new"),
        ("Title\n=====\n\n.. toctree::\n\n    The licence <license>\n", "new"),
        (None, "new"),  # no index of its own: the skeleton's, which links the page
    ],
)
def test_a_docs_page_is_added_only_where_the_index_links_it(index: str | None, action: str) -> None:
    ours = {"docs/index.rst": index} if index is not None else {}
    theirs = _rendering(
        PAGE, ("docs/index.rst", "x\n\n    license\n", "seeded"), linked="docs/index.rst"
    )
    plan = make_plan("p", "r", theirs, None, ours, None)
    page = next(f for f in plan.files if f.path == "docs/license.rst")
    assert page.action == action
    if action == "not-added":
        assert page.result is None and "add license to its toctree" in page.reason
        assert page.check_status == "missing"


def test_a_page_under_another_name_stands_in() -> None:
    theirs = _rendering(("docs/changes.rst", "Changes\n", "owned"), unless=("docs/changelog.rst",))
    plan = make_plan("p", "r", theirs, None, {"docs/changelog.rst": "Changes\n=======\n"}, None)
    (page,) = plan.files
    assert (page.action, page.result) == ("project-owned", None)
    assert page.reason == "the project has its own docs/changelog.rst"


# -- workflows -------------------------------------------------------------------------------

WORKFLOW = """\
name: Tests
on: [push]
jobs:
  tests:
    runs-on: ubuntu-latest
    services:
      redis:
        image: redis:7-alpine
        ports: ['6379:6379']
      ldap:
        image: osixia/openldap:1.5.0
    steps:
      - uses: actions/checkout@v4
      - run: sudo apt-get install -y --no-install-recommends libldap2-dev libsasl2-dev
      - run: pytest
"""


def test_a_workflow_the_standard_cannot_replace_is_kept() -> None:
    reason = unmapped(".github/workflows/tests.yaml", WORKFLOW, Needs({"redis": "redis:7"}))
    assert "starts the service ldap (osixia/openldap:1.5.0)" in reason
    assert "installs libldap2-dev, libsasl2-dev with apt" in reason
    assert "redis" not in reason  # given by the registry: the standard workflow starts it
    needs = Needs({"redis": "redis:7-alpine"}, ("libldap2-dev", "libsasl2-dev"))
    assert "ldap" in unmapped(".github/workflows/tests.yaml", WORKFLOW, needs)
    mappable = WORKFLOW.replace("      ldap:\n        image: osixia/openldap:1.5.0\n", "")
    assert unmapped(".github/workflows/tests.yaml", mappable, needs) == ""
    assert unmapped(".github/workflows/tests.yaml", mappable, Needs()) != ""
    assert unmapped("docs/conf.py", WORKFLOW, Needs()) == ""


def test_kept_workflow_is_recorded_and_left_alone_afterwards() -> None:
    path = ".github/workflows/tests.yaml"
    theirs = _rendering((path, "name: Tests\n", "owned"))
    plan = make_plan("p", "r1", theirs, None, {path: WORKFLOW}, None, needs=Needs())
    (file,) = plan.files
    assert file.action == "opted-out" and file.result == WORKFLOW
    assert plan.state.kept == {path: file.reason}
    state = parse_state(format_state(plan.state))
    assert state == plan.state
    later = make_plan("p", "r2", theirs, theirs, {path: WORKFLOW}, state, needs=Needs())
    assert [(f.action, f.reason) for f in later.files] == [("opted-out", file.reason)]
    assert later.state.kept == state.kept
    # once the registry gives what the workflow needs, the standard file replaces it
    needs = Needs({"redis": "redis:7-alpine", "ldap": "x"}, ("libldap2-dev", "libsasl2-dev"))
    mappable = WORKFLOW.replace("      ldap:\n        image: osixia/openldap:1.5.0\n", "")
    fed = make_plan("p", "r3", theirs, theirs, {path: mappable}, state, needs=needs)
    assert [(f.action, f.result) for f in fed.files] == [("replaced", "name: Tests\n")]
    assert fed.state.kept == {}


def test_replaced_workflow_is_listed_in_the_pull_request() -> None:
    path = ".github/workflows/tests.yaml"
    mappable = WORKFLOW.replace("      ldap:\n        image: osixia/openldap:1.5.0\n", "")
    needs = Needs({"redis": "redis:7-alpine"}, ("libldap2-dev", "libsasl2-dev"))
    plan = make_plan(
        "p",
        "r1",
        _rendering((path, "name: Tests\n", "owned")),
        None,
        {path: mappable},
        None,
        needs=needs,
    )
    body = pull_request_body(plan, ecosystem="eco")
    assert "### replaced (1)" in body
    assert f"- `{path}` (-" in body
    assert "  - services: redis (redis:7-alpine)" in body
    assert "given to the shared tests workflow by the registry: service redis" in body


# -- templates follow the project's facts ----------------------------------------------------


def _render(entry: str) -> dict[str, str]:
    text = REGISTRY_HEAD + f'\n[projects.flask-old]\nurl = "/nowhere"\n{entry}'
    registry = parse_registry(Path("projects.toml"), text, tomllib.loads(text))
    project = registry.projects["flask-old"]
    rendering = render_project(project, registry.ecosystem, REPO / "templates")
    return {path: f.content for path, f in rendering.files.items()}


def test_untyped_mit_project_with_its_own_files_and_backend() -> None:
    files = _render(
        'typed = false\nreadme = "README.rst"\nlicense-file = "LICENSE"\n'
        'build-backend = "hatchling"\nchangelog = ""\n'
        'vars = { license = "MIT", docs_format = "rst" }\n'
    )
    pyproject = tomllib.loads(files["pyproject.toml"])
    assert pyproject["project"]["readme"] == "README.rst"
    assert pyproject["project"]["license"] == "MIT"
    assert pyproject["project"]["license-files"] == ["LICENSE"]
    assert "Typing :: Typed" not in pyproject["project"]["classifiers"]
    assert "Changes" not in pyproject["project"]["urls"]
    assert "build-system" not in pyproject and "flit" not in pyproject["tool"]
    assert "mypy" not in pyproject["tool"] and "pyright" not in pyproject["tool"]
    assert "requirements/typing.in" not in files
    assert not any(p.startswith("docs/changes") for p in files)
    assert "license\n" in files["docs/index.rst"] and "changes" not in files["docs/index.rst"]
    assert ".. literalinclude:: ../LICENSE\n" in files["docs/license.rst"]
    assert "def typing" not in files["noxfile.py"] and '"typing"' not in files["noxfile.py"]
    assert 'sessions: \'["tests-min", "tests-dev"]\'' in files[".github/workflows/tests.yaml"]


def test_services_and_apt_reach_the_tests_caller() -> None:
    files = _render(
        '[projects.flask-old.tests]\ndependencies = ["pytest", "redis"]\n'
        'apt = ["libmemcached-dev"]\n'
        '[projects.flask-old.tests.services]\nredis = { image = "redis:7-alpine", port = 6380 }\n'
    )
    caller = files[".github/workflows/tests.yaml"]
    assert "      redis-image: 'redis:7-alpine'\n      redis-port: 6380\n" in caller
    assert "      apt-packages: 'libmemcached-dev'\n" in caller
    assert "      operating-systems: '[]'\n" in caller
    assert files["requirements/tests.in"].endswith("pytest\nredis\n")


def test_docs_none_and_uv_generation_leave_those_files_alone() -> None:
    files = _render('generation = "uv"\ndocs-layout = "none"\n')
    assert not any(p.startswith(("docs/", "requirements/")) for p in files)
    assert "noxfile.py" not in files and ".readthedocs.yaml" not in files
    assert "Documentation" not in tomllib.loads(files["pyproject.toml"])["project"]["urls"]


TOX = "[tox]\nenvlist = py3\n\n[pytest]\naddopts = -p no:warnings\n"


def test_a_tool_configured_elsewhere_gets_no_table_and_its_file_stays() -> None:
    """pytest reads [tool.pytest.ini_options] before tox.ini's [pytest]: adding the table
    would change how the project's tests run, and removing the retired tox.ini would drop
    the settings. Both stay until the maintainer moves them."""
    ours = PROJECT.split("\n[tool.pytest.ini_options]")[0]
    theirs = Rendering(
        files={
            "pyproject.toml": RenderedFile("pyproject.toml", STANDARD, "merged", "t", keys=KEYS)
        },
        retired={"tox.ini": "nox replaced tox"},
    )
    plan = make_plan("p", "r", theirs, None, {"pyproject.toml": ours, "tox.ini": TOX}, None)
    pyproject, tox = plan.files
    assert "pytest" not in tomllib.loads(pyproject.result or "")["tool"]
    assert "ruff" in tomllib.loads(pyproject.result or "")["tool"]
    assert "no [tool.pytest] added: the project configures it in tox.ini [pytest]" in (
        pyproject.details
    )
    assert (tox.action, tox.result) == ("opted-out", TOX)
    assert "its [pytest] configure pytest, which pyproject.toml does not" in tox.reason
    assert plan.state.kept == {}  # looked at again next time: once moved, tox.ini goes
    # once the project configures pytest in pyproject.toml, tox.ini is retired as usual
    moved = make_plan("p", "r", theirs, None, {"pyproject.toml": PROJECT, "tox.ini": TOX}, None)
    assert [f.action for f in moved.files] == ["merged", "removed"]


def test_a_kept_noxfile_says_which_standard_sessions_it_lacks() -> None:
    standard = _render("")["noxfile.py"]
    assert nox_sessions(standard) == {"tests", "tests-min", "tests-dev", "typing", "docs"}
    own = (
        '@nox.session(python=["3.12"])\ndef tests(session):\n    ...\n\n\n'
        "@nox.session\ndef docs(s):\n    ...\n"
    )
    plan = make_plan(
        "p", "r", _rendering(("noxfile.py", standard, "merged")), None, {"noxfile.py": own}, None
    )
    (file,) = plan.files
    assert (file.action, file.result) == ("kept", own)
    assert file.details == (
        "lacks the standard sessions tests-dev, tests-min, typing: the shared tests "
        "workflow runs tests-<python>, tests-min, tests-dev and typing",
    )


def test_a_removed_file_says_what_it_held() -> None:
    theirs = Rendering(files={}, retired={"tox.ini": "nox replaced tox"})
    tox = "[tox]\nenvlist = py3\n\n[testenv]\ndeps = pytest\n\n[testenv:docs]\ncommands = x\n"
    (file,) = make_plan("p", "r", theirs, None, {"tox.ini": tox}, None).files
    assert file.action == "removed"
    assert file.details == ("sections: [tox], [testenv], [testenv:docs]",)
    body = pull_request_body(
        make_plan("p", "r", theirs, None, {"tox.ini": tox}, None), ecosystem="e"
    )
    assert "- `tox.ini`: nox replaced tox\n  - sections: [tox], [testenv], [testenv:docs]\n" in body
