"""``eco release``: pre-flight, then the release commit, tag, push, pull request, draft."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import UTC
from pathlib import Path

import click
from packaging.version import InvalidVersion
from packaging.version import Version

from eco.context import Context
from eco.errors import EcoError
from eco.release import next_dev as release_next
from eco.release import preflight as preflight
from eco.release import steps as lib
from eco.release.checkout import resolve
from eco.release.checkout import Target
from eco.release.hosting import hosting_for

DEFAULT_INDEX = "https://pypi.org/simple"


def _progress(line: str) -> None:
    """One plain progress line on stderr (stdout keeps the release's own report)."""
    click.echo(f"  {line}", err=True)


def _split_args(args: tuple[str, ...], path: Path | None) -> tuple[str | None, str | None]:
    """``PROJECT [VERSION]``; with ``--path`` the project may be left out."""
    if len(args) > 2:
        raise EcoError("too many arguments: expected [PROJECT] [VERSION]")
    if len(args) == 2:
        return args[0], args[1]
    if len(args) == 1:
        if path is not None and _looks_like_version(args[0]):
            return None, args[0]
        return args[0], None
    return None, None


def _looks_like_version(arg: str) -> bool:
    try:
        Version(arg)
    except InvalidVersion:
        return False
    return True


def _day(value: str | None) -> date:
    if value is None:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise EcoError(f"--date {value!r}: expected YYYY-MM-DD") from None


@click.command("release")
@click.argument("args", nargs=-1, metavar="[PROJECT] [VERSION]")
@click.option(
    "--path",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Release from this local checkout (clean, on the release's base branch, up to "
    "date) instead of eco's workspace clone of PROJECT.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Run the pre-flight checks and show every diff, command and API call; change nothing.",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Continue a release that stopped halfway: its branch and tag may already exist.",
)
@click.option(
    "--next-dev",
    is_flag=True,
    help="After a release: open the next version (VERSION, default the next feature "
    "release on main, the next fix on stable) with .dev and a new Unreleased section.",
)
@click.option(
    "--allow-empty",
    is_flag=True,
    help="Release even though the changelog section has no entries (the release notes "
    "will be empty); without it, that refuses the release.",
)
@click.option(
    "--base",
    help="The branch to release from. Default: the project's branch (main) for A.B.0, "
    "stable for A.B.x, per the Pallets policy.",
)
@click.option(
    "--date",
    "day",
    metavar="YYYY-MM-DD",
    help="The release date written to the changelog. Default: today (UTC).",
)
@click.option(
    "--index-url",
    help=f"The package index checked for the version. Default: [ecosystem] index-url, "
    f"else {DEFAULT_INDEX}.",
)
@click.option(
    "--forge",
    type=click.Choice(["auto", "local", "github"]),
    default="auto",
    show_default=True,
    help="github: CI check, pull request and draft release through the GitHub API; "
    "local: git only (those steps are skipped and said so); auto: github when "
    "credentials are set and the project has a repo.",
)
@click.pass_obj
def command(
    ctx: Context,
    args: tuple[str, ...],
    path: Path | None,
    dry_run: bool,
    resume: bool,
    next_dev: bool,
    allow_empty: bool,
    base: str | None,
    day: str | None,
    index_url: str | None,
    forge: str,
) -> None:
    """Release PROJECT (default VERSION: the current version without .dev).

    Pre-flight: a clean checkout on the right branch, up to date with origin; no tag
    and no files of VERSION on the package index yet; exactly one Unreleased section in
    the changelog, for VERSION; the version in pyproject.toml matches; CI green on
    GitHub. Then, each step only if not done yet: the release-VERSION branch with one
    commit "release version VERSION" (version without .dev, changelog "Released
    <date>"), the annotated tag VERSION, the push, and on GitHub the pull request and
    the draft release with the changelog section as notes. The project's publish
    workflow, triggered by the tag, builds and uploads once its environment is approved.
    """
    name, version = _split_args(args, path)
    if path is None and name is not None:
        _progress(f"fetching {name} into eco's workspace")
    target = resolve(ctx, name, path)
    registry = target.registry
    url = index_url or (registry.ecosystem.index_url if registry else DEFAULT_INDEX)
    github = hosting_for(forge, target)
    if next_dev:
        if resume:
            raise EcoError("--next-dev and --resume do not go together")
        release_next.run(target, version, base=base, github=github, dry_run=dry_run)
        return
    release = lib.prepare(target, version, day=_day(day), index_url=url, github=github, base=base)
    _run(release, target, dry_run=dry_run, resume=resume, allow_empty=allow_empty)


def _run(
    release: lib.Release, target: Target, *, dry_run: bool, resume: bool, allow_empty: bool
) -> None:
    where = "workspace clone" if target.workspace else "checkout"
    head = f"release {target.project.name} {release.version} from {release.base}"
    current = release.current_branch
    if target.workspace or current == release.base:
        click.echo(f"{head} ({release.base_commit[:12]}) in the {where} {release.repo}")
    else:  # the pre-flight refuses: do not call this checkout's commit the base's
        on = current or "a detached HEAD"
        click.echo(f"{head}; the checkout {release.repo} is on {on} ({release.base_commit[:12]})")
    result = preflight.preflight(
        release, resume=resume, dry_run=dry_run, allow_empty=allow_empty, progress=_progress
    )
    for note in result.notes:
        click.echo(f"  note: {note}")
    for warning in result.warnings:
        click.echo(f"  warning: {warning}")
    preflight.refuse(release, result)
    click.echo("pre-flight: ok")
    if release.github is None:
        click.echo("  GitHub: skipped (local forge): no CI check, pull request or draft release")
    steps = lib.steps(release)
    if dry_run:
        click.echo("dry run: nothing is changed; the steps would be:")
        for step in steps:
            if step.done():
                if not step.quiet:
                    click.echo(f"[done] {step.name}")
                continue
            click.echo(f"[todo] {step.name}")
            for line in step.preview():
                click.echo(f"    {line}")
        return
    finished: list[str] = []
    for step in steps:
        if step.done():
            if not step.quiet:
                click.echo(f"[done] {step.name}: already done")
            continue
        try:
            outcome = step.run()
        except EcoError as exc:
            raise lib.StepFailed(release, step.name, finished, exc) from None
        finished.append(step.name)
        click.echo(f"[ok]   {step.name}: {outcome}")
    click.echo("next:")
    for line in lib.next_steps(release):
        click.echo(f"  - {line}")
