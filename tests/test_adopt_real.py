"""Acceptance: `eco sync --adopt` gives each existing extension a branch a maintainer can merge.

For each fixture of :mod:`tests.adoption_fixtures` (small real packages in the shapes of
the pallets-eco repositories), registered with the entry `eco add` writes for it: the
adoption branch has no conflict, builds, its wheel holds every file the original's did
with the same licence metadata, the project's own tests pass as before with the same
test dependencies, its docs build with ``-W`` where they did, zizmor and actionlint find
nothing in its workflows, and a second run changes nothing.
"""

from __future__ import annotations

import email.parser
import json
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest
import tomlkit

from tests.adoption_fixtures import ADOPTION_REGISTRY_HEAD
from tests.adoption_fixtures import FixtureRepo
from tests.adoption_fixtures import FIXTURES
from tests.adoption_fixtures import make_fixture
from tests.helpers import Ecosystem
from tests.helpers import git
from tests.helpers import make_ecosystem
from tests.sync_fixtures import clone_of
from tests.sync_fixtures import eco_cli
from tests.test_workflows import actionlint
from tests.test_workflows import zizmor

pytestmark = pytest.mark.slow
REPO = Path(__file__).parent.parent

# What an adoption adds to a wheel: nothing (sync never touches a project's package).
ADDED_TO_WHEEL: frozenset[str] = frozenset()
LICENCE_FIELDS = ("License", "License-Expression", "License-File")


@pytest.fixture(scope="module")
def test_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One environment with every fixture's test dependencies (and Flask)."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    wanted = sorted({r for f in FIXTURES.values() for r in f.test_requirements} | {"flask"})
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *wanted],
        check=True,
        capture_output=True,
    )
    return venv


def register(tmp_path: Path, repo: FixtureRepo) -> Ecosystem:
    """An ecosystem with the real templates and the entry `eco add` writes for the fixture."""
    eco = make_ecosystem(tmp_path)
    entry = {"url": str(repo.remote), **repo.fixture.entry}
    eco.write_registry(
        ADOPTION_REGISTRY_HEAD + "\n" + tomlkit.dumps({"projects": {repo.fixture.name: entry}})
    )
    eco.commit(f"register {repo.fixture.name}")
    return eco


def build(source: Path, out: Path) -> dict[str, Any]:
    """Build the sdist, and the wheel from it; the wheel's file names and licence
    metadata."""
    result = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(source)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (wheel,) = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        message = email.parser.Parser().parsestr(archive.read(metadata).decode())
        licence_files = sorted(n.split("/licenses/", 1)[1] for n in names if "/licenses/" in n)
    return {
        "wheel": wheel,
        "files": {n for n in names if ".dist-info/" not in n},
        "licence": {
            "fields": {f: sorted(message.get_all(f) or []) for f in LICENCE_FIELDS},
            "classifiers": sorted(
                c for c in message.get_all("Classifier") or [] if c.startswith("License ::")
            ),
            "files": licence_files,
        },
    }


def run_tests(venv: Path, wheel: Path, source: Path) -> str:
    """Install the wheel and run the project's tests: pytest's closing summary."""
    python = str(venv / "bin" / "python")
    subprocess.run(
        [python, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
        check=True,
        capture_output=True,
    )
    result = subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=source,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    summary = result.stdout.strip().splitlines()[-1]
    return re.sub(r" in [0-9.]+s.*", "", summary)


def docs_build(source: Path, out: Path) -> bool:
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", "docs", str(out)],
        cwd=source,
        capture_output=True,
        text=True,
    )
    return result.returncode == 0


def callers_lint_against_the_reusable_workflows(workflows: list[Path], tmp: Path) -> str:
    """actionlint over the callers with their remote references made local, so every input
    they pass (services, apt packages, sessions) is checked against the shared workflow."""
    ecosystem = tomllib.loads(ADOPTION_REGISTRY_HEAD)["ecosystem"]
    remote = re.compile(
        re.escape(ecosystem["repo"])
        + r"/\.github/workflows/([\w.-]+)@"
        + re.escape(ecosystem["workflows-ref"])
    )
    target = tmp / ".github" / "workflows"
    target.mkdir(parents=True)
    git("init", "-q", cwd=tmp)  # actionlint resolves local reusable workflows in a repository
    for reusable in (REPO / "workflows").glob("*.yaml"):
        shutil.copy(reusable, target / f"reusable-{reusable.name}")
    callers = []
    for caller in workflows:
        local = remote.sub(r"./.github/workflows/reusable-\1", caller.read_text())
        (target / caller.name).write_text(local)
        callers.append(target / caller.name)
    return actionlint(*callers, cwd=tmp)


