"""The "adding a project" walkthrough (docs/maintainer/adopt.sh) runs as written, offline."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.helpers import git
from tests.helpers import REPO
from tests.test_walkthrough import _eco_on_path


@pytest.mark.slow
def test_adopt_walkthrough(tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    result = subprocess.run(
        ["bash", str(REPO / "docs" / "maintainer" / "adopt.sh"), str(demo)],
        env=_eco_on_path(tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    steps = [line for line in result.stdout.splitlines() if line.startswith("== ")]
    assert [s.split(".")[0] for s in steps] == [f"== {n}" for n in range(1, 9)]
    # eco add wrote the facts the project states, not the ecosystem's defaults.
    registry = tomllib.loads((demo / "eco" / "projects.toml").read_text())
    entry = registry["projects"]["flask-greeter"]
    assert entry["vars"] == {"license": "MIT", "docs_format": "rst"}
    assert (entry["readme"], entry["generation"], entry["tag-style"]) == (
        "README.rst",
        "uv",
        "vX.Y.Z",
    )
    assert entry["python"] == ["3.11", "3.12", "3.13"]
    assert entry["tests"]["services"] == {"redis": {"image": "redis:7-alpine", "port": 6379}}
    assert "dry run: projects.toml not written" in result.stdout
    # The adoption branch reached the project's remote, with the project's own files kept.
    remote = demo / "projects" / "flask-greeter.git"
    assert git("show", "eco/sync:LICENSE.txt", cwd=remote).startswith("MIT License")
    assert git("show", "eco/sync:CHANGES.rst", cwd=remote) == git(
        "show", "main:CHANGES.rst", cwd=remote
    )
    assert git("show", "eco/sync:.eco.toml", cwd=remote)
