"""The two lock backends, pip-compile and ``uv pip compile``, behind one small interface.

A :class:`Resolver` compiles one ``X.in`` into ``X.txt`` inside a folder. Both backends
are run the same way: only the ecosystem's index (``--index-url``), no extra index, no
find-links, none of the machine's pip or uv configuration (``PIP_CONFIG_FILE`` is the
null device, ``UV_NO_CONFIG=1``, every resolution-changing ``PIP_*``/``UV_*`` variable
dropped), so a lock depends on the requirements, the index and the Python, never on the
maintainer's machine. Transport settings (certificates, proxies, timeouts, cache folders)
are kept; credentials are not (:func:`eco.secrets.clean_env`): resolving an sdist runs its
build backend.

pip-compile has no ``--python-version``: it resolves for the interpreter it runs under.
:func:`pip_tools_python` finds an interpreter of the wanted version that has pip-tools;
when there is none, the current interpreter is used and the lock says so (its header
records the Python the pins were resolved for). ``uv pip compile`` takes
``--python-version`` and resolves for any version.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from eco.secrets import clean_env
from eco.uv_binary import find_uv

BACKENDS = ("pip-tools", "uv")

# Environment variables that only say *how* to reach an index, not *what* resolves.
_TRANSPORT = {
    "PIP_CERT",
    "PIP_CLIENT_CERT",
    "PIP_PROXY",
    "PIP_TIMEOUT",
    "PIP_DEFAULT_TIMEOUT",
    "PIP_RETRIES",
    "PIP_CACHE_DIR",
    "PIP_NO_CACHE_DIR",
    "UV_CACHE_DIR",
    "UV_NO_CACHE",
    "UV_NATIVE_TLS",
    "UV_HTTP_TIMEOUT",
    "UV_CONCURRENT_DOWNLOADS",
    "UV_OFFLINE",
}

Run = Callable[[Sequence[str], Path, Mapping[str, str]], "subprocess.CompletedProcess[str]"]


def public_url(url: str) -> str:
    """``url`` without any ``user:password@`` part: what may be shown, hashed or written."""
    return re.sub(r"^(\w[\w+.-]*://)[^/@]*@", r"\1", url)


def resolver_env(index_url: str, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment a resolver runs in: ``base`` without the machine's pip/uv settings
    and without any credential (a resolver builds sdists: their code runs in it)."""
    env = {
        key: value
        for key, value in clean_env(base).items()
        if not key.startswith(("PIP_", "UV_")) or key in _TRANSPORT
    }
    env.update(
        {
            "PIP_CONFIG_FILE": os.devnull,  # pip reads no configuration file at all
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PIP_NO_INPUT": "1",
            "PIP_INDEX_URL": index_url,
            "UV_NO_CONFIG": "1",
            "UV_DEFAULT_INDEX": index_url,
            "UV_NO_PROGRESS": "1",
        }
    )
    return env


