"""The project's version: read it, and rewrite exactly its one line.

Pallets projects carry a static ``[project] version``, with ``.dev`` between releases
(``3.2.0.dev``); a release drops the suffix and the next one adds it back. Older
generations declared ``dynamic = ["version"]`` and let flit read ``__version__`` from the
package's ``__init__.py``: then that line is the one read and rewritten.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass

from packaging.version import InvalidVersion
from packaging.version import Version

from eco.errors import EcoError

_DEV = re.compile(r"\.dev\d*$")
_TABLE = re.compile(r"^\s*\[([^\[\]]+)\]\s*(#.*)?$")
_VERSION = re.compile(r"""^(\s*version\s*=\s*)(["'])([^"']*)\2(.*)$""")


PYPROJECT = "pyproject.toml"
_DUNDER = re.compile(r"""^(__version__\s*(?::\s*str\s*)?=\s*)(["'])([^"']*)\2(.*)$""")


@dataclass(frozen=True)
class VersionSource:
    """Where the version is written: ``pyproject.toml`` or the module's ``__init__.py``."""

    path: str
    text: str
    version: str

    def with_version(self, new: str) -> str:
        if self.path == PYPROJECT:
            return set_version(self.text, new, self.path)
        return _set_dunder(self.text, new, self.path)


def locate(read: Callable[[str], str]) -> VersionSource:
    """The version and the file holding it; ``read(path)`` raises :class:`EcoError` for a
    file that does not exist (at the commit being released)."""
    text = read(PYPROJECT)
    data = _toml(text, PYPROJECT)
    project = data.get("project")
    if isinstance(project, dict) and "version" in project.get("dynamic", []):
        module = _flit_module(data, project)
        candidates = [f"src/{module}/__init__.py", f"{module}/__init__.py"]
        candidates += [f"src/{module}.py", f"{module}.py"]
        for path in candidates:
            try:
                source = read(path)
            except EcoError:
                continue
            for line in source.splitlines():
                match = _DUNDER.match(line)
                if match:
                    return VersionSource(path, source, match.group(3))
            raise EcoError(
                f'{path}: no __version__ = "..." line, and {PYPROJECT} declares the version dynamic'
            )
        raise EcoError(
            f"{PYPROJECT}: the version is dynamic, but none of {', '.join(candidates)} exists"
        )
    return VersionSource(PYPROJECT, text, read_version(text, PYPROJECT))


def _flit_module(data: dict[str, object], project: dict[str, object]) -> str:
    tool = data.get("tool")
    flit = tool.get("flit") if isinstance(tool, dict) else None
    module = flit.get("module") if isinstance(flit, dict) else None
    name = module.get("name") if isinstance(module, dict) else None
    if isinstance(name, str):
        return name
    return re.sub(r"[-.]+", "_", str(project.get("name", ""))).lower()


def _set_dunder(text: str, new: str, where: str) -> str:
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        body = line.rstrip("\r\n")
        match = _DUNDER.match(body)
        if match:
            prefix, quote, _old, rest = match.groups()
            lines[index] = f"{prefix}{quote}{new}{quote}{rest}{line[len(body) :]}"
            return "".join(lines)
    raise EcoError(f'{where}: no __version__ = "..." line')


def _toml(text: str, where: str) -> dict[str, object]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise EcoError(f"{where}: invalid TOML: {exc}") from None


def read_version(text: str, where: str = "pyproject.toml") -> str:
    data = _toml(text, where)
    project = data.get("project")
    if not isinstance(project, dict):
        raise EcoError(f"{where}: no [project] table")
    version = project.get("version")
    if not isinstance(version, str):
        dynamic = "version" in project.get("dynamic", [])
        raise EcoError(
            f"{where}: [project] version is "
            + ("dynamic" if dynamic else "missing")
            + '; eco releases projects with a static version = "A.B.C.dev"'
        )
    return version


def release_of(version: str) -> str:
    """``3.2.0.dev`` -> ``3.2.0``; a version without ``.dev`` is returned as it is."""
    return _DEV.sub("", version)


def prerelease_of(version: str) -> str | None:
    """``3.2.0rc1`` -> ``3.2.0`` (the final release it leads to); ``None`` for a final one."""
    parsed = parse(version)
    return parsed.base_version if parsed.pre is not None else None


def can_release(current: str, version: str) -> bool:
    """Whether a branch at ``current`` may be released as ``version``: its own version
    without ``.dev``, or, on the way to the same final release, a later pre-release or the
    final one (``3.2.0.dev`` or ``3.2.0rc1`` -> ``3.2.0rc2`` or ``3.2.0``)."""
    ours, wanted = parse(release_of(current)), parse(version)
    if ours == wanted:
        return True
    return ours.base_version == wanted.base_version and parse(current) < wanted


def is_dev(version: str) -> bool:
    return bool(_DEV.search(version))


def parse(version: str, what: str = "version") -> Version:
    try:
        return Version(version)
    except InvalidVersion:
        raise EcoError(f"{what} {version!r} is not a PEP 440 version (expected A.B.C)") from None


def normal(version: str, what: str = "version") -> str:
    """``version`` as given, if it is in PEP 440's normal form (what the tag, the branch
    and the files will say); ``v1.2.0`` or ``1.2.0-RC1`` are refused with the normal form."""
    canonical = str(parse(version, what))
    if canonical != version:
        raise EcoError(f"{what} {version!r} is not written in its normal form: use {canonical!r}")
    return version


def set_version(text: str, new: str, where: str = "pyproject.toml") -> str:
    """Rewrite the ``version = "..."`` line of ``[project]``; every other byte stays."""
    lines = text.splitlines(keepends=True)
    table = None
    for index, line in enumerate(lines):
        header = _TABLE.match(line)
        if header:
            table = header.group(1).strip()
            continue
        match = _VERSION.match(line.rstrip("\r\n"))
        if table == "project" and match:
            ending = line[len(line.rstrip("\r\n")) :]
            prefix, quote, _old, rest = match.groups()
            lines[index] = f"{prefix}{quote}{new}{quote}{rest}{ending}"
            return "".join(lines)
    raise EcoError(f'{where}: no version = "..." line in [project]')
