"""``eco triage``: one inbox for every repository; ``eco triage close``: a human closes."""

from __future__ import annotations

import sys
from datetime import date
from datetime import datetime
from datetime import time
from datetime import UTC
from pathlib import Path

import click

from eco import output
from eco.commands.options import apply_option
from eco.commands.options import emit_json
from eco.commands.options import finish
from eco.commands.options import format_option
from eco.commands.options import jobs_option
from eco.commands.options import projects_argument
from eco.commands.options import say_dry_or_applied
from eco.commands.options import since_option
from eco.context import Context
from eco.errors import EcoError
from eco.forge import connect
from eco.forge import owner_of
from eco.forge.github_cache import Budget
from eco.forge.github_cache import EtagCache
from eco.forge.github_cache import ListFetcher
from eco.triage import dashboard
from eco.triage import output as render
from eco.triage.close import close as close_issue
from eco.triage.close import parse_ref
from eco.triage.close import STATE_REASONS
from eco.triage.collect import collect
from eco.triage.collect import window_start
from eco.triage.model import Team
from eco.triage.model import Window

RENDERERS = {
    "text": render.text,
    "json": render.json_text,
    "markdown": render.markdown,
    "html": dashboard.html,
}


class DefaultGroup(click.Group):
    """A group whose first argument, when not a subcommand, goes to the ``report`` command."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = ["report", *args]
        return super().parse_args(ctx, args)


@click.group("triage", cls=DefaultGroup)
def command() -> None:
    """What needs a maintainer across every repository.

    "eco triage [PROJECT]..." runs the report command: the queues and the response
    metrics of each project. "eco triage close" closes one issue, with a reason. Nothing
    in eco closes anything automatically.
    """


def _write(text: str, path: Path | None) -> None:
    if path is None:
        output.echo(text, nl=False)
        return
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise EcoError(f"{path}: cannot write the report: {exc.strerror}") from None
    output.echo(f"wrote {path}", err=True)


@command.command("report")
@projects_argument
@since_option("The first day of the metrics window (UTC). Default: 30 days ago.")
@click.option(
    "--days",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    help="An item needs a reply once a non-maintainer has waited this many days.",
)
@click.option(
    "--maintainer",
    "maintainers",
    multiple=True,
    metavar="LOGIN",
    help="Also count LOGIN as a maintainer (repeatable), beside [ecosystem] maintainers.",
)
@click.option(
    "--members/--no-members",
    default=True,
    show_default=True,
    help="Count owners, organisation members and collaborators (GitHub's "
    "author_association) as maintainers, not only the listed logins.",
)
@format_option("text", "json", "markdown", "html")
@click.option(
    "--output",
    "-o",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the report to this file instead of standard output "
    "(the HTML dashboard is one self-contained file).",
)
@click.option(
    "--cache/--no-cache",
    default=True,
    show_default=True,
    help="Send list requests conditionally with the ETags of the last run "
    "(unchanged pages come back 304 and cost no rate limit).",
)
@jobs_option
@click.pass_obj
def report(
    ctx: Context,
    projects: tuple[str, ...],
    since: date | None,
    days: int,
    maintainers: tuple[str, ...],
    members: bool,
    fmt: str,
    out_path: Path | None,
    cache: bool,
    jobs: int | None,
) -> None:
    """Show the triage queues and response metrics of each PROJECT (default: all).

    Queues: needs reply, pull requests awaiting review, issues without a label or
    milestone, comments on closed issues, possible duplicates. Metrics over the window:
    time to first maintainer response and time to close, median and 90th percentile.
    """
    registry = ctx.registry
    selected = registry.select(projects)
    local = [p for p in selected if not p.repo]
    if local and projects:
        names = ", ".join(p.name for p in local)
        raise EcoError(f"not on GitHub (no 'repo' in projects.toml): {names}")
    for project in local:
        output.echo(f"skipped {project.name}: not on GitHub", err=True)
    selected = [p for p in selected if p.repo]
    forge = connect(registry, purpose="eco triage")
    now = datetime.fromtimestamp(forge.clock.now(), UTC)
    start = window_start(now, datetime.combine(since, time(), UTC) if since else None)
    if start > now:
        raise EcoError(f"--since {start:%Y-%m-%d} is in the future")
    window = Window(start, now, days)
    team = Team.of(
        [*registry.ecosystem.maintainers, *maintainers],
        associations=None if members else (),
    )
    store = EtagCache.in_workspace(ctx.workspace.path) if cache else None
    budget = Budget()

    def fetcher_for(repo: str) -> ListFetcher:
        return ListFetcher(forge.client(owner_of(repo)).requester, store, budget)

    result, outcomes = collect(selected, fetcher_for, team, window, jobs=jobs)
    _write(RENDERERS[fmt](result), out_path)
    output.echo(
        f"GitHub: {budget.requests} requests, {budget.not_modified} not modified (free), "
        f"{budget.counted} counted against the rate limit",
        err=True,
    )
    sys.exit(finish(outcomes, "triage"))


@command.command("close")
@click.argument("ref", metavar="REF")
@click.option(
    "--reason",
    required=True,
    metavar="TEXT",
    help="Why it is closed; posted as a comment before closing (Markdown).",
)
@click.option(
    "--as",
    "state_reason",
    type=click.Choice(STATE_REASONS),
    default="completed",
    show_default=True,
    help="GitHub's close reason: done, or not planned (duplicate, out of scope, stale).",
)
@apply_option("Post the comment and close.")
@format_option()
@click.pass_obj
def close(ctx: Context, ref: str, reason: str, state_reason: str, write: bool, fmt: str) -> None:
    """Close an issue or pull request, with --apply, after posting the --reason text
    as a comment. Without --apply: a dry run that says what would be done.

    REF is OWNER/REPO#N or PROJECT#N. This is the only way eco closes anything; the lock
    workflow locks the thread 14 days later.
    """
    repo, number = parse_ref(ref, ctx.registry)
    say_dry_or_applied(write, f"{repo}#{number}")
    forge = connect(ctx.registry, purpose="eco triage close")
    gh = forge.client(owner_of(repo))
    done = close_issue(gh, repo, number, reason, state_reason, forge.spacer.wait, dry_run=not write)
    how = done.state_reason.replace("_", " ")
    if fmt == "json":
        emit_json(
            {
                "applied": write,
                "ref": done.ref,
                "state_reason": done.state_reason,
                "comment": reason.strip(),
                "comment_url": done.comment_url or None,
            }
        )
    elif write:
        output.echo(f"closed {done.ref} ({how}): {done.comment_url}")
    else:
        quoted = "\n".join(f"> {line}" for line in reason.strip().splitlines())
        output.echo(f"would comment on {done.ref}, then close it ({how}):\n{quoted}")
