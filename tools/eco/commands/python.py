"""``eco python status|apply``: the Python support policy across every project."""

from __future__ import annotations

import json
import os
from datetime import date
from datetime import datetime
from pathlib import Path
from typing import Any

import click
import tomlkit

from eco.commands.options import fetch_option
from eco.commands.options import finish
from eco.commands.options import format_option
from eco.commands.options import jobs_option
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


def _today_option(func: Any) -> Any:
    return click.option(
        "--today",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        help="Judge the policy as of this date (YYYY-MM-DD) instead of today.",
    )(func)


def _day(value: datetime | None) -> date:
    return value.date() if value is not None else date.today()


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
    six months of its end of life (``[ecosystem.python] policy``, default
    "eol+6months"); the dates come from python-releases.toml at the ecosystem root.
    """


@command.command("status")
@projects_argument
@_today_option
@format_option("text", "json", "markdown")
@fetch_option("works offline on the clones")
@jobs_option
@click.pass_obj
def status(
    ctx: Context,
    projects: tuple[str, ...],
    today: datetime | None,
    fmt: str,
    fetch: bool,
    jobs: int | None,
) -> None:
    """Show each project's requires-python, classifiers, CI matrix, ruff and mypy targets
    against the policy, read from origin/<branch> of its clone.

    Exits 1 when the registry needs `eco python apply` or a project needs `eco sync`.
    """
    day = _day(today)
    releases, policy = _policy(ctx)
    registry = ctx.registry
    selected = registry.select(projects)
    ecosystem = evaluate(registry.ecosystem.python, releases, policy, day)

    workspace = ctx.clones

    def one(project: Project) -> ProjectStatus:
        clone = workspace.ensure(project, fetch=fetch)
        return project_status(project, clone.path, clone.remote_branch, releases, policy, day)

    outcomes = run_each(selected, one, jobs=jobs, label="python status")
    results = [o.value for o in outcomes if o.value is not None]
    head = {
        "today": day.isoformat(),
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
        click.echo(json.dumps(data, indent=2))
    else:
        markdown = fmt == "markdown"
        click.echo(_report(head, ecosystem, results, markdown=markdown))
    drift = any(f.drift for f in ecosystem) or any(r.drift for r in results)
    code = finish(outcomes, "python status")
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
        f"Policy {head['policy']} on {head['today']}; ecosystem supports {span(head['supported'])}."
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
        "state",
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
            "drift" if r.drift else "ok",
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
@_today_option
@click.option("--dry-run", is_flag=True, help="Show the changes; write nothing.")
@click.option(
    "--drop-eol",
    is_flag=True,
    help="Also drop versions past end of life that are still within the grace period.",
)
@click.pass_obj
def apply(ctx: Context, today: datetime | None, dry_run: bool, drop_eol: bool) -> None:
    """Change projects.toml so the next `eco sync` brings every project in line.

    Removes versions past the policy's deadline (and not-yet-released ones) and adds
    released versions, in [ecosystem.python] supported and in every project's own
    `python` list. Comments and layout of projects.toml are kept.
    """
    day = _day(today)
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
    if not changes:
        click.echo(f"{REGISTRY_FILE} already follows the policy ({policy.text}) on {day}.")
        return
    for change in changes:
        delta = [f"-{v}" for v in change.removed] + [f"+{v}" for v in change.added]
        click.echo(
            f"{change.key}: {span(change.before)} -> {span(change.after)} ({' '.join(delta)})"
        )
        if change.projects:
            click.echo(f"  projects: {', '.join(change.projects)}")
    edit(document, changes)
    text = tomlkit.dumps(document)
    if dry_run:
        click.echo(f"Dry run: {REGISTRY_FILE} not written.")
        return
    _write_checked(path, text)
    affected = sorted({name for change in changes for name in change.projects})
    click.echo(
        f"Wrote {REGISTRY_FILE}. Commit it; the next `eco sync` then opens one pull request "
        f"for each of {len(affected)} project(s)."
    )


def _write_checked(path: Path, text: str) -> None:
    """Validate the new registry (an error leaves the file untouched), then replace it."""
    import tomllib

    parse_registry(path, text, tomllib.loads(text))
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
