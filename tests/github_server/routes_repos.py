"""Repositories, the authenticated user and the rate limit."""

from __future__ import annotations

from typing import Any

from tests.github_server import shapes
from tests.github_server.core import Call
from tests.github_server.core import not_found
from tests.github_server.core import route
from tests.github_server.state import Repo


def find_repo(call: Call) -> Repo:
    """The repository named by the ``owner``/``repo`` path parameters, or a 404."""
    repo = call.state.repo(call.params["owner"], call.params["repo"])
    if repo is None:
        raise not_found()
    return repo


@route("GET", "/repos/{owner}/{repo}")
def get_repo(call: Call) -> Any:
    return shapes.repository(call.state, find_repo(call))


@route("GET", "/user")
def get_user(call: Call) -> Any:
    created = shapes.stamp(call.state.now())
    return {
        **shapes.user(call.state, call.state.login),
        "name": None,
        "company": None,
        "blog": "",
        "location": None,
        "email": None,
        "hireable": None,
        "bio": None,
        "public_repos": len(call.state.repos),
        "public_gists": 0,
        "followers": 0,
        "following": 0,
        "created_at": created,
        "updated_at": created,
    }


@route("GET", "/rate_limit", counted=False)
def rate_limit(call: Call) -> Any:
    server = call.server
    core = {
        "limit": server.rate_limit,
        "remaining": server.rate_remaining,
        "reset": server.rate_reset,
        "used": server.rate_limit - server.rate_remaining,
        "resource": "core",
    }
    search = {"limit": 30, "remaining": 30, "reset": server.rate_reset, "used": 0}
    return {"resources": {"core": core, "search": {**search, "resource": "search"}}, "rate": core}
