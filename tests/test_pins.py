"""``eco pins``: against the local GitHub API server, with action repositories whose
releases are real tags (lightweight and annotated) in real bare git repositories."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from eco.cli import cli
from eco.pins import uses as pins
from tests.github_server.core import GitHubServer
from tests.github_server.state import State
from tests.helpers import git
from tests.helpers import REGISTRY_HEAD
from tests.helpers import REPO
from tests.helpers import run_eco

pytest_plugins = ["tests.github_server.fixtures"]

TOKEN = "ghp_pinsCanaryToken0123456789abcdefABCDEF"


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def release(bare: Path, work: Path, *tags: str, annotated: bool = False) -> str:
    """A new commit on main in ``bare``, tagged with ``tags``; its SHA."""
    if not work.exists():
        git("clone", "-q", str(bare), str(work), cwd=bare.parent)
    (work / "action.yml").write_text(f"# {' '.join(tags)}\n")
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", f"release {tags[0]}", cwd=work)
    for tag in tags:
        if annotated:
            git("tag", "-a", "-m", f"version {tag}", tag, cwd=work)
        else:
            git("tag", tag, cwd=work)
    git("push", "-q", "origin", "HEAD:main", "--tags", cwd=work)
    return git("rev-parse", "HEAD", cwd=work)


ACTION_REPOS = {
    "checkout": ("actions", "checkout"),
    "publish": ("pypa", "gh-action-pypi-publish"),
    "lock": ("dessant", "lock-threads"),
}


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """Bare repositories of three actions, built once; and the SHAs of their releases."""
    base = tmp_path_factory.mktemp("actions")
    shas: dict[str, str] = {}
    for owner, name in ACTION_REPOS.values():
        bare = base / owner / f"{name}.git"
        bare.mkdir(parents=True)
        git("init", "-q", "--bare", "-b", "main", cwd=bare)
    work = base / "work"
    checkout = base / "actions" / "checkout.git"
    shas["checkout v5.0.0"] = release(checkout, work / "c", "v5.0.0")
    shas["checkout v5.1.0"] = release(checkout, work / "c", "v5.1.0", "v5")
    shas["checkout v6.0.0"] = release(checkout, work / "c", "v6.0.0")
    shas["checkout v6.0.2"] = release(checkout, work / "c", "v6.0.2", "v6", annotated=True)
    shas["checkout beta"] = release(checkout, work / "c", "v6.1.0-beta.1", "latest")
    publish = base / "pypa" / "gh-action-pypi-publish.git"
    shas["publish v1.12.4"] = release(publish, work / "p", "v1.12.4")
    shas["publish v1.13.0"] = release(publish, work / "p", "v1.13.0")
    lock = base / "dessant" / "lock-threads.git"
    shas["lock v5.0.1"] = release(lock, work / "l", "v5.0.1")
    shas["lock v6.0.0"] = release(lock, work / "l", "v6.0.0", annotated=True)
    return base, shas


@pytest.fixture
def actions(github_server: GitHubServer, releases: tuple[Path, dict[str, str]]) -> dict[str, str]:
    """The action repositories, served by this test's server (read-only)."""
    base, shas = releases
    state: State = github_server.state
    for owner, name in ACTION_REPOS.values():
        state.add_repo(owner, name, base / owner / f"{name}.git")
    return shas


def workflow(shas: dict[str, str]) -> str:
    return f"""\
name: CI
on: push
permissions: {{}}
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@{shas["checkout v5.0.0"]} # v5.0.0
        with:
          persist-credentials: false
      - name: tagged, not pinned
        uses: "actions/checkout@v5"
      - uses: dessant/lock-threads@main
      - uses: pypa/gh-action-pypi-publish@{shas["publish v1.12.4"]}  # v1.12.4
      - uses: ./.github/actions/local
  reuse:
    uses: $/.github/workflows/other.yaml
"""


CALLER = """\
jobs:
  tests:
    uses: {{ eco_repo }}/.github/workflows/tests.yaml@{{ workflows_ref }}
  more:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@%s # v5.0.0
"""


