"""``eco sync``: merge the skeleton into every project, on a branch, never losing an edit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from typing import TYPE_CHECKING

import click

from eco import output
from eco.commands.options import dry_run_option
from eco.commands.options import emit_json
from eco.commands.options import fetch_option
from eco.commands.options import finish
from eco.commands.options import format_option
from eco.commands.options import jobs_option
from eco.commands.options import pager_option
from eco.commands.options import projects_argument
from eco.commands.publishing import open_forge
from eco.commands.publishing import published_text
from eco.commands.publishing import push_options
from eco.context import Context
from eco.parallel import run_each
from eco.registry import Project
from eco.sync.plan import Plan
from eco.sync.plan import pull_request_body
from eco.sync.plan import pull_request_title
from eco.sync.project import ProjectView
from eco.sync.project import Syncer
from eco.sync.project import Written
from eco.sync.report import dry_run_text
from eco.sync.report import in_line
from eco.sync.report import project_text
from eco.sync.report import summary_markdown
from eco.sync.report import summary_table

if TYPE_CHECKING:
    from eco.forge import PublishResult  # the forge is imported only with --push


@dataclass(frozen=True)
class Synced:
    view: ProjectView
    written: Written | None  # None on a dry run
    published: PublishResult | None = None


@click.command("sync")
@projects_argument
@dry_run_option("Print each file's classification and the unified diff; write nothing.")
@click.option(
    "--allow-conflicts",
    is_flag=True,
    help="Commit conflicting files with conflict markers for review, instead of leaving "
    "a conflicting project untouched.",
)
@click.option(
    "--adopt",
    is_flag=True,
    help="Allow projects that eco never synced (no .eco.toml): identical files are "
    "adopted, missing ones added, files the skeleton owns replaced (the report lists "
    "what the project's version had), pyproject.toml merged keeping every key the "
    "project owns, other files kept as the project's own.",
)
@fetch_option("works offline on the clones")
@push_options("each sync branch")
@click.option("-v", "--verbose", is_flag=True, help="List unchanged files too.")
@jobs_option
@format_option()
@pager_option
@click.pass_obj
def command(
    ctx: Context,
    projects: tuple[str, ...],
    dry_run: bool,
    allow_conflicts: bool,
    adopt: bool,
    fetch: bool,
    push: bool,
    forge_kind: str,
    verbose: bool,
    jobs: int | None,
    fmt: str,
) -> None:
    """Merge the skeleton into each PROJECT (default: all) on the sync branch.

    Every file is classified before anything is written: new, unchanged, updated,
    merged, conflict, removed (retired, with the reason), opted-out, project-owned.
    Changes land as one commit on the ecosystem's sync branch (default eco/sync) of the
    project's workspace clone, based on the project's branch; the clone's working tree
    is never touched. A project with a conflict is left untouched unless
    --allow-conflicts. Exits 1 when any project failed or conflicted.
    """
    registry = ctx.registry
    selected = registry.select(projects)
    syncer = Syncer(registry, ctx.clones)
    _ = syncer.manifest  # a broken manifest is one error (exit 2), not one per project
    if dry_run and push:
        raise click.UsageError("--push publishes what sync writes; a --dry-run writes nothing")
    if not dry_run:
        syncer.require_committed()
    forge = open_forge(forge_kind, registry, len(selected)) if push else None

    def one(project: Project) -> Synced:
        view = syncer.read(project, fetch=fetch, adopt=adopt)
        if dry_run:
            return Synced(view, None)
        written = syncer.write(view, allow_conflicts=allow_conflicts)
        if forge is None or written.outcome not in ("committed", "up-to-date"):
            return Synced(view, written)
        from eco.forge import PublishRequest

        request = PublishRequest(
            project=project,
            repo=view.clone,
            branch=registry.ecosystem.sync_branch,
            base=project.branch,
            title=pull_request_title(view.plan, ecosystem=registry.ecosystem.name),
            body=pull_request_body(
                view.plan, ecosystem=registry.ecosystem.name, allow_conflicts=allow_conflicts
            ),
            lease=view.remote_head,
        )
        return Synced(view, written, forge.publish(request))

    outcomes = run_each(selected, one, jobs=jobs, label="sync", status=_status)
    rows: list[tuple[str, Plan | None, str]] = []
    conflicted_names: list[str] = []
    marked: list[str] = []  # projects whose conflicts were committed with markers
    chunks: list[str] = []
    projects_json: list[dict[str, Any]] = []
    for outcome in outcomes:
        synced = outcome.value
        if synced is None:
            rows.append((outcome.project.name, None, "failed"))
            projects_json.append(
                {
                    "name": outcome.project.name,
                    "status": "failed",
                    "result": "failed",
                    "error": outcome.error,
                }
            )
            continue
        plan = synced.view.plan
        if plan.conflicts:
            conflicted_names.append(outcome.project.name)
            if _marked(synced, allow_conflicts):
                marked.append(outcome.project.name)
        if synced.written is None:
            chunks.append(dry_run_text(plan, verbose=verbose))
            result = (
                "conflict" if plan.conflicts else ("would change" if plan.writes() else "in sync")
            )
        else:
            result = _describe(synced.written, registry.ecosystem.sync_branch)
            if synced.published is not None:
                result += "; " + published_text(synced.published)
            lines = project_text(plan, verbose=verbose)
            chunks.append(
                "\n".join(
                    lines if in_line(plan) and not verbose else [*lines, f"  => {result}", ""]
                )
            )
        rows.append((outcome.project.name, plan, result))
        projects_json.append(_as_json(outcome.project.name, synced, result))
    if fmt == "json":
        emit_json({"dry_run": dry_run, "projects": projects_json})
    elif fmt == "markdown":
        output.echo(summary_markdown(rows))
        for name, planned, _ in rows:
            if dry_run and planned is not None and planned.writes():
                diff = dry_run_text(planned, verbose=verbose)
                output.echo(
                    f"\n<details><summary>{name}</summary>\n\n```diff\n{diff}\n```\n</details>"
                )
    elif dry_run:
        output.page("\n".join([*chunks, summary_table(rows)]))
    else:
        output.echo("\n".join([*chunks, summary_table(rows)]))
    status = finish(outcomes, "sync", _status)
    conflicted = bool(conflicted_names)
    untouched = [name for name in conflicted_names if name not in marked]
    if marked:
        output.echo(
            f"conflicts in {', '.join(marked)}: committed with conflict markers; resolve "
            "them on the sync branch (or in its pull request) before merging",
            err=True,
        )
    if untouched and allow_conflicts and not dry_run:
        output.echo(
            f"conflicts in {', '.join(untouched)}: not committed, left as the project has them "
            "(each file's reason is above); move what stands where the skeleton's file goes, "
            "resolve old markers, or opt the file out in projects.toml",
            err=True,
        )
    elif untouched:
        output.echo(
            f"conflicts in {', '.join(untouched)}: resolve them in the project, opt the file "
            "out in projects.toml, or re-run with --allow-conflicts to commit them with markers",
            err=True,
        )
    raise SystemExit(1 if conflicted else status)


def _marked(synced: Synced, allow_conflicts: bool) -> bool:
    """True when the sync commit holds the project's conflicts (with their markers)."""
    written = synced.written
    if not allow_conflicts or written is None or written.outcome not in ("committed", "up-to-date"):
        return False
    writes = synced.view.plan.writes(allow_conflicts=True)
    return any(f in writes for f in synced.view.plan.conflicts)


