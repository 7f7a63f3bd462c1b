"""Run git: one function, errors carry stderr, secrets never leave it."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from eco.errors import GitError
from eco.secrets import scrub

# A fixed identity and no user configuration, so results do not depend on the machine.
_BASE_ENV = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_CONFIG_NOSYSTEM": "1",
    "LC_ALL": "C",
}
_IDENTITY = {
    "GIT_AUTHOR_NAME": "eco",
    "GIT_AUTHOR_EMAIL": "eco@localhost",
    "GIT_COMMITTER_NAME": "eco",
    "GIT_COMMITTER_EMAIL": "eco@localhost",
}


def git_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(_BASE_ENV)
    for key, value in _IDENTITY.items():
        env.setdefault(key, value)
    if extra:
        env.update(extra)
    return env


def git(
    *args: str,
    cwd: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    input: str | bytes | None = None,
    check: bool = True,
) -> str:
    """Run ``git ARGS`` in ``cwd`` and return stdout (text, stripped of the final newline)."""
    data = input.encode() if isinstance(input, str) else input
    proc = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env=git_env(env),
        input=data,
        capture_output=True,
    )
    if check and proc.returncode != 0:
        where = f" (in {cwd})" if cwd else ""
        err = proc.stderr.decode(errors="replace").strip()
        raise GitError(scrub(f"git {' '.join(args)} failed{where}: {err}"))
    out = proc.stdout.decode(errors="replace")
    return out[:-1] if out.endswith("\n") else out


def git_bytes(*args: str, cwd: Path | str | None = None) -> bytes:
    """Run git and return raw stdout (file contents from ``git show``)."""
    proc = subprocess.run(["git", *args], cwd=cwd, env=git_env(), capture_output=True)
    if proc.returncode != 0:
        err = proc.stderr.decode(errors="replace").strip()
        raise GitError(scrub(f"git {' '.join(args)} failed (in {cwd}): {err}"))
    return proc.stdout
