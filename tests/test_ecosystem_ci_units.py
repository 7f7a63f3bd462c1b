"""``eco test``'s parts one by one: --against, test requirements, JUnit XML, verdicts,
reports, the suite's environment and time limit (the whole run: test_ecosystem_ci.py)."""

from __future__ import annotations

import json
import sys
import tarfile
from pathlib import Path

import pytest

from eco import secrets
from eco.ecosystem_ci.against import checkout_digest
from eco.ecosystem_ci.against import parse_upstream
from eco.ecosystem_ci.against import pin
from eco.ecosystem_ci.environments import installer_env
from eco.ecosystem_ci.project import escape_reason
from eco.ecosystem_ci.report import markdown
from eco.ecosystem_ci.report import merge
from eco.ecosystem_ci.report import text
from eco.ecosystem_ci.requirements import read_test_requirements
from eco.ecosystem_ci.services import Services
from eco.ecosystem_ci.suite import CaseResult
from eco.ecosystem_ci.suite import read_junit
from eco.ecosystem_ci.suite import RecordedWarning
from eco.ecosystem_ci.suite import run_suite
from eco.ecosystem_ci.suite import SuiteRun
from eco.ecosystem_ci.verdict import judge
from eco.errors import EcoError
from eco.registry import Project
from eco.registry import Service
from tests.helpers import git
from tests.helpers import make_bare_repo
from tests.helpers import run_eco
from tests.helpers import write_files

# -- --against -------------------------------------------------------------------------


def test_against_index_requirement_and_pre_release() -> None:
    upstream = parse_upstream("Flask==3.2.0rc1")
    assert (upstream.kind, upstream.name, upstream.requirement) == (
        "index",
        "flask",
        "Flask==3.2.0rc1",
    )
    assert pin(upstream).install == "Flask==3.2.0rc1"


@pytest.mark.parametrize(
    ("text", "url", "ref"),
    [
        (
            "flask @ git+https://github.com/pallets/flask@main",
            "https://github.com/pallets/flask",
            "main",
        ),
        (
            "flask @ git+ssh://git@github.com/pallets/flask.git@3.2.x",
            "ssh://git@github.com/pallets/flask.git",
            "3.2.x",
        ),
        ("flask @ git+https://github.com/pallets/flask", "https://github.com/pallets/flask", ""),
        ("flask @ git+file:///srv/flask.git@v1#egg=flask", "file:///srv/flask.git", "v1"),
    ],
)
def test_against_git_reference(text: str, url: str, ref: str) -> None:
    upstream = parse_upstream(text)
    assert (upstream.kind, upstream.name, upstream.url, upstream.ref) == ("git", "flask", url, ref)


def test_a_password_in_a_git_url_is_not_shown(tmp_path: Path) -> None:
    sha = "0123456789abcdef0123456789abcdef01234567"
    pinned = pin(parse_upstream(f"up @ git+https://me:s3cret@git.example/up.git@{sha}"))
    assert "s3cret" in pinned.install  # uv needs it
    assert pinned.shown == f"up @ git+https://***@git.example/up.git@{sha} (0123456789ab)"


def test_against_git_ref_is_pinned_to_its_commit(tmp_path: Path) -> None:
    bare = make_bare_repo(tmp_path, "up", {"pyproject.toml": "[project]\n"})
    head = git("rev-parse", "main", cwd=bare)
    pinned = pin(parse_upstream(f"up @ git+{bare.as_uri()}@main"))
    assert pinned.key == head
    assert pinned.install == f"up @ git+{bare.as_uri()}@{head}"
    git("tag", "-a", "v1", "-m", "release v1", "main", cwd=bare)  # annotated: peeled
    assert pin(parse_upstream(f"up @ git+{bare.as_uri()}@v1")).key == head
    assert pin(parse_upstream(f"up @ git+{bare.as_uri()}")).key == head  # the remote's HEAD
    with pytest.raises(EcoError, match="has no branch or tag 'nope'"):
        pin(parse_upstream(f"up @ git+{bare.as_uri()}@nope"))


