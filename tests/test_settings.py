"""eco settings check / apply against the test GitHub server: repositories set up right,
wrong and partly unreadable; a second apply writes nothing; reads per project counted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.github_server.core import GitHubServer
from tests.github_server.state import Environment
from tests.github_server.state import Repo
from tests.github_server.state import Ruleset
from tests.helpers import Ecosystem
from tests.helpers import make_ecosystem
from tests.helpers import REPO
from tests.helpers import run_eco

pytest_plugins = ["tests.github_server.fixtures"]
pytestmark = pytest.mark.slow

PROJECTS = """
[projects.right]
repo = "org/right"

[projects.wrong]
repo = "org/wrong"

[projects.partial]
repo = "org/partial"
"""
TEAM_ID = 77


def set_up_right(server: GitHubServer, repo: Repo) -> None:
    """``repo`` as the monorepo's settings.toml asks, written straight into the state."""
    s = repo.settings
    s.has_issues, s.has_discussions, s.has_wiki = True, True, False
    s.secret_scanning = s.push_protection = "enabled"
    s.private_vulnerability_reporting = True
    s.workflow_permissions, s.can_approve_pull_request_reviews = "read", False
    env = Environment(server.state.new_id(), "publish", [("Team", TEAM_ID)], "custom", False)
    env.policies[server.state.new_id()] = ("*", "tag")
    s.environments["publish"] = env
    now = server.state.now()
    for name, target, include, rules, bypass in (
        (
            "eco: default branch",
            "branch",
            ["~DEFAULT_BRANCH"],
            ["deletion", "non_fast_forward"],
            [],
        ),
        ("eco: release tags", "tag", ["refs/tags/*"], ["creation", "deletion", "update"], [2, 5]),
    ):
        ident = server.state.new_id()
        s.rulesets[ident] = Ruleset(
            ident,
            name,
            target,
            "active",
            include,
            [],
            [{"type": r} for r in rules],
            [
                {"actor_id": b, "actor_type": "RepositoryRole", "bypass_mode": "always"}
                for b in bypass
            ],
            now,
            now,
        )


@pytest.fixture
def world(
    github_server: GitHubServer, tmp_path: Path
) -> tuple[GitHubServer, Ecosystem, dict[str, str]]:
    server = github_server
    server.state.teams[("org", "maintainers")] = TEAM_ID
    set_up_right(server, server.state.create_repo("org", "right"))
    server.state.create_repo("org", "wrong")  # GitHub's defaults: nothing set up
    set_up_right(server, server.state.create_repo("org", "partial"))
    eco = make_ecosystem(tmp_path, PROJECTS, copy=())
    shutil.copy(REPO / "settings.toml", eco.root / "settings.toml")
    env = {"GITHUB_TOKEN": "ghp_" + "x" * 36, "ECO_GITHUB_API_URL": server.url}
    return server, eco, env


def reads(server: GitHubServer, repo: str) -> int:
    return sum(1 for h in server.hits if h.method == "GET" and h.path.startswith(f"/repos/{repo}"))


def check(eco: Ecosystem, env: dict[str, str], *projects: str) -> tuple[int, dict[str, object]]:
    result = run_eco("settings", "check", *projects, "--format", "json", cwd=eco.root, env=env)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)["projects"]


def states(project: dict[str, object]) -> dict[str, str]:
    items = project["settings"]
    assert isinstance(items, list)
    return {i["setting"]: i["state"] for i in items}


def test_a_repository_set_up_right_checks_clean(
    world: tuple[GitHubServer, Ecosystem, dict[str, str]],
) -> None:
    server, eco, env = world
    code, projects = check(eco, env, "right")
    assert code == 0
    assert set(states(projects["right"]).values()) == {"expected"}  # type: ignore[arg-type]
    assert reads(server, "org/right") == 8 <= 12
    assert server.writes() == []


def test_a_wrong_repository_is_shown_then_applied_once(
    world: tuple[GitHubServer, Ecosystem, dict[str, str]],
) -> None:
    server, eco, env = world
    code, projects = check(eco, env, "wrong")
    assert code == 1
    wrong = projects["wrong"]
    assert isinstance(wrong, dict)
    found = {i["setting"]: i for i in wrong["settings"]}
    assert found["features.wiki"]["expected"] is False and found["features.wiki"]["actual"] is True
    assert found["actions.default-workflow-permissions"]["actual"] == "write"
    assert found["environment.deployment"]["actual"] == "no environment"
    assert found["tag-ruleset"]["actual"] is None
    assert reads(server, "org/wrong") <= 12 and server.writes() == []

    dry = run_eco("settings", "apply", "wrong", cwd=eco.root, env=env)
    assert dry.returncode == 0, dry.stderr
    assert dry.stderr.splitlines()[0].startswith("dry run:")
    assert "write: PUT /repos/org/wrong/environments/publish" in dry.stdout
    assert server.writes() == []

    server.reset_hits()
    done = run_eco("settings", "apply", "wrong", "--apply", cwd=eco.root, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0].startswith("applying:")
    writes = sorted((h.method, h.path) for h in server.writes())
    assert writes == [
        ("PATCH", "/repos/org/wrong"),
        ("POST", "/repos/org/wrong/environments/publish/deployment-branch-policies"),
        ("POST", "/repos/org/wrong/rulesets"),
        ("POST", "/repos/org/wrong/rulesets"),
        ("PUT", "/repos/org/wrong/actions/permissions/workflow"),
        ("PUT", "/repos/org/wrong/environments/publish"),
        ("PUT", "/repos/org/wrong/private-vulnerability-reporting"),
    ]
    repo = server.state.repo("org", "wrong")
    assert repo is not None
    assert repo.settings.environments["publish"].reviewers == [("Team", TEAM_ID)]
    assert not repo.settings.environments["publish"].can_admins_bypass

    code, projects = check(eco, env, "wrong")
    assert code == 0, projects
    server.reset_hits()
    again = run_eco("settings", "apply", "wrong", "--apply", cwd=eco.root, env=env)
    assert again.returncode == 0, again.stderr
    assert server.writes() == [] and "nothing to write" in again.stdout


