"""``eco verify``: real provenance, real sdist, sigstore's real verifier, offline.

The sdist ``pypi_attestations-0.0.19.tar.gz`` is downloaded once from the package index
(``pip download``), checked against its known SHA-256 and cached in pytest's cache; the
tests skip, saying why, only when the index cannot be reached.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from pypi_attestations import Provenance

from tests.helpers import make_ecosystem
from tests.helpers import run_eco
from tests.helpers import shared_data
from tests.package_index import PackageIndex

pytestmark = pytest.mark.slow

SDIST = "pypi_attestations-0.0.19.tar.gz"
SDIST_SHA256 = "9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3"
REPOSITORY = "trailofbits/pypi-attestations"


def download(
    config: pytest.Config, requirement: str, filename: str, sha256: str, *, binary: bool = False
) -> Path:
    """``pip download`` one file from the package index into pytest's cache (once)."""
    cache: pytest.Cache | None = getattr(config, "cache", None)
    if cache is not None:
        folder = cache.mkdir("eco-verify-downloads")
    else:  # pytest -p no:cacheprovider
        folder = Path(tempfile.gettempdir()) / "eco-verify-downloads"
        folder.mkdir(exist_ok=True)
    path = folder / filename
    if not path.exists():
        kind = ["--only-binary", ":all:"] if binary else ["--no-binary", ":all:"]
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                *kind,
                "--dest",
                str(folder),
                requirement,
            ],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0 or not path.exists():
            pytest.skip(
                f"the package index cannot be reached to download {filename}: "
                + (proc.stderr.strip().splitlines() or ["no output"])[-1]
            )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == sha256, f"{path} is not the file that was signed"
    return path


@pytest.fixture(scope="session")
def real_sdist(pytestconfig: pytest.Config) -> Path:
    return download(pytestconfig, "pypi-attestations==0.0.19", SDIST, SDIST_SHA256)


@pytest.fixture
def provenance_file() -> Path:
    return shared_data("attestations", f"{SDIST}.provenance")


@pytest.fixture
def offline_env(tmp_path: Path) -> dict[str, str]:
    """A fresh sigstore cache: offline verification starts from the embedded trust root."""
    return {
        "XDG_CACHE_HOME": str(tmp_path / "xdg-cache"),
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
    }


@pytest.fixture
def bundle_file(provenance_file: Path, tmp_path: Path) -> Path:
    """The PyPI attestation turned into a Sigstore bundle (a DSSE envelope, in-toto)."""
    provenance = Provenance.model_validate_json(provenance_file.read_bytes())
    attestation = provenance.attestation_bundles[0].attestations[0]
    path = tmp_path / f"{SDIST}.sigstore.json"
    path.write_text(attestation.to_bundle().to_json())
    return path


