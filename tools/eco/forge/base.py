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
