"""Read what one repository has, through PyGithub's requester: at most 8 requests.

Each setting comes back as its value in a plain, comparable form, or as
:class:`Unreadable` saying why (the token may not read that endpoint: a 403 or 404 on
one endpoint leaves the other settings readable). A missing ``publish`` environment or
ruleset is a value (``None``), not a failure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from github import GithubException

from eco.settings.model import ROLES
from eco.settings.model import Settings

Get = Callable[[str], Any]  # GET path -> parsed JSON; raises GithubException
ROLE_NAMES = {ident: name for name, ident in ROLES.items()}
UNREADABLE_STATUSES = (401, 403, 404)


@dataclass(frozen=True)
class Unreadable:
    """A setting eco could not read, and why."""

    reason: str


@dataclass
class Current:
    """What a repository has: setting key -> value (or :class:`Unreadable`), plus what
    apply needs to write (the ids of the rulesets and deployment branch policies)."""

    values: dict[str, Any]
    ruleset_ids: dict[str, int]  # "branch-ruleset" / "tag-ruleset" -> id
    rulesets: dict[str, dict[str, Any]]  # the full rulesets as read
    policies: dict[str, int]  # "tag:*" -> policy id
    environment_missing: bool  # GitHub answered 404: there is no such environment


def _why(exc: GithubException, path: str) -> str:
    message = exc.data.get("message") if isinstance(exc.data, dict) else None
    return f"GET {path}: {exc.status} {message or ''}".strip()


def _try(get: Get, path: str) -> Any:
    """The answer, ``None`` on 404 when the thing may simply not exist, or Unreadable."""
    try:
        return get(path)
    except GithubException as exc:
        if exc.status not in UNREADABLE_STATUSES:
            raise
        return Unreadable(_why(exc, path))


def normal_ruleset(data: dict[str, Any]) -> dict[str, Any]:
    """A ruleset as eco compares it: target, enforcement, refs, rule types, bypass roles."""
    ref = (data.get("conditions") or {}).get("ref_name") or {}
    bypass = []
    for actor in data.get("bypass_actors") or []:
        if actor.get("actor_type") == "RepositoryRole" and actor.get("actor_id") in ROLE_NAMES:
            bypass.append(ROLE_NAMES[actor["actor_id"]])
        else:
            bypass.append(f"{actor.get('actor_type')}:{actor.get('actor_id')}")
    return {
        "target": data.get("target"),
        "enforcement": data.get("enforcement"),
        "include": sorted(ref.get("include") or []),
        "rules": sorted({str(rule.get("type")) for rule in data.get("rules") or []}),
        "bypass": sorted(bypass),
    }


def read(repo: str, settings: Settings, get: Get) -> Current:
    """Every setting of ``settings`` as ``repo`` has it."""
    values: dict[str, Any] = {}
    base = f"/repos/{repo}"
    got = get(base)  # the repository itself must be readable: else the project fails
    for key, field in (
        ("issues", "has_issues"),
        ("discussions", "has_discussions"),
        ("wiki", "has_wiki"),
    ):
        values[f"features.{key}"] = bool(got.get(field))
    security = got.get("security_and_analysis")
    for key, field in (
        ("secret-scanning", "secret_scanning"),
        ("push-protection", "secret_scanning_push_protection"),
    ):
        status = (
            (security or {}).get(field, {}).get("status") if isinstance(security, dict) else None
        )
        values[f"security.{key}"] = (
            status == "enabled"
            if status
            else Unreadable(
                f"GET {base}: no security_and_analysis.{field} "
                "(admin access needed, or not available)"
            )
        )
    reporting = _try(get, f"{base}/private-vulnerability-reporting")
    values["security.private-vulnerability-reporting"] = (
        reporting if isinstance(reporting, Unreadable) else bool(reporting.get("enabled"))
    )
    workflow = _try(get, f"{base}/actions/permissions/workflow")
    if isinstance(workflow, Unreadable):
        values["actions.default-workflow-permissions"] = workflow
        values["actions.can-approve-pull-request-reviews"] = workflow
    else:
        values["actions.default-workflow-permissions"] = workflow.get(
            "default_workflow_permissions"
        )
        values["actions.can-approve-pull-request-reviews"] = bool(
            workflow.get("can_approve_pull_request_reviews")
        )
    policies: dict[str, int] = {}
    env_path = f"{base}/environments/{quote(settings.environment.name, safe='')}"
    env = _environment(get, env_path)
    missing = False
    if isinstance(env, Unreadable):
        for key in ("reviewers", "deployment", "admin-bypass"):
            values[f"environment.{key}"] = env
    elif env is None:
        missing = True
        values["environment.reviewers"] = []
        values["environment.deployment"] = "no environment"
        values["environment.admin-bypass"] = "no environment"
    else:
        reviewers = []
        for rule in env.get("protection_rules") or []:
            for item in rule.get("reviewers") or []:
                who = item.get("reviewer") or {}
                if item.get("type") == "Team":
                    reviewers.append(f"team:{who.get('slug')}")
                else:
                    reviewers.append(f"user:{who.get('login')}")
        values["environment.reviewers"] = sorted(reviewers)
        values["environment.admin-bypass"] = bool(env.get("can_admins_bypass", True))
        policy = env.get("deployment_branch_policy")
        if policy is None:
            values["environment.deployment"] = "any ref"
        elif policy.get("protected_branches"):
            values["environment.deployment"] = "protected branches"
        else:
            listed = _try(get, f"{env_path}/deployment-branch-policies")
            if isinstance(listed, Unreadable):
                values["environment.deployment"] = listed
            else:
                for item in listed.get("branch_policies") or []:
                    policies[f"{item.get('type', 'branch')}:{item['name']}"] = int(item["id"])
                values["environment.deployment"] = sorted(policies)
    ids: dict[str, int] = {}
    full: dict[str, dict[str, Any]] = {}
    listed = _try(get, f"{base}/rulesets")
    for key, spec in (
        ("branch-ruleset", settings.branch_ruleset),
        ("tag-ruleset", settings.tag_ruleset),
    ):
        if isinstance(listed, Unreadable):
            values[key] = listed
            continue
        match = next((r for r in listed if r.get("name") == spec.name), None)
        if match is None:
            values[key] = None
            continue
        one = _try(get, f"{base}/rulesets/{int(match['id'])}")
        if isinstance(one, Unreadable):
            values[key] = one
            continue
        ids[key] = int(match["id"])
        full[key] = one
        values[key] = normal_ruleset(one)
    return Current(values, ids, full, policies, missing)


def _environment(get: Get, path: str) -> dict[str, Any] | Unreadable | None:
    try:
        found: dict[str, Any] = get(path)
        return found
    except GithubException as exc:
        if exc.status == 404:
            return None  # GitHub answers 404 for an environment that does not exist
        if exc.status in UNREADABLE_STATUSES:
            return Unreadable(_why(exc, path))
        raise
