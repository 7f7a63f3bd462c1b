"""``eco test``: each project's own test suite against an upstream candidate."""

from __future__ import annotations

from pathlib import Path

import click

from eco import output
from eco.commands.options import emit_json
from eco.commands.options import fetch_option
from eco.commands.options import format_option
from eco.commands.options import index_url_option
from eco.commands.options import jobs_option
from eco.commands.options import projects_argument
from eco.context import Context
from eco.ecosystem_ci.against import parse_upstream
from eco.ecosystem_ci.against import pin
from eco.ecosystem_ci.environments import Installer
from eco.ecosystem_ci.project import ProjectTest
from eco.ecosystem_ci.project import run_project
from eco.ecosystem_ci.project import RunRequest
from eco.ecosystem_ci.report import document
from eco.ecosystem_ci.report import fails
from eco.ecosystem_ci.report import markdown
from eco.ecosystem_ci.report import text
from eco.ecosystem_ci.services import Services
from eco.errors import EcoError
from eco.parallel import run_each
from eco.registry import Project


@click.command("test")
@projects_argument
@click.option(
    "--against",
    "against",
    multiple=True,
    metavar="REQ",
    help="The upstream candidate (repeatable): a version from the index (flask==3.2.0rc1), "
    "a git reference (flask @ git+https://github.com/pallets/flask@main) "
    "or a local checkout (flask=PATH).",
)
@click.option(
    "--baseline",
    "baseline",
    multiple=True,
    metavar="REQ",
    help="What to compare with, in the same forms (default: what the project installs today).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    metavar="SECONDS",
    default=1800,
    show_default=True,
    help="Seconds each project may take, installs and both suites included.",
)
@index_url_option("the registry's [ecosystem] index-url")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the sources and environments are kept (default: .eco-test in the workspace).",
)
@fetch_option("works offline on the clones")
@jobs_option
@format_option()
@click.pass_obj
def command(
    ctx: Context,
    projects: tuple[str, ...],
    against: tuple[str, ...],
    baseline: tuple[str, ...],
    timeout: float,
    index_url: str | None,
    cache_dir: Path | None,
    fetch: bool,
    jobs: int | None,
    fmt: str,
) -> None:
    """Run each PROJECT's own test suite against an upstream candidate.

    Each project is tested from its workspace clone at its branch, in two cached uv
    environments: the baseline (what it installs today, or --baseline) and the candidate
    (the same with --against installed over it). The verdict per project is regressed,
    errored, new-deprecation-warnings, fixed, flaky (a change that did not survive one
    re-run) or unchanged. Test suites run without token variables, and uv never downloads
    a Python. Exit status 1 when a project regressed, errored on the candidate only, or
    could not be tested; 0 otherwise; 2 on bad input.
    """
    if not against:
        raise EcoError(
            "--against is required: the upstream candidate to test (e.g. flask==3.2.0rc1)"
        )
    candidates = [parse_upstream(text, "--against") for text in against]
    baselines = [parse_upstream(text, "--baseline") for text in baseline]
    registry = ctx.registry
    selected = registry.select(projects)
    workspace = ctx.workspace
    request = RunRequest(
        against=tuple(pin(u) for u in candidates),
        baseline=tuple(pin(u) for u in baselines),
        index_url=index_url or registry.ecosystem.index_url,
        cache=cache_dir or workspace.path / ".eco-test",
        timeout=timeout,
        fetch=fetch,
    )
    installer = Installer(request.index_url)
    services = Services.detect()

    def work(project: Project) -> ProjectTest:
        return run_project(workspace, project, request, installer, services)

    outcomes = run_each(selected, work, jobs=jobs, label="test", status=_verdict)
    against_shown = [p.shown for p in request.against]
    baseline_shown = [p.shown for p in request.baseline]
    doc = document(outcomes, against_shown, baseline_shown, installer.runs)
    if fmt == "json":
        emit_json({key: value for key, value in doc.items() if key != "version"})
    elif fmt == "markdown":
        output.echo(markdown(doc), nl=False)
    else:
        output.echo(text(doc))
    raise SystemExit(1 if fails(doc) else 0)


def _verdict(result: ProjectTest) -> str:
    """The progress line's word: the project's verdict (docs/maintainer/ecosystem-ci.md)."""
    return result.verdict.kind
