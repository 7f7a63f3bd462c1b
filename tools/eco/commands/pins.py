"""``eco pins``: keep every action of the ecosystem's workflows pinned to a release's SHA."""

from __future__ import annotations

import os

import click

from eco import output
from eco.commands.options import api_url_option
from eco.commands.options import dry_run_option
from eco.commands.options import emit_json
from eco.commands.options import format_option
from eco.commands.options import markdown_table
from eco.commands.options import pager_option
from eco.context import Context
from eco.errors import EcoError
from eco.pins import action_tags
from eco.pins import uses as pins
from eco.pins import workflows_ref
from eco.root import REGISTRY_FILE


def _source(api_url: str) -> action_tags.GitHubTags:
    from eco.forge.auth import env_token  # PyGithub: loaded only when tags are asked for
    from eco.forge.base import http_url

    found = env_token(os.environ)
    url = http_url(api_url, "--api-url (or ECO_GITHUB_API_URL)")
    return action_tags.GitHubTags(url, found[1] if found else None)


@click.group("pins")
def command() -> None:
    """Pin every uses: line of workflows/, .github/workflows/ and templates/ to a commit
    SHA with its release tag as a comment (@<sha> # v6.0.2), and keep the pins fresh.
    The tag and SHA of each action are recorded in workflows/pins.toml.
    """


@command.command("update", short_help="Move every pin to the newest release of its action.")
@dry_run_option("Show the diff; write nothing.")
@click.option(
    "--major",
    is_flag=True,
    help="Move to a new major version too (default: the newest release of the major "
    "version in use).",
)
@api_url_option(action_tags.DEFAULT_API_URL)
@format_option()
@pager_option
@click.pass_obj
def update(ctx: Context, dry_run: bool, major: bool, api_url: str, fmt: str) -> None:
    """Rewrite each pin to the newest numeric release tag of its action (GitHub's API,
    token from $GITHUB_TOKEN, optional for public actions).
    """
    root = ctx.root
    plan = pins.plan_update(root, _source(api_url), allow_major=major)
    if not dry_run:
        pins.apply(root, plan)
    if fmt == "json":
        emit_json(
            {
                "dry_run": dry_run,
                "changes": [
                    {
                        "action": c.repo,
                        "from": c.old,
                        "to": c.new.name,
                        "lines": c.lines,
                        "files": c.files,
                    }
                    for c in plan.changes
                ],
                "held": [
                    {"action": h.repo, "at": h.current.name, "available": h.available.name}
                    for h in plan.held
                ],
                "files": sorted(plan.texts),
                "diff": plan.diff(),
            }
        )
        return
    rows = [(c.repo, c.old, c.new.name, c.lines, c.files) for c in plan.changes]
    rows += [
        (h.repo, h.current.name, f"held ({h.available.name}: --major)", 0, 0) for h in plan.held
    ]
    if fmt == "markdown":
        output.echo(markdown_table(["action", "from", "to", "lines", "files"], rows))
        if dry_run and plan.texts:
            output.echo(f"\n```diff\n{plan.diff()}```")
    else:
        for change in plan.changes:
            output.echo(
                f"{change.repo}: {change.old} -> {change.new.name} "
                f"({change.lines} line{'s' * (change.lines != 1)} in "
                f"{change.files} file{'s' * (change.files != 1)})"
            )
        for held in plan.held:
            output.echo(
                f"{held.repo}: held at {held.current.name}; {held.available.name} is a new "
                "major version (--major moves to it)"
            )
        if dry_run:
            output.page(plan.diff())
    if dry_run:
        output.echo(f"dry run: {len(plan.texts)} file(s) would change", err=True)
    elif plan.texts:
        output.echo(f"updated {len(plan.texts)} file(s)", err=True)
    else:
        output.echo(f"all {len(plan.unchanged)} actions are up to date", err=True)


@command.command("check", short_help="Fail on an unpinned or mislabelled uses: line.")
@click.option(
    "--remote",
    is_flag=True,
    help="Also resolve every pinned tag through GitHub's API (default: offline, "
    "against workflows/pins.toml).",
)
@api_url_option(action_tags.DEFAULT_API_URL)
@format_option()
@click.pass_obj
def check(ctx: Context, remote: bool, api_url: str, fmt: str) -> None:
    """Fail (exit 1) on an unpinned uses: line, a missing version comment, a comment
    that does not match its SHA, or a workflows-ref that is not a commit holding the
    reusable workflows the callers call.
    """
    root = ctx.root
    problems = pins.check(root, source=_source(api_url) if remote else None)
    ref_problems, notes = workflows_ref.check_ref(root, ctx.registry.ecosystem.workflows_ref)
    problems += ref_problems
    for note in notes:
        output.echo(f"note: {note}", err=True)
    if fmt == "json":
        emit_json(
            {
                "status": "drift" if problems else "in sync",
                "problems": [{"where": p.where, "message": p.message} for p in problems],
                "notes": list(notes),
            }
        )
    elif fmt == "markdown":
        output.echo(markdown_table(["where", "problem"], [(p.where, p.message) for p in problems]))
    else:
        for problem in problems:
            output.echo(str(problem))
    if problems:
        output.echo(f"{len(problems)} pin problem(s)", err=True)
        click.get_current_context().exit(1)
    output.echo("every uses: is pinned and matches workflows/pins.toml", err=True)


@command.command("workflows-ref", short_help="Point the callers at a commit of the monorepo.")
@click.argument("rev", default="HEAD")
@dry_run_option("Show the change; write nothing.")
@format_option()
@click.pass_obj
def set_workflows_ref(ctx: Context, rev: str, dry_run: bool, fmt: str) -> None:
    """Point [ecosystem] workflows-ref in projects.toml at REV (default: HEAD), a commit
    of the monorepo that holds every reusable workflow the callers call. eco sync then
    rolls the new ref out to every project's callers.
    """
    root = ctx.root
    sha = workflows_ref.resolve(root, rev)
    problems, _ = workflows_ref.check_ref(root, sha)
    if problems:
        raise EcoError("; ".join(str(p) for p in problems))
    old, old_text, new_text = workflows_ref.set_ref(root, sha)
    changed = old != sha
    if changed and not dry_run:
        (root / REGISTRY_FILE).write_text(new_text, encoding="utf-8")
    if fmt == "json":
        emit_json({"dry_run": dry_run, "from": old or None, "to": sha, "changed": changed})
    elif not changed:
        output.echo(f"workflows-ref is already {sha}", err=True)
    elif fmt == "markdown":
        output.echo(markdown_table(["key", "from", "to"], [("workflows-ref", old or "", sha)]))
    else:
        output.echo(f"workflows-ref: {old or '(unset)'} -> {sha}")
    if changed and dry_run:
        output.echo(f"dry run: {REGISTRY_FILE} not written", err=True)
