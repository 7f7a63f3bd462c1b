"""``eco prs``: eco's pull requests across the projects: state, checks, review."""

from __future__ import annotations

import click

from eco import output
from eco.commands.options import emit_json
from eco.commands.options import finish
from eco.commands.options import format_option
from eco.commands.options import jobs_option
from eco.commands.options import markdown_table
from eco.commands.options import projects_argument
from eco.commands.publishing import show_budget
from eco.context import Context
from eco.forge import connect
from eco.forge.pulls import project_pulls
from eco.forge.pulls import PullStatus
from eco.parallel import run_each
from eco.registry import Project
from eco.tables import table


@click.command("prs")
@projects_argument
@click.option(
    "--state",
    type=click.Choice(["open", "merged", "closed", "all"]),
    default="open",
    show_default=True,
    help="Which pull requests: open ones (with checks and reviews), merged, closed, or all.",
)
@format_option()
@jobs_option
@click.pass_obj
def command(
    ctx: Context, projects: tuple[str, ...], state: str, fmt: str, jobs: int | None
) -> None:
    """List eco's pull requests (head branch eco/...) of each PROJECT (default: all).

    For open ones: the checks (passing, failing, pending, none: commit statuses and
    check runs of the head commit) and the review state (approved, changes requested,
    commented, none: each reviewer's latest review). Needs GITHUB_TOKEN or a GitHub App
    (see the forges page); projects without a repo are skipped. Exits 1 if a project
    could not be read.
    """
    registry = ctx.registry
    selected = [p for p in registry.select(projects) if p.repo]
    forge = connect(registry)
    show_budget(forge, len(selected))

    def one(project: Project) -> list[PullStatus]:
        return project_pulls(forge, project, state)

    outcomes = run_each(selected, one, jobs=jobs, label="prs")
    found = [pull for outcome in outcomes for pull in outcome.value or []]
    if fmt == "json":
        emit_json({"state": state, "pulls": [p.as_dict() for p in found]})
    elif found:
        rows = [
            (
                p.project,
                f"#{p.number}",
                p.branch,
                p.state,
                p.checks,
                p.review,
                p.updated[:10],
                p.url,
            )
            for p in found
        ]
        headers = ["project", "pr", "branch", "state", "checks", "review", "updated", "url"]
        output.echo(markdown_table(headers, rows) if fmt == "markdown" else table(headers, rows))
    else:
        output.echo(f"no {'' if state == 'all' else state + ' '}pull requests from eco")
    raise SystemExit(finish(outcomes, "prs"))