@pytest.fixture
def ecosystem(tmp_path: Path, actions: dict[str, str]) -> Path:
    """A scratch monorepo (not a git repository) using the actions above."""
    root = tmp_path / "eco"
    (root / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows").mkdir(parents=True)
    callers = root / "templates" / "skeleton" / ".github" / "workflows"
    callers.mkdir(parents=True)
    (root / "projects.toml").write_text(REGISTRY_HEAD)
    (root / "workflows" / "ci.yaml").write_text(workflow(actions))
    shutil.copy(root / "workflows" / "ci.yaml", root / ".github" / "workflows" / "ci.yaml")
    (callers / "tests.yaml").write_text(CALLER % actions["checkout v5.0.0"])
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def eco(
    server: GitHubServer, root: Path, *args: str, token: str = TOKEN, subprocess: bool = False
) -> Result:
    """``eco --root ROOT pins ARGS`` in this process (or, with ``subprocess``, in a new
    one, as a user runs it); the token must appear in none of its output."""
    argv = ["--root", str(root), "pins", *args]
    env = {"ECO_GITHUB_API_URL": server.url, "GITHUB_TOKEN": token}
    if subprocess:
        done = run_eco(*argv, env=env)
        result = Result(done.returncode, done.stdout, done.stderr)
    else:
        ran = CliRunner().invoke(cli, argv, env=env, catch_exceptions=False)
        result = Result(ran.exit_code, ran.stdout, ran.stderr)
    assert token not in result.stdout + result.stderr
    return result


# -- update -----------------------------------------------------------------------------


def test_dry_run_shows_the_diff_and_writes_nothing(
    github_server: GitHubServer, ecosystem: Path, actions: dict[str, str]
) -> None:
    before = snapshot(ecosystem)
    result = eco(github_server, ecosystem, "update", "--dry-run", subprocess=True)
    assert result.returncode == 0, result.stderr
    assert snapshot(ecosystem) == before
    out = result.stdout
    assert f"-      - uses: actions/checkout@{actions['checkout v5.0.0']} # v5.0.0" in out
    assert f"+      - uses: actions/checkout@{actions['checkout v5.1.0']} # v5.1.0" in out
    assert '-        uses: "actions/checkout@v5"' in out
    assert f'+        uses: "actions/checkout@{actions["checkout v5.1.0"]}" # v5.1.0' in out
    assert "+++ b/workflows/pins.toml" in out
    assert "actions/checkout: held at v5.1.0; v6.0.2 is a new major version" in out
    assert "dry run: 4 file(s) would change" in result.stderr
    # One tag listing per action repository, nothing else, no write.
    assert github_server.count("GET", "/repos/actions/checkout/tags") == 1
    assert github_server.count() == 3, github_server.summary()


def test_update_pins_to_the_newest_release_within_the_major(
    github_server: GitHubServer, ecosystem: Path, actions: dict[str, str]
) -> None:
    result = eco(github_server, ecosystem, "update")
    assert result.returncode == 0, result.stderr
    text = (ecosystem / "workflows" / "ci.yaml").read_text()
    v510 = actions["checkout v5.1.0"]
    assert f"      - uses: actions/checkout@{v510} # v5.1.0\n        with:" in text
    assert f'        uses: "actions/checkout@{v510}" # v5.1.0\n' in text
    # A branch names no version: the newest release of all, the commit of an annotated tag.
    assert f"      - uses: dessant/lock-threads@{actions['lock v6.0.0']} # v6.0.0\n" in text
    publish = actions["publish v1.13.0"]
    assert f"      - uses: pypa/gh-action-pypi-publish@{publish} # v1.13.0\n" in text
    assert "uses: ./.github/actions/local\n" in text and "uses: $/.github/workflows/" in text
    # Both copies move together; the templated reusable-workflow line is left alone.
    copy = ecosystem / ".github" / "workflows" / "ci.yaml"
    assert copy.read_text() == text
    caller = (ecosystem / "templates/skeleton/.github/workflows/tests.yaml").read_text()
    assert "@{{ workflows_ref }}\n" in caller and f"@{v510} # v5.1.0\n" in caller
    assert pins.read_lock(ecosystem) == {
        "actions/checkout": pins.Tag("v5.1.0", v510),
        "dessant/lock-threads": pins.Tag("v6.0.0", actions["lock v6.0.0"]),
        "pypa/gh-action-pypi-publish": pins.Tag("v1.13.0", publish),
    }
    assert "actions/checkout: v5, v5.0.0 -> v5.1.0 (5 lines in 3 files)" in result.stdout
    assert github_server.writes() == []

    check = eco(github_server, ecosystem, "check")
    assert check.returncode == 0, check.stdout + check.stderr


def test_update_is_idempotent(github_server: GitHubServer, ecosystem: Path) -> None:
    assert eco(github_server, ecosystem, "update").returncode == 0
    after_first = snapshot(ecosystem)
    github_server.reset_hits()
    again = eco(github_server, ecosystem, "update")
    assert again.returncode == 0, again.stderr
    assert snapshot(ecosystem) == after_first
    assert again.stdout.count("->") == 0
    assert "all 3 actions are up to date" in again.stderr
    dry = eco(github_server, ecosystem, "update", "--dry-run")
    assert "+++" not in dry.stdout and "dry run: 0 file(s) would change" in dry.stderr


def test_major_moves_to_the_newest_major(
    github_server: GitHubServer, ecosystem: Path, actions: dict[str, str]
) -> None:
    result = eco(github_server, ecosystem, "update", "--major")
    assert result.returncode == 0, result.stderr
    text = (ecosystem / "workflows" / "ci.yaml").read_text()
    # v6.0.2 is an annotated tag: the pin is its commit, never the tag object.
    head = actions["checkout v6.0.2"]
    assert f"actions/checkout@{head} # v6.0.2\n" in text
    assert "held at" not in result.stdout
    # The pre-release and the non-numeric tag on a newer commit are never chosen.
    assert actions["checkout beta"] not in text
    assert eco(github_server, ecosystem, "check", "--remote").returncode == 0


def test_update_stops_with_one_error_for_an_unknown_action(
    github_server: GitHubServer, ecosystem: Path
) -> None:
    ci = ecosystem / "workflows" / "ci.yaml"
    ci.write_text(ci.read_text() + "      - uses: nobody/nothing@v1\n")
    before = snapshot(ecosystem)
    result = eco(github_server, ecosystem, "update")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("error: nobody/nothing: no such")
    assert "Traceback" not in result.stderr
    assert snapshot(ecosystem) == before


def test_a_refused_token_is_one_clear_error(github_server: GitHubServer, ecosystem: Path) -> None:
    github_server.require_token("the-right-one")
    result = eco(github_server, ecosystem, "update", subprocess=True)
    assert result.returncode == 2
    assert "refused the token (401)" in result.stderr
    assert "Traceback" not in result.stderr


# -- check ------------------------------------------------------------------------------


def _updated(server: GitHubServer, root: Path) -> Path:
    assert eco(server, root, "update").returncode == 0
    return root / "workflows" / "ci.yaml"


def test_check_catches_an_unpinned_line(github_server: GitHubServer, ecosystem: Path) -> None:
    ci = _updated(github_server, ecosystem)
    ci.write_text(ci.read_text() + "      - uses: actions/checkout@v6\n")
    result = eco(github_server, ecosystem, "check")
    assert result.returncode == 1
    number = len(ci.read_text().splitlines())
    assert f"workflows/ci.yaml:{number}: actions/checkout@v6 is not pinned" in result.stdout
    assert github_server.count() == 3  # the update's listings only: check is offline


def test_check_catches_a_comment_that_does_not_match_its_sha(
    github_server: GitHubServer, ecosystem: Path, actions: dict[str, str]
) -> None:
    ci = _updated(github_server, ecosystem)
    lines = ci.read_text().splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if "pypi-publish@" in line)
    lines[index] = lines[index].replace("# v1.13.0", "# v1.12.4")
    ci.write_text("".join(lines))
    result = eco(github_server, ecosystem, "check")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"workflows/ci.yaml:{index + 1}: the comment v1.12.4 does not match the SHA: "
        f"workflows/pins.toml records {actions['publish v1.13.0'][:12]}… as v1.13.0"
    ]


