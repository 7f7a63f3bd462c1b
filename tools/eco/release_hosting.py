"""Pick the GitHub half of a release, or none (the local forge)."""

from __future__ import annotations

from eco.checkout import Target
from eco.errors import EcoError
from eco.release import GitHubSide


def hosting_for(kind: str, target: Target) -> GitHubSide | None:
    """``local``: git only; ``github``/``auto``: the GitHub API when credentials are set."""
    if kind == "local":
        return None
    if kind == "github":
        raise EcoError("--forge github: the GitHub forge is not available in this build")
    return None