def test_against_local_checkout(tmp_path: Path) -> None:
    write_files(tmp_path / "flask", {"pyproject.toml": "[project]\n", "src/flask/a.py": "x\n"})
    upstream = parse_upstream("Flask=flask", base=tmp_path)
    assert (upstream.kind, upstream.name, upstream.path) == ("path", "flask", tmp_path / "flask")
    before = checkout_digest(tmp_path / "flask")
    write_files(tmp_path / "flask", {"src/flask/__pycache__/a.pyc": "junk", "dist/x.whl": "x"})
    assert checkout_digest(tmp_path / "flask") == before  # build output is not the source
    write_files(tmp_path / "flask", {"src/flask/a.py": "y\n"})
    assert pin(upstream).key == "sha256:" + checkout_digest(tmp_path / "flask") != before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("flask=/no/such/folder", "is not a project checkout"),
        ("flask @ https://example.com/flask-3.2.whl", "a direct reference must be a git URL"),
        ("flask==3.2; python_version < '3'", "an environment marker has no meaning here"),
        ("!!flask", "expected a requirement on the index"),
    ],
)
def test_against_bad_input_is_one_clear_error(text: str, message: str) -> None:
    with pytest.raises(EcoError, match=message) as info:
        parse_upstream(text, "--against")
    assert info.value.message.startswith(f"--against {text!r}: ")
    assert "\n" not in info.value.message


def test_cli_bad_against_exits_2_with_one_line(tmp_path: Path) -> None:
    result = run_eco("test", "--against", "flask @ https://x/y.whl", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: --against")


# -- the test requirements -------------------------------------------------------------


def project(generation: str, **kwargs: object) -> Project:
    return Project(
        name="ext",
        pypi="ext",
        module="ext",
        changelog="",
        changelog_format="none",
        branch="main",
        python=("3.11",),
        generation=generation,
        **kwargs,  # type: ignore[arg-type]
    )


def test_pip_tools_requirements_keep_only_requirements(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "requirements/tests.txt": (
                "--index-url https://evil.example/simple\n"
                "-r base.txt\n"
                "-e .\n"
                "pytest==8.3.0 \\\n    --hash=sha256:abc\n    # via -r tests.in\n"
                "evil @ https://evil.example/evil.whl\n"
            ),
            "requirements/base.txt": "blinker==1.9.0  # via flask\n",
        },
    )
    found = read_test_requirements(project("pip-tools", test_dependencies=("redis",)), tmp_path)
    assert found.requirements == ("blinker==1.9.0", "pytest==8.3.0", "redis")
    assert found.source == "requirements/tests.txt"
    assert found.notes == (
        "requirements/tests.txt:1: --index-url ignored (packages come from the index)",
        "requirements/tests.txt:7: evil @ URL ignored (packages come from the index)",
    )


def test_pip_tools_include_cannot_leave_the_project(tmp_path: Path) -> None:
    write_files(tmp_path / "p", {"requirements/tests.in": "-r ../../secret.txt\n"})
    write_files(tmp_path, {"secret.txt": "x\n"})
    with pytest.raises(EcoError, match="not a file inside the project"):
        read_test_requirements(project("pip-tools"), tmp_path / "p")


def test_uv_group_with_included_group_and_lock_versions(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "pyproject.toml": (
                "[dependency-groups]\n"
                'tests = ["pytest", {include-group = "extra"}]\n'
                'extra = ["blinker>=1"]\n'
            ),
            "uv.lock": (
                'version = 1\n\n[[package]]\nname = "ext"\nversion = "1.0"\n'
                'source = { editable = "." }\n\n[[package]]\nname = "Blinker"\n'
                'version = "1.9.0"\nsource = { registry = "https://pypi.org/simple" }\n'
            ),
        },
    )
    found = read_test_requirements(project("uv"), tmp_path)
    assert found.requirements == ("pytest", "blinker>=1")
    assert found.constraints == ("blinker==1.9.0",)
    assert found.source == "pyproject.toml [dependency-groups] tests"


@pytest.mark.parametrize("generation", ["uv", "pip-tools"])
def test_a_tests_extra_when_there_is_nothing_else(tmp_path: Path, generation: str) -> None:
    write_files(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'ext'\noptional-dependencies.test = ['pytest']\n",
            "uv.lock": 'version = 1\n\n[[package]]\nname = "flask"\nversion = "3.1.0"\n'
            'source = { registry = "https://pypi.org/simple" }\n',
        },
    )
    found = read_test_requirements(project(generation), tmp_path)
    assert (found.requirements, found.extras) == (("pytest",), ("test",))
    # the uv generation's lock still pins what the extra and the project bring in
    assert found.constraints == (("flask==3.1.0",) if generation == "uv" else ())
    assert found.source == "pyproject.toml [project.optional-dependencies] test"


