"""Keep tokens out of output: every string eco prints or raises passes ``scrub``."""

from __future__ import annotations

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


# Variables that carry credentials by name: GITHUB_TOKEN, ACTIONS_ID_TOKEN_REQUEST_TOKEN,
# TWINE_PASSWORD, AWS_SECRET_ACCESS_KEY, ...
_SECRET_NAME_RE = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|PRIVATE_KEY|API_KEY", re.I)


def clean_env(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` without token variables: the environment of a subprocess running project code.

    A variable goes when its name says it holds a credential, or its value is a registered
    secret or has a token's shape.
    """
    with _lock:
        known = set(_secrets)
    return {
        key: value
        for key, value in env.items()
        if not _SECRET_NAME_RE.search(key) and value not in known and not _TOKEN_RE.search(value)
    }
