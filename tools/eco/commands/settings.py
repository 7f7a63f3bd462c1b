"""``eco settings check`` and ``eco settings apply``: repository settings from settings.toml."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click

from eco import index as simple_index
from eco import output
from eco.commands import verify
from eco.commands.options import apply_option
from eco.commands.options import emit_json
from eco.commands.options import finish
from eco.commands.options import format_option
from eco.commands.options import index_url_option
from eco.commands.options import jobs_option
from eco.commands.options import markdown_table
from eco.commands.options import projects_argument
from eco.commands.options import say_dry_or_applied
from eco.context import Context
from eco.errors import EcoError
from eco.forge import connect
from eco.forge import owner_of
from eco.parallel import Outcome
from eco.parallel import run_each
from eco.registry import Project
from eco.release.verify import load_trust
from eco.release.verify import Trust
from eco.settings import apply as applying
from eco.settings import publisher as publishing
from eco.settings import report
from eco.settings.compare import compare
from eco.settings.compare import DIFFERENT
from eco.settings.compare import Finding
from eco.settings.model import load_settings
from eco.settings.read import read


@click.group("settings")
def command() -> None:
    """Repository settings on GitHub from one definition, settings.toml at the ecosystem root."""


@dataclass
class Result:
    repo: str
    findings: list[Finding]
    writes: list[applying.Write] | None = None


def _run(
    ctx: Context,
    projects: tuple[str, ...],
    jobs: int | None,
    *,
    write: bool | None,
    loosen: bool = False,
) -> list[Outcome[Result]]:
    """Check (``write`` None), plan (False) or apply (True) every selected project."""
    registry = ctx.registry
    selected = registry.select(projects)
    missing = [p.name for p in selected if not p.repo]
    if missing and projects:
        raise EcoError(f"not on GitHub (no 'repo' in projects.toml): {', '.join(missing)}")
    selected = [p for p in selected if p.repo]
    wanted = load_settings(ctx.root, selected)  # the whole file valid before any request
    forge = connect(registry, purpose="eco settings")

    def one(project: Project) -> Result:
        assert project.repo is not None
        requester = forge.client(owner_of(project.repo)).requester  # one client per thread

        def get(path: str) -> Any:
            return forge.call(f"GET {path}", lambda: requester.requestJsonAndCheck("GET", path))[1]

        def send(method: str, path: str, body: dict[str, Any] | None) -> Any:
            what = f"{method} {path}"
            return forge.call(what, lambda: requester.requestJsonAndCheck(method, path, input=body))

        def raw_get(path: str) -> Any:
            return requester.requestJsonAndCheck("GET", path)[1]

        settings = wanted[project.name]
        # read() sees GitHub's 403/404 itself (that setting: could not read); any other
        # failure becomes one clear error for this project
        current = forge.call(
            f"reading the settings of {project.repo}",
            lambda: read(project.repo or "", settings, raw_get),
        )
        findings = compare(settings, current)
        if write is None:
            return Result(project.repo, findings)
        writes = applying.plan(project.repo, settings, current, findings, get, loosen=loosen)
        if write:
            applying.run(writes, send, forge.spacer.wait)
        return Result(project.repo, findings, writes)

    def status(result: Result) -> str:
        if write is not None and result.writes is not None:
            if not result.writes:
                return "in sync"
            return "changed" if write else "would change"
        return "different" if any(f.state == DIFFERENT for f in result.findings) else "in sync"

    return run_each(selected, one, jobs=jobs, label="settings", status=status)


def _print(outcomes: list[Outcome[Result]], fmt: str, extra: dict[str, Any]) -> None:
    done = [(o.project.name, o.value) for o in outcomes if o.ok and o.value is not None]
    if fmt == "json":
        emit_json(
            {
                **extra,
                "projects": {
                    name: report.json_project(r.repo, r.findings, r.writes) for name, r in done
                },
            }
        )
    elif fmt == "markdown":
        rows = [row for name, r in done for row in report.markdown_rows(name, r.findings)]
        output.echo(
            markdown_table(["project", "state", "setting", "settings.toml", "repository"], rows)
        )
    else:
        for name, r in done:
            output.echo(report.text(name, r.repo, r.findings, r.writes))


@command.command("check")
@projects_argument
@format_option()
@jobs_option
@click.pass_obj
def check(ctx: Context, projects: tuple[str, ...], fmt: str, jobs: int | None) -> None:
    """Compare each PROJECT's settings on GitHub with settings.toml; change nothing.

    Each setting is expected, different (both values shown; "stricter" when the
    repository is stricter than the file) or could not be read (the reason shown: the
    token may lack the permission). Exit status 1 when a setting differs or a project
    could not be checked.
    """
    outcomes = _run(ctx, projects, jobs, write=None)
    _print(outcomes, fmt, {})
    failed = finish(outcomes, "settings check")
    differs = any(f.state == DIFFERENT for o in outcomes if o.value for f in o.value.findings)
    sys.exit(1 if failed or differs else 0)


@command.command("apply")
@projects_argument
@apply_option("Make the changes on GitHub.")
@click.option(
    "--loosen",
    is_flag=True,
    help="Also change settings the repository has stricter than settings.toml "
    "(without it they are kept).",
)
@format_option()
@jobs_option
@click.pass_obj
def apply(
    ctx: Context,
    projects: tuple[str, ...],
    write: bool,
    loosen: bool,
    fmt: str,
    jobs: int | None,
) -> None:
    """Compare each PROJECT's settings with settings.toml; with --apply, write the differences.

    Without --apply this is a dry run, and its first line says so. Only the settings
    that differ are written; settings that could not be read are never written.
    Writes are spaced at least one second apart.
    """
    say_dry_or_applied(write, "the repository settings on GitHub")
    outcomes = _run(ctx, projects, jobs, write=write, loosen=loosen)
    _print(outcomes, fmt, {"applied": write, "loosen": loosen})
    sys.exit(finish(outcomes, "settings apply"))


def sigstore_trust(offline: bool) -> Callable[[], Trust]:
    """sigstore's trust root, loaded once for the whole run on first use (thread-safe)."""
    lock = threading.Lock()
    loaded: list[Trust] = []

    def get() -> Trust:
        with lock:
            if not loaded:
                loaded.append(load_trust(offline=offline))
            return loaded[0]

    return get


