"""The options every command shares, spelled once (docs/maintainer/command-line.md).

A command takes its options from here so the same idea has the same spelling
everywhere; ``tests/test_command_line.py`` walks the click tree and holds them to it:

- ``PROJECT...`` positional (default: every project): :func:`projects_argument`;
- ``-n/--dry-run`` on a command that writes by default: :func:`dry_run_option`;
- ``--apply`` on a command that changes what other people see at once (dry by default,
  and its first line says so): :func:`apply_option`, :func:`say_dry_or_applied`;
- ``--format text|json|markdown`` on every command that reports, JSON an object with
  ``"version": 1``: :func:`format_option`, :func:`emit_json`;
- ``--date YYYY-MM-DD`` ("as of that day") and ``--since YYYY-MM-DD`` (the start of a
  window): :func:`date_option`, :func:`since_option`;
- ``--index-url URL``: :func:`index_url_option`;
- the global options ``--root``, ``--workspace``, ``--color``, ``-q/--quiet`` live in
  :mod:`eco.cli` (``eco --help`` imports no command module) and every command accepts
  them after its name too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any
from typing import TYPE_CHECKING
from typing import TypeVar

import click

from eco import output
from eco.parallel import Outcome
from eco.parallel import summary_lines

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ("text", "json", "markdown")
JSON_VERSION = 1


def projects_argument(func: F) -> F:
    return click.argument(
        "projects", nargs=-1, metavar="[PROJECT]...", shell_complete=complete_project
    )(func)


def complete_project(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Project names of the registry found from the current directory (or --root), for
    shell completion. Never slow, never loud: any problem completes nothing."""
    from click.shell_completion import CompletionItem

    root = None
    for current in (ctx, *_parents(ctx)):
        value = current.params.get("root")
        if value:
            root = Path(value)
    return [CompletionItem(name) for name in _project_names(root) if name.startswith(incomplete)]


def _project_names(root: Path | None) -> list[str]:
    """The [projects.*] names of projects.toml, read without validating the registry."""
    import tomllib

    from eco.root import find_root
    from eco.root import REGISTRY_FILE

    try:
        found = find_root(override=root)
        with open(found / REGISTRY_FILE, "rb") as file:
            projects = tomllib.load(file).get("projects", {})
    except Exception:  # completion never fails loudly: it completes nothing
        return []
    return sorted(projects) if isinstance(projects, dict) else []


def _parents(ctx: click.Context) -> list[click.Context]:
    found = []
    parent = ctx.parent
    while parent is not None:
        found.append(parent)
        parent = parent.parent
    return found


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


def dry_run_option(what: str = "Show what would be written; write nothing.") -> Callable[[F], F]:
    """``-n/--dry-run`` for a command that writes by default (files, commits, pushes)."""
    return click.option("-n", "--dry-run", "dry_run", is_flag=True, help=what)


def apply_option(what: str) -> Callable[[F], F]:
    """``--apply`` for a command others see at once: without it, a dry run."""
    return click.option(
        "--apply",
        "write",
        is_flag=True,
        help=f"{what} Without --apply nothing is changed: a dry run that shows what would be.",
    )


def say_dry_or_applied(write: bool, what: str) -> None:
    """The first line of an --apply command: whether this run changes anything."""
    if write:
        output.echo(f"applying: {what}", err=True)
    else:
        output.echo(f"dry run: {what} would be changed; nothing is (add --apply)", err=True)


def format_option(*choices: str) -> Callable[[F], F]:
    """``--format``: text, json and markdown, plus any further ``choices`` (e.g. html)."""
    every = (*FORMATS, *(c for c in choices if c not in FORMATS))

    def decorate(func: F) -> F:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(every),
            default="text",
            show_default=True,
            help="Output format: text for people, json for programs (an object with a "
            '"version" key), markdown for a GitHub step summary or a comment.',
        )(func)

    return decorate


def emit_json(data: dict[str, Any]) -> None:
    """The JSON report on stdout: an object whose first key is ``"version": 1``."""
    if "version" in data:
        raise ValueError("the report's own keys must not be 'version': that is its schema's")
    output.echo(json.dumps({"version": JSON_VERSION, **data}, indent=2))


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub-flavoured Markdown table; ``|`` in a cell escaped."""

    def cell(value: object) -> str:
        return str("" if value is None else value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---" for _ in headers) + " |"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


class _Day(click.ParamType):  # type: ignore[type-arg]
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date like 2026-11-21 (YYYY-MM-DD)", param, ctx)


DAY = _Day()


def date_option(what: str) -> Callable[[F], F]:
    """``--date YYYY-MM-DD``: the day the command acts as of; ``what`` says how it is used."""
    return click.option("--date", "day", type=DAY, default=None, help=what)


def since_option(what: str) -> Callable[[F], F]:
    """``--since YYYY-MM-DD``: the first day of a window."""
    return click.option("--since", "since", type=DAY, default=None, help=what)


def index_url_option(default: str) -> Callable[[F], F]:
    """``--index-url URL``: the one package index read; ``default`` says what else is used."""
    return click.option(
        "--index-url",
        "index_url",
        metavar="URL",
        default=None,
        help=f"The package index (simple API) to use. Default: {default}.",
    )


def pager_option(func: F) -> F:
    """``--pager/--no-pager``: long text through a pager, on a terminal only."""
    return click.option(
        "--pager/--no-pager",
        default=True,
        expose_value=False,
        callback=_set_pager,
        help="Show long output through a pager ($PAGER, else less) when on a terminal.",
    )(func)


def _set_pager(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    output.configure(pager=value)


def api_url_option(default: str) -> Callable[[F], F]:
    """``--api-url URL``: GitHub's REST API, also from ``$ECO_GITHUB_API_URL``."""
    return click.option(
        "--api-url",
        envvar="ECO_GITHUB_API_URL",
        metavar="URL",
        default=default,
        show_default=True,
        help="GitHub's REST API (or GitHub Enterprise's); also $ECO_GITHUB_API_URL.",
    )


def finish(
    outcomes: Sequence[Outcome[Any]], verb: str, status: Callable[[Any], str] | None = None
) -> int:
    """Print the closing summary on stderr (projects counted by ``status``, identical
    failures once with their projects); return 1 if any project failed, else 0."""
    for line in summary_lines(outcomes, verb, status):
        output.echo(line, err=True)
    return 1 if any(not o.ok for o in outcomes) else 0
