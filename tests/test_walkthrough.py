"""The getting-started walkthrough runs as written, in order, on local git repositories,
and prints what docs/maintainer/getting-started.md shows for each step."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import guide
from tests.helpers import git
from tests.helpers import REPO


@pytest.mark.slow
def test_quickstart_walkthrough(tmp_path: Path) -> None:
    demo, result = guide.run_script("quickstart.sh", tmp_path)
    # Every step ran, in order.
    steps = [line for line in result.stdout.splitlines() if line.startswith("== ")]
    assert [s.split(".")[0] for s in steps] == [f"== {n}" for n in range(1, 10)]
    hello = demo / "projects" / "flask-hello"
    world = demo / "projects" / "flask-world"
    # The template change reached both projects as a sync branch; one was merged.
    for project in (hello, world):
        assert "[Makefile]" in git("show", "eco/sync:.editorconfig", cwd=project)
    assert "[Makefile]" in (hello / ".editorconfig").read_text()
    assert "[Makefile]" not in (world / ".editorconfig").read_text()
    # The dry-run release changed nothing: no tag, no release branch, still .dev.
    assert git("tag", cwd=hello) == ""
    assert "release-" not in git("branch", "--list", cwd=hello)
    assert ".dev" in (hello / "pyproject.toml").read_text()
    # What the page shows for each step is what the script printed there.
    page = (REPO / "docs" / "maintainer" / "getting-started.md").read_text()
    walkthrough = page.split("What each step shows", 1)[1].split("## Keep going by hand")[0]
    blocks = guide.page_blocks(walkthrough, re.compile(r"^(\d+)\. \*\*"))
    assert sorted(blocks) == [2, 3, 5, 6, 7, 8, 9]

    def shown(lines: list[str]) -> list[str]:
        return [guide.normalise(line, str(demo), "/tmp/eco-quickstart") for line in lines]

    printed = guide.script_steps(result.stdout)
    stderr = shown(result.stderr.splitlines())
    for number, step_blocks in blocks.items():
        for block in step_blocks:
            problem = guide.mismatch(shown(block), shown(printed[number]), stderr)
            assert problem is None, f"step {number}: {problem}"
