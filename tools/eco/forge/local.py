"""The local forge: push the branch to the clone's ``origin``; no pull request, no token.

It is the default that works offline and with any git host: a maintainer opens the pull
request (or merges the branch) by hand. A remote that already holds the same commit, or
a commit with the same tree on the same parent, is left alone.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from eco.forge.base import ForgeError
from eco.forge.base import lease_lost
from eco.forge.base import moved
from eco.forge.base import PublishRequest
from eco.forge.base import PublishResult
from eco.git.run import git
from eco.git.run import git_env
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
        expected = remote if request.lease is None else request.lease
        if remote != expected:
            raise moved(request, remote)
        proc = subprocess.run(
            [
                "git",
                "push",
                "--quiet",
                "--no-verify",
                f"--force-with-lease={ref}:{expected}",  # what eco checked, not what is there
                "origin",
                f"{ref}:{ref}",
            ],
            cwd=request.repo,
            env=git_env(),
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            if lease_lost(proc.stderr):
                now = git("ls-remote", "origin", ref, cwd=request.repo, check=False)
                raise moved(request, now.split()[0] if now else "")
            problem = " | ".join(line.strip() for line in proc.stderr.splitlines() if line.strip())
            raise ForgeError(
                scrub(
                    f"{request.project.name}: pushing {request.branch} to {url} failed: {problem}"
                )
            )
        return PublishResult("pushed", url=scrub(url))
