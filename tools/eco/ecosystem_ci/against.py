"""``--against`` and ``--baseline``: which upstream to install, read from one argument.

Three spellings, as a maintainer would write them:

- a requirement on the index: ``flask==3.2.0rc1`` (a pre-release is allowed when the
  specifier names one, as pip and uv do);
- a direct git reference: ``flask @ git+https://github.com/pallets/flask@REF``;
- a local checkout: ``flask=../flask`` (``NAME=PATH``).

:func:`parse_upstream` checks the text (bad input is an :class:`~eco.errors.EcoError`,
exit 2); :func:`pin` then fixes what exactly will be installed — the commit a git ref
names, a digest of a checkout's files — so a cached environment is reused only while
the candidate is the same.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from eco.errors import EcoError
from eco.secrets import clean_env
from eco.secrets import scrub

Kind = Literal["index", "git", "path"]

_PATH_RE = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)=(?!=)(?P<path>.+)$")
_SHA_RE = re.compile(r"^[0-9a-f]{40}$")
_GIT_SCHEMES = ("git+https", "git+http", "git+ssh", "git+file")
# Folders of a checkout that are not its source: left out of the candidate's digest.
_NOT_SOURCE = {".git", ".hg", ".venv", ".nox", ".tox", "__pycache__", "build", "dist", ".eggs"}
EXPECTED = (
    "expected a requirement on the index (flask==3.2.0rc1), "
    "a git reference (flask @ git+https://github.com/pallets/flask@main) "
    "or a local checkout (flask=PATH)"
)


@dataclass(frozen=True)
class Upstream:
    """One upstream package to install, as given on the command line."""

    text: str
    name: str  # canonical distribution name
    kind: Kind
    requirement: str = ""  # index: the requirement as written
    url: str = ""  # git: the repository URL, without git+ and the ref
    ref: str = ""  # git: the branch, tag or commit ("" for the remote's HEAD)
    path: Path | None = None  # path: the checkout


@dataclass(frozen=True)
class Pinned:
    """An upstream fixed to what will be installed: ``install`` for uv, ``key`` for the cache."""

    upstream: Upstream
    install: str
    key: str

    @property
    def name(self) -> str:
        return self.upstream.name

    @property
    def shown(self) -> str:
        """How reports name it: the text given (a password in a URL masked), with a git
        ref's commit."""
        if self.upstream.kind == "git":
            return scrub(f"{self.upstream.text} ({self.key[:12]})")
        return scrub(self.upstream.text)


def parse_upstream(text: str, option: str = "--against", base: Path | None = None) -> Upstream:
    """Read one ``--against``/``--baseline`` value; raise :class:`EcoError` if it is none of
    the three spellings. A relative ``PATH`` is taken from ``base`` (the current folder)."""
    given = text.strip()
    where = f"{option} {given!r}"
    match = _PATH_RE.match(given)
    if match:
        path = Path(match.group("path")).expanduser()
        if not path.is_absolute():
            path = (base or Path.cwd()) / path
        path = path.resolve()
        if not (path / "pyproject.toml").is_file() and not (path / "setup.py").is_file():
            raise EcoError(
                f"{where}: {path} is not a project checkout (no pyproject.toml or setup.py)"
            )
        name = canonicalize_name(match.group("name"))
        return Upstream(given, name, "path", path=path)
    try:
        requirement = Requirement(given)
    except InvalidRequirement as exc:
        reason = str(exc).strip().splitlines()[0]  # packaging adds a caret diagram below
        raise EcoError(f"{where}: {reason}; {EXPECTED}") from None
    if requirement.marker is not None:
        raise EcoError(f"{where}: an environment marker has no meaning here; {EXPECTED}")
    name = canonicalize_name(requirement.name)
    if requirement.url is None:
        return Upstream(given, name, "index", requirement=given)
    scheme = urlsplit(requirement.url).scheme
    if scheme not in _GIT_SCHEMES:
        raise EcoError(f"{where}: a direct reference must be a git URL ({', '.join(_GIT_SCHEMES)})")
    url, ref = _split_ref(requirement.url.removeprefix("git+"))
    return Upstream(given, name, "git", url=url, ref=ref)


def _split_ref(url: str) -> tuple[str, str]:
    """``https://host/repo@REF#frag`` -> (``https://host/repo``, ``REF``)."""
    url = url.split("#", 1)[0]
    after_host = url.find("/", url.find("://") + 3)  # an ``@`` before this is a user name
    at = url.rfind("@")
    if after_host != -1 and at > after_host:
        return url[:at], url[at + 1 :]
    return url, ""


def pin(upstream: Upstream) -> Pinned:
    """Fix what ``upstream`` installs now: a git ref's commit, a checkout's file digest."""
    if upstream.kind == "index":
        return Pinned(upstream, upstream.requirement, upstream.requirement)
    if upstream.kind == "git":
        sha = _resolve_ref(upstream)
        return Pinned(upstream, f"{upstream.name} @ git+{upstream.url}@{sha}", sha)
    assert upstream.path is not None
    return Pinned(upstream, str(upstream.path), "sha256:" + checkout_digest(upstream.path))


def _resolve_ref(upstream: Upstream) -> str:
    if _SHA_RE.match(upstream.ref):
        return upstream.ref
    ref = upstream.ref or "HEAD"
    proc = subprocess.run(
        ["git", "ls-remote", "--", upstream.url, ref, f"refs/tags/{ref}^{{}}"],
        capture_output=True,
        text=True,
        env={**clean_env(os.environ), "GIT_TERMINAL_PROMPT": "0"},
        check=False,
    )
    if proc.returncode != 0:
        reason = (proc.stderr.strip().splitlines() or ["git ls-remote failed"])[-1]
        raise EcoError(f"--against {upstream.text!r}: cannot read {upstream.url}: {scrub(reason)}")
    found: dict[str, str] = {}
    for line in proc.stdout.splitlines():
        sha, _, name = line.partition("\t")
        found[name] = sha
    for name in (f"refs/tags/{ref}^{{}}", ref, f"refs/heads/{ref}", f"refs/tags/{ref}"):
        if name in found:
            return found[name]
    raise EcoError(f"--against {upstream.text!r}: {upstream.url} has no branch or tag {ref!r}")


def checkout_digest(path: Path) -> str:
    """A digest of a checkout's source files (names and contents), build output left out."""
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if d not in _NOT_SOURCE and not d.endswith(".egg-info"))
        for file in sorted(files):
            full = Path(folder) / file
            if full.is_symlink() or not full.is_file():
                continue
            digest.update(str(full.relative_to(path)).encode() + b"\0")
            digest.update(hashlib.sha256(full.read_bytes()).digest())
    return digest.hexdigest()
