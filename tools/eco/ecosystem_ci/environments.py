"""The test environments: made by uv, cached, reused while nothing they hold has changed.

One environment per project and role (``baseline``, ``candidate``), at
``<cache>/<project>/<role>``: a ``uv venv`` on a Python of the machine (uv never
downloads one: ``UV_PYTHON_DOWNLOADS=never``), the project's test requirements with its
lock's versions as constraints, the project itself (editable, from the source folder eco
exports at its branch), then each upstream override. Its key — a digest of the Python,
the index, the requirements, the project's packaging files and every override's pin — is
written into the environment last, so a half-made environment is never reused; a
matching key means no installer runs at all.

uv runs with no configuration of this machine (``--no-config``) and the ecosystem's index
only, and with token variables removed: building the project runs its build backend,
which is project code.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import sys
import threading
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from eco import output
from eco.ecosystem_ci.against import Pinned
from eco.ecosystem_ci.process import last_lines
from eco.ecosystem_ci.process import run_limited
from eco.ecosystem_ci.requirements import SuiteRequirements
from eco.errors import EcoError
from eco.secrets import clean_env
from eco.secrets import scrub
from eco.uv_binary import find_uv

KEY_FILE = "eco-environment.json"
# Bumped when what an environment holds changes shape: every cached one is then remade.
FORMAT = 1
# Environment variables that say how to reach an index, not what is installed.
_TRANSPORT = {"UV_CACHE_DIR", "UV_NO_CACHE", "UV_NATIVE_TLS", "UV_HTTP_TIMEOUT", "UV_OFFLINE"}
_PACKAGING_FILES = ("pyproject.toml", "setup.py", "setup.cfg")


class InstallError(EcoError):
    """An environment could not be made: the step and uv's reason."""


