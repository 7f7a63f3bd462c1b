"""What eco prints and how: progress on stderr, colour only where wanted, a pager for long text.

Every command and capability writes through this one layer, so they all behave alike:

- **progress** (:func:`progress`, :func:`step`) goes to stderr, one plain line per step or
  finished project; ``-q/--quiet`` silences it. Results go to stdout and are never
  silenced.
- **colour** only when the stream is a terminal and ``NO_COLOR`` is unset or empty
  (https://no-color.org); ``--color always`` or ``never`` overrides both.
- **a pager** (``$PAGER``, else ``less -R``) for text taller than the terminal, only when
  stdout is a terminal and ``--no-pager`` was not given.

Built on click's own helpers (``click.style``, ``click.echo``, ``click.echo_via_pager``):
no second terminal library to import at start-up.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TextIO

import click

from eco.secrets import scrub

COLORS = ("auto", "always", "never")

# The statuses every command reports, in text, JSON and Markdown alike (the glossary is in
# docs/maintainer/command-line.md). The colour says whether a person must act.
STATUS_COLORS: dict[str, str] = {
    "ok": "green",
    "in sync": "green",
    "changed": "green",
    "would change": "yellow",
    "drift": "yellow",
    "skipped": "bright_black",
    "conflict": "red",
    "failed": "red",
}
STATUSES = tuple(STATUS_COLORS)


@dataclass
class Settings:
    """What the global options chose; one per process, set by :func:`configure`."""

    color: str = "auto"
    quiet: bool = False
    pager: bool = True


settings = Settings()
_write_lock = threading.Lock()
_local = threading.local()  # the project a worker thread works on, to prefix its steps


def configure(
    *, color: str | None = None, quiet: bool | None = None, pager: bool | None = None
) -> None:
    """Apply the global options; ``None`` keeps the current value."""
    if color is not None:
        if color not in COLORS:
            raise ValueError(f"color must be one of {', '.join(COLORS)}, not {color!r}")
        settings.color = color
    if quiet is not None:
        settings.quiet = quiet
    if pager is not None:
        settings.pager = pager


def reset() -> None:
    """Back to the defaults (each ``eco`` invocation starts from them)."""
    configure(color="auto", quiet=False, pager=True)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream is no terminal
        return False


def color_for(stream: TextIO) -> bool:
    """Whether text for ``stream`` gets escape codes."""
    if settings.color == "always":
        return True
    if settings.color == "never" or os.environ.get("NO_COLOR"):
        return False
    return _isatty(stream)


def status(word: str, stream: TextIO | None = None) -> str:
    """``word`` of the status vocabulary, coloured when ``stream`` (stdout) gets colour."""
    if not color_for(stream or sys.stdout):
        return word
    fg = STATUS_COLORS.get(word)
    return click.style(word, fg=fg, bold=word in ("conflict", "failed")) if fg else word


def echo(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Print ``text``; escape codes in it are kept only where colour is wanted."""
    stream = sys.stderr if err else sys.stdout
    with _write_lock:
        click.echo(text, file=stream, nl=nl, color=color_for(stream))


def page(text: str) -> None:
    """Print ``text`` on stdout, through a pager when it is taller than the terminal."""
    stream = sys.stdout
    tall = text.count("\n") + 1 > shutil.get_terminal_size().lines - 1
    if settings.pager and tall and _isatty(stream) and _isatty(sys.stdin):
        click.echo_via_pager(text, color=color_for(stream))
    else:
        echo(text, nl=not text.endswith("\n"))


# --- progress -------------------------------------------------------------------------


def note(text: str, stream: TextIO | None = None) -> None:
    """One progress line on stderr (or ``stream``), silenced by ``--quiet``, prefixed by
    the current project when a multi-project run works on one in this thread."""
    if settings.quiet:
        return
    project = getattr(_local, "project", None)
    line = scrub(f"{project}: {text}" if project else text)
    target = stream if stream is not None else sys.stderr
    with _write_lock:
        click.echo(line, file=target, color=color_for(target))


@contextmanager
def working_on(project: str | None) -> Iterator[None]:
    """Within the block, this thread's progress lines name ``project``."""
    previous = getattr(_local, "project", None)
    _local.project = project
    try:
        yield
    finally:
        _local.project = previous


@contextmanager
def step(what: str, *, in_runs: bool = True) -> Iterator[None]:
    """Say ``what`` is starting (so long work is never silent); a failure says so.

    ``in_runs=False``: a step every project of a multi-project run takes (a fetch), said
    only when one project is worked on; the run's per-project lines cover it otherwise.
    """
    if not in_runs and getattr(_local, "project", None) is not None:
        yield
        return
    note(f"{what} ...")
    start = time.perf_counter()
    try:
        yield
    except BaseException:
        note(f"{what}: {status('failed', sys.stderr)} ({time.perf_counter() - start:.1f}s)")
        raise


class Progress:
    """Per-project progress of a multi-project run: a first line saying what starts, then
    one line per finished project with its status, ``[done/total]``."""

    def __init__(self, label: str, total: int, jobs: int, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.stream = stream
        self._lock = threading.Lock()
        if total > 1:
            at_once = f", {min(jobs, total)} at a time" if jobs > 1 else ""
            note(f"{label + ': ' if label else ''}{total} projects{at_once}", stream)

    def finished(self, project: str, word: str, seconds: float) -> None:
        with self._lock:
            self.done += 1
            if self.total <= 1 and word in ("ok", "in sync", "changed"):
                return  # a one-project run: its result says it all
            prefix = f"{self.label}: " if self.label else ""
            coloured = status(word, self.stream or sys.stderr)
            line = f"[{self.done}/{self.total}] {prefix}{project} {coloured} ({seconds:.2f}s)"
            note(line, self.stream)
