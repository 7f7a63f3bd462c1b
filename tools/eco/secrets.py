"""Keep tokens out of output: every string eco prints or raises passes ``scrub``; and out
of the code of projects: every subprocess that runs a project's code (a resolver, a
build) gets :func:`clean_env`."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Mapping

_lock = threading.Lock()
_secrets: set[str] = set()

# GitHub token shapes, in case one arrives from somewhere eco did not register it.
_TOKEN_RE = re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b")
_URL_CRED_RE = re.compile(r"(https?://)[^/@\s:]+(:[^/@\s]*)?@")


def register(secret: str) -> None:
    """Remember a secret so ``scrub`` removes it from any text."""
    if len(secret) >= 4:
        with _lock:
            _secrets.add(secret)


def scrub(text: str) -> str:
    """Return ``text`` with every registered secret and token-like string masked."""
    with _lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        text = text.replace(secret, "***")
    text = _TOKEN_RE.sub("***", text)
    return _URL_CRED_RE.sub(r"\1***@", text)


# Variables that hold credentials, by name: GitHub's, eco's GitHub App, PyPI's and
# twine's, the OIDC and runtime tokens of GitHub Actions, and any *_TOKEN, *_PASSWORD,
# *_SECRET or *_KEY (the last part of the name, in any case); and any name that says
# TOKEN, SECRET, PASSWORD, CREDENTIAL, PRIVATE_KEY or API_KEY anywhere in it.
_CREDENTIAL_NAMES = frozenset({"GITHUB_TOKEN", "GH_TOKEN", "TOKEN", "PASSWORD", "SECRET"})
_CREDENTIAL_PREFIXES = ("ECO_GITHUB_", "ACTIONS_ID_TOKEN_", "ACTIONS_RUNTIME_", "TWINE_", "PYPI_")
_CREDENTIAL_SUFFIXES = ("_TOKEN", "_PASSWORD", "_SECRET", "_KEY", "_CREDENTIALS")
_SECRET_NAME_RE = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|PRIVATE_KEY|API_KEY", re.I)


def is_credential(name: str, value: str) -> bool:
    """True when the variable ``name`` holds, or may hold, a credential: by its name,
    because its value carries a registered secret, or because it has a token's shape."""
    upper = name.upper()
    if (
        upper in _CREDENTIAL_NAMES
        or upper.startswith(_CREDENTIAL_PREFIXES)
        or upper.endswith(_CREDENTIAL_SUFFIXES)
        or _SECRET_NAME_RE.search(upper)
    ):
        return True
    with _lock:
        known = list(_secrets)
    return any(secret in value for secret in known) or bool(_TOKEN_RE.search(value))


def clean_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) without any credential: the
    environment of every subprocess that runs code a project's repository can change."""
    source = os.environ if base is None else base
    return {name: value for name, value in source.items() if not is_credential(name, value)}
