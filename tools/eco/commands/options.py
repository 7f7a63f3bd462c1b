"""Options shared by the multi-project commands, so they are spelled the same everywhere."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from typing import Any
from typing import TypeVar

import click

from eco.parallel import Outcome
from eco.parallel import summary_lines

F = TypeVar("F", bound=Callable[..., Any])


def projects_argument(func: F) -> F:
    return click.argument("projects", nargs=-1, metavar="[PROJECT]...")(func)


def jobs_option(func: F) -> F:
    return click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=1),
        default=None,
        help="Projects handled in parallel (default: twice the CPU count, at most 8).",
    )(func)


def fetch_option(offline: str) -> Callable[[F], F]:
    """``--fetch/--no-fetch``; ``offline`` says what --no-fetch does, e.g. "works offline"."""
    return click.option(
        "--fetch/--no-fetch",
        default=True,
        show_default=True,
        help=f"Fetch each project's remote first (--no-fetch {offline}).",
    )


def format_option(*choices: str) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(choices),
            default=choices[0],
            show_default=True,
            help="Output format.",
        )(func)

    return decorate


def finish(outcomes: Sequence[Outcome[Any]], verb: str) -> int:
    """Print the closing summary on stderr; return 1 if any project failed, else 0."""
    for line in summary_lines(outcomes, verb):
        click.echo(line, err=True)
    return 1 if any(not o.ok for o in outcomes) else 0


def quiet_option(func: F) -> F:
    return click.option(
        "-q", "--quiet", is_flag=True, help="No progress lines on stderr (the report still prints)."
    )(func)
