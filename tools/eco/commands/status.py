"""``eco status``: one row per project, one cell per aspect, each naming its command."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import click

from eco import index as simple_index
from eco import output
from eco.commands import verify
from eco.commands.options import date_option
from eco.commands.options import emit_json
from eco.commands.options import fetch_option
from eco.commands.options import format_option
from eco.commands.options import index_url_option
from eco.commands.options import jobs_option
from eco.commands.options import projects_argument
from eco.commands.settings import sigstore_trust
from eco.context import Context
from eco.errors import EcoError
from eco.forge import connect
from eco.forge.auth import from_env
from eco.forge.github import API_URL
from eco.forge.github_cache import EtagCache
from eco.parallel import run_each
from eco.python.releases import load_releases
from eco.python.releases import parse_policy
from eco.python.releases import RELEASES_FILE
from eco.registry import Project
from eco.settings.model import load_settings
from eco.settings.model import SETTINGS_FILE
from eco.status.collect import collect
from eco.status.collect import NotOnIndex
from eco.status.collect import Sources
from eco.status.model import as_json
from eco.status.render import html
from eco.status.render import markdown
from eco.status.render import text
from eco.sync.project import Syncer


@click.command("status")
@projects_argument
@format_option("html")
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of standard output.",
)
@click.option(
    "--offline",
    is_flag=True,
    help="Ask neither GitHub nor the package index: those cells say they could not be read "
    "(the inbox comes from eco's cache when it is there).",
)
@click.option(
    "--public",
    is_flag=True,
    help="Leave out the settings column (always left out of --format html, a public page).",
)
@fetch_option("works on the clones as they are")
@index_url_option("[ecosystem] index-url")
@date_option("Judge Python support as of this day (default: today).")
@jobs_option
@click.pass_obj
def command(
    ctx: Context,
    projects: tuple[str, ...],
    fmt: str,
    out: Path | None,
    offline: bool,
    public: bool,
    fetch: bool,
    index_url: str | None,
    day: date | None,
    jobs: int | None,
) -> None:
    """One row per PROJECT (default: all), a cell per aspect, red where it needs you.

    The cells: drift and workflow findings (eco check), settings differences (eco
    settings check), the latest release and its unreleased changelog entries, whether
    the latest release's provenance verifies (eco verify), Python support against the
    policy (eco python status), the open issues and pull requests (from eco's cache
    when offline), and eco's own open pull requests (eco prs). Every cell names the
    command that explains it. A cell that cannot be read says so; the others are shown.
    --format html writes one self-contained page without the settings column.
    The exit status is 0 whatever the cells say: the table is the report.
    """
    registry = ctx.registry
    selected = registry.select(projects)
    sources = _sources(ctx, selected, offline=offline, fetch=fetch, index_url=index_url, day=day)
    outcomes = run_each(selected, lambda p: collect(p, sources), jobs=jobs, label="status")
    rows = [o.value for o in outcomes if o.value is not None]
    title = f"{registry.ecosystem.name}: ecosystem status"
    public = public or fmt == "html"
    if fmt == "json":
        emit_json({"ecosystem": registry.ecosystem.name, **as_json(rows, public=public)})
        return
    rendered = {
        "html": lambda: html(rows, title=title, public=True),
        "markdown": lambda: markdown(rows, public=public),
        "text": lambda: text(rows, public=public),
    }[fmt]()
    if out is not None:
        out.write_text(rendered if rendered.endswith("\n") else rendered + "\n", encoding="utf-8")
        output.echo(f"wrote {out}", err=True)
    else:
        output.echo(rendered, nl=not rendered.endswith("\n"))


def _sources(
    ctx: Context,
    selected: list[Project],
    *,
    offline: bool,
    fetch: bool,
    index_url: str | None,
    day: date | None,
) -> Sources:
    registry = ctx.registry
    sources = Sources(
        syncer=Syncer(registry, ctx.workspace),
        workspace=ctx.workspace,
        releases=None,
        policy=None,
        today=day or date.today(),
        fetch=fetch and not offline,
        cache=EtagCache.in_workspace(ctx.workspace.path),
        api_url=(os.environ.get("ECO_GITHUB_API_URL") or API_URL).rstrip("/"),
    )
    try:
        sources.releases = load_releases(ctx.root / RELEASES_FILE)
        sources.policy = parse_policy(
            registry.ecosystem.python_policy, f"{registry.path}: ecosystem.python.policy"
        )
    except EcoError as exc:
        sources.python_reason = exc.message
    if (ctx.root / SETTINGS_FILE).exists():
        sources.settings = load_settings(ctx.root, [p for p in selected if p.repo])
    else:
        sources.settings_reason = f"no {SETTINGS_FILE} at the ecosystem root"
    if offline:
        sources.offline_reason = sources.verify_reason = "offline (--offline)"
    elif from_env(os.environ) is None:
        sources.offline_reason = "no GitHub credentials (GITHUB_TOKEN)"
    else:
        try:
            sources.github = connect(registry, purpose="eco status")
        except EcoError as exc:
            sources.offline_reason = exc.message
    if not offline:
        url = index_url or registry.ecosystem.index_url

        trust = sigstore_trust(offline=False)

        def check(project: Project) -> list[tuple[bool, str]]:
            if not simple_index.project_files(url, project.pypi):
                raise NotOnIndex(f"not on {url}")
            expected = verify.expected_for(project, None, None, None, None)
            version = verify.pick_version(url, project.pypi, None)
            results = verify.verify_release(project.pypi, version, url, expected, trust())
            return [(r.ok, f"{r.filename}: {r.detail}") for r in results]

        sources.verify = check
    return sources
