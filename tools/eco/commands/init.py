"""``eco init``: a new project from the skeleton, as a git repository, optionally registered."""

from __future__ import annotations

from pathlib import Path

import click

from eco import output
from eco.commands.options import dry_run_option
from eco.commands.options import emit_json
from eco.commands.options import format_option
from eco.commands.options import markdown_table
from eco.context import Context
from eco.skeleton.init import create_project
from eco.skeleton.init import plan_project
from eco.skeleton.init import templates_dirty
from eco.tables import table


@click.command("init")
@click.argument("name")
@click.option(
    "--path",
    "path",
    required=True,
    type=click.Path(path_type=Path),
    help="The folder to create the project in: a new or empty folder.",
)
@click.option("--module", help="The import name. Default: NAME with '-' and '.' as '_'.")
@click.option("--pypi", help="The PyPI project name. Default: NAME.")
@click.option("--description", help="The one-line summary for pyproject.toml and the README.")
@click.option(
    "--changelog",
    help="The changelog file, .md or .rst. Default: CHANGES.md when the registry's "
    "docs_format is md, else CHANGES.rst.",
)
@click.option(
    "--register",
    is_flag=True,
    help="Add [projects.NAME] with url = the path to projects.toml (comments and "
    "formatting kept). A name already registered is an error.",
)
@dry_run_option("Check the options and list the files that would be created; write nothing.")
@format_option()
@click.pass_obj
def command(
    ctx: Context,
    name: str,
    path: Path,
    module: str | None,
    pypi: str | None,
    description: str | None,
    changelog: str | None,
    register: bool,
    dry_run: bool,
    fmt: str,
) -> None:
    """Create a new project NAME from the skeleton in a new git repository.

    The repository gets the full skeleton, a minimal typed module in src/, one real
    test, a changelog with an Unreleased section for 0.1.0, version 0.1.0.dev, and the
    sync state file .eco.toml, all in one commit on main.
    """
    registry = ctx.registry
    project, registry_text = plan_project(
        registry,
        name,
        path,
        module=module,
        pypi=pypi,
        description=description,
        changelog=changelog,
        register=register,
    )
    created = create_project(registry, project, path, registry_text=registry_text, dry_run=dry_run)
    if fmt == "json":
        emit_json(
            {
                "project": project.name,
                "path": str(created.path),
                "dry_run": dry_run,
                "commit": created.commit or None,
                "registered": created.registry_text is not None,
                "files": [{"path": f, "mode": m} for f, m in created.files],
            }
        )
    elif fmt == "markdown":
        output.echo(markdown_table(["file", "mode"], created.files))
    else:
        output.echo(table(["file", "mode"], created.files))
    registered = created.registry_text is not None
    done = "\n" if fmt == "markdown" else ""  # a paragraph after the Markdown table
    if dry_run:
        output.echo(
            f"{done}dry run: would create {project.name} in {created.path} "
            f"({len(created.files)} files)"
            + (f" and register it in {registry.path}" if registered else ""),
            err=fmt == "json",
        )
        return
    output.echo(
        f"{done}created {project.name} in {created.path} "
        f"({len(created.files)} files, commit {created.commit[:12]} on main)",
        err=fmt == "json",
    )
    if registered:
        output.echo(f"registered {project.name} in {registry.path}", err=fmt == "json")
    if templates_dirty(registry.root):
        output.echo(
            "warning: templates/ has uncommitted changes; .eco.toml records the last "
            "commit, so the next sync may show them as changes",
            err=True,
        )
