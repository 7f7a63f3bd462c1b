"""``eco release``: pre-flight, then the release commit, tag, push, pull request, draft."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import UTC
from pathlib import Path
from typing import Any

import click
from packaging.version import InvalidVersion
from packaging.version import Version

from eco import output
from eco.commands.options import date_option
from eco.commands.options import dry_run_option
from eco.commands.options import emit_json
from eco.commands.options import format_option
from eco.commands.options import index_url_option
from eco.commands.options import markdown_table
from eco.context import Context
from eco.errors import EcoError
from eco.release import next_dev as release_next
from eco.release import preflight as preflight
from eco.release import steps as lib
from eco.release.checkout import resolve
from eco.release.checkout import Target
from eco.release.hosting import hosting_for

DEFAULT_INDEX = "https://pypi.org/simple"


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


def _day(value: date | None) -> date:
    return value if value is not None else datetime.now(UTC).date()


@click.command("release")
@click.argument("args", nargs=-1, metavar="[PROJECT] [VERSION]")
@click.option(
    "--path",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Release from this local checkout (clean, on the release's base branch, up to "
    "date) instead of eco's workspace clone of PROJECT.",
)
@dry_run_option(
    "Run the pre-flight checks and show every diff, command and API call; change nothing."
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
@date_option("Release as of this day: the date written to the changelog. Default: today (UTC).")
@index_url_option(f"[ecosystem] index-url, else {DEFAULT_INDEX}")
@click.option(
    "--forge",
    type=click.Choice(["auto", "local", "github"]),
    default="auto",
    show_default=True,
    help="github: CI check, pull request and draft release through the GitHub API; "
    "local: git only (those steps are skipped and said so); auto: github when "
    "credentials are set and the project has a repo.",
)
@format_option()
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
    day: date | None,
    index_url: str | None,
    forge: str,
    fmt: str,
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
        output.note(f"fetching {name} into eco's workspace")
    target = resolve(ctx, name, path)
    registry = target.registry
    url = index_url or (registry.ecosystem.index_url if registry else DEFAULT_INDEX)
    github = hosting_for(forge, target)
    if next_dev:
        if resume:
            raise EcoError("--next-dev and --resume do not go together")
        log: list[str] = []

        def say(line: str) -> None:
            log.append(line)
            if fmt == "text":
                output.echo(line)
            else:
                output.note(line)

        release_next.run(target, version, base=base, github=github, dry_run=dry_run, say=say)
        if fmt == "json":
            emit_json(
                {"project": target.project.name, "next_dev": True, "dry_run": dry_run, "log": log}
            )
        elif fmt == "markdown":
            output.echo("\n".join(["```", *log, "```"]))
        return
    release = lib.prepare(target, version, day=_day(day), index_url=url, github=github, base=base)
    report = Report(fmt)
    try:
        _run(release, target, report, dry_run=dry_run, resume=resume, allow_empty=allow_empty)
    finally:
        report.finish(release, target, dry_run=dry_run)


class Report:
    """What a release run says: printed as it goes in text; with --format json or
    markdown the same lines are progress on stderr and the report comes at the end."""

    def __init__(self, fmt: str) -> None:
        self.fmt = fmt
        self.preflight: list[dict[str, str]] = []
        self.steps: list[dict[str, Any]] = []
        self.next: list[str] = []

    def say(self, line: str) -> None:
        if self.fmt == "text":
            output.echo(line)
        else:
            output.note(line)

    def finish(self, release: lib.Release, target: Target, *, dry_run: bool) -> None:
        if self.fmt == "json":
            emit_json(
                {
                    "project": target.project.name,
                    "release": str(release.version),
                    "base": release.base,
                    "base_commit": release.base_commit,
                    "dry_run": dry_run,
                    "preflight": self.preflight,
                    "steps": self.steps,
                    "next": self.next,
                }
            )
        elif self.fmt == "markdown":
            title = f"## eco release {target.project.name} {release.version}"
            rows = [(s["name"], s["state"], s["detail"]) for s in self.steps]
            output.echo(f"{title}\n\n{markdown_table(['step', 'state', 'detail'], rows)}")
            if self.next:
                output.echo("\nNext:\n\n" + "\n".join(f"- {line}" for line in self.next))


def _run(
    release: lib.Release,
    target: Target,
    report: Report,
    *,
    dry_run: bool,
    resume: bool,
    allow_empty: bool,
) -> None:
    where = "workspace clone" if target.workspace else "checkout"
    head = f"release {target.project.name} {release.version} from {release.base}"
    current = release.current_branch
    if target.workspace or current == release.base:
        report.say(f"{head} ({release.base_commit[:12]}) in the {where} {release.repo}")
    else:  # the pre-flight refuses: do not call this checkout's commit the base's
        on = current or "a detached HEAD"
        report.say(f"{head}; the checkout {release.repo} is on {on} ({release.base_commit[:12]})")
    with output.step("pre-flight checks"):
        result = preflight.preflight(
            release,
            resume=resume,
            dry_run=dry_run,
            allow_empty=allow_empty,
            progress=output.note,
        )
    for note in result.notes:
        report.preflight.append({"kind": "note", "message": note})
        report.say(f"  note: {note}")
    for warning in result.warnings:
        report.preflight.append({"kind": "warning", "message": warning})
        report.say(f"  warning: {warning}")
    preflight.refuse(release, result)
    report.say("pre-flight: ok")
    if release.github is None:
        report.say("  GitHub: skipped (local forge): no CI check, pull request or draft release")
    steps = lib.steps(release)
    if dry_run:
        report.say("dry run: nothing is changed; the steps would be:")
        for step in steps:
            if step.done():
                if not step.quiet:
                    report.steps.append({"name": step.name, "state": "done", "detail": ""})
                    report.say(f"[done] {step.name}")
                continue
            preview = list(step.preview())
            report.steps.append({"name": step.name, "state": "todo", "detail": "; ".join(preview)})
            report.say(f"[todo] {step.name}")
            for line in preview:
                report.say(f"    {line}")
        return
    finished: list[str] = []
    for step in steps:
        if step.done():
            if not step.quiet:
                report.steps.append({"name": step.name, "state": "done", "detail": "already done"})
                report.say(f"[done] {step.name}: already done")
            continue
        try:
            with output.step(step.name):
                outcome = step.run()
        except EcoError as exc:
            report.steps.append({"name": step.name, "state": "failed", "detail": str(exc)})
            raise lib.StepFailed(release, step.name, finished, exc) from None
        finished.append(step.name)
        report.steps.append({"name": step.name, "state": "ok", "detail": str(outcome)})
        report.say(f"[ok]   {step.name}: {outcome}")
    report.next = list(lib.next_steps(release))
    report.say("next:")
    for line in report.next:
        report.say(f"  - {line}")