@dataclass(frozen=True)
class EnvironmentSpec:
    """Everything an environment holds; its :meth:`key` says when it must be remade."""

    python: str  # the interpreter's path
    source: Path  # the project's exported source, installed editable
    requirements: SuiteRequirements
    upstreams: tuple[Pinned, ...]
    index_url: str

    def key(self) -> str:
        packaging_files = {
            name: hashlib.sha256((self.source / name).read_bytes()).hexdigest()
            for name in _PACKAGING_FILES
            if (self.source / name).is_file()
        }
        data = {
            "format": FORMAT,
            "python": self.python,
            "index": self.index_url,
            "source": str(self.source),
            "requirements": list(self.requirements.requirements),
            "constraints": list(self.requirements.constraints),
            "extras": list(self.requirements.extras),
            "packaging": packaging_files,
            "upstreams": [[u.name, u.key] for u in self.upstreams],
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Environment:
    path: Path
    created: bool  # False: reused from the cache
    versions: dict[str, str]  # every installed distribution's version

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"


@dataclass
class Installer:
    """Makes environments with uv. ``runs`` counts the installer processes it started
    (``uv venv``, ``uv pip install``): a second run with nothing changed starts none."""

    index_url: str
    runs: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def ensure(self, folder: Path, spec: EnvironmentSpec, timeout: float) -> Environment:
        """The environment for ``spec`` at ``folder``: reused when its key matches."""
        key = spec.key()
        recorded = _read_key(folder)
        if recorded is not None and recorded.get("key") == key:
            versions = recorded.get("versions")
            return Environment(folder, False, dict(versions) if isinstance(versions, dict) else {})
        output.note(f"making the {folder.name} environment")
        if folder.exists():
            shutil.rmtree(folder)
        folder.parent.mkdir(parents=True, exist_ok=True)
        self._uv(
            ["venv", "--quiet", "--python", spec.python, str(folder)],
            folder.parent,
            timeout,
            "create the environment",
        )
        python = str(folder / "bin" / "python")
        requirements = folder / "eco-requirements.txt"
        requirements.write_text("".join(f"{r}\n" for r in spec.requirements.requirements))
        args = ["-r", str(requirements)]
        if spec.requirements.constraints:
            constraints = folder / "eco-constraints.txt"
            constraints.write_text("".join(f"{c}\n" for c in spec.requirements.constraints))
            args += ["-c", str(constraints)]
        extras = ",".join(spec.requirements.extras)
        args += ["-e", f"{spec.source}[{extras}]" if extras else str(spec.source)]
        self._install(python, args, spec.source, timeout, "the project and its test requirements")
        for upstream in spec.upstreams:
            args = ["--reinstall-package", upstream.name, upstream.install]
            self._install(python, args, spec.source, timeout, upstream.shown)
        versions = self._freeze(python, spec.source, timeout)
        (folder / KEY_FILE).write_text(json.dumps({"key": key, "versions": versions}, indent=2))
        return Environment(folder, True, versions)

    def _install(self, python: str, args: list[str], cwd: Path, timeout: float, what: str) -> None:
        """``uv pip install`` into ``python``'s environment from the index only."""
        pip = ["pip", "install", "--python", python, "--index-url", self.index_url]
        self._uv([*pip, *args], cwd, timeout, f"install {what}")

    def _uv(self, args: list[str], cwd: Path, timeout: float, step: str) -> str:
        with self._lock:
            self.runs += 1
        finished = run_limited([uv_binary(), *args, "--no-config"], cwd, installer_env(), timeout)
        if finished.timed_out:
            raise InstallError(f"could not {step}: the time limit passed")
        if finished.returncode != 0:
            raise InstallError(f"could not {step}: {scrub(last_lines(finished.output))}")
        return finished.output

    def _freeze(self, python: str, cwd: Path, timeout: float) -> dict[str, str]:
        finished = run_limited(
            [uv_binary(), "pip", "list", "--format", "json", "--python", python, "--no-config"],
            cwd,
            installer_env(),
            timeout,
        )
        if finished.returncode != 0:
            raise InstallError(
                f"could not list the environment: {scrub(last_lines(finished.output))}"
            )
        output = finished.output
        listed = json.loads(output[output.find("[") : output.rfind("]") + 1])
        return {canonicalize_name(str(p["name"])): str(p["version"]) for p in listed}


def _read_key(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / KEY_FILE).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def installer_env() -> dict[str, str]:
    """The environment uv runs in: no token, no pip/uv settings of this machine, no
    Python download, no active virtual environment."""
    env = {
        key: value
        for key, value in clean_env(os.environ).items()
        if (not key.startswith(("PIP_", "UV_")) or key in _TRANSPORT)
        and key not in ("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONPATH", "PYTHONHOME")
    }
    env.update({"UV_NO_CONFIG": "1", "UV_PYTHON_DOWNLOADS": "never", "UV_NO_PROGRESS": "1"})
    return env


def uv_binary() -> str:
    """The ``uv`` executable (:func:`eco.uv_binary.find_uv`); eco test cannot run without it."""
    found = find_uv()
    if found is None:
        raise EcoError("eco test needs uv: pip install uv")
    return found


@functools.cache
def find_python(version: str) -> str | None:
    """The path of a Python ``version`` on this machine, as uv finds it (never downloaded)."""
    finished = run_limited(
        [
            uv_binary(),
            "python",
            "find",
            "--system",
            "--no-python-downloads",
            "--no-config",
            version,
        ],
        Path.cwd(),
        installer_env(),
        60,
    )
    if finished.returncode != 0:
        return None
    # uv's warnings (an unusable interpreter on PATH) share the output: keep the path
    paths = [line.strip() for line in finished.output.splitlines() if Path(line.strip()).is_file()]
    return paths[-1] if paths else None


def choose_python(versions: tuple[str, ...]) -> tuple[str, str | None]:
    """``(interpreter, note)``: the newest of ``versions`` found here, else this Python."""
    for version in sorted(
        (v for v in versions if not v.endswith("t")), key=_version_key, reverse=True
    ):
        found = find_python(version)
        if found:
            return found, None
    current = f"{sys.version_info.major}.{sys.version_info.minor}"
    wanted = ", ".join(versions)
    return sys.executable, f"none of Python {wanted} found on this machine; ran under {current}"


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.rstrip("t").split("."))