def test_no_test_requirements_still_installs_pytest(tmp_path: Path) -> None:
    write_files(tmp_path, {"pyproject.toml": "[project]\nname = 'ext'\n"})
    found = read_test_requirements(project("uv"), tmp_path)
    assert found.requirements == ("pytest",)
    assert found.notes == ("pyproject.toml: no tests or dev dependency group",)


# -- JUnit XML and the suite -------------------------------------------------------------


def test_junit_ids_and_first_error_lines(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    junit.write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase classname="tests.test_a.TestB" name="test_c[1]" file="tests/test_a.py" line="3">'
        '<failure message="assert 1 == 2">def test_c():\n&gt;   assert 1 == 2\nE   assert 1 == 2\n'
        "</failure></testcase>"
        '<testcase classname="tests.test_a" name="test_d" file="tests/test_a.py" line="9"/>'
        '<testcase classname="tests.test_a" name="test_e" file="tests/test_a.py" line="12">'
        '<skipped message="no redis"/></testcase>'
        "</testsuite></testsuites>"
    )
    assert read_junit(junit) == {
        "tests/test_a.py::TestB::test_c[1]": CaseResult(
            "tests/test_a.py::TestB::test_c[1]", "failed", "assert 1 == 2"
        ),
        "tests/test_a.py::test_d": CaseResult("tests/test_a.py::test_d", "passed"),
        "tests/test_a.py::test_e": CaseResult("tests/test_a.py::test_e", "skipped"),
    }


