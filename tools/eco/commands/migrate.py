"""``eco migrate``: move projects to the other generation, as a sync does."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace
from typing import Any

import click

from eco import output
from eco.commands.options import dry_run_option
from eco.commands.options import emit_json
from eco.commands.options import fetch_option
from eco.commands.options import finish
from eco.commands.options import format_option
from eco.commands.options import jobs_option
from eco.commands.options import projects_argument
from eco.commands.publishing import open_forge
from eco.commands.publishing import published_json
from eco.commands.publishing import published_text
from eco.commands.publishing import push_options
from eco.context import Context
from eco.forge import Forge
from eco.forge import PublishRequest
from eco.forge import PublishResult
from eco.migrate.project import migrate_project
from eco.migrate.project import Migration
from eco.migrate.project import MigrationSyncer
from eco.migrate.registry_edit import commit_registry
from eco.migrate.registry_edit import registry_diff
from eco.migrate.registry_edit import with_generations
from eco.parallel import run_each
from eco.registry import GENERATIONS
from eco.registry import Project
from eco.registry import Registry
from eco.sync.plan import pull_request_body
from eco.sync.plan import pull_request_title
from eco.sync.project import Syncer
from eco.sync.project import Written
from eco.sync.report import dry_run_text
from eco.sync.report import project_text
from eco.sync.report import summary_table


@dataclass(frozen=True)
class Migrated:
    migration: Migration
    written: Written | None  # None on a dry run
    published: PublishResult | None = None


@click.command("migrate")
@projects_argument
@click.option(
    "--to",
    "to",
    type=click.Choice(GENERATIONS),
    required=True,
    help="The generation to move to: pip-tools (requirements/*.in compiled to "
    "requirements/*.txt, nox) or uv (dependency groups in pyproject.toml, uv.lock).",
)
@dry_run_option("Show the registry change, each file's classification and diff; write nothing.")
@fetch_option("works offline on the clones")
@push_options("each sync branch")
@jobs_option
@format_option()
@click.pass_obj
def command(
    ctx: Context,
    projects: tuple[str, ...],
    to: str,
    dry_run: bool,
    fetch: bool,
    push: bool,
    forge_kind: str,
    jobs: int | None,
    fmt: str,
) -> None:
    """Move each PROJECT to the generation given by --to, carrying every dependency.

    From pip-tools to uv, each requirements/NAME.in becomes the dependency group NAME
    (a -r line an include of that group) and the requirements files go. From uv to
    pip-tools, each dependency group becomes requirements/NAME.in, the pins of uv.lock
    become requirements/NAME.txt (the next eco lock keeps them), and uv.lock goes. The
    converted files join the project's sync for its new generation: one commit on the
    sync branch, classified as sync classifies, and with --push the same pull request.
    projects.toml then names the new generation (formatting kept), committed on its own
    in the monorepo: the revision the project records. Run eco lock afterwards.
    """
    if not projects:
        raise click.UsageError("name the projects to migrate (eco migrate PROJECT --to uv)")
    if dry_run and push:
        raise click.UsageError("--push publishes what migrate writes; a --dry-run writes nothing")
    registry = ctx.registry
    selected = registry.select(projects)
    syncer = MigrationSyncer(registry, ctx.workspace)
    _ = syncer.manifest  # a broken manifest is one error (exit 2), not one per project
    if not dry_run:
        syncer.require_committed()
    forge = open_forge(forge_kind, registry, len(selected)) if push else None

    def plan(project: Project) -> Migrated:
        return Migrated(migrate_project(syncer, project, to, fetch=fetch), None)

    outcomes = run_each(selected, plan, jobs=jobs, label="plan", status=_status)
    moving = {o.project.name: o.value for o in outcomes if o.value and _moves(o.value)}
    old = registry.path.read_text(encoding="utf-8")
    new = with_generations(old, dict.fromkeys(moving, to), registry.path) if moving else old
    diff = registry_diff(old, new)
    if not dry_run and moving:
        message = f"eco migrate: {', '.join(sorted(moving))} to the {to} generation"
        revision = commit_registry(registry.path, new, message)

        def write(project: Project) -> Migrated:
            return _write(moving[project.name], revision, syncer, forge, registry)

        written = run_each(
            [registry.projects[name] for name in moving],
            write,
            jobs=jobs,
            label="migrate",
            status=_status,
        )
        by_name = {o.project.name: o for o in written}
        outcomes = [by_name.get(o.project.name, o) for o in outcomes]
    if fmt == "json":
        emit_json(
            {
                "dry_run": dry_run,
                "to": to,
                "registry_diff": diff,
                "projects": [_as_json(o.project.name, o.value, o.error) for o in outcomes],
            }
        )
    else:
        _print_text(outcomes, diff, dry_run=dry_run, branch=registry.ecosystem.sync_branch)
    status = finish(outcomes, "migrate", _status)
    conflicted = [o.project.name for o in outcomes if o.value and _status(o.value) == "conflict"]
    if conflicted:
        output.echo(
            f"conflicts in {', '.join(conflicted)}: left untouched; resolve them with eco sync "
            "first (eco sync --dry-run shows them), then migrate",
            err=True,
        )
    raise SystemExit(1 if conflicted else status)


def _write(
    migrated: Migrated, revision: str, syncer: Syncer, forge: Forge | None, registry: Registry
) -> Migrated:
    """Commit one project's migration on its sync branch, recording ``revision`` (the
    monorepo commit naming its new generation); publish it with a forge."""
    migration = migrated.migration
    view = replace(migration.view, plan=replace(migration.view.plan, revision=revision))
    migration = replace(migration, view=view)
    written = syncer.write(view)
    if forge is None or written.outcome not in ("committed", "up-to-date"):
        return Migrated(migration, written)
    ecosystem = registry.ecosystem.name
    body = pull_request_body(view.plan, ecosystem=ecosystem)
    body += "".join(f"\n> {note}\n" for note in migration.conversion.notes)
    request = PublishRequest(
        project=migration.project,
        repo=view.clone,
        branch=registry.ecosystem.sync_branch,
        base=migration.project.branch,
        title=pull_request_title(view.plan, ecosystem=ecosystem),
        body=body,
    )
    return Migrated(migration, written, forge.publish(request))


def _moves(migrated: Migrated) -> bool:
    """The project's files move (or would): its registry entry follows them."""
    if migrated.written is None:
        return not migrated.migration.view.plan.conflicts
    return migrated.written.outcome in ("committed", "up-to-date")


