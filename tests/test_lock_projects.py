"""``eco lock`` end to end: real git repositories, a real pypiserver, pip-compile and uv."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from eco.lock.project import lock_project
from eco.lock.project import LockRequest
from eco.lock.requirements import pins
from eco.lock.requirements import recorded_digest
from eco.lock.resolvers import Resolver
from eco.registry import load_registry
from eco.workspace import Workspace
from tests.helpers import git
from tests.helpers import make_bare_repo
from tests.helpers import make_ecosystem
from tests.helpers import run_eco
from tests.package_index import make_wheel
from tests.package_index import PackageIndex

pytestmark = pytest.mark.slow


def publish_family(index: PackageIndex, prefix: str) -> None:
    """A small world of packages named ``<prefix>-*``, private to one test."""
    index.add(
        f"{prefix}-app", "1.0", [f"{prefix}-lib>=1", f'{prefix}-backport; python_version < "3.12"']
    )
    index.add(f"{prefix}-lib", "0.5")
    index.add(f"{prefix}-lib", "1.0")
    index.add(f"{prefix}-lib", "1.1")
    index.add(f"{prefix}-backport", "0.5")
    index.add(f"{prefix}-typing", "0.9", [f"{prefix}-lib"])
    index.add(f"{prefix}-tool", "2.0")


def requirement_files(prefix: str) -> dict[str, str]:
    """A layered requirements folder: dev includes tests and typing, build is constrained
    by the compiled tests.txt, and tests.txt already pins the older lib."""
    return {
        "requirements/tests.in": f"{prefix}-app\n",
        "requirements/typing.in": f"{prefix}-typing\n",
        "requirements/build.in": f"-c tests.txt\n{prefix}-lib\n{prefix}-tool\n",
        "requirements/dev.in": f"-r tests.in\n-r typing.in\n{prefix}-tool\n",
        # A lock made before eco (no header): its pins are kept, the file is re-resolved.
        "requirements/tests.txt": f"{prefix}-app==1.0\n{prefix}-backport==0.5\n{prefix}-lib==1.0\n",
        "pyproject.toml": '[project]\nname = "x"\n',
    }


def make_world(
    tmp_path: Path, index: PackageIndex, projects: Mapping[str, Mapping[str, str]], python: str = ""
) -> Path:
    entries = ""
    for name, files in projects.items():
        bare = make_bare_repo(tmp_path, name, files)
        entries += f'\n[projects.{name}]\nurl = "{bare}"\n{python}'
    eco = make_ecosystem(tmp_path, entries, copy=())
    eco.use_index(index.url)
    return eco.root


def lock(root: Path, *args: str) -> tuple[int, list[dict[str, Any]], str]:
    proc = run_eco("lock", "--format", "json", *args, cwd=root)
    data: dict[str, Any] = (
        json.loads(proc.stdout) if proc.stdout else {"version": 1, "projects": []}
    )
    assert data["version"] == 1
    projects: list[dict[str, Any]] = data["projects"]
    return proc.returncode, projects, proc.stderr


def show(tmp_path: Path, project: str, path: str, rev: str = "eco/lock") -> str:
    return git("show", f"{rev}:{path}", cwd=tmp_path / "workspace" / project) + "\n"


def statuses(result: dict[str, Any]) -> dict[str, str]:
    return {f["target"]: f["status"] for f in result["files"]}


def test_lock_then_nothing_then_upgrade(package_index: PackageIndex, tmp_path: Path) -> None:
    publish_family(package_index, "lk1")
    root = make_world(tmp_path, package_index, {"alpha": requirement_files("lk1")})

    code, results, err = lock(root)
    assert code == 0, err
    (alpha,) = results
    assert alpha["state"] == "committed"
    assert statuses(alpha) == {
        "build.txt": "created",
        "dev.txt": "created",
        "tests.txt": "updated",
        "typing.txt": "created",
    }
    tests_txt = show(tmp_path, "alpha", "requirements/tests.txt")
    # The existing pin is kept; the constraint file is the fresh tests.txt, so build.txt
    # pins the same lib although 1.1 is on the index.
    assert pins(tests_txt) == {"lk1-app": "1.0", "lk1-backport": "0.5", "lk1-lib": "1.0"}
    assert pins(show(tmp_path, "alpha", "requirements/build.txt"))["lk1-lib"] == "1.0"
    assert pins(show(tmp_path, "alpha", "requirements/typing.txt"))["lk1-lib"] == "1.1"
    assert set(pins(show(tmp_path, "alpha", "requirements/dev.txt"))) == {
        "lk1-app",
        "lk1-backport",
        "lk1-lib",
        "lk1-tool",
        "lk1-typing",
    }
    assert recorded_digest(tests_txt)
    clone = tmp_path / "workspace" / "alpha"
    assert git("rev-parse", "eco/lock^", cwd=clone) == git("rev-parse", "origin/main", cwd=clone)
    message = git("log", "-1", "--format=%B", "eco/lock", cwd=clone)
    assert "requirements/tests.txt:\n  (same pins, new input digest)" in message
    assert "requirements/build.txt:\n  + lk1-lib 1.0\n  + lk1-tool 2.0" in message
    head = git("rev-parse", "eco/lock", cwd=clone)

    code, results, err = lock(root)
    assert code == 0, err
    assert set(statuses(results[0]).values()) == {"unchanged"}
    assert results[0]["state"] == "branch up to date"
    assert git("rev-parse", "eco/lock", cwd=clone) == head

    package_index.add("lk1-lib", "1.2")
    code, results, err = lock(root, "--upgrade")
    assert code == 0, err
    assert pins(show(tmp_path, "alpha", "requirements/tests.txt"))["lk1-lib"] == "1.2"
    assert pins(show(tmp_path, "alpha", "requirements/build.txt"))["lk1-lib"] == "1.2"
    changes = {f["target"]: f["changes"] for f in results[0]["files"]}
    assert changes["tests.txt"] == ["lk1-lib 1.0 -> 1.2"]
    assert git("rev-parse", "eco/lock^", cwd=clone) == git("rev-parse", "origin/main", cwd=clone)
    message = git("log", "-1", "--format=%B", "eco/lock", cwd=clone)
    assert "requirements/tests.txt:\n  lk1-lib 1.0 -> 1.2" in message


def _lock_in_process(
    root: Path, workspace: Path, backend: str, **options: Any
) -> tuple[Any, Resolver]:
    registry = load_registry(root / "projects.toml")
    project = registry.projects["alpha"]
    resolver = Resolver(backend)
    request = LockRequest(backend, registry.ecosystem.index_url, **options)
    return lock_project(Workspace(workspace), project, request, resolver), resolver


@pytest.mark.parametrize("backend", ["pip-tools", "uv"])
def test_second_run_starts_no_resolver(
    package_index: PackageIndex, tmp_path: Path, backend: str
) -> None:
    prefix = f"lk2{backend[0]}"
    publish_family(package_index, prefix)
    root = make_world(tmp_path, package_index, {"alpha": requirement_files(prefix)})
    first, resolver = _lock_in_process(root, tmp_path / "ws", backend)
    assert resolver.runs == 4 and first.committed
    again, resolver = _lock_in_process(root, tmp_path / "ws", backend)
    assert resolver.runs == 0
    assert not again.committed and again.commit == first.commit
    # --upgrade-package only re-resolves the files that pin the package.
    package_index.add(f"{prefix}-tool", "2.1")
    upgraded, resolver = _lock_in_process(
        root, tmp_path / "ws", backend, upgrade_packages=(f"{prefix}-tool",)
    )
    assert resolver.runs == 2
    assert {f.target: f.changes for f in upgraded.files if f.resolved} == {
        "build.txt": (f"{prefix}-tool 2.0 -> 2.1",),
        "dev.txt": (f"{prefix}-tool 2.0 -> 2.1",),
    }


def test_both_backends_pin_the_same_versions(package_index: PackageIndex, tmp_path: Path) -> None:
    publish_family(package_index, "lk3")
    files = requirement_files("lk3")
    root = make_world(tmp_path, package_index, {"alpha": files})
    pinned = {}
    for backend in ("pip-tools", "uv"):
        result, _ = _lock_in_process(root, tmp_path / backend, backend)
        clone = tmp_path / backend / "alpha"
        pinned[backend] = {
            name: pins(git("show", f"eco/lock:requirements/{name}", cwd=clone))
            for name in ("tests.txt", "typing.txt", "build.txt", "dev.txt")
        }
        assert result.python == "3.11"
    assert pinned["pip-tools"] == pinned["uv"]
    assert pinned["uv"]["tests.txt"] == {"lk3-app": "1.0", "lk3-backport": "0.5", "lk3-lib": "1.0"}


def test_minimum_python_decides_markers(package_index: PackageIndex, tmp_path: Path) -> None:
    publish_family(package_index, "lk4")
    root = make_world(
        tmp_path,
        package_index,
        {"alpha": {"requirements/tests.in": "lk4-app\n"}},
        python='python = ["3.12", "3.13"]\n',
    )
    result, _ = _lock_in_process(root, tmp_path / "uv", "uv")
    assert result.python == "3.12"
    locked = git("show", "eco/lock:requirements/tests.txt", cwd=tmp_path / "uv" / "alpha")
    assert "Python 3.12" in locked.splitlines()[0]
    assert set(pins(locked)) == {"lk4-app", "lk4-lib"}  # no backport on 3.12
    # pip-compile resolves under the interpreter it runs in, and says which.
    result, resolver = _lock_in_process(root, tmp_path / "pt", "pip-tools")
    locked = git("show", "eco/lock:requirements/tests.txt", cwd=tmp_path / "pt" / "alpha")
    assert f"Python {result.python}" in locked.splitlines()[0]
    assert ("lk4-backport" in pins(locked)) == (result.python == "3.11")
    assert bool(result.notes) == (result.python != "3.12")


@pytest.mark.parametrize("backend", ["pip-tools", "uv"])
def test_unresolvable_fails_only_its_project(
    package_index: PackageIndex, tmp_path: Path, backend: str
) -> None:
    prefix = f"lk5{backend[0]}"
    publish_family(package_index, prefix)
    # The machine's own settings must not leak in: a find-links folder with a wheel
    # that would make the broken project resolvable.
    wheels = tmp_path / "find-links"
    make_wheel(wheels, f"{prefix}-lib", "9.0")
    root = make_world(
        tmp_path,
        package_index,
        {
            "broken": {"requirements/tests.in": f"{prefix}-app\n{prefix}-lib>=9\n"},
            "conflict": {"requirements/tests.in": f"{prefix}-app\n{prefix}-lib<1\n"},
            "fine": {"requirements/tests.in": f"{prefix}-app\n"},
            "empty": {"README.md": "no requirements here\n"},
        },
    )
    proc = run_eco(
        "lock",
        "--backend",
        backend,
        cwd=root,
        env={"PIP_FIND_LINKS": str(wheels), "UV_FIND_LINKS": str(wheels)},
    )
    assert proc.returncode == 1
    assert "lock: 1 in sync, 1 changed, 2 failed" in proc.stderr
    failed = [line for line in proc.stderr.splitlines() if "failed broken" in line]
    assert len(failed) == 1
    assert "requirements/tests.in: cannot resolve" in failed[0]
    assert f"{prefix}-lib>=9" in failed[0]
    # A conflict names both sides: the requirement and the package that wants otherwise.
    (conflict,) = [line for line in proc.stderr.splitlines() if "failed conflict" in line]
    assert f"{prefix}-lib<1" in conflict
    assert f"{prefix}-app" in conflict and f"{prefix}-lib>=1" in conflict
    assert "Traceback" not in proc.stderr
    assert "failed fine" not in proc.stderr
    rows = {line.split()[0]: line.split()[-1] for line in proc.stdout.splitlines() if line}
    assert rows["broken"] == rows["conflict"] == "failed"  # every project has its table row
    assert "fine" in proc.stdout and "committed" in proc.stdout
    assert "no requirements" in proc.stdout
    assert pins(show(tmp_path, "fine", "requirements/tests.txt")) == {
        f"{prefix}-app": "1.0",
        f"{prefix}-backport": "0.5",
        f"{prefix}-lib": "1.1",
    }
    assert git("branch", "--list", "eco/lock", cwd=tmp_path / "workspace" / "broken") == ""


def test_upgrade_and_upgrade_package_exclude_each_other(tmp_path: Path) -> None:
    root = make_ecosystem(tmp_path, copy=()).root
    proc = run_eco("lock", "--upgrade", "--upgrade-package", "flask", cwd=root)
    assert proc.returncode == 2
    assert "use it or --upgrade-package, not both" in proc.stderr
