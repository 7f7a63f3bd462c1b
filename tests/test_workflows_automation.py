"""The monorepo's scheduled fan-out workflows: ``sync-all.yaml`` and ``lock-all.yaml``.

Their shape is asserted from the YAML (matrix from ``eco list``, one App token per job
scoped to that job's repository, nothing more permitted than needed, the summary
written), and their shell steps are run as written: the matrix step against a scratch
ecosystem, the sync step against the test GitHub server (a real pull request), and the
summary step over outputs that would break a naive code fence. actionlint and zizmor
lint them with every other file of ``.github/workflows/`` in ``tests/test_workflows.py``.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from tests.github_server.core import GitHubServer
from tests.helpers import git
from tests.helpers import make_ecosystem
from tests.helpers import REPO
from tests.package_index import PackageIndex
from tests.test_forge_sync import edit_template
from tests.test_forge_sync import make_world
from tests.test_forge_sync import TOKEN
from tests.test_workflows import _load
from tests.test_workflows import _shim
from tests.test_workflows import _yaml_files
from tests.test_workflows import BIN

pytest_plugins = ["tests.github_server.fixtures"]

WORKFLOWS = REPO / ".github" / "workflows"
APP_TOKEN_ACTION = "actions/create-github-app-token@"
# What each workflow's App token may do in its one repository, and nothing else.
TOKEN_PERMISSIONS = {
    "sync-all.yaml": {"contents": "write", "workflows": "write", "pull-requests": "write"},
    "lock-all.yaml": {"contents": "write", "pull-requests": "write"},
}
FANOUT = {"sync-all.yaml": "sync", "lock-all.yaml": "lock"}
# The GITHUB_TOKEN of every job only reads this monorepo.
JOB_PERMISSIONS = {"contents": "read"}


def steps_of(doc: dict[Any, Any], job: str) -> dict[str, dict[str, Any]]:
    return {
        step.get("id") or step.get("name") or step["uses"]: step
        for step in doc["jobs"][job]["steps"]
    }


def run_step(
    step: dict[str, Any], tmp_path: Path, cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """``step``'s script as GitHub runs it (``bash -e``), with this checkout's eco first
    on PATH and jq, git and coreutils from the system."""
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=cwd,
        env={
            "PATH": f"{_shim(tmp_path)}:{BIN}:/usr/bin:/bin",
            "PYTHONPATH": str(REPO / "tools"),
            "HOME": str(tmp_path),
            "RUNNER_TEMP": str(tmp_path),
            "LC_ALL": "C.UTF-8",
            **env,
        },
        capture_output=True,
        text=True,
    )


# -- shape ------------------------------------------------------------------------------


def test_the_fanout_workflows_are_among_the_linted_files() -> None:
    linted = {path.name for path in _yaml_files(WORKFLOWS)}
    assert {*FANOUT, "triage.yaml"} <= linted


def permission_problems(doc: dict[Any, Any]) -> list[str]:
    """Where a workflow asks for more than it needs: anything on top, a job whose
    GITHUB_TOKEN can do more than read this repository, a secret outside the App's
    token step, or an App token not limited to its job's one repository."""
    problems = []
    if doc.get("permissions") != {}:
        problems.append("the workflow's top-level permissions are not {}")
    for name, job in doc["jobs"].items():
        if job.get("permissions") != JOB_PERMISSIONS:
            problems.append(
                f"{name}: permissions {job.get('permissions')} (expected {JOB_PERMISSIONS})"
            )
        for step in job.get("steps", []):
            text = json.dumps(step)
            is_token = str(step.get("uses", "")).startswith(APP_TOKEN_ACTION)
            if "secrets." in text and not is_token:
                problems.append(f"{name}: a secret reaches the step {step.get('name')!r}")
            if "ECO_GITHUB_APP" in text:
                problems.append(f"{name}: the App's key is handed to eco ({step.get('name')!r})")
            if is_token:
                settings = step.get("with", {})
                if (
                    settings.get("repositories") != "${{ matrix.repository }}"
                    or settings.get("owner") != "${{ matrix.owner }}"
                ):
                    problems.append(f"{name}: the App token is not scoped to the job's repository")
    return problems