def one_byte_changed(sdist: Path, tmp_path: Path) -> Path:
    data = bytearray(sdist.read_bytes())
    data[len(data) // 2] ^= 0x01
    changed = tmp_path / "changed" / SDIST
    changed.parent.mkdir()
    changed.write_bytes(bytes(data))
    return changed


def row(stdout: str, filename: str) -> tuple[str, str]:
    """The (result, detail) cells of ``filename``'s row in the report table."""
    for line in stdout.splitlines():
        if line.startswith(filename + " "):
            _name, result, detail = re.split(r"\s{2,}", line, maxsplit=2)
            return result, detail
    raise AssertionError(f"no row for {filename} in:\n{stdout}")


def verify(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``eco -q verify --offline ARGS``: stderr holds nothing but errors and warnings."""
    return run_eco("-q", "verify", "--offline", *args, env=env)


def verify_signed(
    kind: str,
    evidence: Path,
    *args: str,
    env: dict[str, str],
    repository: str = REPOSITORY,
    workflow: str = "release.yml",
) -> subprocess.CompletedProcess[str]:
    """``eco verify --offline --KIND EVIDENCE --repository R --workflow W ARGS...``."""
    identity = ["--repository", repository, "--workflow", workflow]
    return verify(f"--{kind}", str(evidence), *identity, *args, env=env)


# PyPI provenance (acceptance 4)


def test_provenance_verifies_offline(
    real_sdist: Path, provenance_file: Path, offline_env: dict[str, str]
) -> None:
    result = verify_signed("provenance", provenance_file, str(real_sdist), env=offline_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert row(result.stdout, SDIST) == (
        "ok",
        f"1 attestation(s), GitHub {REPOSITORY} release.yml",
    )
    assert "sigstore trust root: local copy (offline)" in result.stdout
    assert result.stderr == ""  # -q silences progress: and there is no warning either
    # Offline really used the embedded root: it is now in the fresh cache.
    cached = list(Path(offline_env["XDG_CACHE_HOME"]).rglob("trusted_root.json"))
    assert cached


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        (
            "--repository",
            "pallets/flask",
            "repository: expected pallets/flask, signed in https://github.com/" + REPOSITORY,
        ),
        (
            "--workflow",
            "publish.yaml",
            "workflow: expected publish.yaml, signed by workflow release.yml",
        ),
        ("--environment", "publish", "environment: expected publish, the publisher's is (none)"),
    ],
)
def test_provenance_mismatch_is_named(
    real_sdist: Path,
    provenance_file: Path,
    offline_env: dict[str, str],
    option: str,
    value: str,
    message: str,
) -> None:
    expected = {"--repository": REPOSITORY, "--workflow": "release.yml", option: value}
    options = [item for pair in expected.items() for item in pair]
    result = verify(
        "--provenance", str(provenance_file), *options, str(real_sdist), env=offline_env
    )
    assert result.returncode == 1, result.stdout + result.stderr
    outcome, detail = row(result.stdout, SDIST)
    assert outcome == "failed" and detail.startswith(message), detail


def test_provenance_for_a_changed_file_fails(
    real_sdist: Path, provenance_file: Path, offline_env: dict[str, str], tmp_path: Path
) -> None:
    changed = one_byte_changed(real_sdist, tmp_path)
    result = verify_signed(
        "provenance", provenance_file, "--format", "json", str(changed), env=offline_env
    )
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["version"] == 1
    assert data["files"] == [
        {
            "file": SDIST,
            "status": "failed",
            "ok": False,
            "detail": "subject does not match distribution digest",
        }
    ]


def test_release_from_a_pep740_index(
    real_sdist: Path, provenance_file: Path, offline_env: dict[str, str], tmp_path: Path
) -> None:
    """``eco verify PROJECT VERSION``: files and provenance read from the index over HTTP."""
    served = tmp_path / "index"
    (served / "simple" / "pypi-attestations").mkdir(parents=True)
    (served / "files").mkdir()
    shutil.copyfile(real_sdist, served / "files" / SDIST)
    shutil.copyfile(provenance_file, served / "files" / f"{SDIST}.provenance")
    (served / "simple" / "pypi-attestations" / "index.html").write_text(
        f'<html><body><a href="../../files/{SDIST}#sha256={SDIST_SHA256}" '
        f'data-provenance="../../files/{SDIST}.provenance">{SDIST}</a></body></html>\n'
    )
    with serve(served) as url:
        eco = make_ecosystem(
            tmp_path,
            f"""
[projects.pypi-attestations]
repo = "{REPOSITORY}"
tag-style = "vX.Y.Z"
vars = {{ publish_workflow = "release.yml", publish_environment = "" }}
""",
        )
        ok = run_eco(
            "verify",
            "--offline",
            "--index-url",
            f"{url}/simple",
            "pypi-attestations",
            cwd=eco.root,
            env=offline_env,
        )
        assert ok.returncode == 0, ok.stdout + ok.stderr
        assert row(ok.stdout, SDIST)[0] == "ok"
        # The registry's default environment is "publish": this release had none.
        eco.write_registry(
            (eco.root / "projects.toml").read_text().replace(', publish_environment = ""', "")
        )
        bad = run_eco(
            "verify",
            "--offline",
            "--index-url",
            f"{url}/simple",
            "pypi-attestations",
            "0.0.19",
            cwd=eco.root,
            env=offline_env,
        )
        assert bad.returncode == 1
        assert "environment: expected publish, the publisher's is (none)" in bad.stdout
        missing = run_eco(
            "verify",
            "--offline",
            "--index-url",
            f"{url}/simple",
            "pypi-attestations",
            "9.9",
            cwd=eco.root,
            env=offline_env,
        )
        assert missing.returncode == 2
        assert "pypi-attestations 9.9 is not on the index" in missing.stderr


@functools.cache
def _quiet_handler() -> type[http.server.SimpleHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class serve:
    """A static HTTP server over ``folder`` on 127.0.0.1 (a PEP 503/740 index mirror)."""

    def __init__(self, folder: Path) -> None:
        handler = functools.partial(_quiet_handler(), directory=str(folder))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


# Sigstore bundles (acceptance 5)


def test_bundle_verifies_under_the_right_policy(
    real_sdist: Path, bundle_file: Path, offline_env: dict[str, str]
) -> None:
    result = verify_signed(
        "bundle", bundle_file, "--ref", "v0.0.19", str(real_sdist), env=offline_env
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert row(result.stdout, SDIST) == (
        "ok",
        f"in-toto statement for {SDIST} (https://docs.pypi.org/attestations/publish/v1), "
        f"{REPOSITORY} release.yml at v0.0.19",
    )


@pytest.mark.parametrize(
    ("repository", "workflow", "ref", "message"),
    [
        ("pallets/flask", "release.yml", None, "repository: expected pallets/flask"),
        (
            REPOSITORY,
            "build.yaml",
            None,
            "workflow: expected build.yaml, signed by workflow release.yml",
        ),
        (
            REPOSITORY,
            "pallets/eco/.github/workflows/release.yml",
            None,
            "workflow: expected pallets/eco/.github/workflows/release.yml",
        ),
        (
            REPOSITORY,
            "release.yml",
            "v0.0.18",
            "ref: expected refs/tags/v0.0.18, signed at refs/tags/v0.0.19",
        ),
    ],
)
def test_bundle_fails_under_a_wrong_policy(
    real_sdist: Path,
    bundle_file: Path,
    offline_env: dict[str, str],
    repository: str,
    workflow: str,
    ref: str | None,
    message: str,
) -> None:
    extra = ["--ref", ref] if ref else []
    result = verify_signed(
        "bundle",
        bundle_file,
        *extra,
        str(real_sdist),
        repository=repository,
        workflow=workflow,
        env=offline_env,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    outcome, detail = row(result.stdout, SDIST)
    assert outcome == "failed" and detail.startswith(message), detail


def test_bundle_fails_for_a_changed_file(
    real_sdist: Path, bundle_file: Path, offline_env: dict[str, str], tmp_path: Path
) -> None:
    changed = one_byte_changed(real_sdist, tmp_path)
    result = verify_signed("bundle", bundle_file, str(changed), env=offline_env)
    assert result.returncode == 1
    digest = hashlib.sha256(changed.read_bytes()).hexdigest()
    assert f"no subject of the statement has this file's sha256 {digest[:12]}" in result.stdout
    assert f"it covers {SDIST} (sha256 {SDIST_SHA256[:12]}...)" in result.stdout


def test_bad_input_is_exit_2(tmp_path: Path, offline_env: dict[str, str]) -> None:
    junk = tmp_path / "junk.sigstore.json"
    junk.write_text("{}")
    dist = tmp_path / "x-1.0.tar.gz"
    dist.write_bytes(b"x")
    result = verify_signed("bundle", junk, str(dist), workflow="w.yml", env=offline_env)
    assert result.returncode == 2
    assert f"error: {junk}: not a Sigstore bundle" in result.stderr
    result = verify_signed("provenance", junk, str(dist), workflow="w.yml", env=offline_env)
    assert result.returncode == 2
    assert f"error: {junk}: not a PEP 740 provenance document" in result.stderr
    result = verify("--bundle", str(junk), str(dist), env=offline_env)
    assert result.returncode == 2
    assert "no repository to verify against" in result.stderr


def test_one_bad_file_of_a_release_fails_it(
    real_sdist: Path, provenance_file: Path, offline_env: dict[str, str], tmp_path: Path
) -> None:
    """A release of two files, one whose provenance is for other bytes: a per-file report
    and exit 1. An index that cannot be reached is exit 2, one line, no traceback."""
    wheel = "pypi_attestations-0.0.19-py3-none-any.whl"
    served = tmp_path / "index"
    (served / "simple" / "pypi-attestations").mkdir(parents=True)
    (served / "files").mkdir()
    shutil.copyfile(real_sdist, served / "files" / SDIST)
    (served / "files" / wheel).write_bytes(b"not the wheel the provenance is for")
    links = []
    for name in (SDIST, wheel):
        shutil.copyfile(provenance_file, served / "files" / f"{name}.provenance")
        digest = hashlib.sha256((served / "files" / name).read_bytes()).hexdigest()
        links.append(
            f'<a href="../../files/{name}#sha256={digest}" '
            f'data-provenance="../../files/{name}.provenance">{name}</a>'
        )
    (served / "simple" / "pypi-attestations" / "index.html").write_text(
        f"<html><body>{''.join(links)}</body></html>\n"
    )
    eco = make_ecosystem(
        tmp_path,
        f"""
[projects.pypi-attestations]
repo = "{REPOSITORY}"
tag-style = "vX.Y.Z"
vars = {{ publish_workflow = "release.yml", publish_environment = "" }}
""",
    )

    def run(url: str) -> subprocess.CompletedProcess[str]:
        return run_eco(
            "-q",
            "verify",
            "--offline",
            "--index-url",
            f"{url}/simple",
            "pypi-attestations",
            cwd=eco.root,
            env=offline_env,
        )

    with serve(served) as url:
        result = run(url)
    assert result.returncode == 1, result.stdout + result.stderr
    assert row(result.stdout, SDIST)[0] == "ok"
    assert row(result.stdout, wheel)[0] == "failed"
    assert "Traceback" not in result.stderr
    with serve(served) as url:
        pass  # the server is gone: its port refuses connections
    down = run(url)
    assert down.returncode == 2
    assert down.stderr.splitlines()[-1].startswith(
        f"error: {url}/simple/pypi-attestations/: cannot reach"
    )
    assert "Traceback" not in down.stderr


def test_the_default_version_is_the_newest_final_release(
    package_index: PackageIndex, offline_env: dict[str, str], tmp_path: Path
) -> None:
    """With 1.1.0rc1 on the index after 1.0.0, ``eco verify PROJECT`` checks 1.0.0 (the
    index has no provenance: each file fails, and says which file it is)."""
    for version in ("0.9.0", "1.0.0", "1.1.0rc1"):
        package_index.add("verify-default", version)
    eco = make_ecosystem(tmp_path, '\n[projects.verify-default]\nrepo = "pallets-eco/x"\n')
    result = run_eco(
        "verify",
        "--offline",
        "--index-url",
        package_index.url,
        "verify-default",
        cwd=eco.root,
        env=offline_env,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert row(result.stdout, "verify_default-1.0.0-py3-none-any.whl")[0] == "failed"
    assert "1.1.0rc1" not in result.stdout


# Issue 18: exit statuses 0 verified / 1 not verified / 2 could not check, and what a
# trial on real releases found.


def closed_port() -> int:
    """A local port nothing listens on: a connection to it is refused at once."""
    with serve(Path(tempfile.gettempdir())) as url:
        port = int(url.rsplit(":", 1)[1])
    return port


def test_no_route_to_sigstore_is_could_not_check(
    real_sdist: Path, provenance_file: Path, offline_env: dict[str, str]
) -> None:
    """Point 1: without --offline, sigstore refreshes its trust root over TUF. With no
    route there (every HTTPS request goes to a closed local port, on any machine) that is
    exit 2, "could not check", in one line with the hint, not a traceback and exit 1."""
    proxy = f"http://127.0.0.1:{closed_port()}"
    env = {
        **offline_env,
        "HTTPS_PROXY": proxy,
        "https_proxy": proxy,
        "NO_PROXY": "",
        "no_proxy": "",
    }
    result = run_eco(
        "-q",  # progress silenced: what is left is the one line
        "verify",
        "--provenance",
        str(provenance_file),
        "--repository",
        REPOSITORY,
        "--workflow",
        "release.yml",
        str(real_sdist),
        env=env,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(
        "error: could not check: sigstore's trust root cannot be refreshed from "
        "https://tuf-repo-cdn.sigstore.dev ("
    ), line
    assert line.endswith("; --offline uses the trust root embedded in sigstore instead")


def test_an_unreadable_trust_root_is_could_not_check(
    real_sdist: Path, provenance_file: Path, offline_env: dict[str, str]
) -> None:
    """Acceptance 2: no usable trust root (a damaged local copy) is exit 2, naming it."""
    cache = Path(offline_env["XDG_CACHE_HOME"]) / "sigstore-python" / "tuf"
    damaged = cache / "https%3A%2F%2Ftuf-repo-cdn.sigstore.dev" / "trusted_root.json"
    damaged.parent.mkdir(parents=True)
    damaged.write_text("{not json")
    result = verify_signed("provenance", provenance_file, str(real_sdist), env=offline_env)
    assert result.returncode == 2, result.stdout + result.stderr
    [line] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert line.startswith(f"error: could not check: sigstore's trust root {damaged} ")
    assert "Traceback" not in result.stderr


def test_the_workflow_path_people_copy_from_github(
    real_sdist: Path, provenance_file: Path, offline_env: dict[str, str]
) -> None:
    """Point 4: '.github/workflows/release.yml' is the workflow file release.yml; a path
    that is neither form is refused (exit 2) naming the accepted forms."""
    result = verify_signed(
        "provenance",
        provenance_file,
        str(real_sdist),
        workflow=".github/workflows/release.yml",
        env=offline_env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert row(result.stdout, SDIST)[0] == "ok"
    bad = verify_signed(
        "provenance", provenance_file, str(real_sdist), workflow="ci/release.yml", env=offline_env
    )
    assert bad.returncode == 2
    assert bad.stderr == (
        "error: --workflow 'ci/release.yml': expected a workflow file of the repository "
        "(release.yml or .github/workflows/release.yml) or a reusable workflow "
        "(OWNER/REPO/.github/workflows/FILE)\n"
    )


def _served_release(real_sdist: Path, provenance_file: Path, tmp_path: Path) -> Path:
    served = tmp_path / "index"
    (served / "simple" / "pypi-attestations").mkdir(parents=True)
    (served / "files").mkdir()
    shutil.copyfile(real_sdist, served / "files" / SDIST)
    shutil.copyfile(provenance_file, served / "files" / f"{SDIST}.provenance")
    (served / "simple" / "pypi-attestations" / "index.html").write_text(
        f'<html><body><a href="../../files/{SDIST}#sha256={SDIST_SHA256}" '
        f'data-provenance="../../files/{SDIST}.provenance">{SDIST}</a></body></html>\n'
    )
    return served


def test_a_package_outside_the_registry(
    real_sdist: Path, provenance_file: Path, offline_env: dict[str, str], tmp_path: Path
) -> None:
    """Point 11: ``eco verify --package NAME VERSION`` needs no projects.toml."""
    outside = tmp_path / "anywhere"
    outside.mkdir()
    served = _served_release(real_sdist, provenance_file, tmp_path)
    with serve(served) as url:
        base = ["verify", "--offline", "--index-url", f"{url}/simple"]
        ok = run_eco(
            *base,
            "--package",
            "pypi-attestations",
            "0.0.19",
            "--repository",
            REPOSITORY,
            "--workflow",
            "release.yml",
            cwd=outside,
            env=offline_env,
        )
        assert ok.returncode == 0, ok.stdout + ok.stderr
        assert row(ok.stdout, SDIST) == (
            "ok",
            f"1 attestation(s), GitHub {REPOSITORY} release.yml",
        )
        missing = run_eco(
            "-q", *base, "--package", "pypi-attestations", "0.0.19", cwd=outside, env=offline_env
        )
    assert missing.returncode == 2
    assert missing.stderr.startswith("error: no repository to verify against")


@pytest.mark.parametrize(
    ("style", "ok", "detail"),
    [
        ("vX.Y.Z", True, f"1 attestation(s), GitHub {REPOSITORY} release.yml at v0.0.19"),
        ("X.Y.Z", False, "ref: expected refs/tags/0.0.19, signed at refs/tags/v0.0.19"),
    ],
)
def test_a_release_is_checked_at_its_tag_in_the_projects_style(
    real_sdist: Path,
    provenance_file: Path,
    offline_env: dict[str, str],
    tmp_path: Path,
    style: str,
    ok: bool,
    detail: str,
) -> None:
    """Point 9: ``eco verify PROJECT VERSION`` expects the upload from the workflow run on
    the release's tag, named in the project's tag style."""
    served = _served_release(real_sdist, provenance_file, tmp_path)
    eco = make_ecosystem(
        tmp_path,
        f"""
[projects.pypi-attestations]
repo = "{REPOSITORY}"
tag-style = "{style}"
vars = {{ publish_workflow = "release.yml", publish_environment = "" }}
""",
    )
    with serve(served) as url:
        result = run_eco(
            "verify",
            "--offline",
            "--index-url",
            f"{url}/simple",
            "pypi-attestations",
            "0.0.19",
            cwd=eco.root,
            env=offline_env,
        )
    assert result.returncode == (0 if ok else 1), result.stdout + result.stderr
    assert row(result.stdout, SDIST) == ("ok" if ok else "failed", detail)