def test_check_remote_catches_a_lock_edited_to_agree_with_a_wrong_comment(
    github_server: GitHubServer, ecosystem: Path, actions: dict[str, str]
) -> None:
    ci = _updated(github_server, ecosystem)
    for path in (ci, ecosystem / "workflows" / "pins.toml"):
        path.write_text(path.read_text().replace("v1.13.0", "v1.12.4"))
    assert eco(github_server, ecosystem, "check").returncode == 1  # the copy still says v1.13.0
    copy = ecosystem / ".github" / "workflows" / "ci.yaml"
    copy.write_text(ci.read_text())
    assert eco(github_server, ecosystem, "check").returncode == 0  # consistent, but wrong
    result = eco(github_server, ecosystem, "check", "--remote")
    assert result.returncode == 1
    assert (
        f"the comment v1.12.4 does not match the SHA: on GitHub pypa/gh-action-pypi-publish "
        f"v1.12.4 is {actions['publish v1.12.4']}, not {actions['publish v1.13.0']}"
    ) in result.stdout


def test_check_catches_a_missing_comment_and_an_unlocked_action(
    github_server: GitHubServer, ecosystem: Path
) -> None:
    ci = _updated(github_server, ecosystem)
    sha = "1" * 40
    ci.write_text(
        ci.read_text() + f"      - uses: actions/cache@{sha}\n"
        f"      - uses: actions/setup-python@{sha} # v6.2.0\n"
    )
    result = eco(github_server, ecosystem, "check")
    assert result.returncode == 1
    out = result.stdout
    assert "actions/cache@111111111111… has no version comment (# vX.Y.Z)" in out
    assert "actions/setup-python is not in workflows/pins.toml; run eco pins update" in out