@pytest.mark.parametrize("workflow", FANOUT)
def test_no_job_can_do_more_than_it_needs(workflow: str) -> None:
    doc = _load(WORKFLOWS / workflow)
    assert permission_problems(doc) == []
    job = FANOUT[workflow]
    token = steps_of(doc, job)["app-token"]
    asked = {
        key.removeprefix("permission-"): value
        for key, value in token["with"].items()
        if key.startswith("permission-")
    }
    assert asked == TOKEN_PERMISSIONS[workflow]
    assert token["with"]["private-key"] == "${{ secrets.ECO_APP_PRIVATE_KEY }}"
    assert token["if"] == "${{ !inputs.dry-run }}"  # a dry run mints no token
    assert re.fullmatch(r"[^@]+@[0-9a-f]{40} # v\d+\.\d+\.\d+", _uses_line(workflow, token))
    # The key lives in an environment that only main may deploy to.
    assert doc["jobs"][job]["environment"] == "eco-automation"


def _uses_line(workflow: str, step: dict[str, Any]) -> str:
    for line in (WORKFLOWS / workflow).read_text().splitlines():
        if line.strip() == f"uses: {step['uses']}" or (step["uses"] in line and "#" in line):
            return line.split("uses:", 1)[1].strip()
    raise AssertionError(f"no uses: line for {step['uses']}")


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda d, j: d.update(permissions={"contents": "write"}), "top-level permissions"),
        (
            lambda d, j: d["jobs"][j].update(permissions={"contents": "write"}),
            "permissions {'contents': 'write'}",
        ),
        (
            lambda d, j: (
                steps_of(d, j)[j]
                .setdefault("env", {})
                .update(ECO_GITHUB_APP_PRIVATE_KEY="${{ secrets.ECO_APP_PRIVATE_KEY }}")
            ),
            "a secret reaches the step",
        ),
        (lambda d, j: steps_of(d, j)["app-token"]["with"].pop("repositories"), "not scoped"),
    ],
)
def test_the_permission_check_catches_a_broader_workflow(mutate: Any, expected: str) -> None:
    doc = _load(WORKFLOWS / "sync-all.yaml")
    mutate(doc, "sync")
    assert any(expected in problem for problem in permission_problems(doc)), permission_problems(
        doc
    )


@pytest.mark.parametrize("workflow", FANOUT)
def test_one_job_per_project_from_eco_list(workflow: str) -> None:
    doc = _load(WORKFLOWS / workflow)
    on = doc[True]
    assert set(on) == {"schedule", "workflow_dispatch"}
    assert on["workflow_dispatch"]["inputs"]["dry-run"]["type"] == "boolean"
    assert on["workflow_dispatch"]["inputs"]["projects"]["default"] == ""
    listing = steps_of(doc, "projects")["list"]
    assert "eco list" in listing["run"] and "--format json" in listing["run"]
    assert listing["env"] == {"PROJECTS": "${{ inputs.projects }}"}
    job = doc["jobs"][FANOUT[workflow]]
    assert job["needs"] == ["projects"]
    strategy = job["strategy"]
    assert strategy["matrix"] == {"include": "${{ fromJSON(needs.projects.outputs.include) }}"}
    assert strategy["fail-fast"] is False
    # At most three content-creating requests a job: far below 80 a minute.
    assert 1 <= strategy["max-parallel"] <= 10
    assert job["concurrency"]["group"].endswith("-${{ matrix.project }}")
    assert job["concurrency"]["cancel-in-progress"] is False
    for name, each in doc["jobs"].items():
        for step in each["steps"]:
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, name
            assert "${{" not in step.get("run", ""), (name, step.get("name"))  # no injection
    summary = steps_of(doc, FANOUT[workflow])["summary"]
    assert summary["if"] == "${{ !cancelled() }}"
    assert '>> "$GITHUB_STEP_SUMMARY"' in summary["run"]


def test_both_workflows_share_one_summary_script() -> None:
    sync = steps_of(_load(WORKFLOWS / "sync-all.yaml"), "sync")["summary"]["run"]
    lock = steps_of(_load(WORKFLOWS / "lock-all.yaml"), "lock")["summary"]["run"]
    assert sync == lock


def test_lock_all_offers_upgrade_and_passes_it_through_env() -> None:
    doc = _load(WORKFLOWS / "lock-all.yaml")
    assert doc[True]["workflow_dispatch"]["inputs"]["upgrade"]["type"] == "boolean"
    step = steps_of(doc, "lock")["lock"]
    assert step["env"]["UPGRADE"] == "${{ inputs.upgrade }}"


# -- the matrix step, run as written ----------------------------------------------------

