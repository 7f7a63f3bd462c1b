"""What a project's requirement files may say: which packages, never where from.

A ``requirements/*.in`` file, and every file it reaches through ``-r``/``-c``, is written
by the project's contributors, while eco resolves it against the ecosystem's one index.
So a line may hold

- a requirement by name: ``flask>=3``, ``pytest[testing]; python_version < "3.12"``
  (with ``--hash`` options after it, as in a compiled file);
- ``-r FILE`` or ``-c FILE``: another ``.in`` or ``.txt`` of ``requirements/``;
- a comment, or nothing;

and nothing that chooses where packages come from or builds code from elsewhere: index
options (``--index-url``/``-i``, ``--extra-index-url``, ``--no-index``,
``--find-links``/``-f``, ``--trusted-host``), editables (``-e``), any other option,
direct references (``name @ URL``), and URLs, paths or archive names in place of a name.
:func:`check_requirements` refuses each with the file and line.

For the uv generation, :func:`check_uv_settings` refuses the same choices written in
``pyproject.toml``: ``[tool.uv]`` (and ``[tool.uv.pip]``) index, source and find-links
settings.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from typing import Any

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement

from eco.errors import EcoError

REQUIREMENTS = "requirements"
# pip's own rule: a comment starts at a "#" at the start of a line or after whitespace.
_COMMENT_RE = re.compile(r"(^|\s+)#.*$")
REFERENCES = frozenset({"-r", "--requirement", "-c", "--constraint"})
INDEX_OPTIONS = frozenset(
    {"-i", "--index-url", "--extra-index-url", "--no-index", "-f", "--find-links", "--trusted-host"}
)
EDITABLE_OPTIONS = frozenset({"-e", "--editable"})
REQUIREMENT_OPTIONS = frozenset({"--hash"})  # harmless: it only narrows what is accepted
ARCHIVES = (".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar")
# [tool.uv] and [tool.uv.pip] settings that choose an index or where a package comes from.
UV_SETTINGS = frozenset(
    {
        "index",
        "index-url",
        "extra-index-url",
        "find-links",
        "no-index",
        "sources",
        "index-strategy",
        "keyring-provider",
        "allow-insecure-host",
        "trusted-host",
    }
)

_ONLY_NAMES = "eco lock resolves packages by name against the ecosystem's index only"


class InputError(EcoError):
    """A project's requirements choose where packages come from: the file, the line, why."""


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """``(number, line)`` as pip reads them: a line ending in a backslash continues on the
    next; the number is the first physical line's."""
    start = 0
    parts: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not parts:
            start = number
        if line.endswith("\\"):
            parts.append(line[:-1])
            continue
        parts.append(line)
        yield start, "".join(parts)
        parts = []
    if parts:
        yield start, "".join(parts)


def option_name(text: str) -> str:
    """The option a line starts with: ``--name`` up to ``=`` or a space, or ``-x``."""
    if text.startswith("--"):
        return re.split(r"[=\s]", text, maxsplit=1)[0]
    return text[:2]


def line_problem(content: str) -> str:
    """Why a requirement line (comment removed, stripped, not empty) is refused, or ""."""
    if content.startswith("-"):
        option = option_name(content)
        if option in REFERENCES:
            return ""  # the file it names is checked by eco.lock.requirements.references
        if option in INDEX_OPTIONS:
            return f"{option} is refused: a project's requirements do not choose the index; "
        if option in EDITABLE_OPTIONS:
            return f"{option} is refused: an editable requirement builds code from a path; "
        return f"{option} is refused: a requirements file only lists packages and -r/-c files; "
    requirement, _, options = _split_options(content)
    for option in re.findall(r"(?:^|\s)(-[-\w]*)", options):
        name = option_name(option)
        if name not in REQUIREMENT_OPTIONS:
            return f"{name} is refused: a requirement may carry --hash, no other option; "
    try:
        parsed = Requirement(requirement)
    except InvalidRequirement:
        if re.search(r"[/\\:]", requirement) or requirement.startswith("."):
            return f"{requirement} is refused: a URL or path in place of a package name; "
        return f"{requirement} is refused: not a requirement (expected a name like flask>=3); "
    if parsed.url:
        return f"{requirement} is refused: a direct reference (name @ URL); "
    if parsed.name.lower().endswith(ARCHIVES):
        return f"{requirement} is refused: an archive file in place of a package name; "
    return ""


def _split_options(content: str) -> tuple[str, str, str]:
    """``(requirement, separator, options)``: a requirement's ``--option``s follow it after
    whitespace (a marker's quoted text holds no such dash)."""
    match = re.search(r"\s+(?=-)", content)
    if match is None:
        return content, "", ""
    return content[: match.start()], match.group(), content[match.end() :]


def check_requirements(name: str, text: str) -> None:
    """Refuse, naming ``requirements/NAME:LINE``, the first line that chooses where
    packages come from (see the module's docstring)."""
    for number, line in logical_lines(text):
        content = _COMMENT_RE.sub("", line).strip()
        if not content:
            continue
        problem = line_problem(content)
        if problem:
            raise InputError(f"{REQUIREMENTS}/{name}:{number}: {problem}{_ONLY_NAMES}")


def check_uv_settings(pyproject: str, where: str = "pyproject.toml") -> None:
    """Refuse ``[tool.uv]`` (or ``[tool.uv.pip]``) settings that choose an index or a
    package's source, naming the line."""
    try:
        data = tomllib.loads(pyproject)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{where}: not valid TOML ({exc})") from None
    uv = data.get("tool", {}).get("uv", {})
    if not isinstance(uv, dict):
        return
    tables: list[tuple[str, Any]] = [("tool.uv", uv), ("tool.uv.pip", uv.get("pip", {}))]
    for prefix, table in tables:
        if not isinstance(table, dict):
            continue
        for key in sorted(UV_SETTINGS & set(table)):
            line = _line_of(pyproject, prefix, key)
            raise InputError(
                f"{where}:{line}: [{prefix}] {key} is refused: a project does not choose "
                f"where its packages come from; {_ONLY_NAMES}"
            )


def _line_of(text: str, prefix: str, key: str) -> int | str:
    """The line that sets ``key`` of ``[prefix]`` (its table header, or ``key =``)."""
    dotted = re.escape(f"{prefix}.{key}")
    header = re.compile(rf"^\s*\[\[?\s*{dotted}\s*\]?\]")
    assignment = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    inline = re.compile(rf"^\s*{dotted}\s*=")
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if header.match(line) or inline.match(line):
            return number
        found = re.match(r"^\s*\[\[?\s*([^\]]+?)\s*\]?\]", line)
        if found:
            section = found.group(1)
        elif section == prefix and assignment.match(line):
            return number
    return "?"
