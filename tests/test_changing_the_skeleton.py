"""The "changing the skeleton" page runs as written: docs/maintainer/changing-the-skeleton.sh
makes its starting state and runs its commands; the page shows what the script prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import guide
from tests.helpers import git
from tests.helpers import REPO

PAGE = REPO / "docs" / "maintainer" / "changing-the-skeleton.md"


@pytest.mark.slow
def test_changing_the_skeleton_page(tmp_path: Path) -> None:
    demo, result = guide.run_script("changing-the-skeleton.sh", tmp_path)
    printed = guide.script_steps(result.stdout)
    assert sorted(printed) == list(range(7))
    world = demo / "projects" / "flask-world"
    # the change reached both projects and both merged it; flask-world kept its own line
    assert not (world / "pytest.ini").exists()
    assert "pytest-mock\npytest-timeout\n" in (world / "requirements" / "tests.in").read_text()
    assert git("status", "--porcelain", cwd=demo / "eco") == ""

    page = PAGE.read_text().split("## Changing the reusable workflows")[0]
    blocks = guide.page_blocks(page, re.compile(r"^## (\d+)\. "))
    assert sorted(blocks) == [2, 3, 4, 5, 6]

    def shown(lines: list[str]) -> list[str]:
        return [guide.normalise(line, str(demo), "/tmp/eco-demo") for line in lines]

    stderr = shown(result.stderr.splitlines())
    for number, step_blocks in blocks.items():
        for block in step_blocks:
            problem = guide.mismatch(shown(block), shown(printed[number]), stderr)
            assert problem is None, f"step {number}: {problem}"
