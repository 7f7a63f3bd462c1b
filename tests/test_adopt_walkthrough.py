"""The "adding a project" walkthrough (docs/maintainer/adopt.sh) runs as written, offline,
and docs/maintainer/adding-a-project.md shows what it prints."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from tests import guide
from tests.helpers import git
from tests.helpers import REPO

PAGE = REPO / "docs" / "maintainer" / "adding-a-project.md"
# the page's sections: its walkthrough (steps 1-5), "A new extension" (no output shown),
# and the registry reference, whose examples are the script's step 6
NEW_EXTENSION = "## A new extension"
REGISTRY = "## The registry: every key"


@pytest.mark.slow
def test_adopt_walkthrough(tmp_path: Path) -> None:
    demo, result = guide.run_script("adopt.sh", tmp_path)
    printed = guide.script_steps(result.stdout)
    assert sorted(printed) == list(range(7))
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
    # The adoption reached the project's remote (merged there by the script), with the
    # project's own files kept.
    remote = demo / "projects" / "flask-greeter.git"
    assert git("show", "eco/sync:LICENSE.txt", cwd=remote).startswith("MIT License")
    assert git("show", "eco/sync:CHANGES.rst", cwd=remote) == git(
        "show", "main~1:CHANGES.rst", cwd=remote
    )
    assert git("show", "eco/sync:.eco.toml", cwd=remote)

    page = PAGE.read_text()
    walkthrough, _, rest = page.partition(NEW_EXTENSION)
    reference = rest.partition(REGISTRY)[2]
    blocks = guide.page_blocks(walkthrough, re.compile(r"^### (\d+)\. "))
    assert sorted(blocks) == [1, 2, 3, 4, 5]
    assert not guide.page_blocks(rest.partition(REGISTRY)[0], re.compile(r"(?!)"))
    blocks[6] = guide.page_blocks(reference, re.compile(r"(?!)"))[0]
    assert len(blocks[6]) == 2
    # every output block of the walkthrough is compared: none is left out by accident
    assert sum(len(found) for found in blocks.values()) == len(
        [b for b in guide.console_blocks(page) if any(not line.startswith("$ ") for line in b)]
    )

    def shown(lines: list[str]) -> list[str]:
        return [guide.normalise(line, str(demo), "/tmp/eco-adopt") for line in lines]

    stderr = shown(result.stderr.splitlines())
    for number, step_blocks in blocks.items():
        for block in step_blocks:
            problem = guide.mismatch(shown(block), shown(printed[number]), stderr)
            assert problem is None, f"step {number}: {problem}"
