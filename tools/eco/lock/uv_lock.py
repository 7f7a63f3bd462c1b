"""The uv generation's lock: ``uv lock`` over a project's ``pyproject.toml``, skipping
what is current.

A uv-generation project pins its development dependencies (PEP 735
``[dependency-groups]``) and its own in one ``uv.lock``. eco runs ``uv lock`` on a copy of
the two files in a temporary folder — never in a clone's working tree — against the
ecosystem's index only (``--default-index``, ``--no-config``), with no credential in its
environment, and refuses a ``pyproject.toml`` whose ``[tool.uv]`` chooses an index or a
package's source (:func:`eco.lock.inputs.check_uv_settings`).

As for the pip-tools generation, the lock records what it was resolved from in its first
lines::

    # Locked by eco lock (uv lock). Edit pyproject.toml, not this file.
    # eco-lock-inputs: sha256:5d0c...

The digest covers what of ``pyproject.toml`` a resolution depends on (the project's name,
version, Python range and dependencies, its dependency groups, ``[tool.uv]`` and the
build system), the index and :data:`FORMAT`. When it matches, uv is not run. uv keeps
comments when a lock does not change, and ``uv lock --check`` accepts them; a hand-run
``uv lock`` that changes the file drops them, and the next ``eco lock`` resolves once.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
import tomllib
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from eco.lock.inputs import check_uv_settings
from eco.lock.requirements import FileLock
from eco.lock.requirements import LockError
from eco.lock.requirements import pin_changes
from eco.lock.requirements import recorded_digest
from eco.lock.resolvers import public_url
from eco.lock.resolvers import ResolutionError
from eco.lock.resolvers import Resolver
from eco.output import step

PYPROJECT = "pyproject.toml"
UV_LOCK = "uv.lock"
# Bump when eco changes how it runs uv lock: every uv.lock is then re-resolved once.
FORMAT = "1"
_HEADER_RE = re.compile(r"^# (?:Locked by eco lock|eco-lock-inputs: )")
_PROJECT_KEYS = ("name", "version", "dynamic", "requires-python", "dependencies")


@dataclass(frozen=True)
class UvLock:
    """The outcome of locking one project: its ``uv.lock`` text and what happened."""

    text: str | None  # None: the project has no lock and none was made
    file: FileLock


def inputs_digest(pyproject: str, index_url: str) -> str:
    """What a resolution of ``pyproject`` against ``index_url`` depends on, hashed."""
    data = _parse(pyproject)
    project = data.get("project", {})
    relevant: dict[str, Any] = {key: project.get(key) for key in _PROJECT_KEYS}
    relevant["optional-dependencies"] = project.get("optional-dependencies")
    relevant["dependency-groups"] = data.get("dependency-groups")
    relevant["tool.uv"] = data.get("tool", {}).get("uv")
    relevant["build-system"] = data.get("build-system")
    hasher = hashlib.sha256()
    # The index without credentials: rotating a token must not re-resolve everything.
    for item in (FORMAT, "uv lock", public_url(index_url)):
        hasher.update(item.encode() + b"\0")
    hasher.update(json.dumps(relevant, sort_keys=True, default=str).encode())
    return hasher.hexdigest()


def header(inputs: str) -> str:
    return (
        "# Locked by eco lock (uv lock). Edit pyproject.toml, not this file.\n"
        f"# eco-lock-inputs: sha256:{inputs}\n"
    )


def strip_header(text: str) -> str:
    lines = text.splitlines(keepends=True)
    while lines and _HEADER_RE.match(lines[0]):
        lines.pop(0)
    return "".join(lines)


def lock_pins(text: str) -> dict[str, str]:
    """``{normalized name: version}`` of every package a ``uv.lock`` pins from an index
    (the project itself and other local sources are left out)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}
    found: dict[str, str] = {}
    for package in data.get("package", []):
        source = package.get("source", {})
        if isinstance(source, dict) and ("registry" in source or "url" in source):
            found[canonicalize_name(str(package.get("name", "")))] = str(package.get("version", ""))
    return found


def lock_uv(
    pyproject: str,
    old: str | None,
    index_url: str,
    resolver: Resolver,
    *,
    upgrade: bool = False,
    upgrade_packages: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> UvLock:
    """Lock ``pyproject`` (with its current ``uv.lock``, ``old``, as the preferences).

    Raises :class:`~eco.lock.requirements.LockError` naming the file when the project
    chooses an index or uv cannot resolve it; nothing is returned then.
    """
    check_uv_settings(pyproject, PYPROJECT)
    inputs = inputs_digest(pyproject, index_url)
    pinned = lock_pins(old or "")
    concerned = tuple(p for p in upgrade_packages if canonicalize_name(p) in pinned)
    if old is not None and not upgrade and recorded_digest(old) == inputs and not concerned:
        return UvLock(old, FileLock(PYPROJECT, UV_LOCK, "unchanged"))
    packages = tuple(upgrade_packages) if recorded_digest(old or "") != inputs else concerned
    with tempfile.TemporaryDirectory(prefix="eco-uv-lock-") as tmp:
        folder = Path(tmp)
        (folder / PYPROJECT).write_text(pyproject, encoding="utf-8")
        if old is not None:
            (folder / UV_LOCK).write_text(strip_header(old), encoding="utf-8")
        try:
            with step(f"running uv lock for {PYPROJECT}"):
                body = resolver.uv_lock(
                    folder, index_url, upgrade=upgrade, upgrade_packages=packages, env=env
                )
        except ResolutionError as exc:
            raise LockError(f"{PYPROJECT}: uv lock cannot resolve: {exc}") from None
    text = header(inputs) + strip_header(body)
    if old is None:
        status = "created"
    else:
        status = "resolved" if old == text else "updated"
    changes = pin_changes(pinned, lock_pins(text))
    return UvLock(text, FileLock(PYPROJECT, UV_LOCK, status, changes))


def _parse(pyproject: str) -> dict[str, Any]:
    try:
        return tomllib.loads(pyproject)
    except tomllib.TOMLDecodeError as exc:
        raise LockError(f"{PYPROJECT}: not valid TOML ({exc})") from None
