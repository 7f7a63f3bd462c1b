"""Bring one repository in line with ``settings.toml``: write only the differences.

:func:`plan` turns the findings into requests (one per endpoint at most); a setting the
repository has stricter than the file is kept unless ``loosen`` is given, and unreadable
settings are never written. :func:`run` sends them, spaced by the forge's write spacer.
The one extra read is the id of each reviewer (team or user), only when they differ.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from eco.settings.compare import DIFFERENT
from eco.settings.compare import Finding
from eco.settings.model import ROLES
from eco.settings.model import RulesetSpec
from eco.settings.model import Settings
from eco.settings.read import Current
from eco.settings.read import Get

Send = Callable[[str, str, dict[str, Any] | None], Any]


@dataclass(frozen=True)
class Write:
    """One request that changes the repository."""

    method: str
    path: str
    body: dict[str, Any] | None
    settings: tuple[str, ...]  # the setting keys it brings in line

    def describe(self) -> str:
        return f"{self.method} {self.path} ({', '.join(self.settings)})"


def to_write(findings: list[Finding], loosen: bool) -> dict[str, Finding]:
    """The differences apply writes: not the stricter ones unless ``loosen``."""
    return {f.key: f for f in findings if f.state == DIFFERENT and (loosen or not f.stricter)}


def plan(
    repo: str,
    settings: Settings,
    current: Current,
    findings: list[Finding],
    get: Get,
    *,
    loosen: bool = False,
) -> list[Write]:
    """The requests that bring ``repo`` in line (``get`` looks reviewers' ids up)."""
    todo = to_write(findings, loosen)
    base = f"/repos/{repo}"
    writes: list[Write] = []
    edit: dict[str, Any] = {}
    keys: list[str] = []
    for key, field in (
        ("features.issues", "has_issues"),
        ("features.discussions", "has_discussions"),
        ("features.wiki", "has_wiki"),
    ):
        if key in todo:
            edit[field] = todo[key].expected
            keys.append(key)
    security: dict[str, Any] = {}
    for key, field in (
        ("security.secret-scanning", "secret_scanning"),
        ("security.push-protection", "secret_scanning_push_protection"),
    ):
        if key in todo:
            security[field] = {"status": "enabled" if todo[key].expected else "disabled"}
            keys.append(key)
    if security:
        edit["security_and_analysis"] = security
    if edit:
        writes.append(Write("PATCH", base, edit, tuple(keys)))
    key = "security.private-vulnerability-reporting"
    if key in todo:
        method = "PUT" if todo[key].expected else "DELETE"
        writes.append(Write(method, f"{base}/private-vulnerability-reporting", None, (key,)))
    actions = [
        k
        for k in (
            "actions.default-workflow-permissions",
            "actions.can-approve-pull-request-reviews",
        )
        if k in todo
    ]
    if actions:
        # the endpoint takes both values: the one not written is sent as it is now
        perms = current.values["actions.default-workflow-permissions"]
        approve = current.values["actions.can-approve-pull-request-reviews"]
        body = {
            "default_workflow_permissions": settings.workflow_permissions
            if "actions.default-workflow-permissions" in todo
            else perms,
            "can_approve_pull_request_reviews": settings.can_approve_reviews
            if "actions.can-approve-pull-request-reviews" in todo
            else approve,
        }
        writes.append(Write("PUT", f"{base}/actions/permissions/workflow", body, tuple(actions)))
    writes += _environment(base, settings, current, todo, get)
    for key, spec in (
        ("branch-ruleset", settings.branch_ruleset),
        ("tag-ruleset", settings.tag_ruleset),
    ):
        if key in todo:
            body = ruleset_body(spec, current.rulesets.get(key), loosen)
            if key in current.ruleset_ids:
                path = f"{base}/rulesets/{current.ruleset_ids[key]}"
                writes.append(Write("PUT", path, body, (key,)))
            else:
                writes.append(Write("POST", f"{base}/rulesets", body, (key,)))
    return writes


def _environment(
    base: str, settings: Settings, current: Current, todo: dict[str, Finding], get: Get
) -> list[Write]:
    env = settings.environment
    path = f"{base}/environments/{quote(env.name, safe='')}"
    body: dict[str, Any] = {}
    keys = []
    if "environment.reviewers" in todo or current.environment_missing:
        body["reviewers"] = [_reviewer(r, base, get) for r in env.reviewers]
        keys.append("environment.reviewers")
    if "environment.deployment" in todo or current.environment_missing:
        body["deployment_branch_policy"] = {
            "protected_branches": False,
            "custom_branch_policies": True,
        }
        keys.append("environment.deployment")
    if "environment.admin-bypass" in todo or current.environment_missing:
        body["can_admins_bypass"] = env.admin_bypass
        keys.append("environment.admin-bypass")
    if not body:
        return []
    writes = [Write("PUT", path, body, tuple(keys))]
    if "deployment_branch_policy" in body:
        wanted = f"tag:{env.tag_pattern}"
        if wanted not in current.policies:
            policy = {"name": env.tag_pattern, "type": "tag"}
            writes.append(
                Write(
                    "POST",
                    f"{path}/deployment-branch-policies",
                    policy,
                    ("environment.deployment",),
                )
            )
        for name, ident in sorted(current.policies.items()):
            if name != wanted:  # another ref may deploy: removing it only tightens
                writes.append(
                    Write(
                        "DELETE",
                        f"{path}/deployment-branch-policies/{ident}",
                        None,
                        ("environment.deployment",),
                    )
                )
    return writes


def _reviewer(who: str, base: str, get: Get) -> dict[str, Any]:
    kind, _, name = who.partition(":")
    owner = base.split("/")[2]
    if kind == "team":
        return {"type": "Team", "id": int(get(f"/orgs/{owner}/teams/{quote(name)}")["id"])}
    return {"type": "User", "id": int(get(f"/users/{quote(name)}")["id"])}


def ruleset_body(spec: RulesetSpec, actual: dict[str, Any] | None, loosen: bool) -> dict[str, Any]:
    """The ruleset to write; without ``loosen`` it keeps the repository's own extra rules
    and leaves out bypasses the repository does not grant (never loosening)."""
    rules: list[dict[str, Any]] = [{"type": t} for t in spec.rules]
    bypass = list(spec.bypass)
    include = list(spec.include)
    if actual is not None and not loosen:
        rules += [r for r in actual.get("rules") or [] if r.get("type") not in spec.rules]
        ref = (actual.get("conditions") or {}).get("ref_name") or {}
        include += [r for r in ref.get("include") or [] if r not in include]
        granted = {
            a.get("actor_id")
            for a in actual.get("bypass_actors") or []
            if a.get("actor_type") == "RepositoryRole"
        }
        bypass = [b for b in bypass if ROLES[b] in granted]
    return {
        "name": spec.name,
        "target": spec.target,
        "enforcement": "active",
        "conditions": {"ref_name": {"include": include, "exclude": []}},
        "rules": rules,
        "bypass_actors": [
            {"actor_id": ROLES[b], "actor_type": "RepositoryRole", "bypass_mode": "always"}
            for b in bypass
        ],
    }


def run(writes: list[Write], send: Send, wait: Callable[[], None]) -> None:
    """Send every write, in order, each after the spacer's wait."""
    for write in writes:
        wait()
        send(write.method, write.path, write.body)
