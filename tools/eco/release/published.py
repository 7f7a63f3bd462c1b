"""What the package index holds for a release, to rebuild it comparably and compare.

A build is byte-for-byte reproducible only with the same build backend *version*: flit
3.12 and flit 3.10 write different bytes from the same commit (the wheel's ``WHEEL``
file alone names the generator). A published wheel says which backend made it
(``Generator: flit 3.11.0``), so a rebuild of its tag can pin that version and compare
with the index's hashes. An sdist records no generator: it can only be rebuilt with the
wheel's backend version, which is the right one when the publish workflow built both in
one ``python -m build`` run, as the Pallets workflow does.
"""

from __future__ import annotations

import email.parser
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion
from packaging.version import Version

from eco import index as simple_index
from eco.git.run import git

# The backend distribution behind each ``Generator:`` name a wheel may carry.
GENERATORS = {
    "flit": "flit_core",
    "hatchling": "hatchling",
    "hatch": "hatchling",
    "setuptools": "setuptools",
    "poetry-core": "poetry-core",
    "poetry": "poetry-core",
    "pdm-backend": "pdm-backend",
    "maturin": "maturin",
    "uv": "uv_build",
}


@dataclass(frozen=True)
class Published:
    """The files of one release on the index, and the backend its wheel names."""

    version: str
    hashes: dict[str, str | None]  # file name -> the index's SHA-256 (None: not given)
    generator: str | None  # "flit 3.11.0", from the wheel's WHEEL file
    pin: str | None  # "flit_core==3.11.0": what the rebuild installs
    why_not: str = ""  # why there is no pin, when there is none


def look_up(index_url: str, name: str, version: str) -> Published | None:
    """The release on the index, or ``None`` when the index has no file of it.

    Raises :class:`eco.index.PackageIndexError` when the index cannot be read."""
    files = simple_index.release_files(index_url, name, version)
    if not files:
        return None
    hashes = {f.filename: f.sha256 for f in files}
    wheels = [f for f in files if f.filename.endswith(".whl")]
    if not wheels:
        return Published(version, hashes, None, None, "the release has no wheel to read it from")
    generator = wheel_generator(simple_index.fetch(wheels[0].url))
    if generator is None:
        return Published(version, hashes, None, None, f"{wheels[0].filename} names no Generator")
    pin = backend_requirement(generator)
    why = "" if pin else f"eco does not know which distribution {generator!r} is"
    return Published(version, hashes, generator, pin, why)


def wheel_generator(wheel: bytes) -> str | None:
    """The ``Generator:`` of a wheel's ``*.dist-info/WHEEL`` file."""
    try:
        with zipfile.ZipFile(io.BytesIO(wheel)) as archive:
            names = [n for n in archive.namelist() if re.fullmatch(r"[^/]+\.dist-info/WHEEL", n)]
            if not names:
                return None
            text = archive.read(names[0]).decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, KeyError):
        return None
    value = email.parser.Parser().parsestr(text).get("Generator")
    return value.strip() if value else None


def backend_requirement(generator: str) -> str | None:
    """``flit 3.11.0`` -> ``flit_core==3.11.0``; ``setuptools (80.9.0)`` ->
    ``setuptools==80.9.0``. ``None`` for a generator that does not name the backend
    (``bdist_wheel (0.43.0)``: the wheel package, not setuptools)."""
    match = re.fullmatch(r"([A-Za-z0-9_.-]+)\s+\(?v?([0-9][0-9A-Za-z.+!-]*)\)?", generator.strip())
    if not match:
        return None
    backend = GENERATORS.get(match.group(1).lower())
    return f"{backend}=={match.group(2)}" if backend else None


def for_tag(repo: Path, name: str, rev: str, index_url: str) -> tuple[Published | None, str | None]:
    """The release the tag ``rev`` (``1.2.0`` or ``v1.2.0``) made, as the index has it,
    and a line to say when there is nothing to compare with (``rev`` is not a tag of a
    version: neither). An index that cannot be read is said, not fatal."""
    if not git("rev-parse", "-q", "--verify", f"refs/tags/{rev}", cwd=repo, check=False):
        return None, None
    try:
        version = str(Version(rev.removeprefix("v")))
    except InvalidVersion:
        return None, None
    try:
        found = look_up(index_url, name, version)
    except simple_index.PackageIndexError as exc:
        return None, f"warning: {exc.message}; not compared with the published files"
    if found is None:
        return None, f"{name} {version} is not on {index_url}: nothing to compare"
    return found, None
