"""How soon the long commands say something, and their longest silence.

For ``eco lock`` (3 projects x 5 requirement files, pip-compile, a local pypiserver),
``eco build``, ``eco release --dry-run`` (a project made by ``eco init``) and, when the
outside test data is there, ``eco verify`` of a real provenance offline: the seconds to
the first byte on stdout or stderr, the longest gap between two outputs (or the end),
and the total. Run it on a checkout before and after a change to compare. The figures
are printed, never asserted.
"""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.helpers import git
from tests.helpers import make_bare_repo
from tests.helpers import make_ecosystem
from tests.helpers import REPO
from tests.package_index import start_index
from tests.package_index import stop_index

from benchmarks.bench_lock import publish
from benchmarks.bench_lock import requirement_files

PROJECTS = 3
SDIST = "pypi_attestations-0.0.19.tar.gz"


def timed(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, float]:
    """(first output, longest silence, total) of ``eco ARGS``, in seconds."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "eco", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO / "tools"), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    selector.register(proc.stderr, selectors.EVENT_READ)
    first, last, silence = None, 0.0, 0.0
    while selector.get_map():
        for key, _ in selector.select():
            if not os.read(key.fd, 65536):
                selector.unregister(key.fileobj)
                continue
            now = time.perf_counter() - start
            first = now if first is None else first
            silence, last = max(silence, now - last), now
    if proc.wait() != 0:
        raise SystemExit(f"eco {' '.join(args)} exited {proc.returncode}")
    total = time.perf_counter() - start
    return first or total, max(silence, total - last), total


def main() -> None:
    rows: list[tuple[str, tuple[float, float, float]]] = []
    with tempfile.TemporaryDirectory(prefix="eco-bench-first-") as tmp_name:
        tmp = Path(tmp_name)
        index = start_index(tmp / "index", tmp / "built", tmp / "index.log")
        try:
            publish(index)
            entries = ""
            for number in range(PROJECTS):
                bare = make_bare_repo(tmp, f"p{number}", requirement_files(number))
                entries += f'\n[projects.p{number}]\nurl = "{bare}"\n'
            eco = make_ecosystem(tmp, entries, copy=("templates",))
            env = {"ECO_WORKSPACE": str(tmp / "workspace")}
            timed(["fetch"], eco.root, env)
            args = ["lock", "--index-url", index.url]
            rows.append((f"lock ({PROJECTS} projects)", timed(args, eco.root, env)))
        finally:
            stop_index(index.process)
        project = tmp / "projects" / "flask-bench"
        timed(["init", "flask-bench", "--path", str(project)], eco.root, env)
        remote = tmp / "remotes" / "flask-bench.git"
        git("init", "-q", "--bare", str(remote), cwd=tmp)
        git("remote", "add", "origin", str(remote), cwd=project)
        git("push", "-q", "origin", "main", cwd=project)
        git("fetch", "-q", "origin", cwd=project)
        git("branch", "-q", "--set-upstream-to", "origin/main", cwd=project)
        rows.append(("build --path", timed(["build", "--path", str(project)], eco.root, env)))
        release = ["release", "--path", str(project), "--dry-run", "--forge", "local"]
        rows.append(("release --dry-run", timed(release, eco.root, env)))
        data = REPO.parent / "shared" / "data" / "attestations"
        dist = tmp / SDIST
        download = [sys.executable, "-m", "pip", "download", "-q", "--no-deps"]
        download += ["--no-binary", ":all:", "pypi-attestations==0.0.19", "-d", str(tmp)]
        if data.is_dir() and subprocess.run(download, capture_output=True).returncode == 0:
            verify = ["verify", "--offline", "--provenance", str(data / f"{SDIST}.provenance")]
            verify += ["--repository", "trailofbits/pypi-attestations"]
            verify += ["--workflow", "release.yml", str(dist)]
            rows.append(("verify --offline", timed(verify, eco.root, env)))
    print(f"{'command':<20} {'first':>7} {'silence':>8} {'total':>7}   (seconds)")
    for name, (first, silence, total) in rows:
        print(f"{name:<20} {first:>7.2f} {silence:>8.2f} {total:>7.2f}")


if __name__ == "__main__":
    main()
