"""``eco build``: the publish workflow's build, run locally, with its checks."""

from __future__ import annotations

from pathlib import Path

import click

from eco import output
from eco.commands.options import emit_json
from eco.commands.options import format_option
from eco.commands.options import index_url_option
from eco.commands.options import markdown_table
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
@index_url_option(
    f"[ecosystem] index-url, else {PYPI}; a tag already published there is compared with it"
)
@click.option(
    "--once",
    is_flag=True,
    help="Build once: skip the reproducibility check (which builds a second time).",
)
@format_option()
@click.pass_obj
def command(
    ctx: Context,
    project: str | None,
    path: Path | None,
    rev: str | None,
    outdir: Path | None,
    index_url: str | None,
    once: bool,
    fmt: str,
) -> None:
    """Build PROJECT's sdist and wheel exactly as its publish workflow does, and check them.

    From a clean checkout of the commit: SOURCE_DATE_EPOCH set to the commit's time,
    python -m build, twine check --strict on the distributions only,
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
    output.note(f"building {target.project.name} at {rev} ({target.repo})")
    published, said = for_tag(target.repo, target.project.pypi, rev, url)
    if said:
        output.note(said)
    report = builder.build(target.repo, outdir, rev=rev, twice=not once, published=published)
    others = [d.name for d in builder.distributions(outdir) if d not in report.dists]
    if others:
        output.echo(
            f"warning: {outdir} also holds {', '.join(others)}, not from this build; "
            f"remove them before uploading {outdir}/*",
            err=True,
        )
    if fmt == "json":
        emit_json(
            {
                "project": target.project.name,
                "commit": report.commit,
                "source_date_epoch": report.epoch,
                "notes": report.notes,
                "files": [{"path": str(d), "sha256": report.hashes[d.name]} for d in report.dists],
                "checks": [
                    {"name": c.name, "status": "ok" if c.ok else "failed", "detail": c.detail}
                    for c in report.checks
                ],
                "status": "ok" if report.ok else "failed",
            }
        )
    elif fmt == "markdown":
        output.echo(f"Commit `{report.commit}`, SOURCE_DATE_EPOCH={report.epoch}.\n")
        for note in report.notes:
            output.echo(f"{note}\n")
        files = [(f"`{d}`", f"`{report.hashes[d.name]}`") for d in report.dists]
        output.echo(markdown_table(["file", "sha256"], files) + "\n")
        rows = [(c.name, "ok" if c.ok else "failed", c.detail) for c in report.checks]
        output.echo(markdown_table(["check", "status", "detail"], rows))
    else:
        output.echo(f"commit {report.commit}, SOURCE_DATE_EPOCH={report.epoch}")
        for note in report.notes:
            output.echo(note)
        for dist in report.dists:
            output.echo(f"  {report.hashes[dist.name]}  {dist}")
        for check in report.checks:
            word = output.status("ok" if check.ok else "failed")
            output.echo(f"{word}{' ' * (6 - len('ok' if check.ok else 'failed'))}  {check.name}")
            if check.detail:
                for line in check.detail.splitlines():
                    output.echo(f"        {line}")
    if not report.ok:
        failed = sum(not c.ok for c in report.checks)
        output.echo(f"build: {failed} check(s) failed", err=True)
        raise SystemExit(1)
