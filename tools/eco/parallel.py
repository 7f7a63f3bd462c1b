"""Run one function per project in parallel: progress, isolated failures, a summary.

Every multi-project command goes through :func:`run_each`, so they all behave alike:
``--jobs N`` workers, a progress line per finished project on stderr, an exception in
one project recorded as that project's failure (the others go on), and a summary at
the end from which the CLI derives its exit status.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from collections.abc import Sequence
from concurrent.futures import as_completed
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic
from typing import TextIO
from typing import TypeVar

from eco.errors import EcoError
from eco.registry import Project
from eco.secrets import scrub

T = TypeVar("T")


@dataclass
class Outcome(Generic[T]):
    project: Project
    value: T | None = None
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


def default_jobs() -> int:
    import os

    return min(8, (os.cpu_count() or 2) * 2)


def run_each(
    projects: Sequence[Project],
    work: Callable[[Project], T],
    *,
    jobs: int | None = None,
    progress: TextIO | None = None,
    label: str = "",
) -> list[Outcome[T]]:
    """Call ``work(project)`` for each project with ``jobs`` threads.

    Results come back in the order of ``projects``. An :class:`EcoError` or any other
    exception becomes that project's ``error`` (a one-line message, tokens scrubbed).
    """
    jobs = max(1, jobs or default_jobs())
    outcomes: dict[str, Outcome[T]] = {}
    total = len(projects)
    stream = progress if progress is not None else sys.stderr

    def one(project: Project) -> Outcome[T]:
        start = time.perf_counter()
        try:
            value = work(project)
        except EcoError as exc:
            return Outcome(project, error=scrub(exc.message), seconds=time.perf_counter() - start)
        except OSError as exc:  # a file-system problem: the path and why, not a class name
            where = f"{exc.filename}: " if exc.filename else ""
            message = f"{where}{exc.strerror or exc}"
            return Outcome(project, error=scrub(message), seconds=time.perf_counter() - start)
        except Exception as exc:  # isolate: one project's crash is that project's failure
            message = f"{type(exc).__name__}: {exc}"
            return Outcome(project, error=scrub(message), seconds=time.perf_counter() - start)
        return Outcome(project, value=value, seconds=time.perf_counter() - start)

    if jobs == 1 or total <= 1:
        done = 0
        for project in projects:
            outcome = one(project)
            done += 1
            _report(stream, label, done, total, outcome)
            outcomes[project.name] = outcome
    else:
        with ThreadPoolExecutor(max_workers=min(jobs, total)) as pool:
            futures = {pool.submit(one, p): p for p in projects}
            for done, future in enumerate(as_completed(futures), start=1):
                outcome = future.result()
                _report(stream, label, done, total, outcome)
                outcomes[outcome.project.name] = outcome
    return [outcomes[p.name] for p in projects]


def _report(stream: TextIO, label: str, done: int, total: int, outcome: Outcome[T]) -> None:
    if total <= 1 and outcome.ok:
        return
    state = "ok" if outcome.ok else "FAILED"
    prefix = f"{label}: " if label else ""
    print(
        f"[{done}/{total}] {prefix}{outcome.project.name} {state} ({outcome.seconds:.2f}s)",
        file=stream,
        flush=True,
    )


def failures(outcomes: Sequence[Outcome[T]]) -> list[Outcome[T]]:
    return [o for o in outcomes if not o.ok]


def summary_lines(outcomes: Sequence[Outcome[T]], verb: str = "") -> list[str]:
    """The closing summary: counts, then one line per failed project."""
    failed = failures(outcomes)
    ok = len(outcomes) - len(failed)
    head = f"{verb + ': ' if verb else ''}{ok} ok, {len(failed)} failed"
    lines = [head]
    lines += [f"  FAILED {o.project.name}: {o.error}" for o in failed]
    return lines
