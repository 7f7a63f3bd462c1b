"""The offline triage demo runs, and docs/maintainer/triage.md shows what it prints.

Every console block of the page whose commands are eco's runs against a fresh demo
(the seeded test GitHub server and a scratch ecosystem, ``tests/triage_demo.py``), its
commands in order, and each command's output on the page is compared with what eco
printed.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests import guide
from tests.helpers import REPO
from tests.triage_demo import Demo
from tests.triage_demo import main

PAGE = REPO / "docs" / "maintainer" / "triage.md"

pytestmark = pytest.mark.slow


def examples() -> list[list[tuple[str, list[str]]]]:
    blocks = [guide.commands(block) for block in guide.console_blocks(PAGE.read_text())]
    return [block for block in blocks if block and block[0][0].startswith("eco ")]


def test_the_page_runs_triage_close_and_labels() -> None:
    shown = {" ".join(command.split()[:2]) for block in examples() for command, _ in block}
    assert shown == {"eco triage", "eco labels"}
    assert any("close" in command for block in examples() for command, _ in block)


@pytest.mark.parametrize("block", examples(), ids=lambda block: block[-1][0][:50])
def test_the_page_shows_what_the_demo_prints(
    block: list[tuple[str, list[str]]], tmp_path: Path
) -> None:
    demo = Demo(tmp_path)
    try:
        for command, output in block:
            result = demo.run(*shlex.split(command)[1:])
            assert result.returncode == 0, result.stderr

            def shown(lines: list[str]) -> list[str]:
                return [guide.normalise(line, str(tmp_path), "/tmp") for line in lines]

            problem = guide.mismatch(
                shown(output),
                shown(result.stdout.splitlines()),
                shown(result.stderr.splitlines()),
            )
            assert problem is None, f"{command}: {problem}"
    finally:
        demo.stop()


def test_the_demo_entry_point_runs_eco_triage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out, err = capsys.readouterr()
    assert "Needs reply (3)" in out and "triage: 2 ok, 0 failed" in err
