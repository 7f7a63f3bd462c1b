"""``eco lock`` for the uv generation: ``uv lock`` against the local package index, skipped
when its inputs are unchanged, committed onto ``eco/lock`` like a pip-tools lock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from eco.errors import EcoError
from eco.lock.project import lock_project
from eco.lock.project import LockRequest
from eco.lock.project import ProjectLock
from eco.lock.requirements import recorded_digest
from eco.lock.resolvers import Resolver
from eco.lock.uv_lock import lock_pins
from eco.registry import load_registry
from eco.workspace import Workspace
from tests.helpers import git
from tests.helpers import make_bare_repo
from tests.helpers import make_ecosystem
from tests.helpers import run_eco
from tests.package_index import PackageIndex

pytestmark = pytest.mark.slow


def pyproject(prefix: str, *, extra: str = "") -> str:
    """A uv-generation project: a runtime dependency, groups that include each other."""
    return f"""\
[project]
name = "{prefix}-proj"
version = "1.0.dev"
requires-python = ">=3.11"
dependencies = ["{prefix}-app"]

[dependency-groups]
tests = ["{prefix}-tool"]
typing = ["{prefix}-typing"]
dev = [{{ include-group = "tests" }}, {{ include-group = "typing" }}]

[build-system]
requires = ["flit_core>=3.11,<4"]
build-backend = "flit_core.buildapi"
{extra}"""


def publish(index: PackageIndex, prefix: str) -> None:
    index.add(f"{prefix}-app", "1.0", [f"{prefix}-lib>=1"])
    index.add(f"{prefix}-lib", "1.0")
    index.add(f"{prefix}-tool", "2.0")
    index.add(f"{prefix}-typing", "0.9", [f"{prefix}-lib"])


def world(tmp_path: Path, index: PackageIndex, files: Mapping[str, Mapping[str, str]]) -> Path:
    entries = ""
    for name, content in files.items():
        bare = make_bare_repo(tmp_path, name, content)
        entries += f'\n[projects.{name}]\nurl = "{bare}"\ngeneration = "uv"\n'
    eco = make_ecosystem(tmp_path, entries, copy=())
    eco.use_index(index.url)
    return eco.root


def lock_in_process(
    root: Path,
    workspace: Path,
    name: str = "alpha",
    resolver: Resolver | None = None,
    env: Mapping[str, str] | None = None,
    **options: Any,
) -> tuple[ProjectLock, Resolver]:
    registry = load_registry(root / "projects.toml")
    resolver = resolver or Resolver("pip-tools")  # the backend does not matter for uv.lock
    request = LockRequest("pip-tools", registry.ecosystem.index_url, **options)
    project = registry.projects[name]
    return lock_project(Workspace(workspace), project, request, resolver, env=env), resolver


def test_uv_lock_then_nothing_then_upgrade(package_index: PackageIndex, tmp_path: Path) -> None:
    publish(package_index, "uvl1")
    root = world(tmp_path, package_index, {"alpha": {"pyproject.toml": pyproject("uvl1")}})
    first, resolver = lock_in_process(root, tmp_path / "ws")
    assert resolver.runs == 1 and first.committed and first.state == "committed"
    clone = tmp_path / "ws" / "alpha"
    locked = git("show", "eco/lock:uv.lock", cwd=clone) + "\n"
    assert recorded_digest(locked)
    assert lock_pins(locked) == {
        "uvl1-app": "1.0",
        "uvl1-lib": "1.0",
        "uvl1-tool": "2.0",
        "uvl1-typing": "0.9",
    }
    assert git("rev-parse", "eco/lock^", cwd=clone) == git("rev-parse", "origin/main", cwd=clone)
    message = git("log", "-1", "--format=%B", "eco/lock", cwd=clone)
    assert "uv.lock:\n  + uvl1-app 1.0\n  + uvl1-lib 1.0" in message
    assert [f.status for f in first.files] == ["created"]

    # Nothing changed: uv is not run, the branch stays as it is.
    again, resolver = lock_in_process(root, tmp_path / "ws")
    assert resolver.runs == 0
    assert not again.committed and again.commit == first.commit
    assert again.state == "branch up to date"
    assert [f.status for f in again.files] == ["unchanged"]

    # --upgrade-package of a package the lock does not pin: nothing to do.
    skipped, resolver = lock_in_process(root, tmp_path / "ws", upgrade_packages=("nothing",))
    assert resolver.runs == 0
    # A newer tool: only asking for it re-runs uv, and the lock moves.
    package_index.add("uvl1-tool", "2.1")
    upgraded, resolver = lock_in_process(root, tmp_path / "ws", upgrade_packages=("uvl1-tool",))
    assert resolver.runs == 1 and upgraded.committed
    assert upgraded.files[0].changes == ("uvl1-tool 2.0 -> 2.1",)
    assert lock_pins(git("show", "eco/lock:uv.lock", cwd=clone))["uvl1-tool"] == "2.1"

    # The lock uv wrote is one uv itself accepts as current (uv lock --check).
    checkout = tmp_path / "checkout"
    git("clone", "-q", "-b", "eco/lock", str(clone), str(checkout), cwd=tmp_path)
    check = subprocess.run(
        [str(Path(sys.executable).with_name("uv")), "lock", "--check", "--no-config"]
        + ["--default-index", package_index.url, "--offline"],
        cwd=checkout,
        env=package_index.env(),
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr


def test_a_changed_pyproject_is_locked_again(package_index: PackageIndex, tmp_path: Path) -> None:
    publish(package_index, "uvl2")
    root = world(tmp_path, package_index, {"alpha": {"pyproject.toml": pyproject("uvl2")}})
    first, resolver = lock_in_process(root, tmp_path / "ws")
    assert resolver.runs == 1
    # The maintainer merges the lock and adds a test dependency.
    bare = tmp_path / "remotes" / "alpha.git"
    work = tmp_path / "edit"
    git("clone", "-q", str(bare), str(work), cwd=tmp_path)
    git("fetch", "-q", str(tmp_path / "ws" / "alpha"), "eco/lock", cwd=work)
    git("merge", "-q", "--ff-only", "FETCH_HEAD", cwd=work)
    text = (work / "pyproject.toml").read_text()
    (work / "pyproject.toml").write_text(
        text.replace('tests = ["uvl2-tool"]', 'tests = ["uvl2-tool", "uvl2-lib"]')
    )
    git("commit", "-q", "-am", "test with lib", cwd=work)
    git("push", "-q", "origin", "HEAD:main", cwd=work)
    second, resolver = lock_in_process(root, tmp_path / "ws")
    assert resolver.runs == 1
    # The same pins (lib was already locked), a new input digest.
    assert second.files[0].status == "updated" and second.files[0].changes == ()
    assert second.committed


def test_project_chosen_index_is_refused(package_index: PackageIndex, tmp_path: Path) -> None:
    publish(package_index, "uvl3")
    evil = '\n[[tool.uv.index]]\nname = "elsewhere"\nurl = "https://example.invalid/simple"\n'
    root = world(
        tmp_path,
        package_index,
        {
            "alpha": {"pyproject.toml": pyproject("uvl3", extra=evil)},
            "beta": {"pyproject.toml": pyproject("uvl3")},
        },
    )
    resolver = Resolver("pip-tools")
    with pytest.raises(EcoError, match=r"pyproject.toml:\d+: \[tool.uv\] index is refused"):
        lock_in_process(root, tmp_path / "ws", resolver=resolver)
    assert resolver.runs == 0
    # On the command line: that project fails, named; the other is locked.
    proc = run_eco("lock", "--format", "json", cwd=root)
    assert proc.returncode == 1, proc.stderr
    results = {p["project"]: p for p in json.loads(proc.stdout)["projects"]}
    assert not results["alpha"]["ok"] and "[tool.uv] index" in results["alpha"]["error"]
    assert results["beta"]["ok"] and results["beta"]["files"][0]["target"] == "uv.lock"


def test_uv_lock_runs_without_tokens(package_index: PackageIndex, tmp_path: Path) -> None:
    publish(package_index, "uvl4")
    root = world(tmp_path, package_index, {"alpha": {"pyproject.toml": pyproject("uvl4")}})
    seen: list[tuple[list[str], dict[str, str]]] = []

    def recording(
        args: Sequence[str], cwd: Path, env: Mapping[str, str]
    ) -> subprocess.CompletedProcess[str]:
        seen.append((list(args), dict(env)))
        return subprocess.run(list(args), cwd=cwd, env=dict(env), capture_output=True, text=True)

    token = "ghp_" + "x" * 36
    env = {**os.environ, "GITHUB_TOKEN": token, "ECO_GITHUB_APP_KEY": "k" * 40}
    result, _ = lock_in_process(root, tmp_path / "ws", resolver=Resolver("uv", recording), env=env)
    assert result.committed
    ((args, used),) = seen
    assert args[1] == "lock" and "--default-index" in args and package_index.url in args
    assert "GITHUB_TOKEN" not in used and "ECO_GITHUB_APP_KEY" not in used
    assert token not in json.dumps(used)
    assert used["UV_NO_CONFIG"] == "1"