def declared_test_dependencies(source: Path) -> dict[str, Any]:
    """Every place a project declares what its tests need."""
    pyproject = tomllib.loads((source / "pyproject.toml").read_text())
    tests_in = source / "requirements" / "tests.in"
    return {
        "groups": pyproject.get("dependency-groups", {}),
        "extras": pyproject["project"].get("optional-dependencies", {}),
        "dependencies": pyproject["project"].get("dependencies", []),
        "tests.in": {
            line.strip()
            for line in (tests_in.read_text().splitlines() if tests_in.exists() else [])
            if line.strip() and not line.startswith("#")
        },
    }


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_adoption_branch_is_mergeable(name: str, tmp_path: Path, test_venv: Path) -> None:
    repo = make_fixture(tmp_path, name)
    fixture = repo.fixture
    eco = register(tmp_path, repo)
    before = build(repo.clone, tmp_path / "before")
    tests_before = run_tests(test_venv, before["wheel"], repo.clone)
    docs_before = fixture.has_docs and docs_build(repo.clone, tmp_path / "html-before")
    deps_before = declared_test_dependencies(repo.clone)

    adopted = eco_cli(eco, "sync", "--adopt", name)
    assert adopted.exit_code == 0, adopted.output  # no conflict
    assert "conflict" not in adopted.stdout.split("=>")[0].replace("0 in conflict", "")
    clone = clone_of(name)
    head = git("rev-parse", "eco/sync", cwd=clone)
    branch = tmp_path / "branch"
    git("worktree", "add", "-q", str(branch), "eco/sync", cwd=clone)
    assert not any(
        re.search(r"^<{7,} project$", (branch / p).read_text(errors="replace"), re.MULTILINE)
        for p in git("ls-files", cwd=branch).splitlines()
    )

    after = build(branch, tmp_path / "after")
    assert before["files"] - after["files"] == set()
    assert after["files"] - before["files"] <= ADDED_TO_WHEEL
    assert after["licence"] == before["licence"]
    assert run_tests(test_venv, after["wheel"], branch) == tests_before
    deps_after = declared_test_dependencies(branch)
    for key in ("groups", "extras", "dependencies"):
        assert deps_after[key] == deps_before[key], key
    assert deps_after["tests.in"] >= deps_before["tests.in"]
    if docs_before:
        assert docs_build(branch, tmp_path / "html-after")

    workflows = sorted((branch / ".github" / "workflows").glob("*.y*ml"))
    assert workflows
    assert [f["ident"] for f in zizmor(*workflows)] == []
    assert actionlint(*workflows, cwd=branch) == ""
    assert callers_lint_against_the_reusable_workflows(workflows, tmp_path / "local") == ""

    # A second run changes nothing; nor does a sync once the branch is merged.
    again = eco_cli(eco, "sync", "--adopt", name)
    assert again.exit_code == 0, again.output
    assert git("rev-parse", "eco/sync", cwd=clone) == head
    git("fetch", "-q", str(clone), "eco/sync", cwd=repo.clone)
    git("merge", "-q", "--ff-only", "FETCH_HEAD", cwd=repo.clone)
    git("push", "-q", "origin", f"HEAD:{fixture.branch}", cwd=repo.clone)
    synced = eco_cli(eco, "sync", name)
    assert synced.exit_code == 0, synced.output
    assert f"{name}: in line with skeleton" in synced.stdout
    checked = eco_cli(eco, "check", name, "--format", "json")
    (entry,) = json.loads(checked.stdout)["projects"]
    drift = [f for f in entry["files"] if f["status"] not in ("in sync", "project-owned")]
    assert all(f["status"] in ("opted-out",) for f in drift), drift


def test_a_workflow_the_registry_cannot_feed_is_kept_never_dropped(tmp_path: Path) -> None:
    """The registry entry gives redis but not memcached nor the apt package: the project's
    tests workflow stays as it is, recorded as kept, and later syncs leave it alone."""
    repo = make_fixture(tmp_path, "flask-services")
    eco = make_ecosystem(tmp_path)
    entry = {"url": str(repo.remote), **repo.fixture.entry}
    tests = dict(entry["tests"])
    tests["services"] = {"redis": tests["services"]["redis"]}
    tests["apt"] = []
    entry["tests"] = tests
    projects = tomlkit.dumps({"projects": {"flask-services": entry}})
    eco.write_registry(ADOPTION_REGISTRY_HEAD + "\n" + projects)
    eco.commit("register flask-services")
    path = ".github/workflows/tests.yaml"
    original = (repo.clone / path).read_text()

    adopted = eco_cli(eco, "sync", "--adopt", "flask-services")
    assert adopted.exit_code == 0, adopted.output
    assert f"opted-out      {path}  (kept, the standard file cannot replace it yet: " in (
        adopted.stdout
    )
    assert "add memcached to the registry's tests.services" in adopted.stdout
    assert "installs libmemcached-dev with apt" in adopted.stdout
    clone = clone_of("flask-services")
    assert git("show", f"eco/sync:{path}", cwd=clone) == original.rstrip("\n")
    state = tomllib.loads(git("show", "eco/sync:.eco.toml", cwd=clone))
    assert list(state["kept"]) == [path]

    git("fetch", "-q", str(clone), "eco/sync", cwd=repo.clone)
    git("merge", "-q", "--ff-only", "FETCH_HEAD", cwd=repo.clone)
    git("push", "-q", "origin", "HEAD:main", cwd=repo.clone)
    synced = eco_cli(eco, "sync", "flask-services", "--verbose")
    assert synced.exit_code == 0, synced.output
    assert f"opted-out      {path}  (kept, the standard file cannot replace it yet" in (
        synced.stdout
    )
    assert "nothing to do" in synced.stdout
