"""The examples of docs/maintainer/requirements.md, runnable: eco lock on a local index.

From the root of this repository (with eco installed)::

    python -m tests.lock_demo [DIR]

starts the test suite's local package index (pypiserver, ``tests/package_index.py``) in
DIR (default: a new temporary folder) holding small stand-ins for the packages the
skeleton's ``requirements/*.in`` name (pytest, sphinx, mypy, ...), writes a scratch
ecosystem whose ``[ecosystem] index-url`` is that index with two projects —
``flask-mail``, with the skeleton's five ``.in`` files, and ``flask-session``, whose
``tests.in`` asks for a pytest the index does not have — and runs the page's commands in
order, printing ``== N.`` before each step. No network: the index is the only one eco
and the resolvers see. The test suite runs it and compares its output with the page.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.helpers import git
from tests.helpers import make_bare_repo
from tests.helpers import make_ecosystem
from tests.helpers import REPO
from tests.package_index import PackageIndex
from tests.package_index import start_index
from tests.package_index import stop_index

# (name, version, requires): what the stand-ins depend on, as the real ones do in part
PACKAGES = [
    ("build", "1.2.2", ["packaging>=19", "pyproject-hooks"]),
    ("packaging", "24.2", []),
    ("pyproject-hooks", "1.2.0", []),
    ("sphinx", "8.1.3", ["docutils>=0.20", "jinja2>=3.1"]),
    ("docutils", "0.21.2", []),
    ("jinja2", "3.1.5", []),
    ("furo", "2024.8.6", ["sphinx>=6"]),
    ("myst-parser", "4.0.0", ["sphinx>=7", "docutils>=0.19", "markdown-it-py>=3"]),
    ("markdown-it-py", "3.0.0", []),
    ("pytest", "8.3.4", ["iniconfig", "packaging", "pluggy>=1.5"]),
    ("iniconfig", "2.0.0", []),
    ("pluggy", "1.5.0", []),
    ("mypy", "1.14.1", ["mypy-extensions>=1", "typing-extensions>=4.6"]),
    ("mypy-extensions", "1.0.0", []),
    ("typing-extensions", "4.12.2", []),
    ("pyright", "1.1.391", ["nodeenv>=1.6"]),
    ("nodeenv", "1.9.1", []),
    ("nox", "2024.10.9", []),
    ("pip-tools", "7.4.1", ["build>=1", "click>=8"]),
    ("click", "8.1.8", []),
    ("pre-commit", "4.0.1", []),
]

MAIL = {
    "requirements/build.in": "build\n",
    "requirements/docs.in": "sphinx\nfuro\nmyst-parser\n",
    "requirements/tests.in": "pytest\n",
    "requirements/typing.in": "mypy\npyright\npytest\n",
    "requirements/dev.in": (
        "-r build.in\n-r docs.in\n-r tests.in\n-r typing.in\nnox\npip-tools\npre-commit\n"
    ),
    "pyproject.toml": '[project]\nname = "flask-mail"\n',
}
SESSION = {
    "requirements/tests.in": "pytest>=9\n",
    "pyproject.toml": '[project]\nname = "flask-session"\n',
}


def step(title: str) -> None:
    print(f"\n== {title}", flush=True)


def eco(root: Path, *args: str) -> int:
    """``eco ARGS...`` in the ecosystem (its workspace beside it), output passed through."""
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO / "tools"),
        "ECO_WORKSPACE": str(root.parent / "workspace"),
    }
    return subprocess.run([sys.executable, "-m", "eco", *args], cwd=root, env=env).returncode


def run(folder: Path) -> int:
    index = start_index(folder / "index" / "packages", folder / "index" / "built", folder / "log")
    try:
        return _steps(folder, index)
    finally:
        stop_index(index.process)


def _steps(folder: Path, index: PackageIndex) -> int:
    step("0. The index and two projects")
    for name, version, requires in PACKAGES:
        index.add(name, version, requires)
    entries = ""
    for name, files in (("flask-mail", MAIL), ("flask-session", SESSION)):
        bare = make_bare_repo(folder, name, files)
        entries += f'\n[projects.{name}]\nurl = "{bare}"\n'
    ecosystem = make_ecosystem(folder, entries, copy=())
    ecosystem.use_index(index.url)
    root = ecosystem.root

    step("1. eco lock: flask-mail locked, flask-session cannot be (exit 1)")
    if eco(root, "lock") != 1:
        return 1

    step("2. Nothing changed: nothing resolved")
    if eco(root, "lock", "flask-mail") != 0:
        return 1

    step("3. A new pytest, taken on request")
    index.add("pytest", "8.3.5", ["iniconfig", "packaging", "pluggy>=1.5"])
    if eco(root, "lock", "--upgrade-package", "pytest", "flask-mail") != 0:
        return 1

    step("4. The generated tests.txt")
    clone = folder / "workspace" / "flask-mail"
    print(git("show", "eco/lock:requirements/tests.txt", cwd=clone), flush=True)
    return 0


def main(argv: list[str]) -> int:
    if argv:
        given = Path(argv[0])
        given.mkdir(parents=True, exist_ok=True)
        return run(given.resolve())
    with tempfile.TemporaryDirectory(prefix="eco-lock-demo.") as scratch:
        return run(Path(scratch))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
