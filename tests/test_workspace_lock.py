"""Two eco runs on one workspace: the second refuses at once with one clear line, and
neither loses anything or fails a project with a raw git error.

The overlap is forced, never hoped for: either the test holds the workspace's lock
itself, or the first run is stopped inside its first push by a ``pre-receive`` hook of
the remote that waits for the test (over a socket) while the second run starts.
"""

from __future__ import annotations

import fcntl
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from datetime import UTC
from pathlib import Path

import pytest

from eco.workspace import Workspace
from eco.workspace import WorkspaceBusy
from tests.helpers import Ecosystem
from tests.helpers import git
from tests.helpers import refs
from tests.helpers import REPO
from tests.sync_fixtures import edit_template
from tests.sync_fixtures import make_fixture_ecosystem
from tests.sync_fixtures import make_synced_project

NAMES = ("alpha", "beta", "gamma", "delta")
LOCK_FILE = ".eco.lock"  # documented in docs/maintainer/sync.md


@pytest.fixture
def world(tmp_path: Path) -> tuple[Ecosystem, dict[str, Path]]:
    """Four synced projects, and a template change so that a sync has work in each."""
    eco = make_fixture_ecosystem(tmp_path, names=NAMES)
    remotes = {name: make_synced_project(eco, tmp_path, name) for name in NAMES}
    edit_template(eco, ".editorconfig", "indent_size = 4", "indent_size = 2")
    return eco, remotes


def start_eco(eco: Ecosystem, workspace: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "tools"), "ECO_WORKSPACE": str(workspace)}
    return subprocess.Popen(
        [sys.executable, "-m", "eco", "--root", str(eco.root), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def no_raw_git_error(text: str) -> None:
    for marker in ("fatal:", "Traceback", "cannot lock ref", "index.lock", "error: failed"):
        assert marker not in text, text


def all_synced(remotes: dict[str, Path]) -> None:
    """Every project's remote sync branch holds the template change: nothing lost."""
    for name, bare in remotes.items():
        assert "indent_size = 2" in git("show", "eco/sync:.editorconfig", cwd=bare), name


@pytest.fixture
def held(tmp_path: Path) -> Iterator[Path]:
    """The workspace, its lock held by this test as another eco would hold it."""
    workspace = tmp_path / "workspace"
    workspace.mkdir(parents=True, exist_ok=True)
    with (workspace / LOCK_FILE).open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        since = datetime(2026, 12, 2, 11, 0, tzinfo=UTC).isoformat(timespec="seconds")
        handle.truncate(0)
        handle.write(f"{os.getpid()} {since} eco sync --push\n")
        handle.flush()
        yield workspace


def test_a_held_workspace_is_refused_with_one_line(
    world: tuple[Ecosystem, dict[str, Path]], held: Path
) -> None:
    eco, remotes = world
    before = {name: refs(bare) for name, bare in remotes.items()}
    code, out, err = finish(start_eco(eco, held, "sync", "--push", "--forge", "local"))
    assert code == 2, out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"error: another eco (pid {os.getpid()}, eco sync --push) ")
    assert f"is using the workspace {held} since 2026-12-02" in lines[0]
    assert "wait for it to finish, or give this run its own --workspace" in lines[0]
    no_raw_git_error(err)
    assert {name: refs(bare) for name, bare in remotes.items()} == before
    assert sorted(p.name for p in held.iterdir()) == [LOCK_FILE]  # not one clone started


def test_a_read_only_listing_is_not_blocked(
    world: tuple[Ecosystem, dict[str, Path]], held: Path
) -> None:
    eco, _ = world
    code, out, err = finish(start_eco(eco, held, "list"))
    assert code == 0, err
    assert "alpha" in out


class Gate:
    """A ``pre-receive`` hook that connects to the test and waits for its word."""

    def __init__(self, bare: Path) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(120)  # a safety bound: the hook connects long before
        port = self.server.getsockname()[1]
        self.hook = bare / "hooks" / "pre-receive"
        ticket = bare / "gate-ticket"  # only the first push waits; any later one passes
        self.hook.write_text(
            f"#!{sys.executable}\nimport os, socket, sys\nsys.stdin.read()\n"
            f"try:\n    os.close(os.open({str(ticket)!r}, os.O_CREAT | os.O_EXCL))\n"
            "except FileExistsError:\n    sys.exit(0)\n"
            f"s = socket.create_connection(('127.0.0.1', {port}))\ns.recv(1)\n"
        )
        self.hook.chmod(0o755)
        self.conn: socket.socket | None = None

    def entered(self) -> None:
        self.conn, _ = self.server.accept()

    def release(self) -> None:
        assert self.conn is not None
        self.conn.sendall(b"x")
        self.conn.close()
        self.server.close()
        self.hook.unlink()


def test_two_concurrent_syncs_on_one_workspace(
    world: tuple[Ecosystem, dict[str, Path]], tmp_path: Path
) -> None:
    eco, remotes = world
    workspace = tmp_path / "workspace"
    gate = Gate(remotes["alpha"])
    first = start_eco(eco, workspace, "sync", "--push", "--forge", "local", "--jobs", "2")
    try:
        gate.entered()  # the first run is inside its push of alpha, holding the workspace
        code, out, err = finish(
            start_eco(eco, workspace, "sync", "--push", "--forge", "local", "--jobs", "2")
        )
    finally:
        gate.release()
    assert code == 2, out + err
    assert "error: another eco (pid " in err and f"is using the workspace {workspace}" in err
    no_raw_git_error(err)

    code, out, err = finish(first)
    assert code == 0, out + err
    no_raw_git_error(err)
    all_synced(remotes)

    # The second run, once the first is done: all there, nothing to push.
    code, out, err = finish(start_eco(eco, workspace, "sync", "--push", "--forge", "local"))
    assert code == 0, out + err
    for name in NAMES:
        assert f"{name}: skeleton" in out
    assert out.count("  => eco/sync already up to date; remote already up to date") == len(NAMES)
    all_synced(remotes)


def test_the_lock_file_names_the_run_without_its_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["eco", "lock", "--index-url", "https://eco:s3cr3t-pass@mirror.example/simple"]
    monkeypatch.setattr(sys, "argv", argv)
    workspace = Workspace(tmp_path / "ws")
    workspace.hold()
    try:
        recorded = (tmp_path / "ws" / LOCK_FILE).read_text()
        assert recorded.startswith(f"{os.getpid()} ")
        assert "eco lock --index-url https://***@mirror.example/simple" in recorded
        assert "s3cr3t" not in recorded
        with pytest.raises(WorkspaceBusy, match=r"another eco \(pid \d+, eco lock"):
            Workspace(tmp_path / "ws").hold()  # a second run, as flock sees it
    finally:
        workspace.release()
    following = Workspace(tmp_path / "ws")
    following.hold()  # released: the next run takes it
    following.release()
