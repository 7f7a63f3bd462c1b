"""``eco test`` for 10 fixture projects: cold and warm time per project.

Everything is local: a pypiserver serving the fixture upstream (1.0.0 and 2.0.0, built
with uv), pytest and flit_core; ten downstream projects of both generations (the five
kinds of tests/ecosystem_ci_fixtures.py, twice) as bare git repositories; a scratch
registry. With an empty uv cache and no environments:

- ``cold``: the first ``eco test --against ecotest-up==2.0.0`` (two environments made
  per project, the suites run, regressions and fixes re-run);
- ``warm``: the same command again (every environment reused: no installer runs).

Per project, the seconds its run took inside eco (from the JSON report); then the
wall-clock seconds of each whole ``eco test`` process. Printed, never asserted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.ecosystem_ci_fixtures import make_downstream
from tests.ecosystem_ci_fixtures import publish_upstream
from tests.helpers import make_ecosystem
from tests.helpers import REPO
from tests.package_index import start_index
from tests.package_index import stop_index

JOBS = 2


def eco_test(root: Path, workspace: Path, index_url: str, uv_cache: Path) -> tuple[float, Any]:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO / "tools"),
        "ECO_WORKSPACE": str(workspace),
        "UV_CACHE_DIR": str(uv_cache),
    }
    args = ["test", "--against", "ecotest-up==2.0.0", "--index-url", index_url]
    args += ["--jobs", str(JOBS), "--format", "json", "-q"]
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "eco", *args], cwd=root, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"eco test failed:\n{proc.stdout}\n{proc.stderr}")
    return seconds, json.loads(proc.stdout)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="eco-bench-test-") as tmp_name:
        tmp = Path(tmp_name)
        index = start_index(tmp / "index", tmp / "built", tmp / "index.log")
        try:
            publish_upstream(index, tmp / "upstream")
            root = make_ecosystem(tmp, make_downstream(tmp, copies=2), copy=()).root
            workspace, uv_cache = tmp / "workspace", tmp / "uv-cache"
            cold, cold_doc = eco_test(root, workspace, index.url, uv_cache)
            warm, warm_doc = eco_test(root, workspace, index.url, uv_cache)
        finally:
            stop_index(index.process)
    warm_by_name = {p["project"]: p for p in warm_doc["projects"]}
    count = len(cold_doc["projects"])
    print(f"eco test, {count} projects, --jobs {JOBS}, local pypiserver, empty uv cache first")
    print(f"{'project':<18} {'verdict':<26} {'cold':>7} {'warm':>7}   (seconds)")
    for project in cold_doc["projects"]:
        again = warm_by_name[project["project"]]
        reused = all(state == "reused" for state in again["environments"].values())
        print(
            f"{project['project']:<18} {project['verdict']:<26} "
            f"{project['seconds']:>7.2f} {again['seconds']:>7.2f}"
            + ("" if reused else "   (warm run remade an environment)")
        )
    print(f"whole run: cold {cold:.2f} s, warm {warm:.2f} s ({cold / warm:.1f}x)")


if __name__ == "__main__":
    main()
