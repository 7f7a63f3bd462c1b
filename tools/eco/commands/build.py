"""``eco build``: the publish workflow's build, run locally, with its checks."""

from __future__ import annotations

from pathlib import Path

import click

from eco.context import Context
from eco.release import build as builder
from eco.release.checkout import resolve
from eco.release.published import for_tag

PYPI = "https://pypi.org/simple"


@click.command("build")
@click.argument("project", required=False)
@click.option(
    "--path",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Build this local checkout instead of eco's workspace clone of PROJECT.",
)
@click.option(
    "--rev",
    default=None,
    help="The commit, tag or branch to build. Default: HEAD of --path, "
    "else the tip of the project's branch on its remote.",
)
@click.option(
    "--outdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the distributions are written. Default: DIR/dist with --path, else ./dist.",
)
@click.option(
    "--index-url",
    help="The package index a published tag is compared with. Default: [ecosystem] "
    "index-url, else https://pypi.org/simple.",
)
@click.option(
    "--once",
    is_flag=True,
    help="Build once: skip the reproducibility check (which builds a second time).",
)
@click.pass_obj
def command(
    ctx: Context,
    project: str | None,
    path: Path | None,
    rev: str | None,
    outdir: Path | None,
    index_url: str | None,
    once: bool,
) -> None:
    """Build PROJECT's sdist and wheel exactly as its publish workflow does, and check them.

    From a clean checkout of the commit: SOURCE_DATE_EPOCH set to the commit's time,
    `python -m build`, `twine check --strict` on the distributions only,
    check-wheel-contents, every sdist file tracked by git, and a second build that must
    give the same SHA-256 for every file.

    A tag already on the package index is rebuilt with the build backend version its
    published wheel names (Generator in its WHEEL file), and every file is compared with
    the index's SHA-256: only the same backend version gives the same bytes. Exit status
    1 when a check fails, 2 when the build itself fails.
    """
    target = resolve(ctx, project, path)
    if rev is None:
        rev = "HEAD" if not target.workspace else f"origin/{target.project.branch}"
    else:
        rev = builder.tag_of(target.repo, rev, target.project.tag(rev), fetch=target.workspace)
    if outdir is None:
        outdir = target.repo / "dist" if not target.workspace else Path("dist")
    registry = target.registry
    url = index_url or (registry.ecosystem.index_url if registry else PYPI)
    click.echo(f"building {target.project.name} at {rev} ({target.repo})", err=True)
    published, note = for_tag(target.repo, target.project.pypi, rev, url)
    if note:
        click.echo(note, err=True)
    report = builder.build(
        target.repo,
        outdir,
        rev=rev,
        twice=not once,
        published=published,
        progress=lambda line: click.echo(f"  {line}", err=True),
    )
    click.echo(f"commit {report.commit}, SOURCE_DATE_EPOCH={report.epoch}")
    for note in report.notes:
        click.echo(note)
    for dist in report.dists:
        click.echo(f"  {report.hashes[dist.name]}  {dist}")
    others = [d.name for d in builder.distributions(outdir) if d not in report.dists]
    if others:
        click.echo(
            f"warning: {outdir} also holds {', '.join(others)}, not from this build; "
            f"remove them before uploading {outdir}/*",
            err=True,
        )
    for check in report.checks:
        click.echo(f"{'ok    ' if check.ok else 'FAILED'}  {check.name}")
        if check.detail:
            for line in check.detail.splitlines():
                click.echo(f"        {line}")
    if not report.ok:
        failed = sum(not c.ok for c in report.checks)
        click.echo(f"build: {failed} check(s) failed", err=True)
        raise SystemExit(1)
