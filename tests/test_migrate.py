"""``eco migrate``: a project moved between the pip-tools and the uv generation, both ways,
every dependency carried across, and ``eco lock`` working after each move.

The conversion is tested as pure functions on the adoption fixtures' shapes (flask-mitlike's
layered ``requirements/*.in``, flask-grouped's ``[dependency-groups]`` with ``uv.lock``);
the round trip runs the real command line on a project made by ``eco init``, locked
against a package index of its own (pypiserver) holding every package its files name.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from eco.migrate.convert import dependencies
from eco.migrate.convert import MigrateError
from eco.migrate.convert import to_pip_tools
from eco.migrate.convert import to_uv
from eco.migrate.project import left_behind
from eco.migrate.project import union
from eco.sync.plan import FilePlan
from eco.sync.plan import Plan
from eco.sync.plan import PROJECT_OWNED
from tests.adoption_fixtures import FIXTURES
from tests.helpers import Ecosystem
from tests.helpers import git
from tests.helpers import make_ecosystem
from tests.package_index import PackageIndex
from tests.package_index import start_index
from tests.package_index import stop_index
from tests.sync_fixtures import eco_cli

GROUPED = FIXTURES["flask-grouped"].files["pyproject.toml"]
MITLIKE = {
    path.removeprefix("requirements/"): text
    for path, text in FIXTURES["flask-mitlike"].files.items()
    if path.startswith("requirements/")
}


def _in_files(files: dict[str, str | None]) -> dict[str, str]:
    return {
        path.removeprefix("requirements/"): text
        for path, text in files.items()
        if path.startswith("requirements/") and path.endswith(".in") and text is not None
    }


def test_requirements_become_groups_with_their_layering() -> None:
    pyproject = FIXTURES["flask-mitlike"].files["pyproject.toml"]
    layered = {**MITLIKE, "build.in": "-c tests.txt\nbuild  # the publish workflow\n"}
    converted = to_uv(pyproject, layered)
    groups = tomllib.loads(str(converted.files["pyproject.toml"]))["dependency-groups"]
    assert groups["dev"] == [
        {"include-group": "docs"},
        {"include-group": "tests"},
        {"include-group": "typing"},
        "pre-commit",
        "tox",
    ]
    assert groups["tests"] == ["pytest", "blinker"] and groups["build"] == ["build"]
    # Every requirement, includes followed, is in the groups; the files go.
    assert dependencies(str(converted.files["pyproject.toml"]), {}) == dependencies("", layered)
    assert {p for p, text in converted.files.items() if text is None} == {
        f"requirements/{name}" for name in layered
    }
    assert any("-c tests.txt needs no equivalent" in note for note in converted.notes)
    # The rest of pyproject.toml is kept byte for byte.
    assert str(converted.files["pyproject.toml"]).startswith(pyproject)


def test_groups_become_requirements_with_their_pins() -> None:
    lock = """\
version = 1
requires-python = ">=3.11"

[[package]]
name = "flask-grouped"
version = "1.0.0"
source = { editable = "." }

[package.dev-dependencies]
tests = [{ name = "coverage" }, { name = "pytest" }]
docs = [{ name = "sphinx" }]

[[package]]
name = "pytest"
version = "8.3.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "pluggy" }]

