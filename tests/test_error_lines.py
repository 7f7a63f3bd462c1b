"""Hostile or broken input met on the way is one error line naming its cause, never a
traceback: a symlink out of the project, an index answering invalid JSON, an API URL that
is not one, a malformed GitHub App key, a date where the registry expects a value."""

from __future__ import annotations

import http.server
import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from eco.index import JSON_TYPE
from eco.index import PackageIndexError
from eco.index import project_files
from tests.helpers import git
from tests.helpers import make_ecosystem
from tests.helpers import run_eco
from tests.package_index import PackageIndex
from tests.release_project import make_project

CANARY = "ghp_canaryErrorLines0123456789abcdefABCD"


def one_error_line(proc: subprocess.CompletedProcess[str], *needles: str) -> str:
    """The run failed with exit 2 and one ``error:`` line holding every needle."""
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, proc.stderr  # beside progress lines, if any
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert CANARY not in proc.stdout + proc.stderr
    return lines[0]


@pytest.mark.slow
@pytest.mark.parametrize("target", ["/etc/passwd", "../../../etc/passwd"])
def test_a_symlink_out_of_the_project_stops_a_release_dry_run(
    tmp_path: Path, package_index: PackageIndex, target: str
) -> None:
    bare, clone = make_project(tmp_path, "rel-link")
    os.symlink(target, clone / "passwd")
    git("add", "passwd", cwd=clone)
    git("commit", "-q", "-m", "a link out", cwd=clone)
    git("push", "-q", "origin", "main", cwd=clone)
    eco = make_ecosystem(tmp_path, f'\n[projects.rel-link]\nurl = "{bare}"\n', copy=())
    proc = run_eco(
        "--root",
        str(eco.root),
        "release",
        "rel-link",
        "--dry-run",
        "--index-url",
        package_index.url,
        "--forge",
        "local",
        env={"GITHUB_TOKEN": CANARY},
    )
    one_error_line(proc, "passwd", "outside the project", target)


class _Answer(http.server.BaseHTTPRequestHandler):
    body = b"{not json"

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.send_header("Content-Type", JSON_TYPE)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def bad_index() -> Iterator[str]:
    """A package index whose every answer claims to be PEP 691 JSON and is not."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/simple"
    finally:
        server.shutdown()
        server.server_close()


def test_an_index_answering_invalid_json_is_one_error(bad_index: str) -> None:
    with pytest.raises(PackageIndexError, match="invalid JSON"):
        project_files(bad_index, "flask-demo")


@pytest.mark.slow
def test_an_index_answering_invalid_json_stops_a_release(tmp_path: Path, bad_index: str) -> None:
    _, clone = make_project(tmp_path, "rel-json")
    proc = run_eco("release", "--path", str(clone), "--index-url", bad_index, "--forge", "local")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert "answered invalid JSON" in proc.stderr
    assert git("tag", cwd=clone) == ""  # refused before anything was written


def _sync_push(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    eco = make_ecosystem(
        tmp_path, '\n[projects.alpha]\nrepo = "scratch-org/alpha"\nurl = "/nowhere"\n'
    )
    return run_eco("--root", str(eco.root), "sync", "--push", "--forge", "github", env=env)


def test_an_api_url_that_is_not_a_url(tmp_path: Path) -> None:
    env = {"GITHUB_TOKEN": CANARY, "ECO_GITHUB_API_URL": "not a url"}
    one_error_line(_sync_push(tmp_path, env), "ECO_GITHUB_API_URL", "'not a url'")


def test_a_malformed_app_private_key(tmp_path: Path) -> None:
    key = "-----BEGIN RSA PRIVATE KEY-----\nbm90IGEga2V5\n-----END RSA PRIVATE KEY-----\n"
    env = {"ECO_GITHUB_APP_ID": "1", "ECO_GITHUB_APP_PRIVATE_KEY": key}
    line = one_error_line(_sync_push(tmp_path, env), "ECO_GITHUB_APP_PRIVATE_KEY")
    assert "bm90IGEga2V5" not in line


DATED = '\n[projects.alpha]\nurl = "/nowhere"\n\n[projects.alpha.vars]\nsince = 2024-05-01\n'


@pytest.mark.parametrize(
    "args",
    [("list", "--format", "json"), ("init", "alpha", "--path", "{tmp}/alpha")],
    ids=["list", "init"],
)
def test_a_date_typed_registry_variable(tmp_path: Path, args: tuple[str, ...]) -> None:
    eco = make_ecosystem(tmp_path, DATED, copy=("templates",))
    argv = [arg.replace("{tmp}", str(tmp_path)) for arg in args]
    proc = run_eco("--root", str(eco.root), *argv)
    one_error_line(proc, "projects.toml", "since", "date")
    assert not (tmp_path / "alpha").exists()
