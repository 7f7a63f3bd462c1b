"""``eco deprecations scan|due``: upstream deprecated names in use, own deprecations due."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import click
from packaging.version import InvalidVersion
from packaging.version import Version

from eco import output
from eco.commands.options import emit_json
from eco.commands.options import fetch_option
from eco.commands.options import finish
from eco.commands.options import format_option
from eco.commands.options import jobs_option
from eco.commands.options import markdown_table
from eco.commands.options import projects_argument
from eco.context import Context
from eco.deprecations.issues import file_issues
from eco.deprecations.own import Deprecation
from eco.deprecations.own import DUE_STATES
from eco.deprecations.own import find_deprecations
from eco.deprecations.own import next_feature_version
from eco.deprecations.own import project_names
from eco.deprecations.report import json_report
from eco.deprecations.report import markdown_report
from eco.deprecations.report import ProjectScan
from eco.deprecations.report import text_report
from eco.deprecations.scan import scan_sources
from eco.deprecations.sources import read_tree
from eco.deprecations.spellings import merge
from eco.deprecations.spellings import pair_also
from eco.deprecations.spellings import upstream_spellings
from eco.errors import EcoError
from eco.forge import connect
from eco.parallel import run_each
from eco.registry import MODULE_RE
from eco.registry import Project


@click.group("deprecations")
def command() -> None:
    """Deprecation chores: find every use of an upstream deprecated name across the
    projects, and list each project's own deprecations due for removal."""


@command.command("scan")
@projects_argument
@click.option(
    "--name",
    "names",
    multiple=True,
    required=True,
    metavar="NAME",
    help="An upstream name to look for, e.g. flask.Markup or werkzeug.urls.url_quote (repeatable).",
)
@click.option(
    "--also",
    multiple=True,
    metavar="SPELLING",
    help="Another spelling of a NAME, e.g. flask.globals._request_ctx_stack for "
    "flask._request_ctx_stack: it goes with the NAME ending in the same part, or write "
    "NAME=SPELLING (repeatable).",
)
@format_option("text", "json", "markdown")
@click.option(
    "--open-issues",
    is_flag=True,
    help="Open one GitHub issue per affected project listing its uses (needs GITHUB_TOKEN "
    "or a GitHub App); an open issue for the same names is updated, never duplicated.",
)
@fetch_option("works offline on the clones")
@jobs_option
@click.pass_obj
def scan(
    ctx: Context,
    projects: tuple[str, ...],
    names: tuple[str, ...],
    also: tuple[str, ...],
    fmt: str,
    open_issues: bool,
    fetch: bool,
    jobs: int | None,
) -> None:
    """Find every use of each NAME in the code of the managed projects (default: every
    project): imports, aliases, attribute chains on imported modules, re-exports (the
    project's own too), with project, file and line. Comments and strings never match.

    A NAME's other spellings count as the NAME: those its upstream package gives it,
    when that package is installed beside eco (its files are read, never run), and
    those given with --also.

    Exits 1 when a use is found, unless --open-issues filed them all.
    """
    for name in names:
        if not MODULE_RE.match(name):
            raise EcoError(f"{name!r} is not a dotted Python name like flask.Markup")
    spellings = merge(upstream_spellings(names, sys.path), pair_also(names, also))
    selected = ctx.registry.select(projects)
    forge = connect(ctx.registry) if open_issues else None  # missing credentials stop the run first
    for name in names:
        others = sorted(spellings[name] - {name})
        if others:
            click.echo(f"{name} is also spelled {', '.join(others)}", err=True)

    workspace = ctx.clones

    def one(project: Project) -> ProjectScan:
        clone = workspace.ensure(project, fetch=fetch)
        ref = clone.remote_branch
        tree = read_tree(clone.path, ref)
        result = scan_sources(tree.sources, names, spellings=spellings)
        return ProjectScan(project, tree.commit, result)

    outcomes = run_each(selected, one, jobs=jobs, label="deprecations scan")
    scans = [o.value for o in outcomes if o.value is not None]
    if fmt == "json":
        output.echo(json_report(scans, names))
    elif fmt == "markdown":
        output.echo(markdown_report(scans, names))
    else:
        report = text_report(scans)
        if report:
            output.echo(report)
    affected = [s for s in scans if s.result.uses]
    total = sum(len(s.result.uses) for s in affected)
    output.echo(
        f"{total} use(s) of {len(names)} name(s) in {len(affected)} of {len(scans)} project(s)",
        err=True,
    )
    code = finish(outcomes, "deprecations scan")
    if forge is not None and affected:
        filed = file_issues(forge, affected, names, jobs=jobs)
        for outcome in filed:
            if outcome.value is not None:
                value = outcome.value
                output.echo(
                    f"{outcome.project.name}: {value.action} issue #{value.number} {value.url}",
                    err=fmt != "text",
                )
        code = max(code, finish(filed, "issues"))
    elif affected:
        code = max(code, 1)
    if code:
        raise SystemExit(code)