[[package]]
name = "pluggy"
version = "1.5.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "coverage"
version = "7.6.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "sphinx"
version = "8.1.0"
source = { registry = "https://pypi.org/simple" }
"""
    converted = to_pip_tools(GROUPED, lock)
    files = converted.files
    assert _in_files(files)["tests.in"].splitlines()[1:] == ["coverage", "pytest"]
    assert files["requirements/tests.txt"] == "coverage==7.6.0\npluggy==1.5.0\npytest==8.3.0\n"
    assert files["requirements/docs.txt"] == "sphinx==8.1.0\n"
    assert files["uv.lock"] is None
    after = tomllib.loads(str(files["pyproject.toml"]))
    assert "dependency-groups" not in after and "uv" not in after["tool"]
    assert after["tool"]["tox"]  # the project's own tables stay
    assert dependencies("", _in_files(files)) == dependencies(GROUPED, {})


def test_round_trip_keeps_every_dependency() -> None:
    there = to_pip_tools(GROUPED, None)
    back = to_uv(str(there.files["pyproject.toml"]), _in_files(there.files))
    assert dependencies(str(back.files["pyproject.toml"]), {}) == dependencies(GROUPED, {})


def test_what_a_group_cannot_hold_is_refused_with_its_line() -> None:
    with pytest.raises(MigrateError, match=r"requirements/tests.in:2: -e has no place"):
        to_uv("[project]\nname = 'x'\n", {"tests.in": "pytest\n-e ../elsewhere\n"})
    with pytest.raises(MigrateError, match=r"requirements/dev.in: -r tests.in: no such file"):
        to_uv("[project]\nname = 'x'\n", {"dev.in": "-r tests.in\n"})
    with pytest.raises(MigrateError, match="no \\[dependency-groups\\]"):
        to_pip_tools("[project]\nname = 'x'\n", None)


def test_union_keeps_the_skeletons_lines_first() -> None:
    assert union("# tests\npytest\n", "# group\npytest\nblinker\n") == "# tests\npytest\nblinker\n"


# -- the round trip on the command line -----------------------------------------------

# Every package the skeleton's requirements and the project name, as small wheels.
PACKAGES = (
    "build",
    "nox",
    "pip-tools",
    "pre-commit",
    "pytest",
    "mypy",
    "pyright",
    "sphinx",
    "furo",
    "myst-parser",
    "pallets-sphinx-themes",
    "blinker",
)


@pytest.fixture(scope="module")
def own_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PackageIndex]:
    """A package index of this module's own: it publishes the real names above, which
    must not change what another test resolves on the shared index."""
    base = tmp_path_factory.mktemp("migrate-index")
    (base / "packages").mkdir()
    (base / "scratch").mkdir()
    index = start_index(base / "packages", base / "scratch", base / "log")
    try:
        for name in PACKAGES:
            index.add(name, "1.0", ["iniconfig"] if name == "pytest" else [])
        index.add("iniconfig", "2.0")
        yield index
    finally:
        stop_index(index.process)


def _merge(project: Path, clone: Path, branch: str) -> None:
    """The maintainer merges eco's pull request (the branch of the workspace clone)."""
    git("fetch", "-q", str(clone), branch, cwd=project)
    git("merge", "-q", "--ff-only", "FETCH_HEAD", cwd=project)


def _files(project: Path, folder: str) -> dict[str, str]:
    names = git("ls-files", folder, cwd=project).splitlines()
    return {name.removeprefix(f"{folder}/"): (project / name).read_text() for name in names}


def _lock(eco: Ecosystem, *args: str) -> dict[str, str]:
    """``eco lock``: each locked file's status."""
    result = eco_cli(eco, "lock", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.stdout)["projects"]
    assert entry["ok"], entry
    return {f["target"]: f["status"] for f in entry["files"]}


