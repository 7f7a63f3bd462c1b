"""Run a project's test suite once with pytest and read what happened.

Results come from pytest's JUnit XML (``xunit1``, which names each test's file); the
warnings from a small plugin eco loads into the run (:mod:`~eco.ecosystem_ci.warnings_plugin`).
Deprecation warnings are shown, not raised, in both runs alike (``-W default::...``
given on the command line outranks a project's ``filterwarnings = ["error"]``): a new
upstream deprecation must appear as a warning to count, not as a failing test.

The suite is project code: it runs with token variables removed, no ``PYTHONPATH`` of
eco's, under the project's time limit.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from eco.ecosystem_ci.process import last_lines
from eco.ecosystem_ci.process import run_limited
from eco.secrets import clean_env
from eco.secrets import scrub

CaseOutcome = Literal["passed", "failed", "skipped"]
RunState = Literal["ran", "errored"]
PLUGIN = "eco_test_warnings"
_SHOWN = ("DeprecationWarning", "PendingDeprecationWarning", "FutureWarning")
# pytest's exit statuses that mean the suite ran: all passed, some failed.
_RAN = (0, 1)


@dataclass(frozen=True)
class CaseResult:
    id: str  # tests/test_x.py::TestY::test_z
    outcome: CaseOutcome
    message: str = ""  # a failure's first error line


@dataclass(frozen=True)
class RecordedWarning:
    category: str
    message: str
    location: str  # file:line, relative to the project (or to site-packages)

    def shown(self) -> str:
        return f"{self.location}: {self.category}: {self.message}"


@dataclass(frozen=True)
class SuiteRun:
    state: RunState
    tests: dict[str, CaseResult]
    warnings: tuple[RecordedWarning, ...] = ()
    reason: str = ""  # why it errored
    seconds: float = 0.0

    def failing(self) -> set[str]:
        return {t.id for t in self.tests.values() if t.outcome == "failed"}

    def passing(self) -> set[str]:
        return {t.id for t in self.tests.values() if t.outcome == "passed"}


def run_suite(
    python: Path,
    source: Path,
    scratch: Path,
    timeout: float,
    only: Sequence[str] = (),
) -> SuiteRun:
    """Run pytest in ``source`` with ``python``; ``only`` limits it to those test ids.

    ``scratch`` receives the JUnit XML, the warnings and the plugin. Never raises for
    what the suite does: a suite that cannot run is a ``SuiteRun`` in state ``errored``.
    """
    if scratch.exists():
        shutil.rmtree(scratch)
    scratch.mkdir(parents=True)
    plugin = scratch / f"{PLUGIN}.py"
    plugin.write_text(
        resources.files("eco.ecosystem_ci").joinpath("warnings_plugin.py").read_text()
    )
    junit = scratch / "junit.xml"
    recorded = scratch / "warnings.jsonl"
    args = [
        str(python),
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-p",
        PLUGIN,
        "-q",
        "-o",
        "junit_family=xunit1",
        f"--junitxml={junit}",
        *(arg for category in _SHOWN for arg in ("-W", f"default::{category}")),
        "--",
        *only,
    ]
    env = {
        key: value
        for key, value in clean_env(os.environ).items()
        if key
        not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTEST_ADDOPTS", "PYTEST_PLUGINS")
        and not key.startswith("ECO_")
    }
    env.update({"PYTHONPATH": str(scratch), "ECO_TEST_WARNINGS": str(recorded)})
    start = time.perf_counter()
    finished = run_limited(args, source, env, timeout)
    seconds = time.perf_counter() - start
    if finished.timed_out:
        return SuiteRun("errored", {}, reason=f"timed out after {timeout:.0f}s", seconds=seconds)
    try:
        tests = read_junit(junit) if junit.is_file() else {}
    except ET.ParseError as exc:
        return SuiteRun("errored", {}, reason=f"pytest's JUnit XML is unreadable: {exc}")
    warnings = read_warnings(recorded, source, python.parent.parent)
    if finished.returncode not in _RAN:
        reason = _collection_reason(junit) or scrub(last_lines(finished.output))
        code = finished.returncode
        why = "no tests collected" if code == 5 else f"pytest exited with status {code}"
        return SuiteRun("errored", tests, warnings, f"{why}: {reason}", seconds)
    return SuiteRun("ran", tests, warnings, seconds=seconds)


def read_junit(path: Path) -> dict[str, CaseResult]:
    """Every test case of a JUnit XML report (xunit1) by its pytest id."""
    results: dict[str, CaseResult] = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        test_id = _test_id(case)
        outcome: CaseOutcome = "passed"
        message = ""
        for child in case:
            if child.tag in ("failure", "error"):
                outcome = "failed"
                message = _first_error(child)
                break
            if child.tag == "skipped":
                outcome = "skipped"
        previous = results.get(test_id)
        if previous is None or previous.outcome != "failed":  # a teardown error after a pass
            results[test_id] = CaseResult(test_id, outcome, scrub(message))
    return results


def _test_id(case: ET.Element) -> str:
    file = case.get("file") or ""
    classname = case.get("classname") or ""
    name = case.get("name") or ""
    if not file:
        return f"{classname}::{name}" if classname else name
    module = file.removesuffix(".py").replace("/", ".")
    inner = classname[len(module) + 1 :] if classname.startswith(module + ".") else ""
    return "::".join(part for part in (file, *inner.split("."), name) if part)


def _first_error(element: ET.Element) -> str:
    """The line that says what went wrong: pytest's ``E   ...`` line, else the message."""
    for line in (element.text or "").splitlines():
        if line.startswith("E   ") and line[4:].strip():
            return line[4:].strip()
    message = element.get("message") or ""
    return message.strip().splitlines()[0] if message.strip() else "failed"


def _collection_reason(junit: Path) -> str:
    if not junit.is_file():
        return ""
    for case in ET.parse(junit).getroot().iter("testcase"):
        for child in case:
            if child.tag == "error" and "collect" in (child.get("message") or ""):
                lines = [
                    ln[4:].strip()
                    for ln in (child.text or "").splitlines()
                    if ln.startswith("E   ")
                ]
                where = case.get("name") or case.get("classname") or ""
                return scrub(f"{where}: {lines[-1] if lines else child.get('message')}")
    return ""


def read_warnings(path: Path, source: Path, environment: Path) -> tuple[RecordedWarning, ...]:
    """The warnings the plugin wrote, each once, in the order first seen."""
    if not path.is_file():
        return ()
    seen: dict[RecordedWarning, None] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            data = json.loads(line)
        except ValueError:
            continue
        where = (
            f"{_relative(str(data.get('filename', '')), source, environment)}:{data.get('lineno')}"
        )
        warning = RecordedWarning(str(data.get("category")), scrub(str(data.get("message"))), where)
        seen.setdefault(warning, None)
    return tuple(seen)


def _relative(filename: str, source: Path, environment: Path) -> str:
    path = Path(filename)
    for base in (source, environment):
        if path.is_relative_to(base):
            rel = str(path.relative_to(base))
            return rel.split("site-packages/", 1)[-1]
    return filename.split("site-packages/", 1)[-1]
