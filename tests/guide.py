"""Compare what a guide page shows with what its script prints.

A guide page that shows commands is backed by a script in ``docs/maintainer/`` that
creates its starting state and runs them, printing ``== N. title`` before step N. The
page's output blocks (```text, and the output lines of ```console) under its step N
must be what the script printed in step N, with the volatile parts normalised: the
scratch folder, commit SHAs, timings, dates and times of day, column widths. ``…`` on the page skips
lines. A line the page shows that eco wrote to stderr (progress, closing lines) must
appear on stderr; the rest must appear on stdout, contiguous between the skips.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from tests.helpers import REPO

_STEP_HEADER = re.compile(r"^== (\d+)\. ")
_BLOCK = re.compile(r"^( *)```(text|console)\n(.*?)^\1```", re.DOTALL | re.MULTILINE)
_SHA = re.compile(r"\b(?=[0-9a-f]*\d)[0-9a-f]{7,64}\b")
_TIMING = re.compile(r"\(\d+(\.\d+)?s\)")
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_CLOCK = re.compile(r"\b\d{2}:\d{2}\b")
_COUNTER = re.compile(r"^\[\d+/\d+\] ")
_RULE = re.compile(r"-{3,}")
_SPACES = re.compile(r"(?<=\S) {2,}")
# what the package index says depends on the network: PyPI answers, or cannot be reached
_NETWORK = re.compile(r"pypi\.org|cannot reach the package index")


def eco_on_path(tmp_path: Path) -> dict[str, str]:
    """An environment whose ``eco`` runs this checkout's code with this interpreter."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "eco"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m eco "$@"\n')
    shim.chmod(0o755)
    return {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(REPO / "tools"),
    }


def run_script(name: str, tmp_path: Path) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """Run ``docs/maintainer/NAME`` into ``tmp_path/demo`` with this checkout's ``eco`` on
    the PATH; it must exit 0. The demo folder and what the script printed."""
    demo = tmp_path / "demo"
    result = subprocess.run(
        ["bash", str(REPO / "docs" / "maintainer" / name), str(demo)],
        env=eco_on_path(tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return demo, result


def backed_blocks(page: str, first_line: str, shown: Iterable[str]) -> list[list[str]]:
    """The output blocks of ``page`` a script backs, outside its numbered steps: the text
    blocks starting with ``first_line``, then the output under each command of ``shown``
    in its console blocks."""
    backed = [
        block
        for block in page_blocks(page, re.compile(r"(?!)"))[0]
        if block[0].startswith(first_line)
    ]
    wanted = set(shown)
    for raw in console_blocks(page):
        backed += [output for command, output in commands(raw) if command in wanted]
    return backed


def mismatches(
    backed: list[list[str]],
    printed: dict[int, list[str]],
    stderr: str,
    folder: Path,
    shown_folder: str,
) -> list[str]:
    """Why each of the ``backed`` blocks is not what the script printed (none: all are),
    ``folder`` shown on the page as ``shown_folder``."""

    def shown(lines: Iterable[str]) -> list[str]:
        return [normalise(line, str(folder), shown_folder) for line in lines]

    out = shown(line for step in printed.values() for line in step)
    err = shown(stderr.splitlines())
    found = (mismatch(shown(block), out, err) for block in backed)
    return [problem for problem in found if problem is not None]


def normalise(line: str, folder: str, shown_folder: str) -> str:
    """One line with its volatile parts replaced by placeholders."""
    line = line.replace(folder, shown_folder).rstrip()
    line = _SHA.sub("<sha>", line)
    line = _TIMING.sub("(<time>)", line)
    line = _DATE.sub("<date>", line)
    line = _CLOCK.sub("<hh:mm>", line)
    line = _COUNTER.sub("[n/m] ", line)
    line = _RULE.sub("---", line)
    return _SPACES.sub("  ", line)


def script_steps(stdout: str) -> dict[int, list[str]]:
    """The script's stdout split at its ``== N.`` headers."""
    steps: dict[int, list[str]] = {}
    current: list[str] = []
    for line in stdout.splitlines():
        match = _STEP_HEADER.match(line)
        if match:
            current = steps.setdefault(int(match.group(1)), [])
        else:
            current.append(line)
    return steps


def page_blocks(page: str, step: re.Pattern[str]) -> dict[int, list[list[str]]]:
    """The output blocks of a page by step number; ``step`` matches a step's first line."""
    blocks: dict[int, list[list[str]]] = {}
    number = 0
    position = 0
    for match in _BLOCK.finditer(page):
        for line in page[position : match.start()].splitlines():
            found = step.match(line)
            if found:
                number = int(found.group(1))
        position = match.end()
        indent = len(match.group(1))
        lines = [line[indent:] for line in match.group(3).splitlines()]
        if match.group(2) == "console":
            lines = [line for line in lines if not line.startswith("$ ")]
        if lines:
            blocks.setdefault(number, []).append(lines)
    return blocks


def console_blocks(page: str) -> list[list[str]]:
    """Every ```console block of a page, commands and output, unindented."""
    return [
        [line[len(match.group(1)) :] for line in match.group(3).splitlines()]
        for match in _BLOCK.finditer(page)
        if match.group(2) == "console"
    ]


def commands(block: list[str]) -> list[tuple[str, list[str]]]:
    """The ``$ command`` lines of a console block, each with the output shown under it."""
    found: list[tuple[str, list[str]]] = []
    for line in block:
        if line.startswith("$ "):
            found.append((line[2:], []))
        elif found:
            found[-1][1].append(line)
    return found


def _find(chunk: list[str], lines: list[str], start: int) -> int:
    """Where ``chunk`` appears contiguously in ``lines`` at or after ``start``; -1 if not."""
    for index in range(start, len(lines) - len(chunk) + 1):
        if lines[index : index + len(chunk)] == chunk:
            return index
    return -1


def mismatch(block: list[str], stdout: Iterable[str], stderr: Iterable[str]) -> str | None:
    """Why ``block`` (already normalised) is not what was printed; ``None`` when it is."""
    errors = {line for line in stderr if not _NETWORK.search(line)}
    out = [line for line in stdout if not _NETWORK.search(line)]
    chunks: list[list[str]] = [[]]
    for line in block:
        if line.strip() == "…":
            chunks.append([])
        elif _NETWORK.search(line) or line in errors:
            continue
        else:
            chunks[-1].append(line)
    position = 0
    for chunk in chunks:
        if not chunk:
            continue
        found = _find(chunk, out, position)
        if found < 0:
            return "not printed (in this order):\n" + "\n".join(chunk)
        position = found + len(chunk)
    return None