def _status(synced: Synced) -> str:
    """The project's word of the status vocabulary."""
    plan, written = synced.view.plan, synced.written
    if plan.conflicts:
        return "conflict"  # left untouched, or committed with markers: a person decides
    if written is None:
        return "would change" if plan.writes() else "in sync"
    if written.outcome == "committed":
        return "changed"
    if written.outcome == "up-to-date":
        return "ok"  # the sync branch already holds the change
    return "in sync"


def _as_json(name: str, synced: Synced, result: str) -> dict[str, Any]:
    plan = synced.view.plan
    return {
        "name": name,
        "status": _status(synced),
        "result": result,
        "error": None,
        "revision": plan.revision,
        "last_applied": plan.previous or None,
        "files": [
            {
                "path": f.path,
                "mode": f.mode,
                "action": f.action,  # what sync does with it
                "status": f.check_status,  # as eco check reports it
                "reason": f.reason,
            }
            for f in plan.files
        ],
    }


def _describe(written: Written, branch: str) -> str:
    if written.outcome == "committed" and written.result and written.result.commit:
        return f"committed {branch} {written.result.commit[:12]}"
    if written.outcome == "up-to-date":
        return f"{branch} already up to date"
    if written.outcome == "conflict":
        return "conflict: left untouched"
    return written.outcome