def _run(
    args: Sequence[str], cwd: Path, env: Mapping[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=cwd, env=dict(env), capture_output=True, text=True)


@dataclass(frozen=True)
class Request:
    """Compile ``source`` (an ``.in`` file in ``folder``) to ``target``."""

    folder: Path
    source: str
    target: str
    index_url: str
    python: str
    upgrade: bool = False
    upgrade_packages: tuple[str, ...] = ()


class ResolutionError(Exception):
    """The resolver could not pin the requirements; the message names the culprit."""


@dataclass
class Resolver:
    """One backend. ``runs`` counts the resolver processes started (tests assert on it)."""

    backend: str
    run: Run = _run
    runs: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(f"unknown lock backend {self.backend!r}")

    def python_for(self, wanted: str) -> str:
        """The Python version the pins will be resolved for when ``wanted`` is asked."""
        if self.backend == "uv":
            return wanted
        return pip_tools_python(wanted)[1]

    def command(self, request: Request) -> list[str]:
        if self.backend == "uv":
            args = [
                uv_binary(),
                "pip",
                "compile",
                "--quiet",
                "--no-config",
                "--no-header",
                "--index-url",
                request.index_url,
                "--python-version",
                request.python,
                # Resolve for --python-version, but run with this interpreter: without it
                # uv first searches the machine for that Python (seconds per file).
                "--python",
                sys.executable,
            ]
        else:
            args = [
                pip_tools_python(request.python)[0],
                "-m",
                "piptools",
                "compile",
                "--quiet",
                "--no-header",
                "--strip-extras",
                "--allow-unsafe",
                "--no-emit-index-url",
                "--no-emit-trusted-host",
                "--index-url",
                request.index_url,
            ]
        if request.upgrade:
            args.append("--upgrade")
        for package in request.upgrade_packages:
            args += ["--upgrade-package", package]
        return [*args, "--output-file", request.target, request.source]

    def compile(self, request: Request, env: Mapping[str, str] | None = None) -> str:
        """Run the backend; return the compiled text, or raise :class:`ResolutionError`."""
        with self._lock:
            self.runs += 1
        proc = self.run(self.command(request), request.folder, resolver_env(request.index_url, env))
        if proc.returncode != 0:
            raise ResolutionError(failure_reason(proc.stderr + "\n" + proc.stdout))
        return (request.folder / request.target).read_text(encoding="utf-8")

    def uv_lock(
        self,
        folder: Path,
        index_url: str,
        *,
        upgrade: bool = False,
        upgrade_packages: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
    ) -> str:
        """Run ``uv lock`` in ``folder`` (a copy of the project's ``pyproject.toml`` and
        ``uv.lock``) against ``index_url`` only; return the new ``uv.lock`` text, or raise
        :class:`ResolutionError`. The uv generation's lock, whatever the backend."""
        with self._lock:
            self.runs += 1
        args = [
            uv_binary(),
            "lock",
            "--quiet",
            "--no-config",  # no uv.toml, no [tool.uv] settings of this machine or project
            "--default-index",
            index_url,
            "--no-python-downloads",
            # uv lock resolves for every Python of requires-python; this one only runs it.
            "--python",
            sys.executable,
        ]
        if upgrade:
            args.append("--upgrade")
        for package in upgrade_packages:
            args += ["--upgrade-package", package]
        proc = self.run(args, folder, resolver_env(index_url, env))
        if proc.returncode != 0:
            raise ResolutionError(failure_reason(proc.stderr + "\n" + proc.stdout))
        return (folder / "uv.lock").read_text(encoding="utf-8")


def uv_binary() -> str:
    """The ``uv`` executable (:func:`eco.uv_binary.find_uv`), or the project fails saying so."""
    found = find_uv()
    if found is None:
        raise ResolutionError("the uv backend needs uv: pip install uv")
    return found


@functools.cache
def pip_tools_python(wanted: str) -> tuple[str, str]:
    """``(interpreter, version)`` to run pip-compile under for Python ``wanted``.

    The current interpreter when it is that version; else ``pythonX.Y`` on ``PATH`` or a
    pyenv install of that version, if it can import pip-tools; else the current
    interpreter (and its version, which is what the lock will record).
    """
    current = f"{sys.version_info.major}.{sys.version_info.minor}"
    if wanted.rstrip("t") == current:
        return sys.executable, current
    for candidate in _candidates(wanted.rstrip("t")):
        probe = subprocess.run(
            [candidate, "-c", "import piptools"], capture_output=True, check=False
        )
        if probe.returncode == 0:
            return candidate, wanted.rstrip("t")
    return sys.executable, current


def _candidates(version: str) -> list[str]:
    found = []
    on_path = shutil.which(f"python{version}")
    if on_path:
        found.append(on_path)
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    if pyenv.is_dir():
        for folder in sorted(pyenv.glob(f"{version}.*"), reverse=True):
            exe = folder / "bin" / f"python{version}"
            if exe.is_file():
                found.append(str(exe))
    return found


# Lines of resolver output that say what went wrong.
_REASON_PATTERNS = (
    re.compile(r"^\s*(?:ERROR|error): (?P<text>.+)$"),
    re.compile(r"^\s*(?:cause|hint): (?P<text>.+)$"),
    re.compile(r"^[\s╰─▶│|]*(?P<text>Because .+)$"),
    re.compile(r"^\s*(?P<text>The user requested .+)$"),
    re.compile(r"^\s*(?P<text>\S+ \S+ depends on .+)$"),
    re.compile(r"^\S+\.(?:DistributionNotFound|InstallationError): (?P<text>.+)$"),
)
# pip's ResolutionImpossible lists each conflicting requirement and who asked for it.
_CONFLICT_RE = re.compile(
    r"RequirementInformation\(requirement=\w+\('(?P<req>[^']+)'\), "
    r"parent=(?P<parent>None|[^\n]*?)\)(?=, Req|\]$)",
    re.MULTILINE,
)
_DIST_FILE_RE = re.compile(
    r"/([A-Za-z0-9_.]+?)-(\d[^-/#\s']*?)(?:-[^/#\s']+)?\.(?:whl|tar\.gz|zip)\b"
)
_NOISE = ("Traceback", "[", "ResolutionImpossible: for help")


def failure_reason(output: str) -> str:
    """One line naming what could not be resolved, from pip-compile's or uv's output."""
    reasons: list[str] = []
    indent = -1  # the indentation of the last reason, to join its continuation lines
    for raw in output.splitlines():
        line = raw.rstrip()
        for pattern in _REASON_PATTERNS:
            match = pattern.match(line)
            if match:
                text = match.group("text").strip()
                if text and text not in reasons and not text.startswith(_NOISE):
                    reasons.append(text)
                    indent = len(line) - len(line.lstrip())
                break
        else:
            depth = len(line) - len(line.lstrip())
            if reasons and indent >= 0 and depth > indent and line.strip()[:1].isalpha():
                reasons[-1] += " " + line.strip()
            else:
                indent = -1
    conflicts = [
        _conflict(m.group("req"), m.group("parent")) for m in _CONFLICT_RE.finditer(output)
    ]
    if len(conflicts) > 1:  # one alone is the requirement already named above
        reasons.append("conflicting: " + ", ".join(conflicts))
    if not reasons:
        tail = [line.strip() for line in output.splitlines() if line.strip()]
        reasons = tail[-2:] or ["the resolver failed without saying why"]
    return "; ".join(reasons)


def _conflict(requirement: str, parent: str) -> str:
    if parent == "None":
        return f"{requirement} (requested)"
    dist = _DIST_FILE_RE.search(parent)
    if dist:
        name = dist.group(1).replace("_", "-").lower()
        return f"{requirement} (from {name} {dist.group(2)})"
    return f"{requirement} (from a dependency)"
