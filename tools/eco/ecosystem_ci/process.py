"""Run one process of project code under a time limit, its whole process group killed when
the limit passes (a test suite's own children go with it)."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Finished:
    returncode: int | None  # None: killed at the time limit
    output: str  # stdout and stderr, interleaved

    @property
    def timed_out(self) -> bool:
        return self.returncode is None


def run_limited(args: Sequence[str], cwd: Path, env: Mapping[str, str], timeout: float) -> Finished:
    """Run ``args``; past ``timeout`` seconds kill its process group (``returncode`` None)."""
    with subprocess.Popen(
        list(args),
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        start_new_session=True,
    ) as proc:
        try:
            output, _ = proc.communicate(timeout=max(timeout, 0.1))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            output, _ = proc.communicate()
            return Finished(None, output)
        return Finished(proc.returncode, output)


def last_lines(output: str, count: int = 3) -> str:
    """The last non-empty lines of a process's output, joined: a failure's reason."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return " | ".join(lines[-count:]) or "no output"
