"""The ``--push``/``--forge`` options and the publishing plumbing shared by commands that
commit onto a branch of each workspace clone (``eco sync``, ``eco lock``).

Not a command itself: :class:`eco.cli.EcoGroup` skips this module. The forge (and with it
PyGithub) is imported only when a command publishes: ``--push`` is rare, start-up is not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from typing import TYPE_CHECKING
from typing import TypeVar

import click

from eco import output
from eco.registry import Registry

if TYPE_CHECKING:
    from eco.forge import Forge
    from eco.forge import PublishResult

F = TypeVar("F", bound=Callable[..., Any])
# eco.forge.KINDS, spelled here so that --help and a run without --push need no forge
# (tests/test_cli.py checks they are the same).
KINDS = ("auto", "local", "github")


def push_options(branches: str) -> Callable[[F], F]:
    """``--push`` (publish ``branches``, e.g. "each sync branch") and ``--forge``."""

    def decorate(func: F) -> F:
        func = click.option(
            "--forge",
            "forge_kind",
            type=click.Choice(KINDS),
            default="auto",
            show_default=True,
            help="With --push: github for projects with a repo when credentials are "
            "configured (auto), plain git push to the clone's origin (local), or GitHub "
            "only (github).",
        )(func)
        return click.option(
            "--push",
            is_flag=True,
            help=f"Publish {branches} through the forge: push it (local) or open or update "
            "its one pull request (github).",
        )(func)

    return decorate


def open_forge(kind: str, registry: Registry, projects: int) -> Forge:
    """The forge to publish through; before a large GitHub run, the API budget on stderr."""
    from eco.forge import get_forge

    forge = get_forge(kind, registry)
    show_budget(forge, projects)
    return forge


def show_budget(forge: Forge, projects: int) -> None:
    """Before a run over ``projects`` large enough to matter, GitHub's API budget on stderr."""
    from eco.forge import budget_notice

    notice = budget_notice(forge, projects)
    if notice:
        output.echo(notice, err=True)


def published_text(published: PublishResult) -> str:
    """What publishing did, for a result column: the pull request, or the push."""
    if published.number is not None:
        return f"pull request {published.action}: {published.url or f'#{published.number}'}"
    return {"pushed": "pushed", "unchanged": "remote already up to date"}.get(
        published.action, published.action
    )


def published_json(published: PublishResult | None) -> dict[str, Any] | None:
    if published is None:
        return None
    return {"action": published.action, "url": published.url, "number": published.number}