# -- pure parts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "names, major, expected",
    [
        (["v5", "v5.1.0", "v6.0.0", "v6.1.0-beta"], None, "v6.0.0"),
        (["v5", "v5.1.0", "v6.0.0"], 5, "v5.1.0"),
        (["v1.12.4", "v1.13.0", "v1.9.9", "release/v1"], 1, "v1.13.0"),
        (["1.2", "1.10"], None, "1.10"),
        (["nightly", "latest"], None, None),
        (["v4.2.2"], 5, None),
    ],
)
def test_newest(names: list[str], major: int | None, expected: str | None) -> None:
    tags = [pins.Tag(n, f"{i:040x}") for i, n in enumerate(names)]
    found = pins.newest(tags, major=major)
    assert (found.name if found else None) == expected


# -- workflows-ref ----------------------------------------------------------------------


def test_workflows_ref_is_set_to_a_commit_holding_the_called_workflows(
    github_server: GitHubServer, ecosystem: Path
) -> None:
    _updated(github_server, ecosystem)
    assert "workflows-ref" in eco(github_server, ecosystem, "check").stderr  # not verified
    git("init", "-q", "-b", "main", cwd=ecosystem)
    git("add", "-A", cwd=ecosystem)
    git("commit", "-q", "-m", "no tests.yaml yet", cwd=ecosystem)
    check = eco(github_server, ecosystem, "check")
    assert check.returncode == 1
    assert check.stdout == (
        "projects.toml [ecosystem] workflows-ref: 0123456789abcdef0123456789abcdef01234567 "
        "is not a commit of this repository's history\n"
    )
    refused = eco(github_server, ecosystem, "workflows-ref")
    assert refused.returncode == 2
    assert "lacks .github/workflows/tests.yaml, which the callers call" in refused.stderr
    assert refused.stderr.count("which the callers call") == 1

    shutil.copy(ecosystem / "workflows" / "ci.yaml", ecosystem / "workflows" / "tests.yaml")
    shutil.copy(ecosystem / "workflows" / "tests.yaml", ecosystem / ".github" / "workflows")
    git("add", "-A", cwd=ecosystem)
    git("commit", "-q", "-m", "tests.yaml", cwd=ecosystem)
    head = git("rev-parse", "HEAD", cwd=ecosystem)
    registry = (ecosystem / "projects.toml").read_text()
    dry = eco(github_server, ecosystem, "workflows-ref", "--dry-run")
    assert dry.stdout == f"workflows-ref: 0123456789abcdef0123456789abcdef01234567 -> {head}\n"
    assert (ecosystem / "projects.toml").read_text() == registry
    assert eco(github_server, ecosystem, "workflows-ref").returncode == 0
    assert (ecosystem / "projects.toml").read_text() == registry.replace(
        "0123456789abcdef0123456789abcdef01234567", head
    )
    assert eco(github_server, ecosystem, "check").returncode == 0
    assert "already" in eco(github_server, ecosystem, "workflows-ref", "main").stderr
    bad = eco(github_server, ecosystem, "workflows-ref", "no-such-branch")
    assert bad.returncode == 2 and "'no-such-branch' is not a commit" in bad.stderr


def test_the_monorepo_pins_are_clean() -> None:
    """Every `uses:` this repository ships matches workflows/pins.toml, and workflows-ref
    is a commit of this history holding the called workflows."""
    if git("rev-parse", "--is-shallow-repository", cwd=REPO) == "true":
        pytest.skip("a shallow clone cannot see the workflows-ref commit")
    result = CliRunner().invoke(cli, ["--root", str(REPO), "pins", "check"])
    assert result.exit_code == 0, result.output
    assert pins.read_lock(REPO)["actions/checkout"].name == "v6.0.2"
