"""Run one function per project in parallel: progress, isolated failures, a summary.

Every multi-project command goes through :func:`run_each`, so they all behave alike:
``--jobs N`` workers, a progress line per finished project on stderr with its status, an
exception in one project recorded as that project's failure (the others go on), and a
summary at the end, identical failures grouped, from which the CLI derives its exit
status.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from collections.abc import Sequence
from concurrent.futures import as_completed
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic
from typing import TextIO
from typing import TypeVar

from eco import output
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
    status: Callable[[T], str] | None = None,
) -> list[Outcome[T]]:
    """Call ``work(project)`` for each project with ``jobs`` threads.

    Results come back in the order of ``projects``. An :class:`EcoError` or any other
    exception becomes that project's ``error`` (a one-line message, tokens scrubbed).
    Progress (:class:`eco.output.Progress`) says what starts, then each finished project
    with ``status(value)``, a word of the status vocabulary (default ``ok``); steps the
    work reports through :func:`eco.output.step` are prefixed with the project's name.
    ``progress`` sends the lines to that stream instead of stderr.
    """
    jobs = max(1, jobs or default_jobs())
    outcomes: dict[str, Outcome[T]] = {}
    total = len(projects)
    tracker = output.Progress(label, total, jobs, stream=progress)

    def one(project: Project) -> Outcome[T]:
        start = time.perf_counter()
        try:
            with output.working_on(project.name if total > 1 else None):
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

    def report(outcome: Outcome[T]) -> None:
        if outcome.error is not None:
            word = "failed"
        elif status is not None and outcome.value is not None:
            word = status(outcome.value)
        else:
            word = "ok"
        tracker.finished(outcome.project.name, word, outcome.seconds)

    if jobs == 1 or total <= 1:
        for project in projects:
            outcome = one(project)
            report(outcome)
            outcomes[project.name] = outcome
    else:
        with ThreadPoolExecutor(max_workers=min(jobs, total)) as pool:
            futures = {pool.submit(one, p): p for p in projects}
            for future in as_completed(futures):
                outcome = future.result()
                report(outcome)
                outcomes[outcome.project.name] = outcome
    return [outcomes[p.name] for p in projects]


def failures(outcomes: Sequence[Outcome[T]]) -> list[Outcome[T]]:
    return [o for o in outcomes if not o.ok]


def _general(outcome: Outcome[T]) -> str:
    """The error with the project's own names taken out, so that identical failures of
    different projects (the same host unreachable, the same index error) compare equal."""
    message = outcome.error or ""
    project = outcome.project
    names = {project.clone_url, project.repo or "", project.pypi, project.name}
    for name in sorted((n for n in names if n), key=len, reverse=True):
        message = message.replace(name, "<project>")
    return message


def grouped_failures(outcomes: Sequence[Outcome[T]]) -> list[tuple[list[str], str]]:
    """``(project names, message)`` per distinct failure, in order of first appearance: a
    failure shared by several projects is one entry naming them all, its message with
    each project's own name, repository and URL shown as ``<project>``."""
    groups: dict[str, list[Outcome[T]]] = {}
    for outcome in failures(outcomes):
        groups.setdefault(_general(outcome), []).append(outcome)
    result = []
    for general, members in groups.items():
        if len(members) == 1:
            result.append(([members[0].project.name], members[0].error or ""))
        else:
            result.append(([m.project.name for m in members], general))
    return result


def summary_lines(
    outcomes: Sequence[Outcome[T]], verb: str = "", status: Callable[[T], str] | None = None
) -> list[str]:
    """The closing summary: the number of projects in each status (``status(value)``,
    default ``ok``) and failed, then each distinct failure once with its projects."""
    counts: dict[str, int] = {}
    for outcome in outcomes:
        if outcome.error is None:
            word = status(outcome.value) if status and outcome.value is not None else "ok"
            counts[word] = counts.get(word, 0) + 1
    order = {word: index for index, word in enumerate(output.STATUSES)}
    counts = dict(sorted(counts.items(), key=lambda item: order.get(item[0], len(order))))
    counts = counts or {"ok": 0}
    counts["failed"] = len(failures(outcomes))
    words = ", ".join(f"{n} {word}" for word, n in counts.items())
    lines = [f"{verb + ': ' if verb else ''}{words}"]
    for names, message in grouped_failures(outcomes):
        if len(names) == 1:
            lines.append(f"  failed {names[0]}: {message}")
        else:
            lines.append(f"  failed {len(names)} projects ({', '.join(names)}): {message}")
    return lines
