"""``eco list``: the registry as a table or JSON."""

from __future__ import annotations

import click

from eco import output
from eco.commands.options import emit_json
from eco.commands.options import format_option
from eco.commands.options import markdown_table
from eco.commands.options import projects_argument
from eco.context import Context
from eco.tables import table


@click.command("list")
@projects_argument
@format_option()
@click.pass_obj
def command(ctx: Context, projects: tuple[str, ...], fmt: str) -> None:
    """List the managed projects of the registry (projects.toml): all, or those named."""
    registry = ctx.registry
    selected = registry.select(projects)
    workspace = ctx.workspace
    if fmt == "json":
        data = {
            "ecosystem": {
                "name": registry.ecosystem.name,
                "org": registry.ecosystem.org,
                "repo": registry.ecosystem.repo,
                "branch": registry.ecosystem.branch,
                "python": list(registry.ecosystem.python),
            },
            "projects": [{**p.as_dict(), "cloned": workspace.is_cloned(p)} for p in selected],
        }
        emit_json(data)
        return
    rows = [
        (
            p.name,
            p.repo or p.url,
            p.pypi,
            p.branch,
            f"{p.min_python}-{p.max_python}",
            "cloned" if workspace.is_cloned(p) else "-",
        )
        for p in selected
    ]
    headers = ["project", "repo", "pypi", "branch", "python", "clone"]
    output.echo(markdown_table(headers, rows) if fmt == "markdown" else table(headers, rows))
