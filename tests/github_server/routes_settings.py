"""Repository settings: features, environments and their deployment branch policies,
rulesets, workflow token permissions, private vulnerability reporting, users and teams.

State lives in ``Repo.settings`` (:class:`~tests.github_server.state.RepoSettings`); a
test sets a repository up by changing it directly. Every answer here is checked against
GitHub's whole OpenAPI description (``schema=FULL``): the subset lacks these endpoints.
"""

from __future__ import annotations

from typing import Any

from tests.github_server import shapes
from tests.github_server.core import Call
from tests.github_server.core import FULL
from tests.github_server.core import invalid
from tests.github_server.core import NO_CONTENT
from tests.github_server.core import not_found
from tests.github_server.core import Page
from tests.github_server.core import Reply
from tests.github_server.core import route
from tests.github_server.routes_repos import find_repo
from tests.github_server.state import Environment
from tests.github_server.state import Repo
from tests.github_server.state import Ruleset
from tests.github_server.state import State

HTML = "https://github.com"

# -- the repository ----------------------------------------------------------------------


@route("PATCH", "/repos/{owner}/{repo}", schema=FULL)
def edit_repo(call: Call) -> Any:
    repo = find_repo(call)
    settings = repo.settings
    for key in ("has_issues", "has_wiki", "has_discussions"):
        value = call.arg(key)
        if value is not None:
            if not isinstance(value, bool):
                raise invalid("Invalid request.", field=key, code="invalid")
            setattr(settings, key, value)
    security = call.arg("security_and_analysis") or {}
    for key, attr in (
        ("secret_scanning", "secret_scanning"),
        ("secret_scanning_push_protection", "push_protection"),
    ):
        if key in security:
            status = security[key].get("status")
            if status not in ("enabled", "disabled"):
                raise invalid("Invalid request.", field=key, code="invalid")
            setattr(settings, attr, status)
    return shapes.repository(call.state, repo)


# -- users and teams -----------------------------------------------------------------------


@route("GET", "/users/{username}", schema=FULL)
def get_user(call: Call) -> Any:
    login = call.params["username"]
    created = shapes.stamp(call.state.now())
    return {
        **shapes.user(call.state, login),
        "name": None,
        "company": None,
        "blog": "",
        "location": None,
        "email": None,
        "hireable": None,
        "bio": None,
        "public_repos": 0,
        "public_gists": 0,
        "followers": 0,
        "following": 0,
        "created_at": created,
        "updated_at": created,
    }


def team(state: State, org: str, slug: str, team_id: int) -> dict[str, Any]:
    api = f"{state.api_url}/organizations/1/team/{team_id}"
    return {
        "id": team_id,
        "node_id": shapes.node_id("T", team_id),
        "url": api,
        "html_url": f"{HTML}/orgs/{org}/teams/{slug}",
        "name": slug,
        "slug": slug,
        "description": None,
        "privacy": "closed",
        "notification_setting": "notifications_enabled",
        "permission": "pull",
        "members_url": f"{api}/members{{/member}}",
        "repositories_url": f"{api}/repos",
        "parent": None,
        "type": "organization",
    }


@route("GET", "/orgs/{org}/teams/{team_slug}", schema=FULL)
def get_team(call: Call) -> Any:
    org, slug = call.params["org"], call.params["team_slug"]
    team_id = call.state.teams.get((org, slug))
    if team_id is None:
        raise not_found()
    now = shapes.stamp(call.state.now())
    organization = {
        **{k: v for k, v in shapes.user(call.state, org).items() if k != "user_view_type"},
        "type": "Organization",
    }
    return {
        **team(call.state, org, slug, team_id),
        "members_count": 1,
        "repos_count": 1,
        "created_at": now,
        "updated_at": now,
        "organization": _organization(call.state, org, organization),
    }


def _organization(state: State, org: str, base: dict[str, Any]) -> dict[str, Any]:
    api = f"{state.api_url}/orgs/{org}"
    now = shapes.stamp(state.now())
    return {
        "login": org,
        "id": base["id"],
        "node_id": base["node_id"],
        "url": api,
        "repos_url": f"{api}/repos",
        "events_url": f"{api}/events",
        "hooks_url": f"{api}/hooks",
        "issues_url": f"{api}/issues",
        "members_url": f"{api}/members{{/member}}",
        "public_members_url": f"{api}/public_members{{/member}}",
        "avatar_url": base["avatar_url"],
        "description": None,
        "html_url": f"{HTML}/{org}",
        "has_organization_projects": True,
        "has_repository_projects": True,
        "public_repos": len(state.repos),
        "public_gists": 0,
        "followers": 0,
        "following": 0,
        "type": "Organization",
        "created_at": now,
        "updated_at": now,
        "archived_at": None,
    }


# -- environments ----------------------------------------------------------------------------


def find_environment(call: Call) -> tuple[Repo, Environment]:
    repo = find_repo(call)
    found = repo.settings.environments.get(call.params["environment_name"])
    if found is None:
        raise not_found()
    return repo, found


