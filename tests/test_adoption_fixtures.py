"""The adoption fixtures are real packages: they build, their tests pass, their docs build."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from eco.registry import load_registry
from tests.adoption_fixtures import FIXTURES
from tests.adoption_fixtures import make_adoption_ecosystem
from tests.adoption_fixtures import make_fixture
from tests.helpers import git


@pytest.fixture(scope="module")
def test_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One virtual environment with every fixture's test dependencies (and Flask)."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    wanted = sorted({r for f in FIXTURES.values() for r in f.test_requirements} | {"flask"})
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *wanted],
        check=True,
        capture_output=True,
    )
    return venv


def test_shapes_cover_the_issue() -> None:
    """Every shape acceptance 1 names is carried by at least one fixture."""
    shapes = {s for f in FIXTURES.values() for s in f.shapes}
    for shape in (
        "uv generation",
        "dependency groups",
        "tox config",
        "MIT licence in LICENSE.txt",
        "README.rst + LICENSE.rst",
        "hatchling build hook with untracked artifacts",
        "CI services redis + memcached",
        "apt package",
        "single-page docs",
        "docs/changelog.rst",
        "no changelog",
        "untyped",
        "default branch not main",
        "stricter requires-python",
    ):
        assert shape in shapes


def test_remote_shape(tmp_path: Path) -> None:
    """The remote's HEAD is the default branch; tags and two commits of history."""
    repo = make_fixture(tmp_path, "flask-rstfiles")
    assert git("symbolic-ref", "HEAD", cwd=repo.remote) == "refs/heads/master"
    assert git("tag", cwd=repo.remote) == "1.0.0"
    assert git("rev-list", "--count", "master", cwd=repo.remote) == "2"
    grouped = make_fixture(tmp_path, "flask-grouped")
    lock = tomllib.loads((grouped.clone / "uv.lock").read_text())
    assert "flask" in {p["name"] for p in lock["package"]}
    assert git("status", "--porcelain", cwd=grouped.clone) == ""


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_fixture_is_a_real_package(name: str, tmp_path: Path, test_venv: Path) -> None:
    repo = make_fixture(tmp_path, name)
    fixture = repo.fixture
    out = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(repo.clone)],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    (wheel,) = out.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert f"{fixture.module}/__init__.py" in names
    for artifact in fixture.artifacts:
        assert artifact in names
        # built, never committed
        assert git("ls-files", f"src/{artifact}", cwd=repo.clone) == ""
    python = str(test_venv / "bin" / "python")
    subprocess.run(
        [python, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
        check=True,
        capture_output=True,
    )
    tests = subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=repo.clone,
        capture_output=True,
        text=True,
    )
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert " passed" in tests.stdout
    if fixture.has_docs:
        docs = subprocess.run(
            [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", "docs", str(tmp_path / "h")],
            cwd=repo.clone,
            capture_output=True,
            text=True,
        )
        assert docs.returncode == 0, docs.stderr[-3000:]
    else:
        assert not (repo.clone / "docs").exists()


def test_adoption_ecosystem_registers_the_expected_facts(tmp_path: Path) -> None:
    root, repos = make_adoption_ecosystem(tmp_path, ["flask-services", "flask-quiet"])
    registry = load_registry(root / "projects.toml")
    services = registry.projects["flask-services"]
    assert services.url == str(repos["flask-services"].remote)
    assert [s.name for s in services.services] == ["redis", "memcached"]
    assert services.apt == ("libmemcached-dev",)
    quiet = registry.projects["flask-quiet"]
    assert not quiet.has_changelog and not quiet.typed and quiet.docs_layout == "none"
    assert git("status", "--porcelain", cwd=root) == ""
