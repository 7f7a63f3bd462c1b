"""The examples of docs/maintainer/sync.md are what docs/maintainer/sync.sh prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import guide
from tests.helpers import REPO

PAGE = REPO / "docs" / "maintainer" / "sync.md"
# the commands the script runs whose output the page shows, beside the commit message
COMMANDS = ("eco sync --dry-run flask-hello", "eco check --by-file")


@pytest.mark.slow
def test_the_sync_page_shows_what_its_script_prints(tmp_path: Path) -> None:
    demo, result = guide.run_script("sync.sh", tmp_path)
    printed = guide.script_steps(result.stdout)
    assert sorted(printed) == [0, 1, 2, 3]
    # the commit message (a text block), then the output under each backed command
    backed = guide.backed_blocks(PAGE.read_text(), "eco sync: scratch skeleton at", COMMANDS)
    assert len(backed) == 3
    assert guide.mismatches(backed, printed, result.stderr, demo, "/tmp/eco-demo") == []