def environment(call: Call, repo: Repo, env: Environment) -> dict[str, Any]:
    api = f"{call.base}/repos/{repo.full_name}/environments/{env.name}"
    rules: list[dict[str, Any]] = []
    if env.reviewers:
        reviewers = []
        for kind, ident in env.reviewers:
            if kind == "User":
                login = next(
                    (u for u in _known_users(call.state, repo) if shapes.user_id(u) == ident),
                    f"user{ident}",
                )
                reviewers.append({"type": "User", "reviewer": shapes.user(call.state, login)})
            else:
                slug = next(
                    (s for (o, s), i in call.state.teams.items() if i == ident), f"team{ident}"
                )
                reviewers.append(
                    {"type": "Team", "reviewer": team(call.state, repo.owner, slug, ident)}
                )
        rules.append(
            {
                "id": env.id + 1,
                "node_id": shapes.node_id("GA", env.id + 1),
                "type": "required_reviewers",
                "prevent_self_review": env.prevent_self_review,
                "reviewers": reviewers,
            }
        )
    policy = None
    if env.branch_policy is not None:
        policy = {
            "protected_branches": env.branch_policy == "protected",
            "custom_branch_policies": env.branch_policy == "custom",
        }
    stamp = shapes.stamp(env.created_at)
    return {
        "id": env.id,
        "node_id": shapes.node_id("EN", env.id),
        "name": env.name,
        "url": api,
        "html_url": f"{HTML}/{repo.full_name}/deployments?environment={env.name}",
        "created_at": stamp,
        "updated_at": stamp,
        "can_admins_bypass": env.can_admins_bypass,
        "protection_rules": rules,
        "deployment_branch_policy": policy,
    }


def _known_users(state: State, repo: Repo) -> list[str]:
    return sorted(state.users | {repo.owner, state.login})


@route("GET", "/repos/{owner}/{repo}/environments/{environment_name}", schema=FULL)
def get_environment(call: Call) -> Any:
    repo, env = find_environment(call)
    return environment(call, repo, env)


@route("PUT", "/repos/{owner}/{repo}/environments/{environment_name}", schema=FULL)
def put_environment(call: Call) -> Any:
    repo = find_repo(call)
    name = call.params["environment_name"]
    env = repo.settings.environments.get(name)
    if env is None:
        env = Environment(call.state.new_id(), name, [], None, created_at=call.state.now())
        repo.settings.environments[name] = env
    body = call.body if isinstance(call.body, dict) else {}
    if "reviewers" in body:
        reviewers = body["reviewers"] or []
        if len(reviewers) > 6:
            raise invalid("Validation Failed", field="reviewers", code="invalid")
        env.reviewers = [(str(r["type"]), int(r["id"])) for r in reviewers]
    if "deployment_branch_policy" in body:
        policy = body["deployment_branch_policy"]
        if policy is None:
            env.branch_policy = None
        elif policy.get("protected_branches") == policy.get("custom_branch_policies"):
            raise invalid("Validation Failed", field="deployment_branch_policy", code="invalid")
        else:
            env.branch_policy = "protected" if policy["protected_branches"] else "custom"
    if "can_admins_bypass" in body:
        env.can_admins_bypass = bool(body["can_admins_bypass"])
    if "prevent_self_review" in body:
        env.prevent_self_review = bool(body["prevent_self_review"])
    return environment(call, repo, env)


def branch_policy(ident: int, name: str, kind: str) -> dict[str, Any]:
    return {"id": ident, "node_id": shapes.node_id("DBP", ident), "name": name, "type": kind}


@route(
    "GET",
    "/repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies",
    schema=FULL,
)
def list_branch_policies(call: Call) -> Any:
    _, env = find_environment(call)
    if env.branch_policy != "custom":
        raise not_found()
    policies = [branch_policy(i, n, t) for i, (n, t) in sorted(env.policies.items())]
    return {"total_count": len(policies), "branch_policies": policies}


@route(
    "POST",
    "/repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies",
    schema=FULL,
)
def add_branch_policy(call: Call) -> Any:
    _, env = find_environment(call)
    if env.branch_policy != "custom":
        raise not_found()
    name = str(call.require("name"))
    kind = str(call.arg("type", "branch"))
    if kind not in ("branch", "tag"):
        raise invalid("Validation Failed", field="type", code="invalid")
    if (name, kind) in env.policies.values():
        raise invalid("Validation Failed", field="name", code="already_exists")
    ident = call.state.new_id()
    env.policies[ident] = (name, kind)
    return branch_policy(ident, name, kind)


@route(
    "DELETE",
    "/repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies/{branch_policy_id}",
    schema=NO_CONTENT,
)
def delete_branch_policy(call: Call) -> Any:
    _, env = find_environment(call)
    if env.policies.pop(int(call.params["branch_policy_id"]), None) is None:
        raise not_found()
    return Reply(204)


# -- rulesets --------------------------------------------------------------------------------