PROJECTS = """
[projects.alpha]
repo = "pallets/alpha"
description = "Alpha."

[projects.beta]
repo = "pallets-eco/beta"
description = "Beta."
python = ["3.12", "3.13"]

[projects.gamma]
url = "/nowhere/gamma.git"
description = "Gamma, not on GitHub."

[projects.delta]
repo = "scratch-org/delta"
description = "Delta, in the ecosystem's own organisation."

[projects.epsilon]
repo = "scratch-org/epsilon"
description = "Epsilon."
"""


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_ecosystem(tmp_path_factory.mktemp("matrix"), PROJECTS, copy=()).root


def matrix(workflow: str, names: str, root: Path, tmp_path: Path) -> tuple[Any, str]:
    step = steps_of(_load(WORKFLOWS / workflow), "projects")["list"]
    output = tmp_path / "output"
    output.write_text("")
    done = run_step(step, tmp_path, root, {"PROJECTS": names, "GITHUB_OUTPUT": str(output)})
    assert done.returncode == 0, done.stderr
    key, _, value = output.read_text().strip().partition("=")
    assert key == "include"
    return json.loads(value), done.stdout


def test_the_matrix_has_every_project_on_github(scratch: Path, tmp_path: Path) -> None:
    include, notices = matrix("sync-all.yaml", "", scratch, tmp_path)
    assert include == [
        {"project": "alpha", "owner": "pallets", "repository": "alpha"},
        {"project": "beta", "owner": "pallets-eco", "repository": "beta"},
        {"project": "delta", "owner": "scratch-org", "repository": "delta"},
        {"project": "epsilon", "owner": "scratch-org", "repository": "epsilon"},
    ]
    assert notices.splitlines() == [
        "::notice::gamma has no GitHub repo in projects.toml; it is not synced here"
    ]


def test_the_lock_matrix_carries_each_projects_oldest_python(scratch: Path, tmp_path: Path) -> None:
    include, _ = matrix("lock-all.yaml", "beta alpha", scratch, tmp_path)
    assert include == [  # in the order given
        {"project": "beta", "owner": "pallets-eco", "repository": "beta", "python": "3.12"},
        {"project": "alpha", "owner": "pallets", "repository": "alpha", "python": "3.11"},
    ]


def test_the_matrix_of_named_projects_and_an_unknown_name(scratch: Path, tmp_path: Path) -> None:
    include, notices = matrix("sync-all.yaml", " beta  gamma ", scratch, tmp_path)
    assert [entry["project"] for entry in include] == ["beta"]
    assert "gamma" in notices
    step = steps_of(_load(WORKFLOWS / "sync-all.yaml"), "projects")["list"]
    output = tmp_path / "unknown"
    done = run_step(
        step, tmp_path, scratch, {"PROJECTS": "alpha nope", "GITHUB_OUTPUT": str(output)}
    )
    assert done.returncode == 2
    assert "nope" in done.stderr
    assert not output.exists() or "include" not in output.read_text()


# -- the summary step, run as written ---------------------------------------------------


def summary(report: str | None, tmp_path: Path, outcome: str = "success") -> str:
    step = steps_of(_load(WORKFLOWS / "sync-all.yaml"), "sync")["summary"]
    path = tmp_path / "report.txt"
    if report is not None:
        path.write_text(report)
    written = tmp_path / "summary.md"
    written.write_text("")
    env = {
        "TITLE": "eco sync alpha",
        "OUTCOME": outcome,
        "REPORT": str(path),
        "GITHUB_STEP_SUMMARY": str(written),
    }
    done = run_step(step, tmp_path, tmp_path, env)
    assert done.returncode == 0, done.stderr
    return written.read_text()


def fenced(markdown: str) -> list[str]:
    return [t.content for t in MarkdownIt().parse(markdown) if t.type == "fence"]


def test_the_summary_shows_the_output_verbatim_whatever_it_holds(tmp_path: Path) -> None:
    report = (
        "alpha\n  updated  README.md\n+```python\n+print('hi')\n+```\n"
        "+````\n  => committed eco/sync 0123456789ab\n"
    )
    text = summary(report, tmp_path, "failure")
    assert text.startswith("### eco sync alpha: failure\n\n`````\n")
    assert fenced(text) == [report]
    assert fenced(summary("no newline at the end", tmp_path)) == ["no newline at the end\n"]


