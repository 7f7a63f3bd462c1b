"""Read a clone's origin URL from its ``.git/config``, without starting a git process.

Every command that fetches checks each clone's ``origin`` against the registry first; a
``git remote get-url`` per project costs a process start for one line of a file git
itself wrote. The reader takes only the plain form ``git clone`` and ``git remote
set-url`` write; anything else (quoting, escapes, includes, several URLs) answers
``None`` and the caller asks git.
"""

from __future__ import annotations

from pathlib import Path


def origin_url(clone: Path) -> str | None:
    """``remote.origin.url`` as written in ``clone/.git/config``; ``None`` when the file
    is not in the plain form (ask git then)."""
    try:
        text = (clone / ".git" / "config").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    urls: list[str] = []
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line
            if section.lower().startswith(("[include", "[includeif")):
                return None  # values may come from elsewhere
            continue
        if section != '[remote "origin"]':
            continue
        key, sep, value = line.partition("=")
        if key.strip().lower() == "url":
            value = value.strip()
            if not sep or not value or any(c in value for c in '"\\;#'):
                return None
            urls.append(value)
    return urls[0] if len(urls) == 1 else None
