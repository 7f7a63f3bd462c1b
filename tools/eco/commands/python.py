"""``eco python status|apply``: the Python support policy across every project."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import click
import tomlkit

from eco import output
from eco.commands.options import date_option
from eco.commands.options import dry_run_option
from eco.commands.options import emit_json
from eco.commands.options import fetch_option
from eco.commands.options import finish
from eco.commands.options import format_option
from eco.commands.options import jobs_option
from eco.commands.options import markdown_table
from eco.commands.options import projects_argument
from eco.context import Context
from eco.parallel import run_each
from eco.python.apply import edit
from eco.python.apply import overriding_projects
from eco.python.apply import plan
from eco.python.releases import evaluate
from eco.python.releases import Finding
from eco.python.releases import load_releases
from eco.python.releases import parse_policy
from eco.python.releases import Policy
from eco.python.releases import Releases
from eco.python.releases import RELEASES_FILE
from eco.python.status import project_status
from eco.python.status import ProjectStatus
from eco.python.status import span
from eco.registry import parse_registry
from eco.registry import Project
from eco.root import REGISTRY_FILE
from eco.tables import table

_date_option = date_option("Judge the policy as of this day instead of today.")


def _day(value: date | None) -> date:
    return value if value is not None else date.today()


def _policy(ctx: Context) -> tuple[Releases, Policy]:
    releases = load_releases(ctx.root / RELEASES_FILE)
    policy = parse_policy(
        ctx.registry.ecosystem.python_policy,
        f"{ctx.registry.path}: ecosystem.python.policy",
    )
    return releases, policy


@click.group("python")
def command() -> None:
    """Keep every project's supported Pythons in line with the ecosystem's policy.

    A Python version is supported from its first final release and dropped within
    six months of its end of life ([ecosystem.python] policy, default
    "eol+6months"); the dates come from python-releases.toml at the ecosystem root.
    """


@command.command("status")
@projects_argument
@_date_option
@format_option()
@fetch_option("works offline on the clones")
@jobs_option
@click.pass_obj
def status(
    ctx: Context,
    projects: tuple[str, ...],
    day: date | None,
    fmt: str,
    fetch: bool,
    jobs: int | None,
) -> None:
    """Show each project's requires-python, classifiers, CI matrix, ruff and mypy targets
    against the policy, read from origin/<branch> of its clone.

    Exits 1 when the registry needs eco python apply or a project needs eco sync.
    """
    day = _day(day)
    releases, policy = _policy(ctx)
    registry = ctx.registry
    selected = registry.select(projects)
    ecosystem = evaluate(registry.ecosystem.python, releases, policy, day)

    workspace = ctx.clones

    def one(project: Project) -> ProjectStatus:
        clone = workspace.ensure(project, fetch=fetch)
        return project_status(project, clone.path, clone.remote_branch, releases, policy, day)

    def word(result: ProjectStatus) -> str:
        return "drift" if result.drift else "in sync"

    outcomes = run_each(selected, one, jobs=jobs, label="python status", status=word)
    results = [o.value for o in outcomes if o.value is not None]
    head = {
        "date": day.isoformat(),
        "policy": policy.text,
        "supported": list(registry.ecosystem.python),
    }
    if fmt == "json":
        data = {
            **head,
            "ecosystem": [
                {"kind": f.kind, "version": f.version, "message": f.message} for f in ecosystem
            ],
            "projects": [r.as_dict() for r in results],
        }
        emit_json(data)
    else:
        markdown = fmt == "markdown"
        output.echo(_report(head, ecosystem, results, markdown=markdown))
    drift = any(f.drift for f in ecosystem) or any(r.drift for r in results)
    code = finish(outcomes, "python status", word)
    if code or drift:
        raise SystemExit(1)


def _report(
    head: dict[str, Any],
    ecosystem: list[Finding],
    results: list[ProjectStatus],
    *,
    markdown: bool,
) -> str:
    lines = [
        f"Policy {head['policy']} on {head['date']}; ecosystem supports {span(head['supported'])}."
    ]
    bullet = "- " if markdown else "  "
    lines += [f"{bullet}{_with_fix(f)}" for f in ecosystem]
    headers = [
        "project",
        "registry",
        "requires-python",
        "classifiers",
        "CI",
        "ruff",
        "mypy",
        "status",
    ]
    rows = [
        [
            r.project,
            span(r.registry),
            r.places.requires_python or "-",
            span(r.places.classifiers),
            span(r.places.ci),
            r.places.ruff or "-",
            r.places.mypy or "-",
            "drift" if r.drift else "in sync",
        ]
        for r in results
    ]
    if markdown:
        lines = ["## Python support", "", *lines, ""]
        lines.append("| " + " | ".join(headers) + " |")
        lines.append("|" + "---|" * len(headers))
        lines += [
            "| " + " | ".join(f"`{c}`" if c != "-" else c for c in row) + " |" for row in rows
        ]
    else:
        lines += ["", table(headers, rows)]
    supported = list(head["supported"])
    for result in results:
        # A project that follows the ecosystem's list shares its policy findings above.
        own = [f for f in result.policy if list(result.registry) != supported]
        if not own and not result.files:
            continue
        lines.append("")
        lines.append(f"### {result.project}" if markdown else f"{result.project}:")
        lines += [f"{bullet}{_with_fix(finding)}" for finding in own]
        for problem in result.files:
            lines.append(f"{bullet}{problem} (eco sync)")
    return "\n".join(lines)


def _with_fix(finding: Finding) -> str:
    return f"{finding.message} (eco python apply)" if finding.drift else finding.message


@command.command("apply")
@_date_option
@dry_run_option("Show the changes; write nothing.")
@click.option(
    "--drop-eol",
    is_flag=True,
    help="Also drop versions past end of life that are still within the grace period.",
)
@format_option()
@click.pass_obj
def apply(ctx: Context, day: date | None, dry_run: bool, drop_eol: bool, fmt: str) -> None:
    """Change projects.toml so the next eco sync brings every project in line.

    Removes versions past the policy's deadline (and not-yet-released ones) and adds
    released versions, in [ecosystem.python] supported and in every project's own
    python list. Comments and layout of projects.toml are kept.
    """
    day = _day(day)
    releases, policy = _policy(ctx)
    registry = ctx.registry
    path = registry.path
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    changes = plan(
        registry,
        releases,
        policy,
        day,
        drop_eol=drop_eol,
        overrides=overriding_projects(document),
    )
    if changes:
        edit(document, changes)
        if not dry_run:
            _write_checked(path, tomlkit.dumps(document))
    if fmt == "json":
        emit_json(
            {
                "date": day.isoformat(),
                "policy": policy.text,
                "dry_run": dry_run,
                "written": bool(changes) and not dry_run,
                "changes": [
                    {
                        "key": c.key,
                        "before": list(c.before),
                        "after": list(c.after),
                        "removed": list(c.removed),
                        "added": list(c.added),
                        "projects": list(c.projects),
                    }
                    for c in changes
                ],
            }
        )
        return
    if not changes:
        output.echo(f"{REGISTRY_FILE} already follows the policy ({policy.text}) on {day}.")
        return
    if fmt == "markdown":
        rows = [(c.key, span(c.before), span(c.after), ", ".join(c.projects)) for c in changes]
        output.echo(markdown_table(["key", "before", "after", "projects"], rows))
    else:
        for change in changes:
            delta = [f"-{v}" for v in change.removed] + [f"+{v}" for v in change.added]
            output.echo(
                f"{change.key}: {span(change.before)} -> {span(change.after)} ({' '.join(delta)})"
            )
            if change.projects:
                output.echo(f"  projects: {', '.join(change.projects)}")
    if dry_run:
        output.echo(f"Dry run: {REGISTRY_FILE} not written.", err=fmt != "text")
        return
    affected = sorted({name for change in changes for name in change.projects})
    output.echo(
        f"Wrote {REGISTRY_FILE}. Commit it; the next eco sync then opens one pull request "
        f"for each of {len(affected)} project(s).",
        err=fmt != "text",
    )


def _write_checked(path: Path, text: str) -> None:
    """Validate the new registry (an error leaves the file untouched), then replace it."""
    import tomllib

    parse_registry(path, text, tomllib.loads(text))
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
