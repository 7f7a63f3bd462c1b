"""What a project's build backend declares about its sdist, so the sdist check can tell a
file left out or built in on purpose from a mistake.

Read from the files of the commit being built, per backend (``[build-system]
build-backend``):

- hatchling: ``[tool.hatch.build]`` and ``[tool.hatch.build.targets.sdist]``:
  ``artifacts`` (files the build makes, often ignored by git, shipped on purpose),
  ``exclude``, and ``include``/``only-include`` (when given, nothing else ships);
- flit_core: ``[tool.flit.sdist]`` ``exclude`` (its ``include`` only adds files of the
  checkout, and flit has no build hook: an untracked file in a flit sdist is always a
  stray);
- setuptools: ``MANIFEST.in`` (``include``, ``recursive-include``, ``global-include``,
  ``graft`` build in; ``exclude``, ``recursive-exclude``, ``global-exclude``, ``prune``
  leave out).

Patterns are matched the way the three document them, close enough for this check: a
glob relative to the project (``*`` within a folder, ``**`` across folders), a folder
standing for everything under it, and a pattern without ``/`` matching at any depth.
Pure: text in, rules out.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SdistRules:
    backend: str  # "hatchling", "flit_core", "setuptools" or the backend's name
    built_in: tuple[str, ...] = ()  # files made by the build, shipped though untracked
    left_out: tuple[str, ...] = ()  # tracked files the sdist leaves out on purpose
    only: tuple[str, ...] = ()  # when given, nothing outside these ships

    @property
    def hint(self) -> str:
        """How to declare a file, in the backend's own words."""
        return {
            "hatchling": "[tool.hatch.build.targets.sdist] include, exclude or artifacts",
            "flit_core": "[tool.flit.sdist] include, or exclude them",
            "setuptools": "MANIFEST.in (include, exclude or prune)",
        }.get(self.backend, "the build backend's sdist settings")

    def is_built_in(self, path: str) -> bool:
        return any(matches(path, pattern) for pattern in self.built_in)

    def is_left_out(self, path: str) -> bool:
        if any(matches(path, pattern) for pattern in self.left_out):
            return True
        return bool(self.only) and not any(matches(path, pattern) for pattern in self.only)


def _strings(table: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = table.get(key, [])
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _table(data: Mapping[str, Any], *keys: str) -> Mapping[str, Any]:
    for key in keys:
        value = data.get(key)
        if not isinstance(value, dict):
            return {}
        data = value
    return data


def read(pyproject: str, manifest: str | None) -> SdistRules:
    """The rules of a project from its ``pyproject.toml`` and ``MANIFEST.in`` texts."""
    try:
        data = tomllib.loads(pyproject)
    except tomllib.TOMLDecodeError:
        return SdistRules("unknown")
    backend = str(_table(data, "build-system").get("build-backend", "setuptools.build_meta"))
    if backend.startswith("hatchling"):
        build = _table(data, "tool", "hatch", "build")
        sdist = _table(build, "targets", "sdist")
        only = _strings(sdist, "only-include") or _strings(sdist, "include")
        return SdistRules(
            "hatchling",
            built_in=_strings(build, "artifacts") + _strings(sdist, "artifacts"),
            left_out=_strings(build, "exclude") + _strings(sdist, "exclude"),
            only=only,
        )
    if backend.startswith("flit_core"):
        sdist = _table(data, "tool", "flit", "sdist")
        return SdistRules("flit_core", left_out=_strings(sdist, "exclude"))
    if backend.startswith("setuptools"):
        built_in, left_out = manifest_rules(manifest or "")
        return SdistRules("setuptools", built_in=built_in, left_out=left_out)
    return SdistRules(backend.split(".")[0])


def manifest_rules(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``MANIFEST.in`` as (patterns built in, patterns left out)."""
    built_in: list[str] = []
    left_out: list[str] = []
    for line in text.splitlines():
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            continue
        if not words:
            continue
        command, args = words[0], words[1:]
        target = built_in if command in INCLUDES else left_out if command in EXCLUDES else None
        if target is None:
            continue
        if command.startswith("recursive-") and args:
            target += [f"{args[0].strip('/')}/**/{pattern}" for pattern in args[1:]]
        elif command.startswith("global-"):
            target += [pattern.rsplit("/", 1)[-1] for pattern in args]
        elif command in ("graft", "prune"):
            target += [f"/{folder.strip('/')}/" for folder in args]
        else:
            target += [f"/{pattern.lstrip('/')}" for pattern in args]
    return tuple(built_in), tuple(left_out)


INCLUDES = frozenset({"include", "recursive-include", "global-include", "graft"})
EXCLUDES = frozenset({"exclude", "recursive-exclude", "global-exclude", "prune"})


def matches(path: str, pattern: str) -> bool:
    """Whether ``path`` (relative, with ``/``) is ``pattern`` or under it."""
    pattern = pattern.strip()
    if not pattern or pattern.startswith("!"):
        return False
    anchored = pattern.startswith("/") or "/" in pattern.rstrip("/")
    body = _glob(pattern.strip("/"))
    prefix = "" if anchored else "(?:.*/)?"
    return re.fullmatch(f"{prefix}{body}(?:/.*)?", path) is not None


def _glob(pattern: str) -> str:
    out = []
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            out.append(".*")
            index += 2
        elif pattern[index] == "*":
            out.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            out.append("[^/]")
            index += 1
        elif pattern[index] == "[" and "]" in pattern[index + 2 :]:
            end = pattern.index("]", index + 2)
            chars = pattern[index + 1 : end]
            negate = chars.startswith("!")
            body = re.escape(chars[1:] if negate else chars).replace("\\-", "-")
            out.append(f"[{'^' if negate else ''}{body}]")
            index = end + 1
        else:
            out.append(re.escape(pattern[index]))
            index += 1
    return "".join(out)
