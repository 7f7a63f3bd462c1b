"""A real local package index for the tests: pypiserver serving wheels the tests build.

Fixture API
-----------

``package_index`` (session-scoped, registered in ``tests/conftest.py``) starts
``pypi-server run`` on ``127.0.0.1`` at a free port, serving a temporary folder with
uploads open to anyone (``-a . -P .``), no fallback to PyPI, no caching backend. It polls
the health endpoint until the server answers (no fixed sleep) and stops the server at the
end of the session. It yields a :class:`PackageIndex`:

``index.url``
    The simple index, ``http://127.0.0.1:PORT/simple/`` (give it to pip/uv as
    ``--index-url``).
``index.upload_url``
    ``http://127.0.0.1:PORT/`` (twine's ``--repository-url``).
``index.folder``
    The served folder.
``index.add(name, version, requires=(), requires_python=None) -> Path``
    Build a wheel with :func:`make_wheel` and publish it; returns the served file.
``index.publish(*files) -> list[Path]``
    Copy distribution files into the served folder (fast; visible at once).
``index.upload(*files) -> None``
    Upload through ``twine upload`` (the real upload path, about a second per call).
``index.versions(name) -> list[str]``
    The versions of ``name`` the index lists, read back over HTTP.
``index.env(base=None) -> dict[str, str]``
    An environment in which pip, pip-compile and uv see only this index: every
    ``PIP_*``/``UV_*`` variable of the machine dropped, ``PIP_CONFIG_FILE=/dev/null``
    (so ``/etc/pip.conf`` and ``/etc/xdg/pip/pip.conf`` are ignored), ``UV_NO_CONFIG=1``,
    and the index URL set for both.

The index is shared by the whole session: name your test packages after your test
(``lock-upgrade-a``), so that publishing a new version cannot change another test's
resolution.

Wheels without a server: :func:`make_wheel(folder, name, version, requires=...)
<make_wheel>` writes a valid pure-Python ``py3-none-any`` wheel (``METADATA`` with
``Requires-Dist``/``Requires-Python``, ``WHEEL``, ``RECORD`` with hashes) that pip and uv
install and resolve.
"""

from __future__ import annotations

import base64
import hashlib
import html.parser
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

# How long the server may take to answer after it was started, polled every few ms.
START_TIMEOUT = 30.0


def _wheel_name(name: str) -> str:
    """The distribution name as it appears in wheel file names (PEP 427/491)."""
    return canonicalize_name(name).replace("-", "_")


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return f"sha256={digest.decode()}"


def make_wheel(
    folder: Path,
    name: str,
    version: str,
    requires: Sequence[str] = (),
    *,
    requires_python: str | None = None,
    summary: str = "",
) -> Path:
    """Write ``folder/<name>-<version>-py3-none-any.whl`` and return its path.

    ``requires`` are PEP 508 requirement strings (``"other>=1"``,
    ``'extra-dep; extra == "x"'``): written as ``Requires-Dist``; extras named in
    markers are declared with ``Provides-Extra``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    dist = _wheel_name(name)
    module = dist
    info = f"{dist}-{version}.dist-info"
    metadata = [
        "Metadata-Version: 2.1",
        f"Name: {name}",
        f"Version: {version}",
        f"Summary: {summary or f'{name}, a test package'}",
    ]
    if requires_python:
        metadata.append(f"Requires-Python: {requires_python}")
    extras = sorted(set(re.findall(r"""extra\s*==\s*['"]([^'"]+)['"]""", " ".join(requires))))
    metadata += [f"Provides-Extra: {extra}" for extra in extras]
    metadata += [f"Requires-Dist: {req}" for req in requires]
    files: dict[str, bytes] = {
        f"{module}/__init__.py": f'__version__ = "{version}"\n'.encode(),
        f"{info}/METADATA": ("\n".join(metadata) + "\n").encode(),
        f"{info}/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: eco-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record = [f"{path},{_record_hash(data)},{len(data)}" for path, data in files.items()]
    record.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    path = folder / f"{dist}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, data in files.items():
            # A fixed date: the same inputs give the same bytes (and the same hashes).
            archive.writestr(zipfile.ZipInfo(member, date_time=(2020, 1, 1, 0, 0, 0)), data)
    return path


def isolated_env(index_url: str, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (default ``os.environ``) with pip and uv pointed at ``index_url`` only."""
    env = {
        key: value
        for key, value in (os.environ if base is None else base).items()
        if not key.startswith(("PIP_", "UV_"))
    }
    env.update(
        {
            "PIP_CONFIG_FILE": os.devnull,
            "PIP_INDEX_URL": index_url,
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "UV_NO_CONFIG": "1",
            "UV_INDEX_URL": index_url,
        }
    )
    return env


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.names.append("")

    def handle_data(self, data: str) -> None:
        if self.names and not self.names[-1]:
            self.names[-1] = data.strip()


