"""GitHub App installations: find an owner's installation, trade the JWT for a token."""

from __future__ import annotations

import secrets
from typing import Any

from tests.github_server import shapes
from tests.github_server.core import Call
from tests.github_server.core import not_found
from tests.github_server.core import OUTSIDE_SUBSET
from tests.github_server.core import Reply
from tests.github_server.core import route

PERMISSIONS = {"contents": "write", "pull_requests": "write", "issues": "write"}


def installation_id(owner: str) -> int:
    return 40_000 + shapes.user_id(owner.lower()) % 10_000


def _installation(call: Call, owner: str) -> dict[str, Any]:
    if not any(repo.owner.lower() == owner.lower() for repo in call.state.repos.values()):
        raise not_found()
    number = installation_id(owner)
    return {
        "id": number,
        "account": shapes.user(call.state, owner),
        "access_tokens_url": f"{call.base}/app/installations/{number}/access_tokens",
        "repositories_url": f"{call.base}/installation/repositories",
        "html_url": f"https://github.com/organizations/{owner}/settings/installations/{number}",
        "app_id": int(call.server.app_of(call.token) or 0),
        "app_slug": "eco",
        "target_id": shapes.user_id(owner),
        "target_type": "Organization",
        "permissions": PERMISSIONS,
        "events": [],
        "repository_selection": "all",
        "created_at": shapes.stamp(call.state.now()),
        "updated_at": shapes.stamp(call.state.now()),
        "single_file_name": None,
        "suspended_at": None,
        "suspended_by": None,
    }


@route("GET", "/orgs/{org}/installation", app=True, schema=OUTSIDE_SUBSET)
def org_installation(call: Call) -> Any:
    return _installation(call, call.params["org"])


@route("GET", "/repos/{owner}/{repo}/installation", app=True, schema=OUTSIDE_SUBSET)
def repo_installation(call: Call) -> Any:
    return _installation(call, call.params["owner"])


@route(
    "POST",
    "/app/installations/{installation_id}/access_tokens",
    app=True,
    schema=OUTSIDE_SUBSET,
)
def access_token(call: Call) -> Any:
    number = int(call.params["installation_id"])
    owners = {repo.owner for repo in call.state.repos.values()}
    if not any(installation_id(owner) == number for owner in owners):
        raise not_found()
    token = "ghs_" + secrets.token_hex(18)
    with call.server._lock:
        if call.server.tokens is None:
            call.server.tokens = set()
        call.server.tokens.add(token)
    expires = shapes.stamp(call.state.now() + 3600)
    body = {
        "token": token,
        "expires_at": expires,
        "permissions": PERMISSIONS,
        "repository_selection": "all",
    }
    return Reply(201, body)


@route("GET", "/app", app=True, schema=OUTSIDE_SUBSET)
def get_app(call: Call) -> Any:
    app_id = int(call.server.app_of(call.token) or 0)
    now = shapes.stamp(call.state.now())
    return {
        "id": app_id,
        "slug": "eco",
        "node_id": shapes.node_id("A", app_id),
        "owner": shapes.user(call.state, "pallets"),
        "name": "eco",
        "description": "The ecosystem's maintenance bot",
        "external_url": "https://github.com/pallets/eco",
        "html_url": "https://github.com/apps/eco",
        "created_at": now,
        "updated_at": now,
        "permissions": PERMISSIONS,
        "events": [],
    }