@dataclass(frozen=True)
class ProjectDue:
    next_version: str
    deprecations: tuple[Deprecation, ...]

    def selected(self, show_all: bool) -> list[Deprecation]:
        return [
            d for d in self.deprecations if show_all or d.state(self.next_version) in DUE_STATES
        ]


@command.command("due")
@projects_argument
@click.option(
    "--version",
    "next_version",
    metavar="NEXT",
    help="The next feature version (one project only). Default: the project's current "
    ".dev version without .dev (3.2.0.dev -> 3.2.0).",
)
@click.option("--all", "show_all", is_flag=True, help="Also list deprecations not due yet.")
@format_option()
@fetch_option("works offline on the clones")
@jobs_option
@click.pass_obj
def due_command(
    ctx: Context,
    projects: tuple[str, ...],
    next_version: str | None,
    show_all: bool,
    fmt: str,
    fetch: bool,
    jobs: int | None,
) -> None:
    """List each project's own deprecations (warnings.warn with DeprecationWarning,
    @deprecated) that its next feature release should remove, read from
    origin/<branch>: the message says "removed in 3.2" (or an earlier version, or "in the
    next version") and the project's version is 3.2.0.dev.

    Exits 1 when anything is due.
    """
    selected = ctx.registry.select(projects)
    if next_version is not None:
        if len(selected) != 1:
            raise EcoError("--version needs exactly one PROJECT")
        try:
            Version(next_version)
        except InvalidVersion:
            raise EcoError(f"--version {next_version!r}: expected a version like 3.2.0") from None

    workspace = ctx.clones

    def one(project: Project) -> ProjectDue:
        clone = workspace.ensure(project, fetch=fetch)
        ref = clone.remote_branch
        tree = read_tree(clone.path, ref, package_only=True, files=["pyproject.toml"])
        sources, pyproject = tree.sources, tree.files.get("pyproject.toml")
        where = f"{project.name}: {ref}:pyproject.toml"
        version = next_version or next_feature_version(where, pyproject, sources)
        names = [*project_names(where, pyproject), project.pypi, project.name, project.module]
        return ProjectDue(version, tuple(find_deprecations(sources, names)))

    outcomes = run_each(selected, one, jobs=jobs, label="deprecations due")
    anything_due = False
    if fmt == "json":
        data = [
            {
                "project": o.project.name,
                "next_version": o.value.next_version,
                "deprecations": [
                    d.as_dict(o.value.next_version) for d in o.value.selected(show_all)
                ],
            }
            for o in outcomes
            if o.value is not None
        ]
        emit_json({"projects": data})
    rows = []
    for outcome in outcomes:
        result = outcome.value
        if result is None:
            continue
        shown = result.selected(show_all)
        count = sum(1 for d in result.deprecations if d.state(result.next_version) in DUE_STATES)
        anything_due = anything_due or count > 0
        if fmt == "text":
            output.echo(
                f"{outcome.project.name} {result.next_version}: {count} due of "
                f"{len(result.deprecations)} deprecation(s)"
            )
            for item in shown:
                state = item.state(result.next_version)
                output.echo(f"  {item.path}:{item.line}: {state}: {item.message}")
        for item in shown:
            rows.append(
                (
                    outcome.project.name,
                    f"{item.path}:{item.line}",
                    item.state(result.next_version),
                    item.message,
                )
            )
    if fmt == "markdown":
        output.echo(markdown_table(["project", "where", "state", "message"], rows))
    code = finish(outcomes, "deprecations due")
    if code or anything_due:
        raise SystemExit(1)
