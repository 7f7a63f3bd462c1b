"""Pick the GitHub half of a release, or none (git only, the local forge)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from eco.errors import EcoError
from eco.forge import AutoForge
from eco.forge import get_forge
from eco.forge import GitHubForge
from eco.release.checkout import Target
from eco.release.github import GitHubRelease
from eco.release.steps import GitHubSide


def hosting_for(
    kind: str, target: Target, env: Mapping[str, str] | None = None
) -> GitHubSide | None:
    """``local``: none; ``github``: required; ``auto``: GitHub when credentials are set and
    the project names a ``repo``."""
    if kind == "local":
        return None
    project = target.project
    if project.repo is None or target.registry is None:
        if kind == "github":
            raise EcoError(
                f"{project.name}: no 'repo' (owner/name) in projects.toml, so there is no "
                "GitHub repository to release on; use --forge local"
            )
        return None
    forge = get_forge(kind, target.registry, env=os.environ if env is None else env)
    if isinstance(forge, AutoForge):
        forge = forge.github
    if isinstance(forge, GitHubForge):
        return GitHubRelease(forge, project, target.repo)
    return None
