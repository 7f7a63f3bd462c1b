"""What every forge shares: the request, the result, the protocol and the errors."""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from eco.errors import EcoError
from eco.registry import Project


@dataclass(frozen=True)
class PublishRequest:
    project: Project
    repo: Path  # a local git repository holding `branch` (the workspace clone)
    branch: str  # e.g. "eco/sync"
    base: str  # the project's branch
    title: str
    body: str  # Markdown
    # The remote branch's sha as eco checked it at fetch ("" when it was not there): the
    # push is leased on it, so a commit pushed since fails the project instead of being
    # overwritten. None: no such check was made (the remote as read just before pushing).
    lease: str | None = None


@dataclass(frozen=True)
class PublishResult:
    action: str  # "created" | "updated" | "unchanged" | "pushed"
    url: str | None = None
    number: int | None = None


class Forge(Protocol):
    name: str

    def publish(self, request: PublishRequest) -> PublishResult: ...


class ForgeError(EcoError):
    """Publishing one project failed (a per-project failure: exit status 1)."""

    exit_code = 1


def moved(request: PublishRequest, now: str | None = None) -> ForgeError:
    """The error for a remote branch that is no longer what eco checked at fetch (``now``:
    its sha now, "" when deleted, None when not known)."""
    was = (request.lease or "")[:12] or "absent"
    shas = f"was {was}" if now is None else f"now {now[:12] or 'absent'}, was {was}"
    return ForgeError(
        f"{request.project.name}: the remote {request.branch} branch changed since eco "
        f"fetched it ({shas}): someone pushed to it; nothing was overwritten; run again "
        "to take their commits into account"
    )


def lease_lost(stderr: str) -> bool:
    """True when git refused a push because its ``--force-with-lease`` no longer held."""
    return "stale info" in stderr or "(fetch first)" in stderr


def owner_of(repo: str) -> str:
    """The owner of an ``owner/name`` repository."""
    return repo.split("/", 1)[0]


def http_url(value: str, where: str) -> str:
    """``value`` when it is an http(s) URL with a host; else one error naming ``where``
    (say, the environment variable it came from)."""
    try:
        parts = urllib.parse.urlsplit(value.strip())
        host = parts.hostname
    except ValueError:
        host = None
        parts = urllib.parse.urlsplit("")
    if parts.scheme not in ("http", "https") or not host:
        raise EcoError(
            f"{where}: expected an http(s) URL such as https://api.github.com, got {value!r}"
        )
    return value.strip()
