"""The GitHub forge for the chores that read and write issues and labels (triage, labels).

It reuses the forge: credentials from the environment (``GITHUB_TOKEN``, ``GH_TOKEN`` or
a GitHub App), ``ECO_GITHUB_API_URL``, rate-limit retries on the injected clock, and
the write spacer that keeps writes a second apart across threads. Take one client per
project and thread with ``forge.client(owner)``: a PyGithub client is not thread-safe,
and a GitHub App's installation depends on the owner.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from eco.forge import github_forge
from eco.forge.auth import AuthError
from eco.forge.auth import from_env
from eco.forge.clock import Clock
from eco.forge.clock import SystemClock
from eco.forge.github import GitHubForge
from eco.registry import Registry


def connect(
    registry: Registry,
    *,
    purpose: str,
    env: Mapping[str, str] | None = None,
    clock: Clock | None = None,
) -> GitHubForge:
    """The GitHub forge of this ecosystem; stops with exit 2 when no credentials are set."""
    env = os.environ if env is None else env
    credentials = from_env(env)
    if credentials is None:
        raise AuthError(
            f"{purpose} needs GitHub credentials: set GITHUB_TOKEN (or GH_TOKEN), or "
            "ECO_GITHUB_APP_ID with ECO_GITHUB_APP_PRIVATE_KEY for a GitHub App"
        )
    return github_forge(registry, env, clock or SystemClock(), credentials)


def owner_of(repo: str) -> str:
    return repo.split("/", 1)[0]
