"""What every forge shares: the request, the result, the protocol and the errors."""

from __future__ import annotations

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
