"""``eco fetch``: clone or update every project's workspace clone."""

from __future__ import annotations

import click

from eco import output
from eco.commands.options import emit_json
from eco.commands.options import finish
from eco.commands.options import format_option
from eco.commands.options import jobs_option
from eco.commands.options import markdown_table
from eco.commands.options import projects_argument
from eco.context import Context
from eco.parallel import run_each
from eco.tables import table


@click.command("fetch")
@projects_argument
@format_option()
@jobs_option
@click.pass_obj
def command(ctx: Context, projects: tuple[str, ...], fmt: str, jobs: int | None) -> None:
    """Clone (first use) or fetch (later uses) the workspace clone of each PROJECT.

    Every other command does this itself when it needs a clone; run it alone to warm
    the workspace or to see which remotes are unreachable.
    """
    workspace = ctx.clones
    outcomes = run_each(ctx.registry.select(projects), workspace.ensure, jobs=jobs, label="fetch")
    rows = [
        (
            o.project.name,
            ("fetched" if o.value.fetched else "cloned") if o.value else "failed",
            o.project.clone_url,
        )
        for o in outcomes
    ]
    headers = ["project", "state", "source"]
    if fmt == "json":
        emit_json(
            {
                "projects": [
                    {
                        "name": name,
                        "status": "ok" if o.ok else "failed",
                        "state": state,
                        "source": source,
                        "error": o.error,
                    }
                    for (name, state, source), o in zip(rows, outcomes, strict=True)
                ]
            }
        )
    elif rows:
        output.echo(markdown_table(headers, rows) if fmt == "markdown" else table(headers, rows))
    raise SystemExit(finish(outcomes, "fetch"))