def _status(migrated: Migrated) -> str:
    plan, written = migrated.migration.view.plan, migrated.written
    if plan.conflicts:
        return "conflict"
    if written is None:
        return "would change"
    return {"committed": "changed", "up-to-date": "ok"}.get(written.outcome, "in sync")


def _describe(migrated: Migrated, branch: str) -> str:
    written = migrated.written
    if written is None:
        return "conflict: left untouched" if migrated.migration.view.plan.conflicts else "dry run"
    if written.outcome == "committed" and written.result is not None:
        text = f"committed {branch} {(written.result.commit or '')[:12]}"
    elif written.outcome == "up-to-date":
        text = f"{branch} already up to date"
    else:
        text = "conflict: left untouched" if written.outcome == "conflict" else written.outcome
    if migrated.published is not None:
        text += "; " + published_text(migrated.published)
    return text


def _as_json(name: str, migrated: Migrated | None, error: str | None) -> dict[str, Any]:
    if migrated is None:
        return {"name": name, "status": "failed", "error": error}
    plan = migrated.migration.view.plan
    return {
        "name": name,
        "status": _status(migrated),
        "error": None,
        "generation": migrated.migration.project.generation,
        "notes": list(migrated.migration.conversion.notes),
        "published": published_json(migrated.published),
        "files": [
            {"path": f.path, "action": f.action, "reason": f.reason}
            for f in plan.files
            if f.action != "unchanged"
        ],
    }


def _print_text(outcomes: Any, diff: str, *, dry_run: bool, branch: str) -> None:
    rows = []
    for outcome in outcomes:
        migrated = outcome.value
        if migrated is None:
            rows.append((outcome.project.name, None, "failed"))
            continue
        plan = migrated.migration.view.plan
        text = dry_run_text(plan) if dry_run else "\n".join(project_text(plan))
        output.echo(text.rstrip("\n"))
        for note in migrated.migration.conversion.notes:
            output.echo(f"  note: {note}")
        rows.append((outcome.project.name, plan, _describe(migrated, branch)))
    if diff:
        output.echo(diff.rstrip("\n"))
        if not dry_run:
            output.echo("projects.toml: committed in the monorepo with the migration")
    output.echo(summary_table(rows))