@command.command("publisher")
@projects_argument
@index_url_option("[ecosystem] index-url")
@click.option(
    "--offline",
    is_flag=True,
    help="Do not refresh sigstore's trust root over the network (as eco verify --offline).",
)
@format_option()
@click.pass_obj
def publisher(
    ctx: Context, projects: tuple[str, ...], index_url: str | None, offline: bool, fmt: str
) -> None:
    """The trusted publisher to register on PyPI for each PROJECT, with its exact values.

    GitHub's API cannot set this one: it is entered on PyPI by a maintainer. For a
    project already on the index, the provenance of its latest release is verified
    against these values, as eco verify does. Exit status 1 when a release on the index
    does not verify.
    """
    url = index_url or ctx.registry.ecosystem.index_url
    selected = [p for p in ctx.registry.select(projects) if p.repo]
    trust = sigstore_trust(offline)

    def one(project: Project) -> publishing.Checklist:
        expected = verify.expected_for(project, None, None, None, None)
        assert project.repo is not None
        values = (project.name, project.pypi, project.repo, expected.workflow)
        env = expected.environment or ""
        if not simple_index.project_files(url, project.pypi):
            return publishing.checklist(*values, env, publishing.NOT_ON_INDEX, url)
        version = verify.pick_version(url, project.pypi, None)
        results = verify.verify_release(project.pypi, version, url, expected, trust())
        failed = [r for r in results if not r.ok]
        if failed:
            detail = f"{failed[0].filename}: {failed[0].detail}"
            return publishing.checklist(*values, env, publishing.NOT_VERIFIED, detail)
        detail = f"the latest release's {len(results)} file(s) carry this publisher"
        return publishing.checklist(*values, env, publishing.VERIFIED, detail)

    outcomes = run_each(selected, one, label="publisher", status=lambda c: c.state)
    done = [o.value for o in outcomes if o.ok and o.value is not None]
    if fmt == "json":
        emit_json({"projects": {c.project: c.as_json() for c in done}})
    elif fmt == "markdown":
        headers = ["project", "state", "owner", "repository", "workflow", "environment"]
        rows = [
            (c.project, c.state, c.owner, c.repository, c.workflow, c.environment) for c in done
        ]
        output.echo(markdown_table(headers, rows))
    else:
        output.echo("\n".join(line for c in done for line in c.lines()))
    failed = finish(outcomes, "settings publisher")
    sys.exit(1 if failed or any(c.state == publishing.NOT_VERIFIED for c in done) else 0)
