"""``eco deprecations scan`` over ten extensions the size of the real ones.

Each of the ten projects holds one of the real-shape fixtures of
``tests/test_deprecations_real.py`` (aliased imports, ``from flask import json`` then
``json.JSONEncoder``, a version imported ``as``, ``flask.globals``, the traps) plus
``MODULES`` generated modules of ordinary extension code (imports, a ``try``/``except``
fallback, classes, functions, comprehensions), about the size of a pallets-eco
extension with its tests. Three runs, each of the six names the first trial used:

- ``also``: with ``--also flask.globals._request_ctx_stack``;
- ``upstream``: with a Flask 2.2-shaped package on eco's import path instead, read for
  its spellings;
- ``one name``: ``flask.Markup`` alone.

Clones are made beforehand with ``eco fetch``; the figures are wall-clock seconds of the
``eco deprecations scan --no-fetch`` process, printed, never asserted.
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
from tests.helpers import write_files
from tests.test_deprecations_real import NAMES
from tests.test_deprecations_real import PROJECTS
from tests.test_deprecations_spellings import FLASK

COPIES = 10
MODULES = 40

MODULE = '''"""Generated module {n}: ordinary extension code."""

from __future__ import annotations

import typing as t
from functools import wraps

from flask import current_app
from flask import request

try:
    from markupsafe import escape
except ImportError:  # pragma: no cover
    escape = str


class Handler{n}:
    """A handler; flask.Markup is mentioned only here."""

    name = "handler-{n}"

    def __init__(self, app: t.Any = None) -> None:
        self.app = app
        self.items = [escape(str(i)) for i in range(3)]

    def dispatch(self, value: str) -> str:
        config = current_app.config.get("HANDLER_{n}", {{}})
        args = {{k: v for k, v in request.args.items() if k in config}}
        return f"{{self.name}}: {{value}} {{args}}"


def decorator_{n}(func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    @wraps(func)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        for attempt in range(2):
            if attempt:
                break
        return func(*args, **kwargs)

    return wrapper
'''


def project_files(shape: dict[str, str], number: int) -> dict[str, str]:
    files = dict(shape)
    package = f"src/bench_{number}"
    files[f"{package}/__init__.py"] = ""
    for n in range(MODULES):
        files[f"{package}/module_{n}.py"] = MODULE.format(n=n)
    return files


def eco(root: Path, workspace: Path, *args: str, pythonpath: str = "") -> float:
    path = str(REPO / "tools") + (os.pathsep + pythonpath if pythonpath else "")
    env = {**os.environ, "PYTHONPATH": path, "ECO_WORKSPACE": str(workspace)}
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "eco", *args], cwd=root, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"eco {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return seconds


def main() -> None:
    shapes = list(PROJECTS.values())
    with tempfile.TemporaryDirectory(prefix="eco-bench-deprecations-") as tmp_name:
        tmp = Path(tmp_name)
        entries = ""
        for number in range(COPIES):
            files = project_files(shapes[number % len(shapes)], number)
            bare = make_bare_repo(tmp, f"p{number}", files)
            entries += f'\n[projects.p{number}]\nurl = "{bare}"\n'
        root = make_ecosystem(tmp, entries, copy=()).root
        write_files(tmp / "site", FLASK)
        workspace = tmp / "workspace"
        eco(root, workspace, "fetch")
        names = [part for name in NAMES for part in ("--name", name)]
        scan = ("deprecations", "scan", "--no-fetch")
        figures = {
            "also": eco(
                root, workspace, *scan, *names, "--also", "flask.globals._request_ctx_stack"
            ),
            "upstream": eco(root, workspace, *scan, *names, pythonpath=str(tmp / "site")),
            "one name": eco(root, workspace, *scan, "--name", "flask.Markup"),
        }
    modules = COPIES * MODULES
    print(f"eco deprecations scan, {COPIES} projects, about {modules} generated modules")
    for label, seconds in figures.items():
        print(f"{label:<10} {seconds:>6.2f} s")


if __name__ == "__main__":
    main()