def test_the_summary_without_output_says_so(tmp_path: Path) -> None:
    text = summary(None, tmp_path, "skipped")
    assert text == (
        "### eco sync alpha: skipped\n\nNo output: an earlier step failed; the job log says why.\n"
    )


def test_a_huge_output_is_cut_to_fit_the_summary(tmp_path: Path) -> None:
    report = "".join(f"line {n}\n" for n in range(5000))
    text = summary(report, tmp_path)
    [inside] = fenced(text)
    assert inside.splitlines()[-1] == "line 3999"
    assert text.endswith("`\nCut at 4000 lines: the job log has the rest.\n")


# -- the job's steps against the test GitHub server -------------------------------------


BOT = "pallets-eco-bot[bot]"
BOT_EMAIL = f"41898282+{BOT}@users.noreply.github.com"
EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")


def resolve(step: dict[str, Any], contexts: dict[str, str]) -> dict[str, str]:
    """The step's ``env:`` block as the runner would fill it from ``contexts``; an
    expression the test does not know fails it."""

    def value(match: re.Match[str]) -> str:
        assert match[1] in contexts, f"unexpected expression {match[0]} in {step.get('name')}"
        return contexts[match[1]]

    return {key: EXPRESSION.sub(value, str(raw)) for key, raw in step.get("env", {}).items()}


def identity(workflow: str, job: str, tmp_path: Path) -> dict[str, str]:
    """The identity step's outputs, run as written with a ``gh`` that answers
    ``GET /users/{slug}[bot]`` as GitHub does (the bot's user id)."""
    step = steps_of(_load(WORKFLOWS / workflow), job)["identity"]
    assert step["env"] == {
        "GH_TOKEN": "${{ steps.app-token.outputs.token }}",
        "APP_SLUG": "${{ steps.app-token.outputs.app-slug }}",
    }
    fake = tmp_path / "gh-bin"
    fake.mkdir(exist_ok=True)
    (fake / "gh").write_text(
        '#!/bin/sh\n[ "$*" = "api /users/pallets-eco-bot[bot] --jq .id" ] || exit 1\n'
        '[ "$GH_TOKEN" = "ghs_installation" ] || exit 1\necho 41898282\n'
    )
    (fake / "gh").chmod(0o755)
    output = tmp_path / "identity-output"
    output.write_text("")
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        env={
            "PATH": f"{fake}:/usr/bin:/bin",
            "GH_TOKEN": "ghs_installation",
            "APP_SLUG": "pallets-eco-bot",
            "GITHUB_OUTPUT": str(output),
        },
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return dict(line.split("=", 1) for line in output.read_text().splitlines())


@pytest.mark.parametrize("workflow", FANOUT)
def test_the_identity_step_names_the_apps_bot(workflow: str, tmp_path: Path) -> None:
    assert identity(workflow, FANOUT[workflow], tmp_path) == {"name": BOT, "email": BOT_EMAIL}


def contexts(tmp_path: Path, job: str = "sync", **extra: str) -> dict[str, str]:
    """What GitHub gives the job of ``alpha``: the App's token (here the test server's)
    and the bot identity the identity step outputs."""
    bot = identity(f"{job}-all.yaml", job, tmp_path)
    return {
        "matrix.project": "alpha",
        "inputs.dry-run": "",
        "inputs.upgrade": "",
        "steps.app-token.outputs.token": TOKEN,
        "steps.identity.outputs.name": bot["name"],
        "steps.identity.outputs.email": bot["email"],
        "runner.temp": str(tmp_path),
        f"steps.{job}.outcome": "success",
        **extra,
    }


def server_env(server: GitHubServer) -> dict[str, str]:
    """The test server in place of api.github.com and github.com."""
    return {"ECO_GITHUB_API_URL": server.url, "ECO_GITHUB_GIT_URL": server.git_base}


