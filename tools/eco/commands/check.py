"""``eco check``: per-file drift from the skeleton, and workflow policy, for every project."""

from __future__ import annotations

import json

import click

from eco import output
from eco.adopt.contradictions import FactCheck
from eco.commands.options import fetch_option
from eco.commands.options import format_option
from eco.commands.options import jobs_option
from eco.commands.options import projects_argument
from eco.context import Context
from eco.parallel import run_each
from eco.parallel import summary_lines
from eco.registry import Project
from eco.sync.check_report import as_json
from eco.sync.check_report import as_markdown
from eco.sync.check_report import as_text
from eco.sync.check_report import as_text_by_file
from eco.sync.check_report import exit_code
from eco.sync.check_report import FactFinding
from eco.sync.check_report import ProjectCheck
from eco.sync.check_report import STATUSES
from eco.sync.policy import check_workflows
from eco.sync.project import Syncer


@click.command("check")
@projects_argument
@format_option("text", "json", "markdown")
@fetch_option("checks the clones offline")
@click.option("-v", "--verbose", is_flag=True, help="List every file, not only drifting ones.")
@click.option(
    "--by-file",
    is_flag=True,
    help="Text and Markdown: each drifting file once, with its status and every project it "
    "drifts in, instead of a list per project.",
)
@jobs_option
@click.pass_obj
def command(
    ctx: Context,
    projects: tuple[str, ...],
    fmt: str,
    fetch: bool,
    verbose: bool,
    by_file: bool,
    jobs: int | None,
) -> None:
    """Report how each PROJECT (default: all) differs from the skeleton.

    Per file: in sync, behind (the skeleton changed), modified (a local edit of a file the
    skeleton owns), conflict (both), missing, retired (a file the skeleton removed is
    still there); opted-out and project-owned files are listed, never drift. Plus the
    workflow policy: pinned actions, top-level permissions, the PyPI upload only in the
    project's own workflow. And the registry's facts against the repository (eco add's
    reading): a licence that differs from the licence text is an error for that project,
    any other contradicted fact (generation, build backend, README or licence file,
    typed, docs layout and format, changelog, Pythons wider than requires-python) is
    drift. Nothing is written. Exit 0 when everything is in line, 1 on drift, 2 when a
    project could not be checked. --format markdown suits a GitHub
    Actions step summary.
    """
    registry = ctx.registry
    syncer = Syncer(registry, ctx.clones)
    _ = syncer.manifest  # a broken manifest is one error (exit 2), not one per project

    def one(project: Project) -> ProjectCheck:
        fact_check = FactCheck(project, registry.ecosystem)
        view = syncer.read(project, fetch=fetch, adopt=True, workflows=True, visit=fact_check.visit)
        policy = tuple(check_workflows(view.workflows))
        # A licence the text contradicts raises: an error for this project (exit 2).
        found = tuple(
            FactFinding(c.fact, c.registry, c.repository) for c in fact_check.contradictions()
        )
        return ProjectCheck(project.name, view.plan, view.adopted, policy, facts=found)

    outcomes = run_each(
        registry.select(projects), one, jobs=jobs, label="check", status=lambda c: c.status
    )
    checks = [
        o.value if o.value is not None else ProjectCheck(o.project.name, None, error=o.error)
        for o in outcomes
    ]
    revision = syncer.revision
    if fmt == "json":
        data = as_json(checks, revision=revision, ecosystem=registry.ecosystem.name)
        output.echo(json.dumps(data, indent=2))  # its own version: see check_report
    elif fmt == "markdown":
        output.echo(as_markdown(checks, revision=revision, by_file=by_file), nl=False)
    elif by_file:
        output.echo(as_text_by_file(checks))
    else:
        output.echo(as_text(checks, verbose=verbose))
    code = exit_code(checks)
    counts = {word: sum(1 for c in checks if c.status == word) for word in STATUSES}
    output.echo("check: " + ", ".join(f"{n} {word}" for word, n in counts.items()), err=True)
    for line in summary_lines(outcomes)[1:]:  # each distinct failure once, with its projects
        output.echo(line, err=True)
    raise SystemExit(code)
