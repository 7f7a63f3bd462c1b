"""The version in ``pyproject.toml``: read it, and rewrite exactly its one line.

Pallets projects carry a static ``[project] version``, with ``.dev`` between releases
(``3.2.0.dev``); a release drops the suffix and the next one adds it back.
"""

from __future__ import annotations

import re
import tomllib

from packaging.version import InvalidVersion
from packaging.version import Version

from eco.errors import EcoError

_DEV = re.compile(r"\.dev\d*$")
_TABLE = re.compile(r"^\s*\[([^\[\]]+)\]\s*(#.*)?$")
_VERSION = re.compile(r"""^(\s*version\s*=\s*)(["'])([^"']*)\2(.*)$""")


def read_version(text: str, where: str = "pyproject.toml") -> str:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise EcoError(f"{where}: invalid TOML: {exc}") from None
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


def is_dev(version: str) -> bool:
    return bool(_DEV.search(version))


def parse(version: str, what: str = "version") -> Version:
    try:
        return Version(version)
    except InvalidVersion:
        raise EcoError(f"{what} {version!r} is not a PEP 440 version (expected A.B.C)") from None


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
