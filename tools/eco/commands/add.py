"""``eco add``: register an existing extension, its facts read from its repository."""

from __future__ import annotations

import json

import click

from eco.adopt.add import plan_add
from eco.adopt.entry import entry_data
from eco.adopt.entry import refused
from eco.adopt.entry import write_registry
from eco.commands.options import format_option
from eco.context import Context


@click.command("add")
@click.argument("name")
@click.option("--repo", metavar="OWNER/NAME", help="The project's GitHub repository.")
@click.option("--url", metavar="URL", help="Any git URL or local path to read it from instead.")
@click.option("-n", "--dry-run", is_flag=True, help="Show the entry as a diff; write nothing.")
@format_option("text", "json")
@click.pass_obj
def command(
    ctx: Context, name: str, repo: str | None, url: str | None, dry_run: bool, fmt: str
) -> None:
    """Add the existing project NAME to projects.toml, its facts read from its repository.

    Reads the default branch of --repo OWNER/NAME (GitHub) or --url (any git URL or
    path) without running any of its code: licence (from the licence text), README and
    licence file names, build backend and the hooks that tie the project to it,
    generation (uv or pip-tools), tag style, docs format and layout, changelog (or
    none), typed or not, the Pythons its requires-python allows, test dependencies,
    and the CI services and apt packages its workflows start. Shows the new entry as a
    diff, then writes it (comments and layout of the file kept). What could not be read
    or mapped is listed as a note. A name or repository already registered, or a
    repository that cannot be reached, is an error (exit 2) and nothing is written.
    """
    registry = ctx.registry
    addition = plan_add(registry, ctx.workspace, name, repo=repo, url=url)
    facts = addition.facts
    if not dry_run:
        write_registry(registry, addition.before, addition.after)
    if fmt == "json":
        data = {
            "version": 1,
            "project": name,
            "source": addition.remote.url,
            "entry": entry_data(registry, facts, repo=repo, url=url),
            "kept-backend-for": list(facts.backend_kept_for),
            "docs-pages": dict(facts.docs_pages),
            "notes": [*facts.notes, *refused(facts).values()],
            "written": not dry_run,
            "diff": addition.diff,
        }
        click.echo(json.dumps(data, indent=2))
        return
    tags = len(addition.remote.tags)
    click.echo(
        f"{name}: read {addition.remote.url} (default branch {facts.branch}, "
        f"{tags} tag{'s' if tags != 1 else ''})"
    )
    click.echo(addition.diff, nl=False)
    if facts.backend_kept_for:
        click.echo(
            f"kept: build backend {facts.build_backend}, for " + "; ".join(facts.backend_kept_for)
        )
    for note in (*facts.notes, *refused(facts).values()):
        click.echo(f"note: {note}")
    if dry_run:
        click.echo(f"dry run: {registry.path.name} not written")
    else:
        click.echo(f"added [projects.{name}] to {registry.path}")
        click.echo(
            f"next: commit {registry.path.name}, then preview the adoption with "
            f"eco sync --adopt --dry-run {name}"
        )