@pytest.mark.slow
def test_the_sync_job_opens_the_pull_request_as_the_app(
    github_server: GitHubServer, tmp_path: Path
) -> None:
    github_server.require_token(TOKEN)
    eco = make_world(tmp_path, github_server, ("alpha",))
    edit_template(eco, "line-length = 88", "line-length = 100")
    steps = steps_of(_load(WORKFLOWS / "sync-all.yaml"), "sync")
    given = contexts(tmp_path)
    env = {**resolve(steps["sync"], given), **server_env(github_server)}

    dry_env = {
        **resolve(steps["sync"], {**given, "inputs.dry-run": "true"}),
        **server_env(github_server),
    }
    dry = run_step(steps["sync"], tmp_path, eco.root, dry_env)
    assert dry.returncode == 0, dry.stderr
    assert "+line-length = 100" in dry.stdout
    alpha = github_server.state.repo("pallets", "alpha")
    assert alpha is not None and alpha.pulls() == [] and github_server.writes() == []

    done = run_step(steps["sync"], tmp_path, eco.root, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert [pull.number for pull in alpha.pulls()] == [1]
    author = git("log", "-1", "--format=%an <%ae>|%cn <%ce>", "eco/sync", cwd=alpha.bare)
    assert author == f"{BOT} <{BOT_EMAIL}>|{BOT} <{BOT_EMAIL}>"
    report = Path(env["REPORT"]).read_text()
    assert "pull request created: https://github.com/pallets/alpha/pull/1" in report
    assert TOKEN not in report

    written = tmp_path / "summary.md"
    summary_env = {**resolve(steps["summary"], given), "GITHUB_STEP_SUMMARY": str(written)}
    shown = run_step(steps["summary"], tmp_path, eco.root, summary_env)
    assert shown.returncode == 0, shown.stderr
    assert written.read_text().startswith("### eco sync alpha: success\n")
    assert fenced(written.read_text()) == [report]


@pytest.mark.slow
def test_a_failing_sync_fails_its_step(github_server: GitHubServer, tmp_path: Path) -> None:
    """pipefail: eco's exit status, not tee's, is the step's."""
    github_server.require_token(TOKEN)
    eco = make_world(tmp_path, github_server, ("alpha",))
    edit_template(eco, "line-length = 88", "line-length = 100")
    step = steps_of(_load(WORKFLOWS / "sync-all.yaml"), "sync")["sync"]
    revoked = "ghp_revoked0123456789abcdefghijklmnopq"
    given = contexts(tmp_path, **{"steps.app-token.outputs.token": revoked})
    env = {**resolve(step, given), **server_env(github_server)}
    done = run_step(step, tmp_path, eco.root, env)
    assert done.returncode == 2
    assert "GitHub rejected the credentials from GITHUB_TOKEN" in Path(env["REPORT"]).read_text()


@pytest.mark.parametrize(
    "dry_run, upgrade, expected",
    [
        ("", "", "lock alpha --push --forge github"),
        ("", "true", "lock alpha --push --forge github --upgrade"),
        ("true", "true", "lock alpha --upgrade"),
        ("true", "false", "lock alpha"),
    ],
)
def test_the_lock_step_passes_the_dispatch_options(
    tmp_path: Path, dry_run: str, upgrade: str, expected: str
) -> None:
    """The arguments the lock step gives eco (an `eco` on PATH that records them)."""
    step = steps_of(_load(WORKFLOWS / "lock-all.yaml"), "lock")["lock"]
    recorder = tmp_path / "recorder"
    recorder.mkdir()
    (recorder / "eco").write_text('#!/bin/sh\necho "$@"\n')
    (recorder / "eco").chmod(0o755)
    report = tmp_path / "eco-lock.txt"
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        env={
            "PATH": f"{recorder}:/usr/bin:/bin",
            "PROJECT": "alpha",
            "DRY_RUN": dry_run,
            "UPGRADE": upgrade,
            "REPORT": str(report),
        },
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert report.read_text() == expected + "\n"


# -- triage.yaml ------------------------------------------------------------------------


def test_triage_reads_only_and_only_the_projects_repositories() -> None:
    doc = _load(WORKFLOWS / "triage.yaml")
    assert doc["permissions"] == {}
    assert set(doc["jobs"]) == {"triage"}
    job = doc["jobs"]["triage"]
    assert job["permissions"] == JOB_PERMISSIONS
    steps = steps_of(doc, "triage")
    token = steps["app-token"]["with"]
    asked = {k: v for k, v in token.items() if k.startswith("permission-")}
    assert asked == {"permission-issues": "read", "permission-pull-requests": "read"}
    assert token["owner"] == "${{ steps.repos.outputs.owner }}"
    assert token["repositories"] == "${{ steps.repos.outputs.repositories }}"
    report = steps["eco triage"]
    assert report["env"]["GITHUB_TOKEN"] == "${{ steps.app-token.outputs.token }}"
    assert '--format markdown >> "$GITHUB_STEP_SUMMARY"' in report["run"]
    for step in job["steps"]:
        assert "${{" not in step.get("run", "")
        if "secrets." in json.dumps(step):
            assert step is steps["app-token"]


def test_triage_token_names_the_organisations_project_repositories(
    scratch: Path, tmp_path: Path
) -> None:
    step = steps_of(_load(WORKFLOWS / "triage.yaml"), "triage")["repos"]
    output = tmp_path / "output"
    done = run_step(step, tmp_path, scratch, {"GITHUB_OUTPUT": str(output)})
    assert done.returncode == 0, done.stderr
    assert output.read_text() == "owner=scratch-org\nrepositories=delta,epsilon\n"


@pytest.mark.slow
def test_the_lock_job_opens_the_pull_request_as_the_app(
    package_index: PackageIndex, github_server: GitHubServer, tmp_path: Path
) -> None:
    """The lock step as written, against the test index and server; --upgrade from the
    dispatch input moves a pin in the same pull request."""
    package_index.add("la1-app", "1.0", ["la1-lib"])
    package_index.add("la1-lib", "1.0")
    repo = github_server.state.create_repo(
        "scratch-org", "alpha", {"requirements/tests.in": "la1-app\n"}
    )
    github_server.require_token(TOKEN)
    eco = make_ecosystem(
        tmp_path,
        f'\n[projects.alpha]\nrepo = "scratch-org/alpha"\nurl = "{repo.bare}"\n',
        copy=(),
    )
    eco.use_index(package_index.url)
    step = steps_of(_load(WORKFLOWS / "lock-all.yaml"), "lock")["lock"]
    given = contexts(tmp_path, "lock")
    env = {**resolve(step, given), **server_env(github_server)}

    done = run_step(step, tmp_path, eco.root, env)
    assert done.returncode == 0, done.stdout + done.stderr
    report = Path(env["REPORT"]).read_text()
    assert "pull request created: https://github.com/scratch-org/alpha/pull/1" in report
    author = git("log", "-1", "--format=%an <%ae>", "eco/lock", cwd=repo.bare)
    assert author == f"{BOT} <{BOT_EMAIL}>"
    assert "la1-lib==1.0" in git("show", "eco/lock:requirements/tests.txt", cwd=repo.bare)

    package_index.add("la1-lib", "1.1")
    again = {**resolve(step, {**given, "inputs.upgrade": "true"}), **server_env(github_server)}
    done = run_step(step, tmp_path, eco.root, again)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "pull request updated" in Path(env["REPORT"]).read_text()
    assert "la1-lib==1.1" in git("show", "eco/lock:requirements/tests.txt", cwd=repo.bare)
    assert [i.number for i in repo.issues.values() if i.pull is not None] == [1]


# -- status.yaml ------------------------------------------------------------------------

# Every job of the monorepo holding the OIDC token, each on purpose: attestations are
# signed with it, and GitHub Pages proves a deployment with it.
OIDC_JOBS = {("attest.yaml", "attest"), ("status.yaml", "deploy")}


def test_id_token_only_where_written_down() -> None:
    found = set()
    for path in _yaml_files(WORKFLOWS):
        doc = _load(path)
        assert doc.get("permissions") == {}, path.name
        for name, job in doc["jobs"].items():
            permissions = job.get("permissions")
            if permissions == "write-all" or (
                isinstance(permissions, dict) and permissions.get("id-token") == "write"
            ):
                found.add((path.name, name))
    assert found == OIDC_JOBS


def test_status_reads_with_the_app_and_publishes_only_the_public_page() -> None:
    doc = _load(WORKFLOWS / "status.yaml")
    assert set(doc["jobs"]) == {"status", "deploy"}
    status = doc["jobs"]["status"]
    assert status["permissions"] == JOB_PERMISSIONS
    assert status["environment"] == "eco-automation"
    steps = steps_of(doc, "status")
    token = steps["app-token"]["with"]
    asked = {k: v for k, v in token.items() if k.startswith("permission-")}
    assert set(asked.values()) == {"read"}  # the App token only reads
    run = steps["eco status"]["run"]
    assert 'eco status --format markdown >> "$GITHUB_STEP_SUMMARY"' in run  # with settings
    assert 'eco status --format html --output "$PAGE"' in run  # the public page: without
    assert "${{" not in run
    for step in status["steps"]:
        if "secrets." in json.dumps(step):
            assert step is steps["app-token"]
    deploy = doc["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "status"
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
