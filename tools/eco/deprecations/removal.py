"""Read when a deprecation message says the thing goes away.

Pallets messages name the version, usually with the project's name::

    'url_quote' is deprecated and will be removed in Werkzeug 3.0.
    The 'app' parameter is deprecated and will be removed in Flask-SQLAlchemy 3.2.
    Passing 'x' is deprecated and will raise an error in version 2.0.
    This alias will be removed in the next version.

A message that names another project ("removed in Werkzeug 3.0" inside Flask) is about
that project's release, not this one's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from packaging.utils import canonicalize_name

NEXT = "next"

_WHEN = (
    r"(?:removed|dropped|deleted|removal|unsupported|gone|raise an? \w+(?: error)?|"
    r"become an? (?:error|exception)|no longer (?:be )?\w+)"
)
_VERSION_RE = re.compile(
    _WHEN + r"\s+(?:in|from|by|with|as of|starting (?:in|with)|for)\s+"
    r"(?:(?P<name>[A-Za-z][\w.\-]*?)\s+)?(?:version\s+|v(?=\d))?"
    r"(?P<version>\d+(?:\.\d+){0,2})(?![\w.]*\d)",
    re.IGNORECASE,
)
_NEXT_RE = re.compile(
    _WHEN + r"\s+(?:in|from|by|with|as of)\s+(?:the\s+)?next\s+"
    r"(?:(?:feature|minor|major)\s+)?(?:version|release)\b",
    re.IGNORECASE,
)
_NOT_NAMES = {"version", "release", "the", "v"}


@dataclass(frozen=True)
class Removal:
    """``version`` is ``"3.2"``, :data:`NEXT` or ``None`` (the message names none)."""

    version: str | None
    project: str | None = None  # the project the message names, as written


def parse_removal(message: str) -> Removal:
    """The first removal the message announces."""
    found = _VERSION_RE.search(message)
    upcoming = _NEXT_RE.search(message)
    if upcoming and (not found or upcoming.start() <= found.start()):
        return Removal(NEXT)
    if not found:
        return Removal(None)
    name = found.group("name")
    if name and name.lower() in _NOT_NAMES:
        name = None
    return Removal(found.group("version"), name)


def names_this_project(removal: Removal, names: Iterable[str]) -> bool:
    """Whether the removal is about the project called any of ``names`` (or names none).

    With no names known, every removal counts.
    """
    known = {canonicalize_name(n) for n in names}
    if removal.project is None or not known:
        return True
    said = canonicalize_name(removal.project)
    return said in known or said in {n.rstrip("0123456789") for n in known}
