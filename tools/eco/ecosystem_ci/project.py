"""One project end to end: its source at its branch, the baseline and candidate
environments, its suite under each, one re-run of what changed, the verdict.

The source is exported from the workspace clone (``git archive`` of ``origin/<branch>``,
extracted with tarfile's ``data`` filter, so no link or path leaves the folder) into
``<cache>/<project>/src``; the clone's own working tree is never touched. Every step that
runs project code — building it, its suite — runs in a subprocess without tokens and
under the project's time limit, which all steps share.
"""

from __future__ import annotations

import io
import shutil
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path
from pathlib import PurePosixPath
from typing import Literal

from eco import output
from eco.ecosystem_ci.against import Pinned
from eco.ecosystem_ci.environments import choose_python
from eco.ecosystem_ci.environments import Environment
from eco.ecosystem_ci.environments import EnvironmentSpec
from eco.ecosystem_ci.environments import Installer
from eco.ecosystem_ci.environments import InstallError
from eco.ecosystem_ci.requirements import read_test_requirements
from eco.ecosystem_ci.services import Services
from eco.ecosystem_ci.suite import run_suite
from eco.ecosystem_ci.suite import SuiteRun
from eco.ecosystem_ci.verdict import changed_tests
from eco.ecosystem_ci.verdict import judge
from eco.ecosystem_ci.verdict import Verdict
from eco.errors import EcoError
from eco.git.run import git
from eco.git.run import git_bytes
from eco.registry import Project
from eco.workspace import Workspace

Role = Literal["baseline", "candidate"]
EnvironmentState = Literal["created", "reused", "failed"]
ROLES: tuple[Role, ...] = ("baseline", "candidate")


@dataclass(frozen=True)
class RunRequest:
    """What every project of one ``eco test`` run is tested against."""

    against: tuple[Pinned, ...]
    index_url: str
    cache: Path  # where sources and environments are kept
    baseline: tuple[Pinned, ...] = ()  # overrides of the baseline (default: none)
    timeout: float = 1800.0  # seconds per project, every step included
    fetch: bool = True


@dataclass(frozen=True)
class ProjectTest:
    """The outcome of one project."""

    project: Project
    commit: str
    python: str
    verdict: Verdict
    runs: dict[Role, SuiteRun]
    environments: dict[Role, EnvironmentState]
    versions: dict[str, dict[Role, str]]  # upstream name -> role -> installed version
    requirements_source: str
    notes: tuple[str, ...] = ()
    seconds: float = 0.0


class _Deadline:
    """The project's time limit, shared by every step."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return max(self.end - time.monotonic(), 0.0)


def run_project(
    workspace: Workspace,
    project: Project,
    request: RunRequest,
    installer: Installer,
    services: Services,
) -> ProjectTest:
    """Test ``project`` against ``request``; install and suite failures are in the verdict."""
    started = time.perf_counter()
    deadline = _Deadline(request.timeout)
    clone = workspace.ensure(project, fetch=request.fetch)
    commit = git("rev-parse", f"{clone.remote_branch}^{{commit}}", cwd=clone.path)
    folder = request.cache / project.name
    source = export_source(clone.path, commit, folder / "src")
    requirements = read_test_requirements(project, source)
    python, python_note = choose_python(project.python)
    notes = list(requirements.notes)
    if python_note:
        notes.append(python_note)
    overrides = {"baseline": request.baseline, "candidate": (*request.baseline, *request.against)}
    runs: dict[Role, SuiteRun] = {}
    environments: dict[Role, EnvironmentState] = {}
    envs: dict[Role, Environment] = {}
    with services.running(project) as service_notes:
        notes[:0] = service_notes
        for role in ROLES:
            spec = EnvironmentSpec(python, source, requirements, overrides[role], request.index_url)
            try:
                env = installer.ensure(folder / role, spec, deadline.left())
            except InstallError as exc:
                runs[role] = SuiteRun("errored", {}, reason=f"install: {exc.message}")
                environments[role] = "failed"
                continue
            envs[role] = env
            environments[role] = "created" if env.created else "reused"
            output.note(f"running the suite under the {role}")
            runs[role] = run_suite(env.python, source, folder / "runs" / role, deadline.left())
        baseline_rerun, candidate_rerun = _reruns(runs, envs, source, folder, deadline)
    verdict = judge(runs["baseline"], runs["candidate"], candidate_rerun, baseline_rerun)
    versions = {
        upstream.name: {role: env.versions.get(upstream.name, "-") for role, env in envs.items()}
        for upstream in request.against
    }
    for name, installed in versions.items():
        if installed.get("baseline") == "-":
            notes.append(f"{name} is not installed by the project today; the candidate adds it")
    return ProjectTest(
        project=project,
        commit=commit,
        python=python,
        verdict=verdict,
        runs=runs,
        environments=environments,
        versions=versions,
        requirements_source=requirements.source,
        notes=tuple(notes),
        seconds=time.perf_counter() - started,
    )


def _reruns(
    runs: dict[Role, SuiteRun],
    envs: dict[Role, Environment],
    source: Path,
    folder: Path,
    deadline: _Deadline,
) -> tuple[SuiteRun | None, SuiteRun | None]:
    """The fixed tests run again on the baseline, the regressed ones on the candidate."""
    if not all(run.state == "ran" for run in runs.values()):
        return None, None
    regressed, fixed = changed_tests(runs["baseline"], runs["candidate"])
    again = folder / "runs"
    baseline_rerun = candidate_rerun = None
    if fixed or regressed:
        changed = len(fixed) + len(regressed)
        output.note(f"running {changed} changed test{'s' if changed > 1 else ''} again")
    if fixed:
        baseline_rerun = run_suite(
            envs["baseline"].python, source, again / "baseline-rerun", deadline.left(), fixed
        )
    if regressed:
        candidate_rerun = run_suite(
            envs["candidate"].python, source, again / "candidate-rerun", deadline.left(), regressed
        )
    return baseline_rerun, candidate_rerun


def export_source(repo: Path, commit: str, target: Path) -> Path:
    """The files of ``commit`` in ``target`` (replacing what was there), nothing else:
    a path or link that would leave ``target`` refuses the whole export."""
    archive = git_bytes("archive", "--format=tar", commit, cwd=repo)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        members = tar.getmembers()
        for member in members:
            problem = escape_reason(member)
            if problem:
                raise EcoError(f"{commit[:12]}: refused to export {member.name!r}: {problem}")
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later: checked twice
            tar.extractall(target, members, filter="data")
        else:
            tar.extractall(target, members)
    return target


def escape_reason(member: tarfile.TarInfo) -> str:
    """Why extracting ``member`` could touch something outside the folder ("" if not)."""
    path = PurePosixPath(member.name)
    if path.is_absolute() or ".." in path.parts:
        return "a path outside the project"
    if not (member.isfile() or member.isdir() or member.issym()):
        return "not a file, folder or symbolic link"
    if member.issym():
        link = PurePosixPath(member.linkname)
        depth = len(path.parent.parts)
        climbs = 0
        for part in link.parts:
            climbs = climbs + 1 if part == ".." else climbs - 1 if part != "." else climbs
            if climbs > depth:
                break
        if link.is_absolute() or climbs > depth:
            return f"a link to {member.linkname}, outside the project"
    return ""
