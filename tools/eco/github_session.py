"""A GitHub session for the chores that read and write issues and labels (triage, labels).

It reuses the GitHub forge: credentials from the environment (``GITHUB_TOKEN``,
``GH_TOKEN`` or a GitHub App), ``ECO_GITHUB_API_URL``, the rate-limit retries on the
injected clock and the write spacer that keeps writes a second apart.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from github import Github

from eco.forge import github_forge
from eco.forge.auth import AuthError
from eco.forge.auth import from_env
from eco.forge.clock import Clock
from eco.forge.clock import SystemClock
from eco.forge.github import GitHubForge
from eco.registry import Registry


@dataclass(frozen=True)
class Session:
    forge: GitHubForge
    github: Github

    @property
    def clock(self) -> Clock:
        return self.forge.clock

    def wait_to_write(self) -> None:
        """Hold the next write until a second after the previous one (all threads)."""
        self.forge.spacer.wait()


def connect(
    registry: Registry,
    *,
    purpose: str,
    env: Mapping[str, str] | None = None,
    clock: Clock | None = None,
) -> Session:
    """A session acting on the ecosystem's organisation; credentials are required."""
    env = os.environ if env is None else env
    credentials = from_env(env)
    if credentials is None:
        raise AuthError(
            f"{purpose} needs GitHub credentials: set GITHUB_TOKEN (or GH_TOKEN), or "
            "ECO_GITHUB_APP_ID with ECO_GITHUB_APP_PRIVATE_KEY for a GitHub App"
        )
    forge = github_forge(registry, env, clock or SystemClock(), credentials)
    return Session(forge, forge.client(registry.ecosystem.org))
