"""``eco init``: a new project from the skeleton, as a git repository, optionally registered."""

from __future__ import annotations

from pathlib import Path

import click

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
    created = create_project(registry, project, path, registry_text=registry_text)
    click.echo(table(["file", "mode"], created.files))
    click.echo(
        f"created {project.name} in {created.path} "
        f"({len(created.files)} files, commit {created.commit[:12]} on main)"
    )
    if created.registry_text is not None:
        click.echo(f"registered {project.name} in {registry.path}")
    if templates_dirty(registry.root):
        click.echo(
            "warning: templates/ has uncommitted changes; .eco.toml records the last "
            "commit, so the next sync may show them as changes",
            err=True,
        )
