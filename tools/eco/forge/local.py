"""The local forge: push the branch to the clone's ``origin``; no pull request, no token.

It is the default that works offline and with any git host: a maintainer opens the pull
request (or merges the branch) by hand. A remote that already holds the same commit, or
a commit with the same tree on the same parent, is left alone.
"""

from __future__ import annotations

from pathlib import Path

from eco.forge.base import ForgeError
from eco.forge.base import PublishRequest
from eco.forge.base import PublishResult
from eco.git.run import git
from eco.secrets import scrub


def same_content(repo: Path, left: str, right: str) -> bool:
    """True when two commits are equal or hold the same tree on the same parents."""
    if left == right:
        return True
    if git("cat-file", "-t", right, cwd=repo, check=False) != "commit":
        return False  # the remote commit is not here: it cannot be compared
    fmt = "%T %P"
    one = git("show", "-s", f"--format={fmt}", left, cwd=repo, check=False)
    two = git("show", "-s", f"--format={fmt}", right, cwd=repo, check=False)
    return bool(one) and one == two


def local_head(request: PublishRequest) -> str:
    sha = git(
        "rev-parse", "--verify", "-q", f"refs/heads/{request.branch}", cwd=request.repo, check=False
    )
    if not sha:
        raise ForgeError(f"{request.repo}: no branch {request.branch!r} to publish")
    return sha


class LocalForge:
    """Publish by ``git push`` to ``origin`` (``action`` is ``pushed`` or ``unchanged``)."""

    name = "local"

    def publish(self, request: PublishRequest) -> PublishResult:
        head = local_head(request)
        url = git("remote", "get-url", "origin", cwd=request.repo, check=False)
        if not url:
            raise ForgeError(f"{request.repo}: no 'origin' remote to push {request.branch} to")
        ref = f"refs/heads/{request.branch}"
        listed = git("ls-remote", "origin", ref, cwd=request.repo)
        remote = listed.split()[0] if listed else ""
        if remote and same_content(request.repo, head, remote):
            return PublishResult("unchanged", url=scrub(url))
        git(
            "push",
            "--quiet",
            "--no-verify",
            f"--force-with-lease={ref}:{remote}",
            "origin",
            f"{ref}:{ref}",
            cwd=request.repo,
        )
        return PublishResult("pushed", url=scrub(url))
