"""``eco verify``: check a release's provenance or a Sigstore bundle against the registry."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import click
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion
from packaging.version import Version

from eco import index as simple_index
from eco import output
from eco.commands.options import emit_json
from eco.commands.options import format_option
from eco.commands.options import index_url_option
from eco.commands.options import markdown_table
from eco.context import Context
from eco.errors import EcoError
from eco.errors import NotInEcosystemError
from eco.registry import Project
from eco.registry import Registry
from eco.release import verify as lib
from eco.tables import table

DEFAULT_WORKFLOW = "publish.yaml"
DEFAULT_ENVIRONMENT = "publish"
PYPI = "https://pypi.org/simple"


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
    return lib.Expected(repo, lib.workflow_name(workflow), environment or None, ref or None)


def _registry(ctx: Context) -> Registry | None:
    try:
        return ctx.registry
    except NotInEcosystemError:
        return None


@click.command("verify")
@click.argument("args", nargs=-1, metavar="[PROJECT [VERSION] | VERSION | DIST]")
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
@click.option(
    "--package",
    "package",
    metavar="NAME",
    help="Verify the release VERSION of this package on the index, registered or not "
    "(outside the registry, give --repository and --workflow).",
)
@click.option("--project", "project_name", help="Take the expected publisher from this project.")
@click.option("--repository", help="Expected GitHub repository OWNER/NAME (default: registry).")
@click.option(
    "--workflow",
    help="Expected workflow: a file of the repository, release.yml or "
    ".github/workflows/release.yml (default: the project's publish_workflow variable, else "
    f"{DEFAULT_WORKFLOW}), or a reusable workflow OWNER/REPO/.github/workflows/FILE.",
)
@click.option(
    "--environment",
    help="Expected GitHub environment of the PyPI publisher (default for a registry project: "
    f"{DEFAULT_ENVIRONMENT}; '' to not check it).",
)
@click.option(
    "--ref",
    help="The git ref the workflow must have run on (a tag or refs/...). Default for a "
    "registered project's release: its tag in the project's tag style; '' to not check it.",
)
@click.option(
    "--offline",
    is_flag=True,
    help="Do not refresh sigstore's trust root over the network: use the local copy "
    "(sigstore's embedded root on first use).",
)
@index_url_option(f"[ecosystem] index-url, else {PYPI}")
@format_option()
@click.pass_obj
def command(
    ctx: Context,
    args: tuple[str, ...],
    provenance: Path | None,
    bundle: Path | None,
    package: str | None,
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
    workflow, the publish environment and the release's tag. eco verify --package NAME
    VERSION does the same for any package on the index, registered or not.

    eco verify --provenance FILE DIST and eco verify --bundle FILE.sigstore.json DIST
    verify a local distribution.

    Exit status: 0 every file verified; 1 a file is not verified (the report says why);
    2 could not check: bad input, an index or sigstore's trust root that cannot be
    reached (--offline uses the root embedded in sigstore), or no usable trust root.
    """
    if provenance and bundle:
        raise EcoError("give --provenance or --bundle, not both")
    registry = _registry(ctx)
    local = provenance or bundle
    if local is not None:
        if len(args) != 1:
            raise EcoError("with --provenance or --bundle, give exactly one DIST file")
        project = _select(ctx, project_name) if project_name else None
        dist = Path(args[0])
        if not dist.is_file():
            raise EcoError(f"{dist}: no such file")
        dist_version = simple_index.file_version(dist.name)
        if ref is None and project is not None and dist_version is not None:
            ref = project.tag(str(dist_version))
        expected = expected_for(project, repository, workflow, environment, ref)
        trust = _trust(offline)
        with output.step(f"verifying {dist.name}"):
            if provenance is not None:
                evidence = lib.load_provenance(provenance)
                results = [lib.verify_provenance(evidence, dist, expected, trust=trust)]
            else:
                assert bundle is not None
                signed = lib.load_bundle(bundle)
                results = [lib.verify_bundle(signed, dist, expected, trust=trust)]
    else:
        if package is not None:
            if len(args) > 1:
                raise EcoError("with --package NAME, give at most a VERSION")
            name, wanted = package, (args[0] if args else None)
            project = _by_pypi_name(registry, package)
        else:
            if not args or len(args) > 2:
                raise EcoError(
                    "name a PROJECT (and optionally a VERSION), give --package NAME [VERSION], "
                    "or give --bundle/--provenance"
                )
            project = _select(ctx, args[0])
            name, wanted = project.pypi, (args[1] if len(args) > 1 else None)
        url = index_url or (registry.ecosystem.index_url if registry else PYPI)
        expected = expected_for(project, repository, workflow, environment, ref)
        version = pick_version(url, name, wanted)
        if ref is None and project is not None:  # the release's tag, in the project's style
            expected = dataclasses.replace(expected, ref=project.tag(version))
        trust = _trust(offline)
        results = verify_release(name, version, url, expected, trust)
    report(results, expected, offline, fmt)
    if not all(r.ok for r in results):
        raise SystemExit(1)


def _trust(offline: bool) -> lib.Trust:
    what = "the local copy" if offline else "a refresh over TUF"
    with output.step(f"sigstore's trust root: {what}"):
        return lib.load_trust(offline=offline)


def _select(ctx: Context, name: str) -> Project:
    return ctx.registry.select([name])[0]


def _by_pypi_name(registry: Registry | None, name: str) -> Project | None:
    """The registered project published as ``name``, if any (its publisher is known)."""
    if registry is None:
        return None
    wanted = canonicalize_name(name)
    found = (p for p in registry.projects.values() if canonicalize_name(p.pypi) == wanted)
    return next(found, None)


def pick_version(index_url: str, name: str, version: str | None) -> str:
    """``version`` if the index has it, else (``None``) the newest final release, as pip
    would pick; a pre-release only when that is all there is."""
    with output.step(f"reading {name} from {index_url}"):
        files = simple_index.project_files(index_url, name)
    if not files:
        raise EcoError(f"{name} is not on the index {index_url}")
    versions = sorted({f.version for f in files if f.version is not None})
    if version is not None:
        try:
            wanted = Version(version)
        except InvalidVersion:
            raise EcoError(f"VERSION {version!r}: expected a version like 1.2.0") from None
        if wanted not in versions:
            raise EcoError(f"{name} {version} is not on the index {index_url}")
        return version
    if not versions:
        raise EcoError(f"{name}: no release files on {index_url}")
    final = [v for v in versions if not (v.is_prerelease or v.is_devrelease)]
    return str((final or versions)[-1])


def verify_release(
    name: str, version: str, index_url: str, expected: lib.Expected, trust: lib.Trust
) -> list[lib.Result]:
    chosen = simple_index.release_files(index_url, name, version)
    if not chosen:
        raise EcoError(f"{name} {version} is not on the index {index_url}")
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
                index_url, name, version, file.filename
            )
            try:
                data = simple_index.fetch(where)
            except simple_index.PackageIndexError as exc:
                if exc.status != 404:  # not a missing provenance: the index could not answer
                    raise
                results.append(lib.Result(file.filename, False, f"no provenance: {exc}"))
                continue
            path = dist.with_name(dist.name + ".provenance")
            path.write_bytes(data)
            provenance = lib.load_provenance(path)
            with output.step(f"verifying {file.filename}"):
                verified = lib.verify_provenance(provenance, dist, expected, trust=trust)
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