def test_suite_runs_without_tokens(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_" + "a" * 36)
    monkeypatch.setenv("ECO_SECRET_THING", "registered-value")
    secrets.register("registered-value")
    write_files(
        tmp_path / "src",
        {
            "tests/test_env.py": (
                "import os\n\n\ndef test_no_token():\n"
                "    assert 'GITHUB_TOKEN' not in os.environ\n"
                "    assert 'registered-value' not in os.environ.values()\n"
            )
        },
    )
    run = run_suite(Path(sys.executable), tmp_path / "src", tmp_path / "scratch", 120)
    assert run.state == "ran", run.reason
    assert run.failing() == set() and run.passing() == {"tests/test_env.py::test_no_token"}


def test_suite_past_its_time_limit_is_errored(tmp_path: Path) -> None:
    write_files(
        tmp_path / "src",
        {
            "tests/test_hang.py": (
                "import threading\n\n\ndef test_hang():\n    threading.Event().wait()\n"
            )
        },
    )
    run = run_suite(Path(sys.executable), tmp_path / "src", tmp_path / "scratch", 1)
    assert (run.state, run.reason) == ("errored", "timed out after 1s")


def test_collection_error_is_errored_with_the_reason(tmp_path: Path) -> None:
    write_files(tmp_path / "src", {"tests/test_x.py": "from os import no_such_name\n"})
    run = run_suite(Path(sys.executable), tmp_path / "src", tmp_path / "scratch", 120)
    assert run.state == "errored"
    assert "ImportError: cannot import name 'no_such_name' from 'os'" in run.reason


def test_clean_env_drops_token_variables() -> None:
    secrets.register("s3cr3t-value")
    env = {
        "PATH": "/usr/bin",
        "GITHUB_TOKEN": "x",
        "ACTIONS_ID_TOKEN_REQUEST_URL": "https://x",
        "TWINE_PASSWORD": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
        "SOMETHING": "s3cr3t-value",
        "OTHER": "ghp_" + "b" * 36,
    }
    assert secrets.clean_env(env) == {"PATH": "/usr/bin"}


# -- verdicts ------------------------------------------------------------------------------


def suite(passed: set[str], failed: dict[str, str], warnings: tuple[str, ...] = ()) -> SuiteRun:
    tests = {t: CaseResult(t, "passed") for t in passed}
    tests.update({t: CaseResult(t, "failed", m) for t, m in failed.items()})
    recorded = tuple(RecordedWarning("DeprecationWarning", w, "src/x.py:1") for w in warnings)
    return SuiteRun("ran", tests, recorded)


def test_regression_that_passes_its_rerun_is_flaky() -> None:
    baseline = suite({"a", "b"}, {})
    candidate = suite(set(), {"a": "E1", "b": "E2"})
    rerun = suite({"a"}, {"b": "E2"})
    verdict = judge(baseline, candidate, candidate_rerun=rerun)
    assert verdict.kind == "regressed"
    assert [(r.id, r.error) for r in verdict.regressions] == [("b", "E2")]
    assert verdict.flaky == ("a",)
    assert judge(baseline, candidate, candidate_rerun=suite({"a", "b"}, {})).kind == "flaky"


def test_errored_on_candidate_only_fails_the_run_on_both_does_not() -> None:
    ok = suite({"a"}, {})
    broken = SuiteRun("errored", {}, reason="install: no version")
    assert judge(ok, broken).fails_run is True
    assert judge(ok, broken).reason == "install: no version"
    both = judge(broken, broken)
    assert (both.kind, both.errored_on, both.fails_run) == ("errored", "both", False)
    assert judge(broken, ok).errored_on == "baseline" and not judge(broken, ok).fails_run


def test_only_new_deprecation_warnings_count() -> None:
    verdict = judge(suite({"a"}, {}, ("old",)), suite({"a"}, {}, ("old", "new")))
    assert verdict.kind == "new-deprecation-warnings"
    assert [w.message for w in verdict.new_warnings] == ["new"]
    assert judge(suite({"a"}, {}, ("old",)), suite({"a"}, {}, ("old",))).kind == "unchanged"


# -- reports -------------------------------------------------------------------------------


def report(name: str, status: str, **fields: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "project": name,
        "verdict": status,
        "errored_on": None,
        "reason": "",
        "fails_run": status == "regressed",
        **fields,
    }
    return {"version": 1, "against": ["flask==3.2.0rc1"], "baseline": [], "projects": [entry]}


def test_merged_reports_render_worst_first() -> None:
    merged = merge(
        [
            report("ext-b", "unchanged"),
            report("ext-a", "regressed", regressions=[{"id": "t::x", "error": "E: a|b"}]),
        ]
    )
    assert [p["project"] for p in merged["projects"]] == ["ext-a", "ext-b"]
    assert merged["against"] == ["flask==3.2.0rc1"]
    assert "ext-a: regressed: t::x: E: a|b" in text(merged)
    md = markdown(merged)
    assert "| ext-a | ❌ regressed |" in md
    assert "- regressed: `t::x` `E: a|b`" in md


def test_markdown_shows_project_text_as_code_never_as_markup() -> None:
    doc = report(
        "ext-a",
        "errored",
        errored_on="candidate",
        reason="<img src=x> @maintainer `quoted` **bold**",
        notes=["needs redis, not started (no container engine here)"],
    )
    md = markdown(doc)
    assert "- reason: ``<img src=x> @maintainer `quoted` **bold**``" in md
    assert "- note: needs redis, not started (no container engine here)" in md
    assert "| ext-a | ⚠️ errored on candidate |" in md


def test_merge_refuses_what_is_not_a_report() -> None:
    with pytest.raises(
        EcoError, match=r'^x.json: not an eco test report \(expected "version": 1\)'
    ):
        merge([{"version": 2}], ["x.json"])
    with pytest.raises(EcoError, match=r"^y.json: projects: expected a list of objects with"):
        merge([report("ext-a", "fixed"), report("ext-b", "exploded")], ["x.json", "y.json"])


def test_text_ends_with_the_environments_made_and_reused() -> None:
    doc = merge(
        [
            report("a", "fixed", environments={"baseline": "reused", "candidate": "created"}),
            report("b", "fixed", environments={"baseline": "reused", "candidate": "reused"}),
        ]
    )
    assert text(doc).splitlines()[-1] == "environments: 1 created, 3 reused (0 installer runs)"


def test_test_report_command_merges_files(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(report("ext-a", "fixed", fixed=["t::y"])))
    (tmp_path / "b.json").write_text(json.dumps(report("ext-b", "regressed")))
    result = run_eco(
        "test-report", "--format", "markdown", str(tmp_path / "a.json"), str(tmp_path / "b.json")
    )
    assert result.returncode == 1  # ext-b regressed
    assert result.stdout.startswith(
        "## eco test against `flask==3.2.0rc1`\n\n1 regressed, 1 fixed\n"
    )
    (tmp_path / "c.json").write_text("{")
    bad = run_eco("test-report", str(tmp_path / "c.json"))
    assert bad.returncode == 2 and bad.stderr.startswith(f"error: {tmp_path / 'c.json'}: not JSON")


# -- services ------------------------------------------------------------------------------


def fake_docker(tmp_path: Path, run_status: int = 0) -> tuple[str, Path]:
    """A ``docker`` executable that logs its arguments: ``run`` prints a container id."""
    log = tmp_path / "docker.log"
    script = tmp_path / "docker"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> "{log}"\n'
        f'if [ "$1" = run ]; then [ {run_status} = 0 ] || {{ echo "no such image" >&2; exit 1; }}\n'
        "echo c0ffee; fi\n"
    )
    script.chmod(0o755)
    return str(script), log