def ruleset(call: Call, repo: Repo, item: Ruleset, *, full: bool) -> dict[str, Any]:
    api = f"{call.base}/repos/{repo.full_name}/rulesets/{item.id}"
    out: dict[str, Any] = {
        "id": item.id,
        "name": item.name,
        "target": item.target,
        "source_type": "Repository",
        "source": repo.full_name,
        "enforcement": item.enforcement,
        "node_id": shapes.node_id("RRS", item.id),
        "_links": {
            "self": {"href": api},
            "html": {"href": f"{HTML}/{repo.full_name}/rules/{item.id}"},
        },
        "created_at": shapes.stamp(item.created_at),
        "updated_at": shapes.stamp(item.updated_at),
    }
    if full:
        out["bypass_actors"] = item.bypass_actors
        out["current_user_can_bypass"] = "never"
        out["conditions"] = {"ref_name": {"include": item.include, "exclude": item.exclude}}
        out["rules"] = item.rules
    return out


@route("GET", "/repos/{owner}/{repo}/rulesets", schema=FULL)
def list_rulesets(call: Call) -> Any:
    repo = find_repo(call)
    items = [ruleset(call, repo, r, full=False) for _, r in sorted(repo.settings.rulesets.items())]
    return Page(items)


def _ruleset_body(call: Call, item: Ruleset) -> None:
    body = call.body if isinstance(call.body, dict) else {}
    for key in ("name", "target", "enforcement"):
        if key in body:
            setattr(item, key, str(body[key]))
    if item.target not in ("branch", "tag", "push"):
        raise invalid("Validation Failed", field="target", code="invalid")
    if item.enforcement not in ("active", "disabled", "evaluate"):
        raise invalid("Validation Failed", field="enforcement", code="invalid")
    if "conditions" in body:
        ref = (body["conditions"] or {}).get("ref_name") or {}
        item.include = [str(x) for x in ref.get("include", [])]
        item.exclude = [str(x) for x in ref.get("exclude", [])]
    if "rules" in body:
        item.rules = [dict(rule) for rule in body["rules"]]
    if "bypass_actors" in body:
        item.bypass_actors = [dict(actor) for actor in body["bypass_actors"]]


@route("POST", "/repos/{owner}/{repo}/rulesets", schema=FULL)
def create_ruleset(call: Call) -> Any:
    repo = find_repo(call)
    name = str(call.require("name"))
    if any(r.name == name for r in repo.settings.rulesets.values()):
        raise invalid("Validation Failed", field="name", code="already_exists")
    now = call.state.now()
    item = Ruleset(call.state.new_id(), name, "branch", "active", [], [], [], [], now, now)
    _ruleset_body(call, item)
    repo.settings.rulesets[item.id] = item
    return Reply(201, ruleset(call, repo, item, full=True))


def find_ruleset(call: Call) -> tuple[Repo, Ruleset]:
    repo = find_repo(call)
    item = repo.settings.rulesets.get(int(call.params["ruleset_id"]))
    if item is None:
        raise not_found()
    return repo, item


@route("GET", "/repos/{owner}/{repo}/rulesets/{ruleset_id}", schema=FULL)
def get_ruleset(call: Call) -> Any:
    repo, item = find_ruleset(call)
    return ruleset(call, repo, item, full=True)


@route("PUT", "/repos/{owner}/{repo}/rulesets/{ruleset_id}", schema=FULL)
def update_ruleset(call: Call) -> Any:
    repo, item = find_ruleset(call)
    _ruleset_body(call, item)
    item.updated_at = call.state.now()
    return ruleset(call, repo, item, full=True)


# -- actions and security --------------------------------------------------------------------


@route("GET", "/repos/{owner}/{repo}/actions/permissions/workflow", schema=FULL)
def get_workflow_permissions(call: Call) -> Any:
    settings = find_repo(call).settings
    return {
        "default_workflow_permissions": settings.workflow_permissions,
        "can_approve_pull_request_reviews": settings.can_approve_pull_request_reviews,
    }


@route("PUT", "/repos/{owner}/{repo}/actions/permissions/workflow", schema=NO_CONTENT)
def put_workflow_permissions(call: Call) -> Any:
    settings = find_repo(call).settings
    value = call.arg("default_workflow_permissions")
    if value is not None:
        if value not in ("read", "write"):
            raise invalid("Invalid request.", field="default_workflow_permissions", code="invalid")
        settings.workflow_permissions = value
    approve = call.arg("can_approve_pull_request_reviews")
    if approve is not None:
        settings.can_approve_pull_request_reviews = bool(approve)
    return Reply(204)


@route("GET", "/repos/{owner}/{repo}/private-vulnerability-reporting", schema=FULL)
def get_private_reporting(call: Call) -> Any:
    return {"enabled": find_repo(call).settings.private_vulnerability_reporting}


@route("PUT", "/repos/{owner}/{repo}/private-vulnerability-reporting", schema=NO_CONTENT)
def enable_private_reporting(call: Call) -> Any:
    find_repo(call).settings.private_vulnerability_reporting = True
    return Reply(204)


@route("DELETE", "/repos/{owner}/{repo}/private-vulnerability-reporting", schema=NO_CONTENT)
def disable_private_reporting(call: Call) -> Any:
    find_repo(call).settings.private_vulnerability_reporting = False
    return Reply(204)
