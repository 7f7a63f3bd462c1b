"""End to end: `eco python apply` changes the registry, `eco sync` carries it into projects.

Projects are made by `eco init` from the real skeleton, so the five places are the ones
the templates render; merging each sync branch (what a maintainer does with the pull
request) leaves `eco python status` clean.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from eco.python.releases import RELEASES_FILE
from tests.helpers import git
from tests.helpers import make_ecosystem
from tests.helpers import REPO
from tests.helpers import run_eco

OLD = '["3.9", "3.10", "3.11", "3.12", "3.13"]'
DAY = "2026-05-01"  # 3.9 is past end of life + 6 months; 3.14 is out


def _status(root: Path) -> tuple[int, dict[str, Any]]:
    proc = run_eco("python", "status", "--date", DAY, "--format", "json", cwd=root)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def _ok(proc: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


@pytest.mark.slow
def test_apply_then_sync_brings_every_project_in_line(tmp_path: Path) -> None:
    eco = make_ecosystem(tmp_path)
    shutil.copy(REPO / RELEASES_FILE, eco.root / RELEASES_FILE)
    registry = eco.root / "projects.toml"
    registry.write_text(registry.read_text().replace('["3.11", "3.12", "3.13"]', OLD))
    tables = "".join(
        f'\n[projects.{name}]\nurl = "{tmp_path}/remotes/{name}.git"\n'
        for name in ("alpha", "beta")
    )
    # beta also tests the free-threaded build
    tables += 'python = ["3.9", "3.10", "3.11", "3.12", "3.13", "3.13t"]\n'
    registry.write_text(registry.read_text() + tables)
    eco.commit("support 3.9-3.13; register alpha and beta")
    for name in ("alpha", "beta"):
        # eco init renders the registered project; its bare clone is the project's remote.
        seed = tmp_path / "seed" / name
        _ok(run_eco("init", name, "--path", str(seed), cwd=eco.root))
        git("clone", "-q", "--bare", str(seed), f"remotes/{name}.git", cwd=tmp_path)

    code, data = _status(eco.root)
    assert code == 1
    assert [f["kind"] + " " + f["version"] for f in data["ecosystem"]] == ["drop 3.9", "add 3.14"]
    for project in data["projects"]:
        assert project["files"] == []  # as rendered by init: consistent with the registry
        assert project["places"]["requires-python"] == ">=3.9"

    applied = _ok(run_eco("python", "apply", "--date", DAY, cwd=eco.root))
    assert "projects.beta.python: 3.9-3.13,3.13t -> 3.10-3.14,3.13t" in applied.stdout
    eco.commit("eco python apply")

    code, data = _status(eco.root)
    assert code == 1 and data["ecosystem"] == []
    for project in data["projects"]:
        assert project["policy"] == []
        assert (
            "requires-python '>=3.9' allows 3.9 as the minimum, expected 3.10" in (project["files"])
        )

    synced = run_eco("sync", cwd=eco.root)
    assert synced.returncode == 0, synced.stdout + synced.stderr
    workspace = tmp_path / "workspace"
    for name in ("alpha", "beta"):
        clone = workspace / name
        changed = git("diff", "--name-only", "origin/main", "eco/sync", cwd=clone).split()
        assert {"pyproject.toml", ".github/workflows/tests.yaml"} <= set(changed)
        # The maintainer merges the pull request.
        git("push", "-q", "origin", "eco/sync:main", cwd=clone)
    workflow = git("show", "main:.github/workflows/tests.yaml", cwd=tmp_path / "remotes/beta.git")
    assert '"3.13t"' in workflow and '"3.14"' in workflow and '"3.9"' not in workflow

    code, data = _status(eco.root)
    assert code == 0, data
    for project in data["projects"]:
        assert project["files"] == [] and project["policy"] == []
        assert project["places"]["requires-python"] == ">=3.10"
        assert project["places"]["mypy-python-version"] == "3.10"
        assert project["places"]["ci"][-1] in ("3.14", "3.13t")