def with_services(**services: tuple[str, int]) -> Project:
    entries = tuple(Service(name, image, port) for name, (image, port) in services.items())
    return project("pip-tools", services=entries, apt=("libpq-dev",))


def test_services_start_wait_for_their_port_and_stop(tmp_path: Path) -> None:
    docker, log = fake_docker(tmp_path)
    answers = iter([False, False, True, True])
    waits: list[float] = []
    services = Services(docker, ready=lambda port: next(answers), wait=waits.append)
    needs = with_services(redis=("redis:7", 6379), postgres=("postgres:17", 5432))
    with services.running(needs) as notes:
        assert log.read_text().splitlines() == [
            "run --detach --rm --publish 127.0.0.1:5432:5432 postgres:17",
            "run --detach --rm --publish 127.0.0.1:6379:6379 redis:7",
        ]
    assert notes == [
        "needs Debian packages libpq-dev, not installed by eco",
        "postgres started (postgres:17, port 5432)",
        "redis started (redis:7, port 6379)",
    ]
    assert waits == [0.5, 0.5]
    assert log.read_text().splitlines()[2:] == ["stop c0ffee", "stop c0ffee"]


def test_a_service_that_cannot_start_is_a_note(tmp_path: Path) -> None:
    docker, _ = fake_docker(tmp_path, run_status=1)
    with Services(docker, ready=lambda port: True).running(
        with_services(redis=("redis:7", 6379))
    ) as notes:
        pass
    assert notes[1] == "needs redis, not started: no such image"


def test_without_a_container_engine_the_need_is_noted() -> None:
    needs = with_services(redis=("redis:7", 6379), memcached=("memcached:1", 11211))
    with Services(None).running(needs) as notes:
        pass
    assert notes[1] == "needs redis, memcached, not started (no container engine here)"


# -- the exported source -------------------------------------------------------------------


def member(name: str, kind: bytes = tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = link
    return info


@pytest.mark.parametrize(
    ("info", "problem"),
    [
        (member("src/a.py"), ""),
        (member("docs/_static/logo.png", tarfile.SYMTYPE, "../../assets/logo.png"), ""),
        (member("a/b", tarfile.SYMTYPE, "./c/../d"), ""),
        (member("/etc/x"), "a path outside the project"),
        (member("a/../../x"), "a path outside the project"),
        (
            member("a/b", tarfile.SYMTYPE, "/etc/passwd"),
            "a link to /etc/passwd, outside the project",
        ),
        (member("a/b", tarfile.SYMTYPE, "../../x"), "a link to ../../x, outside the project"),
        (
            member("a/b", tarfile.SYMTYPE, "c/../../../x"),
            "a link to c/../../../x, outside the project",
        ),
        (member("a/fifo", tarfile.FIFOTYPE), "not a file, folder or symbolic link"),
        (member("a/hard", tarfile.LNKTYPE, "etc/passwd"), "not a file, folder or symbolic link"),
    ],
)
def test_export_refuses_what_would_leave_the_folder(info: tarfile.TarInfo, problem: str) -> None:
    assert escape_reason(info) == problem


def test_uv_runs_with_no_machine_settings_no_token_and_no_python_download(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("UV_INDEX_URL", "https://elsewhere.example/simple")
    monkeypatch.setenv("PIP_FIND_LINKS", "/opt/wheels")
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS", "automatic")
    monkeypatch.setenv("UV_CACHE_DIR", "/tmp/uv-cache")
    monkeypatch.setenv("GH_TOKEN", "x")
    monkeypatch.setenv("VIRTUAL_ENV", "/somewhere/.venv")
    env = installer_env()
    assert env["UV_PYTHON_DOWNLOADS"] == "never" and env["UV_NO_CONFIG"] == "1"
    assert env["UV_CACHE_DIR"] == "/tmp/uv-cache"  # how to reach the index, kept
    for gone in ("UV_INDEX_URL", "PIP_FIND_LINKS", "GH_TOKEN", "VIRTUAL_ENV"):
        assert gone not in env
