"""`eco check` and `eco sync` over 100 projects with local bare remotes.

Builds a scratch ecosystem with this repository's ``templates/`` and 100 registered
projects, each a bare git remote holding exactly its rendered skeleton (what ``eco
init`` makes), clones them once into a workspace, then times the real command line:

- ``eco check`` and ``eco sync --dry-run`` while everything is in sync (with the fetch,
  and ``eco check --no-fetch`` offline);
- ``eco sync`` after one template change (a commit on every project's sync branch, no
  push), then the same ``eco sync`` again (nothing to commit).

Figures are milliseconds per project: wall time of the whole command, the same without
the CLI's start-up (``eco --version``, paid once per run), and the CPU time eco and its
git processes used beyond start-up (the figure that does not depend on how busy the
machine is).
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import REGISTRY_HEAD as REGISTRY  # the scratch registry the tests use

from eco.registry import load_registry
from eco.skeleton.render import render_project
from eco.skeleton.state import format_state
from eco.skeleton.state import State

REPO = Path(__file__).resolve().parents[1]
PROJECTS = 100
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def _git(*args: str, cwd: Path) -> str:
    out = subprocess.run(
        ["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV}, check=True, capture_output=True
    )
    return out.stdout.decode().strip()


def _ecosystem(base: Path) -> Path:
    root = base / "eco"
    root.mkdir()
    shutil.copytree(REPO / "templates", root / "templates")
    entries = [
        f'\n[projects.ext-{i:03d}]\nurl = "{base / "remotes" / f"ext-{i:03d}.git"}"\n'
        f'description = "Extension number {i}."\n'
        for i in range(PROJECTS)
    ]
    (root / "projects.toml").write_text(REGISTRY + "".join(entries))
    _git("init", "-q", "-b", "main", cwd=root)
    _git("add", "-A", cwd=root)
    _git("commit", "-q", "-m", "bench ecosystem", cwd=root)
    return root


def _projects(root: Path, base: Path) -> None:
    """One bare remote per project holding its rendered skeleton and .eco.toml."""
    registry = load_registry(root / "projects.toml")
    revision = _git("rev-parse", "HEAD", cwd=root)
    for project in registry.projects.values():
        rendering = render_project(
            project, registry.ecosystem, root / "templates", include_init=True
        )
        work = base / "seed" / project.name
        for path, rendered in rendering.files.items():
            (work / path).parent.mkdir(parents=True, exist_ok=True)
            (work / path).write_text(rendered.content)
        seeded = tuple(p for p, f in rendering.files.items() if f.mode == "seeded")
        (work / ".eco.toml").write_text(format_state(State(revision, seeded)))
        bare = base / "remotes" / f"{project.name}.git"
        _git("init", "-q", "--bare", "-b", "main", str(bare), cwd=base)
        tree = ("--git-dir", str(bare), "--work-tree", str(work))
        _git(*tree, "add", "-A", cwd=work)
        _git(*tree, "commit", "-q", "-m", "eco init", cwd=work)
        (bare / "index").unlink()
        shutil.rmtree(work)


@dataclass(frozen=True)
class Run:
    wall: float  # seconds
    cpu: float  # seconds of CPU, eco and every git process it ran
    code: int


def _eco(root: Path, workspace: Path, *args: str) -> Run:
    env = {**os.environ, "PYTHONPATH": str(REPO / "tools"), "ECO_WORKSPACE": str(workspace)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "eco", "--root", str(root), *args],
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 1):
        sys.exit(f"eco {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return Run(wall, cpu, proc.returncode)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="eco-bench-sync-") as tmp:
        base = Path(tmp)
        start = time.perf_counter()
        root = _ecosystem(base)
        _projects(root, base)
        workspace = base / "workspace"
        clone = _eco(root, workspace, "fetch")
        startup = min((_eco(root, workspace, "--version") for _ in range(3)), key=lambda r: r.wall)
        load = os.getloadavg()[0]
        print(
            f"setup: {PROJECTS} projects with bare remotes in {time.perf_counter() - start:.1f} s "
            f"(first clone of all: {clone.wall:.1f} s); {os.cpu_count()} CPUs, "
            f"load average {load:.1f}; eco start-up (eco --version): "
            f"{startup.wall:.2f} s wall, {startup.cpu:.2f} s CPU",
            flush=True,
        )
        print(
            f"{'ms per project':<44} {'wall':>7} {'- start-up':>10} {'CPU':>7}  exit",
            flush=True,
        )

        def timed(label: str, *args: str) -> None:
            run = _eco(root, workspace, *args)
            per = 1000 / PROJECTS
            print(
                f"{label:<44} {run.wall * per:7.1f} {(run.wall - startup.wall) * per:10.1f} "
                f"{(run.cpu - startup.cpu) * per:7.1f}  {run.code}",
                flush=True,
            )

        timed("eco check (in sync, with fetch)", "check")
        timed("eco check --no-fetch (in sync)", "check", "--no-fetch")
        timed("eco sync --dry-run (in sync, with fetch)", "sync", "--dry-run")
        editorconfig = root / "templates" / "skeleton" / ".editorconfig"
        editorconfig.write_text(editorconfig.read_text() + "\n[*.toml]\nindent_size = 4\n")
        _git("commit", "-q", "-am", "skeleton: indent TOML by 4", cwd=root)
        timed("eco check (after one template change)", "check")
        timed("eco sync (one template change, commits)", "sync")
        timed("eco sync (again: nothing new)", "sync")
        branches = sum(
            1
            for clone in workspace.iterdir()
            if (clone / ".git").is_dir()
            and _git("rev-parse", "--verify", "-q", "eco/sync", cwd=clone)
        )
        print(f"sync branches written: {branches} of {PROJECTS}")
