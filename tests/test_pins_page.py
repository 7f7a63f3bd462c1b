"""docs/maintainer/workflows.md's `eco pins update` example is what eco prints in the
test suite's pins scenario (tests/test_pins.py: three action repositories with releases,
served by the local GitHub API server, and a scratch monorepo using them)."""

from __future__ import annotations

import shlex
from pathlib import Path

from tests import guide
from tests.github_server.core import GitHubServer
from tests.helpers import REPO
from tests.test_pins import actions  # noqa: F401  (fixtures the scenario is made of)
from tests.test_pins import eco
from tests.test_pins import ecosystem  # noqa: F401
from tests.test_pins import releases  # noqa: F401

pytest_plugins = ["tests.github_server.fixtures"]

PAGE = REPO / "docs" / "maintainer" / "workflows.md"


def test_the_pins_update_example_is_what_eco_prints(
    github_server: GitHubServer,
    ecosystem: Path,  # noqa: F811
) -> None:
    blocks = [
        guide.commands(block)
        for block in guide.console_blocks(PAGE.read_text())
        if block[0].startswith("$ eco pins update")
    ]
    assert len(blocks) == 1 and len(blocks[0]) == 3
    for command, output in blocks[0]:
        result = eco(github_server, ecosystem, *shlex.split(command)[2:])
        assert result.returncode == 0, result.stderr
        problem = guide.mismatch(
            [guide.normalise(line, "", "") for line in output],
            [guide.normalise(line, "", "") for line in result.stdout.splitlines()],
            [guide.normalise(line, "", "") for line in result.stderr.splitlines()],
        )
        assert problem is None, f"{command}: {problem}"
