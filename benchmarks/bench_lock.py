"""``eco lock`` for 10 projects x 5 requirement files, pip-compile against uv.

Everything is local: a pypiserver serving generated wheels (40 packages, 3 versions
each, with dependencies between them), 10 bare git repositories each holding
``requirements/{tests,typing,docs,build,dev}.in`` (dev includes three of the others), a
scratch registry. For each backend, with its own empty pip/uv cache and workspace:

- ``first``: the first lock (50 resolutions),
- ``again``: the same command again (inputs unchanged: no resolver runs),
- ``upgrade``: ``--upgrade`` after a new version of a shared package was published
  (50 resolutions, warm cache).

The figures are wall-clock seconds of the ``eco lock`` process (clones are made
beforehand with ``eco fetch``), printed, never asserted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.helpers import make_bare_repo
from tests.helpers import make_ecosystem
from tests.helpers import REPO
from tests.package_index import PackageIndex
from tests.package_index import start_index
from tests.package_index import stop_index

PROJECTS = 10
PACKAGES = 40
BACKENDS = ("pip-tools", "uv")


def publish(index: PackageIndex) -> None:
    for n in range(PACKAGES):
        deps = [f"bench-pkg-{(n * 7 + k) % PACKAGES}>=1" for k in (1, 3) if n % 3 != 0]
        for version in ("1.0", "1.1", "2.0"):
            index.add(f"bench-pkg-{n}", version, deps)


def requirement_files(project: int) -> dict[str, str]:
    def pick(offset: int, count: int) -> str:
        return "".join(f"bench-pkg-{(project * 3 + offset + k) % PACKAGES}\n" for k in range(count))

    return {
        "requirements/tests.in": pick(0, 4),
        "requirements/typing.in": pick(10, 3),
        "requirements/docs.in": pick(20, 4),
        "requirements/build.in": pick(30, 2),
        "requirements/dev.in": "-r docs.in\n-r tests.in\n-r typing.in\n" + pick(35, 2),
        "README.md": f"# project {project}\n",
    }


def eco(root: Path, workspace: Path, cache: Path, *args: str) -> float:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO / "tools"),
        "ECO_WORKSPACE": str(workspace),
        "PIP_CACHE_DIR": str(cache / "pip"),
        "UV_CACHE_DIR": str(cache / "uv"),
    }
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "eco", *args], cwd=root, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"eco {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return seconds


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="eco-bench-lock-") as tmp_name:
        tmp = Path(tmp_name)
        index = start_index(tmp / "index", tmp / "built", tmp / "index.log")
        try:
            publish(index)
            entries = ""
            for number in range(PROJECTS):
                bare = make_bare_repo(tmp, f"p{number}", requirement_files(number))
                entries += f'\n[projects.p{number}]\nurl = "{bare}"\n'
            root = make_ecosystem(tmp, entries, copy=()).root
            figures: dict[str, dict[str, float]] = {}
            for backend in BACKENDS:
                workspace, cache = tmp / f"ws-{backend}", tmp / f"cache-{backend}"
                eco(root, workspace, cache, "fetch")
                args = ("lock", "--backend", backend, "--index-url", index.url)
                first = eco(root, workspace, cache, *args)
                again = eco(root, workspace, cache, *args)
                index.add("bench-pkg-1", f"3.0.{len(figures)}")
                upgrade = eco(root, workspace, cache, *args, "--upgrade")
                figures[backend] = {"first": first, "again": again, "upgrade": upgrade}
        finally:
            stop_index(index.process)
    files = PROJECTS * 5
    print(f"eco lock, {PROJECTS} projects x 5 files ({files} resolutions), local pypiserver")
    print(f"{'backend':<10} {'first':>8} {'again':>8} {'upgrade':>8}   (seconds)")
    for backend, row in figures.items():
        print(f"{backend:<10} {row['first']:>8.2f} {row['again']:>8.2f} {row['upgrade']:>8.2f}")
    slow, fast = figures["pip-tools"], figures["uv"]
    print(
        f"ratio pip-tools/uv: first {slow['first'] / fast['first']:.1f}x, "
        f"upgrade {slow['upgrade'] / fast['upgrade']:.1f}x; "
        f"per resolution: pip-tools {slow['first'] / files:.2f} s, uv {fast['first'] / files:.2f} s"
    )


if __name__ == "__main__":
    main()
