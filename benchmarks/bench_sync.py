"""`eco check` and `eco sync` against the floor: what git itself needs, per project.

Builds a scratch ecosystem with this repository's ``templates/`` and N registered
projects (``ECO_BENCH_PROJECTS``, default ``10,100,300``: one full run per count), each a
bare git remote holding exactly its rendered skeleton (what ``eco init`` makes), clones
them once into a workspace, then times the real command line:

- the **floor** of a drift check: per project one ``git fetch`` and one ``git cat-file
  --batch`` reading the skeleton's files, as many projects at once as eco runs; and the
  floor of a sync that commits: the same plus one ``git fast-import`` writing a commit;
- ``eco check`` (with the fetch, and ``--no-fetch``) and ``eco sync --dry-run`` while
  everything is in sync;
- ``eco sync`` after one template change (a commit on every project's sync branch, no
  push), then the same ``eco sync`` again (nothing to commit).

The floor and the eco command it bounds run interleaved (``ECO_BENCH_REPEAT`` times,
default 3, once at 300 projects and more), and each eco figure is printed as a multiple
of its floor: the median of the per-run ratios, so a shared machine's load, which moves
both, cancels out as far as it can. Figures are milliseconds per project: wall time of
the whole command, the same without the CLI's start-up (``eco --version``, paid once per
run), and the CPU time eco and its git processes used beyond start-up.

The copier comparison is not run here: the figures of issue 22 (copier's no-op ``copier
update`` 4.9 s per project on the same skeleton) are printed beside eco's for the ratio.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import REGISTRY_HEAD as REGISTRY  # the scratch registry the tests use

from eco.parallel import default_jobs
from eco.registry import load_registry
from eco.skeleton.render import render_project
from eco.skeleton.state import format_state
from eco.skeleton.state import State

REPO = Path(__file__).resolve().parents[1]
COUNTS = tuple(int(n) for n in os.environ.get("ECO_BENCH_PROJECTS", "10,100,300").split(","))
REPEAT = int(os.environ.get("ECO_BENCH_REPEAT", "3"))
COPIER_CHECK_MS = 4900.0  # issue 22: copier's no-op `copier update`, ms per project
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


def _ecosystem(base: Path, count: int) -> Path:
    root = base / "eco"
    root.mkdir()
    shutil.copytree(REPO / "templates", root / "templates")
    entries = [
        f'\n[projects.ext-{i:03d}]\nurl = "{base / "remotes" / f"ext-{i:03d}.git"}"\n'
        f'description = "Extension number {i}."\n'
        for i in range(count)
    ]
    (root / "projects.toml").write_text(REGISTRY + "".join(entries))
    _git("init", "-q", "-b", "main", cwd=root)
    _git("add", "-A", cwd=root)
    _git("commit", "-q", "-m", "bench ecosystem", cwd=root)
    return root


def _projects(root: Path, base: Path) -> dict[str, list[str]]:
    """One bare remote per project holding its rendered skeleton and .eco.toml; the
    paths of each (what a drift check reads)."""
    registry = load_registry(root / "projects.toml")
    revision = _git("rev-parse", "HEAD", cwd=root)
    paths: dict[str, list[str]] = {}
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
        paths[project.name] = [*rendering.files, ".eco.toml"]
        bare = base / "remotes" / f"{project.name}.git"
        _git("init", "-q", "--bare", "-b", "main", str(bare), cwd=base)
        tree = ("--git-dir", str(bare), "--work-tree", str(work))
        _git(*tree, "add", "-A", cwd=work)
        _git(*tree, "commit", "-q", "-m", "eco init", cwd=work)
        (bare / "index").unlink()
        shutil.rmtree(work)
    return paths


@dataclass(frozen=True)
class Run:
    wall: float  # seconds
    cpu: float  # seconds of CPU, eco and every git process it ran
    code: int


def _timed(work: Callable[[], int]) -> Run:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    code = work()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall, cpu, code)


def _eco(root: Path, workspace: Path, *args: str) -> Run:
    env = {**os.environ, "PYTHONPATH": str(REPO / "tools"), "ECO_WORKSPACE": str(workspace)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # start-up as installed: from .pyc files

    def run() -> int:
        proc = subprocess.run(
            [sys.executable, "-m", "eco", "--root", str(root), *args],
            env=env,
            capture_output=True,
            text=True,
        )
        if proc.returncode not in (0, 1):
            sys.exit(f"eco {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
        return proc.returncode

    return _timed(run)


def _floor(workspace: Path, paths: dict[str, list[str]], *, commit: str | None) -> Run:
    """What git itself needs: per project one fetch and one cat-file --batch of the
    skeleton's files; with ``commit``, one fast-import of a commit changing
    ``.editorconfig`` to it. As many projects at once as eco runs."""
    env = {**os.environ, **GIT_ENV}

    def one(name: str) -> None:
        clone = workspace / name
        subprocess.run(
            ["git", "fetch", "--quiet", "--prune", "--no-tags", "origin"],
            cwd=clone,
            env=env,
            check=True,
        )
        wanted = ["refs/remotes/origin/main^{commit}"]
        wanted += [f"refs/remotes/origin/main:{p}" for p in paths[name]]
        out = subprocess.run(
            ["git", "cat-file", "--batch"],
            cwd=clone,
            env=env,
            input="\n".join(wanted).encode() + b"\n",
            check=True,
            capture_output=True,
        ).stdout
        if commit is None:
            return
        parent = out.split(b" ", 1)[0].decode()
        data = commit.encode()
        stream = (
            b"commit refs/heads/floor/sync\ncommitter Bench <bench@example.com> 0 +0000\n"
            b"data 5\nsync\n"
            + f"from {parent}\n".encode()
            + b"M 100644 inline .editorconfig\n"
            + f"data {len(data)}\n".encode()
            + data
            + b"\n"
        )
        subprocess.run(
            ["git", "fast-import", "--quiet", "--force"],
            cwd=clone,
            env=env,
            input=stream,
            check=True,
            capture_output=True,
        )

    def run() -> int:
        with ThreadPoolExecutor(default_jobs()) as pool:
            list(pool.map(one, paths))
        return 0

    return _timed(run)


def _drop_sync_branches(workspace: Path, names: list[str]) -> None:
    for name in names:
        _git("update-ref", "-d", "refs/heads/eco/sync", cwd=workspace / name)


def bench(count: int) -> None:
    with tempfile.TemporaryDirectory(prefix="eco-bench-sync-") as tmp:
        base = Path(tmp)
        start = time.perf_counter()
        root = _ecosystem(base, count)
        paths = _projects(root, base)
        workspace = base / "workspace"
        clone = _eco(root, workspace, "fetch")
        startup = min((_eco(root, workspace, "--version") for _ in range(3)), key=lambda r: r.wall)
        repeat = REPEAT if count < 300 else 1
        print(
            f"-- {count} projects (setup {time.perf_counter() - start:.1f} s, first clone of "
            f"all {clone.wall:.1f} s); {os.cpu_count()} CPUs, {default_jobs()} at once, load "
            f"average {os.getloadavg()[0]:.1f}; eco start-up (eco --version): "
            f"{startup.wall * 1000:.0f} ms wall, {startup.cpu * 1000:.0f} ms CPU; "
            f"medians of {repeat} interleaved runs",
            flush=True,
        )
        print(
            f"{'ms per project':<46} {'wall':>7} {'- start-up':>10} {'CPU':>7} {'x floor':>8}",
            flush=True,
        )
        per = 1000 / count

        def row(label: str, runs: list[Run], floors: list[Run] | None = None) -> float:
            wall = statistics.median(r.wall for r in runs)
            cpu = statistics.median(r.cpu for r in runs)
            if label.startswith("floor"):  # git alone: no start-up to take off
                print(f"{label:<46} {wall * per:7.1f} {'':>10} {cpu * per:7.1f}", flush=True)
                return wall * per
            ratio = ""
            if floors:
                times = statistics.median(
                    r.wall / f.wall for r, f in zip(runs, floors, strict=True)
                )
                ratio = f"{times:7.2f}x"
            print(
                f"{label:<46} {wall * per:7.1f} {(wall - startup.wall) * per:10.1f} "
                f"{(cpu - startup.cpu) * per:7.1f} {ratio:>8}",
                flush=True,
            )
            return wall * per

        def interleaved(
            args: tuple[str, ...], commit: str | None, before: Callable[[], None] | None = None
        ) -> tuple[list[Run], list[Run]]:
            floors, runs = [], []
            for _ in range(repeat):
                floors.append(_floor(workspace, paths, commit=commit))
                if before:
                    before()
                runs.append(_eco(root, workspace, *args))
            return floors, runs

        floors, runs = interleaved(("check",), None)
        row("floor: git fetch + cat-file --batch", floors)
        check_ms = row("eco check (in sync, with fetch)", runs, floors)
        row("eco check --no-fetch (in sync)", interleaved(("check", "--no-fetch"), None)[1])
        floors, runs = interleaved(("sync", "--dry-run"), None)
        row("eco sync --dry-run (in sync, with fetch)", runs, floors)
        editorconfig = root / "templates" / "skeleton" / ".editorconfig"
        changed = editorconfig.read_text() + "\n[*.toml]\nindent_size = 4\n"
        editorconfig.write_text(changed)
        _git("commit", "-q", "-am", "skeleton: indent TOML by 4", cwd=root)
        floors, runs = interleaved(("check",), None)
        row("eco check (after one template change)", runs, floors)
        floors, runs = interleaved(
            ("sync",), changed, lambda: _drop_sync_branches(workspace, list(paths))
        )
        row("floor: fetch + cat-file + fast-import", floors)
        row("eco sync (one template change, commits)", runs, floors)
        floors, runs = interleaved(("sync",), None)
        row("eco sync (again: nothing new)", runs, floors)
        branches = sum(
            1
            for name in paths
            if _git("rev-parse", "--verify", "-q", "eco/sync", cwd=workspace / name)
        )
        print(f"sync branches written: {branches} of {count}")
        print(
            f"eco check against copier's no-op update (issue 22's {COPIER_CHECK_MS / 1000:.1f} s "
            f"per project, not run here): {COPIER_CHECK_MS / check_ms:.0f}x faster",
            flush=True,
        )


def main() -> None:
    for count in COUNTS:
        bench(count)
