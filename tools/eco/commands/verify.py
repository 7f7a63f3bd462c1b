"""``eco verify``: check a release's provenance or a Sigstore bundle against the registry."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from eco import index as simple_index
from eco import output
from eco.commands.options import emit_json
from eco.commands.options import format_option
from eco.commands.options import index_url_option
from eco.commands.options import markdown_table
from eco.context import Context
from eco.errors import EcoError
from eco.registry import Project
from eco.release import verify as lib
from eco.tables import table

DEFAULT_WORKFLOW = "publish.yaml"
DEFAULT_ENVIRONMENT = "publish"


def expected_for(
    project: Project | None,
    repository: str | None,
    workflow: str | None,
    environment: str | None,
    ref: str | None,
) -> lib.Expected:
    """The publisher to expect: the project's from the registry, overridden by options."""
    vars_ = project.vars if project else {}
    repo = repository or (project.repo if project else None)
    if not repo:
        raise EcoError(
            "no repository to verify against: name a PROJECT with a 'repo' in projects.toml "
            "or give --repository OWNER/NAME"
        )
    if workflow is None:
        workflow = str(vars_.get("publish_workflow", DEFAULT_WORKFLOW)) if project else None
    if not workflow:
        raise EcoError("no workflow to verify against: give --workflow FILE (e.g. publish.yaml)")
    if environment is None and project is not None and repository is None:
        environment = str(vars_.get("publish_environment", DEFAULT_ENVIRONMENT))
    return lib.Expected(repo, workflow, environment or None, ref)


@click.command("verify")
@click.argument("args", nargs=-1, metavar="[PROJECT [VERSION] | DIST]")
@click.option(
    "--provenance",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Verify DIST with this PEP 740 provenance file instead of the index's.",
)
@click.option(
    "--bundle",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Verify DIST with this Sigstore bundle (a .sigstore.json file): a message signature or "
    "a DSSE envelope with an in-toto statement.",
)
@click.option("--project", "project_name", help="Take the expected publisher from this project.")
@click.option("--repository", help="Expected GitHub repository OWNER/NAME (default: registry).")
@click.option(
    "--workflow",
    help="Expected workflow: a file name in the repository (default: the project's "
    f"publish_workflow variable, else {DEFAULT_WORKFLOW}) or OWNER/REPO/.github/workflows/FILE.",
)
@click.option(
    "--environment",
    help="Expected GitHub environment of the PyPI publisher (default for a registry project: "
    f"{DEFAULT_ENVIRONMENT}; '' to not check it).",
)
@click.option(
    "--ref", help="Bundles: the git ref the workflow must have run on (a tag or refs/...)."
)
@click.option(
    "--offline",
    is_flag=True,
    help="Do not refresh sigstore's trust root over the network: use the local copy "
    "(sigstore's embedded root on first use).",
)
@index_url_option("[ecosystem] index-url")
@format_option()
@click.pass_obj
def command(
    ctx: Context,
    args: tuple[str, ...],
    provenance: Path | None,
    bundle: Path | None,
    project_name: str | None,
    repository: str | None,
    workflow: str | None,
    environment: str | None,
    ref: str | None,
    offline: bool,
    index_url: str | None,
    fmt: str,
) -> None:
    """Verify where a release came from.

    eco verify PROJECT [VERSION] downloads each file of the release (default: the newest
    final version) from the package index with its PEP 740 provenance and verifies it with
    pypi-attestations against the project's trusted publisher: its repository, its publish
    workflow and the publish environment.

    eco verify --provenance FILE DIST and eco verify --bundle FILE.sigstore.json DIST
    verify a local distribution. Exit status 1 when any file fails.
    """
    if provenance and bundle:
        raise EcoError("give --provenance or --bundle, not both")
    local = provenance or bundle
    if local is not None:
        if len(args) != 1:
            raise EcoError("with --provenance or --bundle, give exactly one DIST file")
        project = ctx.registry.select([project_name])[0] if project_name else None
        expected = expected_for(project, repository, workflow, environment, ref)
        dist = Path(args[0])
        if not dist.is_file():
            raise EcoError(f"{dist}: no such file")
        with output.step(f"verifying {dist.name}"):
            if provenance is not None:
                results = [
                    lib.verify_provenance(
                        lib.load_provenance(provenance), dist, expected, offline=offline
                    )
                ]
            else:
                assert bundle is not None
                results = [
                    lib.verify_bundle(lib.load_bundle(bundle), dist, expected, offline=offline)
                ]
    else:
        if not args or len(args) > 2:
            raise EcoError(
                "name a PROJECT (and optionally a VERSION), or give --bundle/--provenance"
            )
        project = ctx.registry.select([args[0]])[0]
        expected = expected_for(project, repository, workflow, environment, ref)
        url = index_url or ctx.registry.ecosystem.index_url
        results = verify_release(
            project, args[1] if len(args) > 1 else None, url, expected, offline
        )
    report(results, expected, offline, fmt)
    if not all(r.ok for r in results):
        raise SystemExit(1)


