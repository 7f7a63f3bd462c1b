"""The examples of docs/maintainer/sync.md are what docs/maintainer/sync.sh prints."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests import guide
from tests.helpers import REPO

PAGE = REPO / "docs" / "maintainer" / "sync.md"
# the commands the script runs whose output the page shows, beside the commit message
COMMANDS = ("eco sync --dry-run flask-hello", "eco check --by-file")


@pytest.mark.slow
def test_the_sync_page_shows_what_its_script_prints(tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    result = subprocess.run(
        ["bash", str(REPO / "docs" / "maintainer" / "sync.sh"), str(demo)],
        env=guide.eco_on_path(tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    printed = guide.script_steps(result.stdout)
    assert sorted(printed) == [0, 1, 2, 3]
    page = PAGE.read_text()
    # the commit message (a text block), then the output under each backed command
    backed = [
        block
        for block in guide.page_blocks(page, re.compile(r"(?!)"))[0]
        if block[0].startswith("eco sync: scratch skeleton at")
    ]
    for raw in guide.console_blocks(page):
        backed += [output for command, output in guide.commands(raw) if command in COMMANDS]
    assert len(backed) == 3

    def shown(lines: list[str]) -> list[str]:
        return [guide.normalise(line, str(demo), "/tmp/eco-demo") for line in lines]

    stdout = shown([line for step in printed.values() for line in step])
    stderr = shown(result.stderr.splitlines())
    for block in backed:
        problem = guide.mismatch(shown(block), stdout, stderr)
        assert problem is None, problem
