"""``eco lock``: compile every project's ``requirements/*.in`` into pinned ``*.txt``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import click

from eco import output
from eco.commands.options import dry_run_option
from eco.commands.options import emit_json
from eco.commands.options import fetch_option
from eco.commands.options import finish
from eco.commands.options import format_option
from eco.commands.options import index_url_option
from eco.commands.options import jobs_option
from eco.commands.options import markdown_table
from eco.commands.options import projects_argument
from eco.commands.publishing import open_forge
from eco.commands.publishing import published_json
from eco.commands.publishing import published_text
from eco.commands.publishing import push_options
from eco.context import Context
from eco.errors import EcoError
from eco.forge import PublishRequest
from eco.lock.project import LOCK_BRANCH
from eco.lock.project import lock_project
from eco.lock.project import LockRequest
from eco.lock.project import ProjectLock
from eco.lock.project import pull_request_body
from eco.lock.project import TITLE
from eco.lock.resolvers import BACKENDS
from eco.lock.resolvers import Resolver
from eco.parallel import Outcome
from eco.parallel import run_each
from eco.registry import Project
from eco.tables import table


@click.command("lock")
@projects_argument
@click.option(
    "-U",
    "--upgrade",
    is_flag=True,
    help="Re-resolve every file to the newest versions allowed (default: keep current pins).",
)
@click.option(
    "-P",
    "--upgrade-package",
    "upgrade_packages",
    multiple=True,
    metavar="PKG",
    help="Upgrade only PKG (repeatable) in the files that pin it; others stay as they are.",
)
@click.option(
    "--backend",
    type=click.Choice(BACKENDS),
    default="pip-tools",
    show_default=True,
    help="The resolver: pip-compile, or the much faster uv pip compile.",
)
@index_url_option("[ecosystem] index-url")
@dry_run_option("Resolve and show the pin changes; commit nothing.")
@fetch_option("works offline on the clones")
@push_options(f"each project's {LOCK_BRANCH} branch")
@jobs_option
@format_option()
@click.pass_obj
def command(
    ctx: Context,
    projects: tuple[str, ...],
    upgrade: bool,
    upgrade_packages: tuple[str, ...],
    backend: str,
    index_url: str | None,
    dry_run: bool,
    fetch: bool,
    push: bool,
    forge_kind: str,
    jobs: int | None,
    fmt: str,
) -> None:
    """Pin each PROJECT's requirements/*.in into requirements/*.txt.

    Files are compiled in the order their -r/-c lines require, for the project's
    minimum Python, against one index only (no pip or uv configuration of this machine
    is read). A line that chooses where packages come from (an index or find-links
    option, -e, a direct reference, a URL or path) fails that project, naming the file
    and line; resolvers run without any token in their environment. A file whose
    inputs (the .in files it reaches, the backend, the Python, the index) are unchanged
    since its last lock is not resolved again. Changes are committed onto the eco/lock
    branch of the workspace clone, on top of the project's branch; --push publishes
    that branch.
    """
    if upgrade and upgrade_packages:
        raise EcoError("--upgrade re-resolves everything; use it or --upgrade-package, not both")
    if dry_run and push:
        raise click.UsageError("--push publishes what lock commits; a --dry-run commits nothing")
    registry = ctx.registry
    selected = registry.select(projects)
    request = LockRequest(
        backend=backend,
        index_url=index_url or registry.ecosystem.index_url,
        upgrade=upgrade,
        upgrade_packages=upgrade_packages,
        dry_run=dry_run,
    )
    resolver = Resolver(backend)
    workspace = ctx.clones
    forge = open_forge(forge_kind, registry, len(selected)) if push else None

    def work(project: Project) -> ProjectLock:
        result = lock_project(workspace, project, request, resolver, fetch=fetch)
        if forge is None or result.branch is None or result.repo is None:
            return result
        published = forge.publish(
            PublishRequest(
                project=project,
                repo=result.repo,
                branch=result.branch,
                base=project.branch,
                title=TITLE,
                body=pull_request_body(result, request),
                lease=result.lease,
            )
        )
        return replace(result, published=published)

    outcomes = run_each(selected, work, jobs=jobs, label="lock", status=_status)
    if fmt == "json":
        emit_json({"dry_run": dry_run, "projects": [_as_json(o) for o in outcomes]})
    else:
        _print_text(outcomes, markdown=fmt == "markdown")
    raise SystemExit(finish(outcomes, "lock", _status))


def _status(lock: ProjectLock) -> str:
    """The project's word of the status vocabulary."""
    words = {"committed": "changed", "would change": "would change", "branch up to date": "ok"}
    return words.get(lock.state, "in sync")


def _as_json(outcome: Outcome[ProjectLock]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "project": outcome.project.name,
        "ok": outcome.ok,
        "status": _status(outcome.value) if outcome.value is not None else "failed",
    }
    if outcome.error is not None:
        data["error"] = outcome.error
    value = outcome.value
    if value is not None:
        data.update(
            {
                "python": value.python,
                "state": value.state,
                "branch": value.branch,
                "commit": value.commit,
                "published": published_json(value.published),
                "notes": list(value.notes),
                "files": [
                    {
                        "source": f.source,
                        "target": f.target,
                        "status": f.status,
                        "changes": list(f.changes),
                    }
                    for f in value.files
                ],
            }
        )
    return data


def _print_text(outcomes: Sequence[Outcome[ProjectLock]], *, markdown: bool) -> None:
    rows = []
    details = []
    for outcome in outcomes:
        value = outcome.value
        if value is None:  # in the table too, as in eco sync's; why is in the closing lines
            rows.append((outcome.project.name, "-", "-", "failed"))
            continue
        counts: dict[str, int] = {}
        for item in value.files:
            counts[item.status] = counts.get(item.status, 0) + 1
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "-"
        where = value.state
        if value.branch:
            where = f"{value.state} ({value.branch} {(value.commit or '')[:10]})"
        if value.published:
            where += f"; {published_text(value.published)}"
        rows.append((value.project.name, value.python, summary, where))
        for item in value.files:
            if item.status == "created":
                details.append(f"{value.project.name}: {item.target}: {len(item.changes)} pins")
                continue
            for change in item.changes:
                details.append(f"{value.project.name}: {item.target}: {change}")
        details += [f"{value.project.name}: note: {note}" for note in value.notes]
    headers = ["project", "python", "files", "result"]
    if markdown:
        output.echo(markdown_table(headers, rows))
        if details:
            output.echo("\n" + "\n".join(f"- {line}" for line in details))
        return
    if rows:
        output.echo(table(headers, rows))
    for line in details:
        output.echo(line)
