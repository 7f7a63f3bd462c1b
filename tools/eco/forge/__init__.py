"""Forges publish a project's sync branch: ``local`` pushes it, ``github`` opens a PR.

``get_forge(kind, registry)`` picks one: ``local`` (push to the clone's ``origin``),
``github`` (PyGithub; credentials from the environment, see :mod:`eco.forge.auth`) or
``auto`` (GitHub for projects with a ``repo`` when credentials are configured, else
local). The environment also sets ``ECO_GITHUB_API_URL`` (default
``https://api.github.com``), ``ECO_GITHUB_GIT_URL`` (default ``https://github.com``,
the prefix of ``{owner}/{repo}.git`` for pushes) and ``ECO_GITHUB_MAX_WAIT`` (seconds,
default 300: the longest eco waits for a rate limit before giving up).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from eco.errors import EcoError
from eco.forge.auth import AuthError
from eco.forge.auth import Credentials
from eco.forge.auth import from_env
from eco.forge.base import Forge
from eco.forge.base import ForgeError
from eco.forge.base import http_url
from eco.forge.base import owner_of
from eco.forge.base import PublishRequest
from eco.forge.base import PublishResult
from eco.forge.clock import Clock
from eco.forge.clock import SystemClock
from eco.forge.github import API_URL
from eco.forge.github import GIT_URL
from eco.forge.github import GitHubForge
from eco.forge.local import LocalForge
from eco.forge.ratelimit import Budget
from eco.forge.ratelimit import MAX_WAIT
from eco.registry import Registry

__all__ = [
    "AuthError",
    "AutoForge",
    "Budget",
    "Clock",
    "Forge",
    "ForgeError",
    "GitHubForge",
    "KINDS",
    "LARGE_RUN",
    "LocalForge",
    "PublishRequest",
    "PublishResult",
    "budget_notice",
    "connect",
    "get_forge",
    "github_forge",
    "owner_of",
]

KINDS = ("auto", "local", "github")
CREDENTIALS_HINT = (
    "set GITHUB_TOKEN (or GH_TOKEN), or "
    "ECO_GITHUB_APP_ID with ECO_GITHUB_APP_PRIVATE_KEY for a GitHub App"
)
LARGE_RUN = 10  # projects: from here on the remaining API budget is shown first


class AutoForge:
    """GitHub for projects that name a ``repo``, the local forge for the others."""

    name = "auto"

    def __init__(self, github: GitHubForge, local: LocalForge) -> None:
        self.github = github
        self.local = local

    def publish(self, request: PublishRequest) -> PublishResult:
        if request.project.repo:
            return self.github.publish(request)
        return self.local.publish(request)


def github_forge(
    registry: Registry, env: Mapping[str, str], clock: Clock, credentials: Credentials
) -> GitHubForge:
    """A GitHub forge configured from ``env``, its credentials checked (one free request)."""
    raw_wait = env.get("ECO_GITHUB_MAX_WAIT", "").strip()
    try:
        max_wait = float(raw_wait) if raw_wait else MAX_WAIT
    except ValueError:
        raise EcoError(f"ECO_GITHUB_MAX_WAIT: expected seconds, got {raw_wait!r}") from None
    forge = GitHubForge(
        credentials,
        clock=clock,
        api_url=http_url(env.get("ECO_GITHUB_API_URL") or API_URL, "ECO_GITHUB_API_URL"),
        git_url=http_url(env.get("ECO_GITHUB_GIT_URL") or GIT_URL, "ECO_GITHUB_GIT_URL"),
        max_wait=max_wait,
        org=registry.ecosystem.org,
    )
    forge.check()  # bad credentials stop the run here, once, before any project
    return forge


def get_forge(
    kind: str,
    registry: Registry,
    *,
    env: Mapping[str, str] | None = None,
    clock: Clock | None = None,
) -> Forge:
    """The forge ``kind`` ("auto", "local" or "github") for this ecosystem."""
    env = os.environ if env is None else env
    clock = clock or SystemClock()
    if kind not in KINDS:
        raise EcoError(f"unknown forge {kind!r}: expected one of {', '.join(KINDS)}")
    if kind == "local":
        return LocalForge()
    if kind == "github":
        return connect(registry, env=env, clock=clock)
    credentials = from_env(env)
    if credentials is None:
        return LocalForge()
    return AutoForge(github_forge(registry, env, clock, credentials), LocalForge())


def connect(
    registry: Registry,
    *,
    purpose: str | None = None,
    env: Mapping[str, str] | None = None,
    clock: Clock | None = None,
) -> GitHubForge:
    """The GitHub forge of this ecosystem, its credentials checked; without credentials,
    :class:`AuthError` (exit 2) naming ``purpose`` (e.g. "eco triage") when given.

    Take one client per project and thread with ``forge.client(owner_of(repo))``: a
    PyGithub client is not thread-safe, and a GitHub App's installation depends on the owner.
    """
    env = os.environ if env is None else env
    credentials = from_env(env)
    if credentials is None:
        who = f"{purpose} needs GitHub credentials" if purpose else "GitHub needs credentials"
        raise AuthError(f"{who}: {CREDENTIALS_HINT}")
    return github_forge(registry, env, clock or SystemClock(), credentials)


def budget_notice(forge: Forge, projects: int) -> str | None:
    """The line to show before a large GitHub run: the remaining API budget."""
    github = forge.github if isinstance(forge, AutoForge) else forge
    if not isinstance(github, GitHubForge) or projects < LARGE_RUN:
        return None
    budget = github.budget()
    return budget.describe(github.clock) if budget else None
