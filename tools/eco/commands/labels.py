"""``eco labels sync``: make every repository's labels match ``labels.toml``."""

from __future__ import annotations

import sys
from typing import Any

import click

from eco import output
from eco.commands.options import apply_option
from eco.commands.options import emit_json
from eco.commands.options import finish
from eco.commands.options import format_option
from eco.commands.options import jobs_option
from eco.commands.options import markdown_table
from eco.commands.options import projects_argument
from eco.commands.options import say_dry_or_applied
from eco.context import Context
from eco.errors import EcoError
from eco.forge import connect
from eco.forge import owner_of
from eco.forge.github_cache import EtagCache
from eco.forge.github_cache import ListFetcher
from eco.parallel import run_each
from eco.registry import Project
from eco.tables import table
from eco.triage.labels import apply
from eco.triage.labels import Change
from eco.triage.labels import Label
from eco.triage.labels import LABELS_FILE
from eco.triage.labels import load_labels
from eco.triage.labels import plan


@click.group("labels")
def command() -> None:
    """Labels of every repository from one definition, labels.toml at the ecosystem root."""


@command.command("sync")
@projects_argument
@apply_option("Make the changes on GitHub.")
@click.option(
    "--prune",
    is_flag=True,
    help="Also delete labels that labels.toml does not define (with --apply). "
    "Without it a repository's own labels are always kept.",
)
@format_option()
@jobs_option
@click.pass_obj
def sync(
    ctx: Context,
    projects: tuple[str, ...],
    write: bool,
    prune: bool,
    fmt: str,
    jobs: int | None,
) -> None:
    """Compare each PROJECT's labels with labels.toml; with --apply, update them.

    Without --apply this is a dry run, and its first line says so.
    A label named by an alias is renamed in place (it keeps its issues and pull
    requests); colours and descriptions are updated; missing labels are created. Writes
    are spaced at least one second apart.
    """
    say_dry_or_applied(write, "the labels on GitHub")
    specs = load_labels(ctx.root / LABELS_FILE)
    registry = ctx.registry
    selected = registry.select(projects)
    missing = [p.name for p in selected if not p.repo]
    if missing and projects:
        raise EcoError(f"not on GitHub (no 'repo' in projects.toml): {', '.join(missing)}")
    selected = [p for p in selected if p.repo]
    forge = connect(registry, purpose="eco labels sync")
    store = EtagCache.in_workspace(ctx.workspace.path)

    def one(project: Project) -> list[Change]:
        assert project.repo is not None
        requester = forge.client(owner_of(project.repo)).requester  # one client per thread
        fetcher = ListFetcher(requester, store)

        def send(method: str, path: str, body: dict[str, Any] | None) -> None:
            what = f"{method} {path}"
            forge.call(what, lambda: requester.requestJsonAndCheck(method, path, input=body))

        current = [
            Label(str(d["name"]), str(d.get("color", "")), str(d.get("description") or ""))
            for d in fetcher.get_all(f"/repos/{project.repo}/labels")
        ]
        changes = plan(specs, current, prune=prune)
        if write:
            apply(project.repo, changes, send, forge.spacer.wait)
        return changes

    def status(changes: list[Change]) -> str:
        if not any(c.write for c in changes):
            return "in sync"
        return "changed" if write else "would change"

    outcomes = run_each(selected, one, jobs=jobs, label="labels", status=status)
    if fmt == "json":
        data = {
            "applied": write,
            "prune": prune,
            "projects": {
                o.project.name: [
                    {
                        "action": c.action,
                        "label": c.name,
                        "to": c.spec.name if c.spec else None,
                        "detail": c.detail,
                    }
                    for c in o.value or []
                ]
                for o in outcomes
                if o.ok
            },
        }
        emit_json(data)
    elif fmt == "markdown":
        rows = [
            (o.project.name, c.action, c.name, c.spec.name if c.spec else "", c.detail)
            for o in outcomes
            for c in o.value or []
        ]
        output.echo(markdown_table(["project", "action", "label", "to", "detail"], rows))
    else:
        for outcome in outcomes:
            if outcome.ok and outcome.value is not None:
                output.echo(_describe(outcome.project, outcome.value, write, prune))
    sys.exit(finish(outcomes, "labels sync", status))


def _describe(project: Project, changes: list[Change], write: bool, prune: bool) -> str:
    writes = sum(1 for c in changes if c.write)
    state = "applied" if write else "dry run, --apply to write"
    head = f"{project.name} ({project.repo}): {writes} change{'s' if writes != 1 else ''}"
    if not changes:
        return f"{head}, labels match {LABELS_FILE}"
    rows = []
    for c in changes:
        target = f"{c.name} -> {c.spec.name}" if c.action == "rename" and c.spec else c.name
        detail = c.detail
        if c.action == "extra" and not prune:
            detail += " (kept; --prune deletes it)"
        rows.append([c.action, target, detail])
    body = table(["action", "label", "detail"], rows)
    return f"{head} ({state})\n" + "\n".join(f"  {line}" for line in body.splitlines())