def verify_release(
    project: Project, version: str | None, index_url: str, expected: lib.Expected, offline: bool
) -> list[lib.Result]:
    with output.step(f"reading {project.pypi} from {index_url}"):
        files = simple_index.project_files(index_url, project.pypi)
    if not files:
        raise EcoError(f"{project.pypi} is not on the index {index_url}")
    if version is None:
        versions = sorted({f.version for f in files if f.version is not None})
        if not versions:
            raise EcoError(f"{project.pypi}: no release files on {index_url}")
        # The newest final release, as pip would pick; a pre-release only when that is all.
        final = [v for v in versions if not (v.is_prerelease or v.is_devrelease)]
        version = str((final or versions)[-1])
    chosen = simple_index.release_files(index_url, project.pypi, version)
    if not chosen:
        raise EcoError(f"{project.pypi} {version} is not on the index {index_url}")
    results = []
    with tempfile.TemporaryDirectory(prefix="eco-verify-") as scratch:
        for file in chosen:
            dist = Path(scratch) / file.filename
            with output.step(f"downloading {file.filename}"):
                dist.write_bytes(simple_index.fetch(file.url))
            if file.sha256 and lib.sha256(dist) != file.sha256:
                results.append(lib.Result(file.filename, False, "sha256 differs from the index's"))
                continue
            where = file.provenance or simple_index.integrity_url(
                index_url, project.pypi, version, file.filename
            )
            try:
                data = simple_index.fetch(where)
            except simple_index.PackageIndexError as exc:
                results.append(lib.Result(file.filename, False, f"no provenance: {exc}"))
                continue
            path = dist.with_name(dist.name + ".provenance")
            path.write_bytes(data)
            provenance = lib.load_provenance(path)
            with output.step(f"verifying {file.filename}"):
                verified = lib.verify_provenance(provenance, dist, expected, offline=offline)
            results.append(verified)
    return results


def report(results: list[lib.Result], expected: lib.Expected, offline: bool, fmt: str) -> None:
    if fmt == "json":
        data = {
            "expected": {
                "repository": expected.repository,
                "workflow": expected.workflow,
                "environment": expected.environment,
                "ref": expected.ref,
            },
            "offline": offline,
            "files": [
                {
                    "file": r.filename,
                    "status": "ok" if r.ok else "failed",
                    "ok": r.ok,
                    "detail": r.detail,
                }
                for r in results
            ],
        }
        emit_json(data)
        return
    trust = (
        "sigstore trust root: local copy (offline)" if offline else "sigstore trust root: refreshed"
    )
    output.echo(f"expected publisher: {expected.describe()}; {trust}")
    rows = [(r.filename, "ok" if r.ok else "failed", r.detail) for r in results]
    if fmt == "markdown":
        output.echo(markdown_table(["file", "result", "detail"], rows))
        return
    styled = [(name, output.status(word), detail) for name, word, detail in rows]
    output.echo(table(["file", "result", "detail"], styled))