def test_one_unreadable_endpoint_leaves_the_others_checked(
    world: tuple[GitHubServer, Ecosystem, dict[str, str]],
) -> None:
    server, eco, env = world
    repo = server.state.repo("org", "partial")
    assert repo is not None
    repo.settings.has_wiki = True  # one real difference besides
    server.fail_next(
        2,
        status=403,
        message="Resource not accessible by integration",
        retry_after=None,
        path="/repos/org/partial/actions/permissions/workflow",
    )
    result = run_eco("settings", "check", "partial", cwd=eco.root, env=env)
    assert result.returncode == 1, result.stderr
    assert "partial (org/partial): 1 different, 2 could not be read" in result.stdout
    assert "403 Resource not accessible by integration" in result.stdout

    server.reset_hits()
    done = run_eco("settings", "apply", "partial", "--apply", cwd=eco.root, env=env)
    assert done.returncode == 0, done.stderr
    assert [(h.method, h.path) for h in server.writes()] == [("PATCH", "/repos/org/partial")]


def test_an_unreadable_environment_is_never_written(
    world: tuple[GitHubServer, Ecosystem, dict[str, str]],
) -> None:
    """A 403 on the environment is not a missing environment: apply leaves it alone."""
    server, eco, env = world
    server.fail_next(
        1,
        status=403,
        message="Must have admin rights to Repository.",
        retry_after=None,
        path="/repos/org/wrong/environments/publish",
    )
    done = run_eco(
        "settings", "apply", "wrong", "--apply", "--format", "json", cwd=eco.root, env=env
    )
    assert done.returncode == 0, done.stderr
    found = {i["setting"]: i for i in json.loads(done.stdout)["projects"]["wrong"]["settings"]}
    assert found["environment.reviewers"]["state"] == "unreadable"
    assert "403 Must have admin rights" in found["environment.reviewers"]["reason"]
    assert not [h for h in server.writes() if "/environments/" in h.path]
    assert ("PATCH", "/repos/org/wrong") in [(h.method, h.path) for h in server.writes()]


def test_a_stricter_repository_is_kept_unless_loosened(
    world: tuple[GitHubServer, Ecosystem, dict[str, str]],
) -> None:
    server, eco, env = world
    text = (eco.root / "projects.toml").read_text()
    eco.write_registry(
        text.replace(
            'repo = "org/right"\n',
            'repo = "org/right"\n'
            'settings = { actions = { default-workflow-permissions = "write" } }\n',
        )
    )
    result = run_eco("settings", "check", "right", cwd=eco.root, env=env)
    assert result.returncode == 1
    assert "stricter" in result.stdout and "actions.default-workflow-permissions" in result.stdout
    kept = run_eco("settings", "apply", "right", "--apply", cwd=eco.root, env=env)
    assert kept.returncode == 0, kept.stderr
    assert server.writes() == []
    loose = run_eco("settings", "apply", "right", "--apply", "--loosen", cwd=eco.root, env=env)
    assert loose.returncode == 0, loose.stderr
    assert [(h.method, h.path) for h in server.writes()] == [
        ("PUT", "/repos/org/right/actions/permissions/workflow")
    ]


@pytest.mark.parametrize(
    ("file", "edit", "message"),
    [
        (
            "settings.toml",
            ("wiki = false", "wikki = false"),
            "settings.toml:28: features.wikki: unknown key (did you mean 'wiki'?)",
        ),
        (
            "settings.toml",
            ('reviewers = ["team:maintainers"]', 'reviewers = ["maintainers"]'),
            "environment.reviewers: expected one to six reviewers like",
        ),
        (
            "projects.toml",
            ('repo = "org/right"\n', 'repo = "org/right"\nsettings = { actions = { x = 1 } }\n'),
            "projects.right.settings.actions.x: unknown key",
        ),
    ],
)
def test_a_bad_settings_file_is_one_line_and_no_request(
    world: tuple[GitHubServer, Ecosystem, dict[str, str]],
    file: str,
    edit: tuple[str, str],
    message: str,
) -> None:
    server, eco, env = world
    path = eco.root / file
    path.write_text(path.read_text().replace(*edit, 1))
    result = run_eco("settings", "check", cwd=eco.root, env=env)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert [h for h in server.hits if h.path != "/rate_limit"] == []