@dataclass
class PackageIndex:
    """A running pypiserver: see the module docstring."""

    folder: Path
    port: int
    process: subprocess.Popen[bytes]
    scratch: Path

    @property
    def upload_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/simple/"

    def publish(self, *files: Path) -> list[Path]:
        out = []
        for file in files:
            target = self.folder / file.name
            partial = target.with_name(target.name + ".part")
            shutil.copyfile(file, partial)
            partial.replace(target)  # atomic: the server never lists a half-written file
            out.append(target)
        return out

    def upload(self, *files: Path) -> None:
        env = isolated_env(self.url)
        env.update(
            {"TWINE_USERNAME": "eco", "TWINE_PASSWORD": "unused", "TWINE_NON_INTERACTIVE": "1"}
        )
        subprocess.run(
            [
                sys.executable,
                "-m",
                "twine",
                "upload",
                "--disable-progress-bar",
                "--repository-url",
                self.upload_url,
                *map(str, files),
            ],
            env=env,
            check=True,
            capture_output=True,
        )

    def add(
        self,
        name: str,
        version: str,
        requires: Sequence[str] = (),
        *,
        requires_python: str | None = None,
    ) -> Path:
        wheel = make_wheel(self.scratch, name, version, requires, requires_python=requires_python)
        return self.publish(wheel)[0]

    def versions(self, name: str) -> list[str]:
        try:
            with urllib.request.urlopen(
                f"{self.url}{canonicalize_name(name)}/", timeout=10
            ) as resp:
                page = resp.read().decode()
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return []
            raise
        parser = _Links()
        parser.feed(page)
        prefix = _wheel_name(name) + "-"
        found = {
            file.removeprefix(prefix).split("-")[0]
            for file in parser.names
            if file.lower().startswith(prefix.lower()) and file.endswith(".whl")
        }
        return sorted(found)

    def env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        return isolated_env(self.url, base)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as resp:
            status: int = resp.status
            return status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def start_index(folder: Path, scratch: Path, log: Path) -> PackageIndex:
    """Start pypiserver serving ``folder``; retry on another port if the one chosen was taken."""
    folder.mkdir(parents=True, exist_ok=True)
    scratch.mkdir(parents=True, exist_ok=True)
    for _attempt in range(5):
        port = _free_port()
        with log.open("ab") as out:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "pypiserver",
                    "run",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "-a",
                    ".",
                    "-P",
                    ".",
                    "--disable-fallback",
                    "--backend",
                    "simple-dir",
                    "--hash-algo",
                    "sha256",
                    str(folder),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                env={k: v for k, v in os.environ.items() if not k.startswith("PIP_")},
            )
        deadline = time.monotonic() + START_TIMEOUT
        delay = 0.01
        while process.poll() is None and time.monotonic() < deadline:
            if _answers(port):
                return PackageIndex(folder=folder, port=port, process=process, scratch=scratch)
            time.sleep(delay)  # polling back-off, not a fixed wait for readiness
            delay = min(delay * 2, 0.2)
        stop_index(process)
    raise RuntimeError(f"pypiserver did not start; see {log}:\n{log.read_text()[-2000:]}")


def stop_index(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def package_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PackageIndex]:
    """A pypiserver on 127.0.0.1 for the whole session (see the module docstring)."""
    base = tmp_path_factory.mktemp("package-index")
    index = start_index(base / "packages", base / "built", base / "server.log")
    try:
        yield index
    finally:
        stop_index(index.process)