@pytest.mark.slow
def test_migrate_both_ways_then_lock(
    own_index: PackageIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECO_WORKSPACE", str(tmp_path / "workspace"))
    eco = make_ecosystem(tmp_path)
    eco.use_index(own_index.url)
    project = tmp_path / "projects" / "flask-demo"
    created = eco_cli(eco, "init", "flask-demo", "--path", str(project), "--register")
    assert created.exit_code == 0, created.output
    eco.commit("register flask-demo")
    clone = tmp_path / "workspace" / "flask-demo"
    # The project's own test dependency, in flask-mitlike's place for it.
    tests_in = project / "requirements" / "tests.in"
    tests_in.write_text(tests_in.read_text() + "blinker\n")
    git("commit", "-q", "-am", "test with blinker", cwd=project)
    _lock(eco, "--backend", "uv")
    _merge(project, clone, "eco/lock")
    before = dependencies("", _files(project, "requirements"))
    assert before["tests"] == {"pytest", "blinker"} and "nox" in before["dev"]

    # A dry run shows the change and writes nothing, not even the registry.
    registry = (eco.root / "projects.toml").read_text()
    preview = eco_cli(eco, "migrate", "flask-demo", "--to", "uv", "-n")
    assert preview.exit_code == 0, preview.output
    assert '+generation = "uv"' in preview.stdout
    assert "removed        requirements/tests.in  (migrated to the uv generation)" in preview.stdout
    assert (eco.root / "projects.toml").read_text() == registry
    assert "eco/sync" not in git("branch", "--list", "eco/sync", cwd=clone)

    # pip-tools -> uv
    moved = eco_cli(eco, "migrate", "flask-demo", "--to", "uv")
    assert moved.exit_code == 0, moved.output
    after = (eco.root / "projects.toml").read_text()
    assert after.replace('generation = "uv"\n', "") == registry  # one line, nothing else
    # Committed alone: the revision the project records names its new generation.
    assert git("log", "-1", "--format=%s", cwd=eco.root) == (
        "eco migrate: flask-demo to the uv generation"
    )
    assert git("status", "--porcelain", cwd=eco.root) == ""
    state = git("show", "eco/sync:.eco.toml", cwd=clone)
    assert git("rev-parse", "HEAD", cwd=eco.root) in state
    _merge(project, clone, "eco/sync")
    assert not (project / "requirements").exists()
    pyproject = (project / "pyproject.toml").read_text()
    grouped = dependencies(pyproject, {})
    # Every group keeps every requirement; the skeleton's uv shape adds its pre-commit group.
    assert all(before[group] <= grouped[group] for group in before)
    assert set(grouped) - set(before) == {"pre-commit"}
    assert "noxfile.py" not in git("ls-files", cwd=project).split()
    # The standard Read the Docs build the project never edited is the uv one now.
    assert "uv sync --frozen --group docs" in (project / ".readthedocs.yaml").read_text()
    assert _lock(eco) == {"uv.lock": "created"}
    _merge(project, clone, "eco/lock")
    lock_text = (project / "uv.lock").read_text()
    assert {"blinker", "pytest", "iniconfig", "nox", "sphinx"} <= {
        p["name"] for p in tomllib.loads(lock_text)["package"]
    }
    check = eco_cli(eco, "check")
    assert check.exit_code == 0, check.output

    # uv -> pip-tools: the groups come back as requirements, pinned as uv.lock pinned them.
    back = eco_cli(eco, "migrate", "flask-demo", "--to", "pip-tools")
    assert back.exit_code == 0, back.output
    _merge(project, clone, "eco/sync")
    assert not (project / "uv.lock").exists(), back.output
    requirements = _files(project, "requirements")
    assert dependencies("", requirements) == grouped
    assert requirements["tests.txt"] == "blinker==1.0\niniconfig==2.0\npytest==1.0\n"
    assert "dependency-groups" not in tomllib.loads((project / "pyproject.toml").read_text())
    assert "requirements/docs.txt" in (project / ".readthedocs.yaml").read_text()
    # A newer blinker on the index: the lock keeps the pin the migration carried over.
    own_index.add("blinker", "1.1")
    assert set(_lock(eco, "--backend", "uv")) == {f"{group}.txt" for group in grouped}
    _merge(project, clone, "eco/lock")
    assert "blinker==1.0" in (project / "requirements" / "tests.txt").read_text()
    check = eco_cli(eco, "check")
    assert check.exit_code == 0, check.output


def test_migrate_refuses_what_it_cannot_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECO_WORKSPACE", str(tmp_path / "workspace"))
    eco = make_ecosystem(tmp_path)
    project = tmp_path / "projects" / "flask-demo"
    assert eco_cli(eco, "init", "flask-demo", "--path", str(project), "--register").exit_code == 0
    eco.commit("register flask-demo")
    same = eco_cli(eco, "migrate", "flask-demo", "--to", "pip-tools")
    assert same.exit_code == 1
    assert "flask-demo: already on the pip-tools generation" in same.output
    nothing = eco_cli(eco, "migrate", "--to", "uv")
    assert nothing.exit_code == 2 and "name the projects to migrate" in nothing.output
    (eco.root / "projects.toml").write_text((eco.root / "projects.toml").read_text() + "\n")
    dirty = eco_cli(eco, "migrate", "flask-demo", "--to", "uv")
    assert dirty.exit_code == 2 and "uncommitted changes" in dirty.output


def test_what_stays_behind_is_named() -> None:
    """A session file the project edited stays (sync keeps a project's edit), and still
    reads requirements/: the migration says so instead of leaving it to be found in CI."""
    nox = 'session.install("-r", "requirements/tests.txt")\n'
    kept = FilePlan("noxfile.py", "merged", PROJECT_OWNED, nox, nox)
    tox = FilePlan("pyproject.toml", "merged", "updated", "", "[tool.tox]\nenv_list = []\n")
    plan = Plan("demo", "r" * 40, "p" * 40, (kept, tox), ())
    (note,) = left_behind(plan, "uv")
    assert note.startswith("noxfile.py is the project's own and still reads requirements/")
    (note,) = left_behind(plan, "pip-tools")
    assert "keeps its [tool.tox]" in note
