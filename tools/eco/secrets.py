"""Keep tokens out of output: every string eco prints or raises passes ``scrub``."""

from __future__ import annotations

import re
import threading

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
