"""The verdict on one project: its suite under the baseline against under the candidate.

Pure functions over :class:`~eco.ecosystem_ci.suite.SuiteRun` values, no I/O.

- **errored**: a suite could not run (install, collection, time limit) — on the
  candidate only, on the baseline only, or on both; the reason is kept.
- **regressed**: tests passing on the baseline fail on the candidate, each named with its
  first error line, after one re-run on the candidate.
- **flaky**: a test whose change did not survive its re-run — a "regression" that passed
  when run again on the candidate, or a "fix" that passed when run again on the
  baseline. Reported apart, never as a regression or a fix.
- **new-deprecation-warnings**: deprecation warnings seen on the candidate only.
- **fixed**: tests failing on the baseline pass on the candidate (and fail again there).
- **unchanged**: none of these.

The headline is the first of regressed, new-deprecation-warnings, fixed, flaky that
applies; every list is kept whatever the headline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from eco.ecosystem_ci.suite import RecordedWarning
from eco.ecosystem_ci.suite import SuiteRun

Kind = Literal["errored", "regressed", "new-deprecation-warnings", "fixed", "flaky", "unchanged"]
ErroredOn = Literal["baseline", "candidate", "both"]
DEPRECATIONS = ("DeprecationWarning", "PendingDeprecationWarning", "FutureWarning")


@dataclass(frozen=True)
class Regression:
    id: str
    error: str  # the first error line on the candidate


@dataclass(frozen=True)
class Verdict:
    kind: Kind
    errored_on: ErroredOn | None = None
    reason: str = ""
    regressions: tuple[Regression, ...] = ()
    fixed: tuple[str, ...] = ()
    flaky: tuple[str, ...] = ()
    new_warnings: tuple[RecordedWarning, ...] = ()

    @property
    def fails_run(self) -> bool:
        """True when the candidate broke the project: exit status 1."""
        return self.kind == "regressed" or self.errored_on == "candidate"


def changed_tests(baseline: SuiteRun, candidate: SuiteRun) -> tuple[list[str], list[str]]:
    """``(regressed, fixed)`` test ids before any re-run, sorted."""
    regressed = sorted(baseline.passing() & candidate.failing())
    fixed = sorted(baseline.failing() & candidate.passing())
    return regressed, fixed


def judge(
    baseline: SuiteRun,
    candidate: SuiteRun,
    candidate_rerun: SuiteRun | None = None,
    baseline_rerun: SuiteRun | None = None,
) -> Verdict:
    """The verdict; the re-runs hold the regressed tests run again on the candidate and the
    fixed ones run again on the baseline (None: not re-run)."""
    errored_on = _errored_on(baseline, candidate)
    if errored_on is not None:
        reasons = {"baseline": baseline.reason, "candidate": candidate.reason}
        if errored_on == "both":
            reason = f"baseline: {baseline.reason}; candidate: {candidate.reason}"
        else:
            reason = reasons[errored_on]
        return Verdict("errored", errored_on, reason)
    regressed, fixed = changed_tests(baseline, candidate)
    flaky = [t for t in regressed if _passed(candidate_rerun, t)]
    flaky += [t for t in fixed if _passed(baseline_rerun, t)]
    regressions = tuple(
        Regression(t, candidate.tests[t].message) for t in regressed if t not in flaky
    )
    really_fixed = tuple(t for t in fixed if t not in flaky)
    seen = set(baseline.warnings)
    new_warnings = tuple(
        w for w in candidate.warnings if w not in seen and w.category in DEPRECATIONS
    )
    kind: Kind = "unchanged"
    if regressions:
        kind = "regressed"
    elif new_warnings:
        kind = "new-deprecation-warnings"
    elif really_fixed:
        kind = "fixed"
    elif flaky:
        kind = "flaky"
    return Verdict(
        kind,
        regressions=regressions,
        fixed=really_fixed,
        flaky=tuple(sorted(flaky)),
        new_warnings=new_warnings,
    )


def _errored_on(baseline: SuiteRun, candidate: SuiteRun) -> ErroredOn | None:
    if baseline.state == "errored" and candidate.state == "errored":
        return "both"
    if candidate.state == "errored":
        return "candidate"
    if baseline.state == "errored":
        return "baseline"
    return None


def _passed(rerun: SuiteRun | None, test_id: str) -> bool:
    if rerun is None or rerun.state != "ran":
        return False
    result = rerun.tests.get(test_id)
    return result is not None and result.outcome == "passed"
