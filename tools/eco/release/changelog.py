"""Read and write the Pallets changelog, in reStructuredText and Markdown.

The format (``CHANGES.rst`` / ``CHANGES.md``), newest section first::

    Version 3.2.0            ## Version 0.2.1
    -------------
                             Released 2025-11-20
    Unreleased
                             -   Change text. {issue}`37`
    -   Change text. :issue:`5639`

Each section starts with a version header; its first non-blank line is the status:
``Unreleased`` or ``Released YYYY-MM-DD`` (older entries also say ``Released on ...`` or
add ``, codename X``). Everything here is pure text in, text out: a release changes the
one status line and nothing else, byte for byte (line endings included).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from packaging.version import InvalidVersion
from packaging.version import Version

from eco.errors import EcoError

FORMATS = ("rst", "md")
_BOM = "\ufeff?"  # a byte order mark some editors write at the start of the file
_RST_HEADER = re.compile(rf"^{_BOM}Version\s+(\S+)\s*$")
_RST_UNDERLINE = re.compile(r"^([-=~^*+#])\1{2,}\s*$")
_MD_HEADER = re.compile(rf"^{_BOM}#{{1,3}}\s+Version\s+(\S+)\s*$")
_RELEASED = re.compile(r"^Released(?:\s+on)?\s+(\d{4}-\d{2}-\d{2})\b")
UNRELEASED = "Unreleased"
_ENTRY = re.compile(r"^\s*[-*+]\s+\S")  # a list item (a change), not an underline "-----"


class ChangelogError(EcoError):
    """The changelog cannot take the change asked for; the message names file and line."""


@dataclass(frozen=True)
class Section:
    """One ``Version X`` section. Line numbers are 0-based indexes into the text's lines."""

    version: str
    header: int
    status_line: int | None  # the Unreleased/Released line, None when missing
    status: str
    end: int  # the index of the next section's header (or the number of lines)

    @property
    def unreleased(self) -> bool:
        return self.status == UNRELEASED

    @property
    def released(self) -> date | None:
        match = _RELEASED.match(self.status)
        return date.fromisoformat(match.group(1)) if match else None

    def same_version(self, other: str) -> bool:
        return _same_version(self.version, other)


@dataclass(frozen=True)
class Changelog:
    lines: tuple[str, ...]  # with their line endings
    fmt: str
    sections: tuple[Section, ...]
    where: str = "changelog"

    @property
    def text(self) -> str:
        return "".join(self.lines)

    def unreleased(self) -> list[Section]:
        return [s for s in self.sections if s.unreleased]

    def find(self, version: str) -> Section | None:
        return next((s for s in self.sections if s.same_version(version)), None)

    def line_ref(self, index: int) -> str:
        return f"{self.where}:{index + 1}"


def _same_version(a: str, b: str) -> bool:
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a == b


def split_lines(text: str) -> tuple[str, ...]:
    """Lines with their endings, split at ``\n`` only (``str.splitlines`` also splits at
    form feeds and Unicode separators, which a changelog may contain inside an entry)."""
    return tuple(re.findall(r"[^\n]*\n|[^\n]+$", text))


def parse(text: str, fmt: str, where: str = "changelog") -> Changelog:
    """Find every version section of ``text`` (``fmt`` is ``"rst"`` or ``"md"``)."""
    if fmt not in FORMATS:
        raise ChangelogError(f"{where}: unknown changelog format {fmt!r}; expected rst or md")
    lines = split_lines(text)
    bare = [line.rstrip("\r\n") for line in lines]
    starts: list[tuple[int, str, int]] = []  # (header index, version, first body index)
    for index, line in enumerate(bare):
        if fmt == "rst":
            match = _RST_HEADER.match(line)
            if match and index + 1 < len(bare) and _RST_UNDERLINE.match(bare[index + 1]):
                starts.append((index, match.group(1), index + 2))
        else:
            match = _MD_HEADER.match(line)
            if match:
                starts.append((index, match.group(1), index + 1))
    sections = []
    for number, (header, version, body) in enumerate(starts):
        end = starts[number + 1][0] if number + 1 < len(starts) else len(bare)
        status_line = next((i for i in range(body, end) if bare[i].strip()), None)
        status = bare[status_line].strip() if status_line is not None else ""
        sections.append(Section(version, header, status_line, status, end))
    return Changelog(lines, fmt, tuple(sections), where)


def _one_unreleased(changelog: Changelog, version: str) -> Section:
    """The single ``Unreleased`` section, which must be for ``version``."""
    pending = changelog.unreleased()
    if not pending:
        raise ChangelogError(_why_none(changelog, version))
    if len(pending) > 1:
        listed = ", ".join(f"Version {s.version} ({changelog.line_ref(s.header)})" for s in pending)
        raise ChangelogError(
            f"{changelog.where}: {len(pending)} {UNRELEASED!r} sections: {listed}; "
            "expected exactly one"
        )
    section = pending[0]
    if not section.same_version(version):
        raise ChangelogError(
            f"{changelog.line_ref(section.header)}: the {UNRELEASED!r} section is for "
            f"Version {section.version}, not {version}"
        )
    return section


def _why_none(changelog: Changelog, version: str) -> str:
    """Why no section is ``Unreleased``, pointing at the line to change."""
    where = changelog.where
    own = changelog.find(version)
    if own is not None:
        title = f"Version {own.version} ({changelog.line_ref(own.header)})"
        if own.status_line is None:
            return f"{where}: {title} is empty; add {UNRELEASED!r} and the changes under it"
        line = changelog.line_ref(own.status_line)
        if own.released is not None:
            return f"{line}: Version {own.version} is already released: {own.status!r}"
        if _ENTRY.match(own.status):
            return (
                f"{line}: {title} has no status line, its first line is an entry; add a line "
                f"{UNRELEASED!r} above it (the release writes the date there)"
            )
        return (
            f"{line}: Version {own.version} says {own.status!r}; write exactly {UNRELEASED!r} "
            "there (the release replaces it with 'Released <date>')"
        )
    if not changelog.sections:
        return _no_sections(changelog)
    first = changelog.sections[0].header
    loose = [i for i in range(first) if _ENTRY.match(changelog.lines[i])]
    if loose:
        return (
            f"{changelog.line_ref(loose[0])}: entries above the first 'Version X' header; put "
            f"them under a new 'Version {version}' header with {UNRELEASED!r}"
        )
    top = changelog.sections[0]
    return (
        f"{where}: no {UNRELEASED!r} section; the newest, Version {top.version} "
        f"({changelog.line_ref(top.header)}), says {top.status!r}. Add 'Version {version}' "
        f"with {UNRELEASED!r} and the changes first."
    )


# A version header of another convention: Keep a Changelog's "## [1.0.0] - 2024-03-26",
# "## [Unreleased]", or a bare "## 1.0.0".
_OTHER_HEADER = re.compile(
    rf"^{_BOM}(?:#{{1,3}}\s+)?\[?(?:Unreleased|v?\d+(?:\.\d+)+)\]?(?:\s+-\s+\S.*)?\s*$",
    re.IGNORECASE,
)


def _no_sections(changelog: Changelog) -> str:
    """No ``Version X`` header at all: say what eco reads, and what the file seems to be."""
    if changelog.fmt == "rst":
        expected = "'Version X.Y.Z' underlined with dashes"
    else:
        expected = "'## Version X.Y.Z'"
    message = (
        f"{changelog.where}: no 'Version X' section found; eco reads the Pallets format, "
        f"{expected} followed by {UNRELEASED!r} or 'Released YYYY-MM-DD'"
    )
    for index, line in enumerate(changelog.lines):
        text = line.rstrip("\r\n")
        if text.strip() and _OTHER_HEADER.match(text) and not _ENTRY.match(text):
            message += (
                f" ({changelog.line_ref(index)}: {text.lstrip(chr(0xFEFF))!r} looks like Keep a "
                "Changelog, whose headers eco does not read)"
            )
            break
    return message


def check_release(text: str, fmt: str, version: str, where: str = "changelog") -> Section:
    """Raise :class:`ChangelogError` unless ``version`` is the one ``Unreleased`` section."""
    return _one_unreleased(parse(text, fmt, where), version)


def stamp_release(text: str, fmt: str, version: str, day: date, where: str = "changelog") -> str:
    """Turn ``version``'s ``Unreleased`` into ``Released <day>``; change nothing else."""
    changelog = parse(text, fmt, where)
    section = _one_unreleased(changelog, version)
    assert section.status_line is not None
    lines = list(changelog.lines)
    old = lines[section.status_line]
    body = old.rstrip("\r\n")
    ending = old[len(body) :]
    indent = body[: len(body) - len(body.lstrip())]
    lines[section.status_line] = f"{indent}Released {day.isoformat()}{ending}"
    return "".join(lines)


def is_stamped(text: str, fmt: str, version: str) -> bool:
    """Whether ``version`` already has a ``Released`` date (the release commit is made)."""
    section = parse(text, fmt).find(version)
    return section is not None and section.released is not None


def open_section(text: str, fmt: str, version: str, where: str = "changelog") -> str:
    """Add a new ``Version <version>`` / ``Unreleased`` section above the newest one."""
    changelog = parse(text, fmt, where)
    pending = changelog.unreleased()
    if pending:
        raise ChangelogError(
            f"{changelog.line_ref(pending[0].header)}: Version {pending[0].version} is still "
            f"{UNRELEASED!r}; release it before opening {version}"
        )
    if changelog.find(version) is not None:
        raise ChangelogError(f"{where}: a section for Version {version} already exists")
    if changelog.sections and changelog.sections[0].released is None:
        # Entries with no status were never released: a new section above would bury them.
        newest = changelog.sections[0]
        if newest.status_line is None or _ENTRY.match(newest.status):
            state = "has no status line"
        else:
            state = f"says {newest.status!r}, not a release date"
        raise ChangelogError(
            f"{changelog.line_ref(newest.header)}: Version {newest.version} {state} "
            f"({UNRELEASED!r} or 'Released YYYY-MM-DD'): its entries were never released; "
            f"opening {version} above it would bury them. Release {newest.version} first, or "
            "date its section by hand"
        )
    newline = _newline(changelog.lines)
    top = changelog.sections[0].header if changelog.sections else None
    # The new header is written in the style of the newest one (underline, '#' level).
    if fmt == "rst":
        title = f"Version {version}"
        mark = changelog.lines[top + 1][0] if top is not None else "-"
        block = [title, mark * len(title), "", UNRELEASED, "", ""]
    else:
        hashes = changelog.lines[top].split()[0] if top is not None else "##"
        block = [f"{hashes} Version {version}", "", UNRELEASED, ""]
    at = changelog.sections[0].header if changelog.sections else len(changelog.lines)
    lines = list(changelog.lines)
    if at == len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    lines[at:at] = [line + newline for line in block]
    return "".join(lines)


def _newline(lines: Sequence[str]) -> str:
    for line in lines:
        if line.endswith("\r\n"):
            return "\r\n"
        if line.endswith("\n"):
            return "\n"
    return "\n"


def section_text(text: str, fmt: str, version: str, where: str = "changelog") -> str:
    """The body of ``version``'s section after its status line, as written (stripped)."""
    changelog = parse(text, fmt, where)
    section = changelog.find(version)
    if section is None:
        raise ChangelogError(f"{where}: no section for Version {version}")
    start = section.status_line + 1 if section.status_line is not None else section.header + 1
    return "".join(changelog.lines[start : section.end]).strip()


_ROLE = re.compile(r"(?::(issue|pr|ghsa):|\{(issue|pr|ghsa)\})`([^`]+)`")


def to_markdown(body: str) -> str:
    """Changelog entries as GitHub Markdown: issue/PR/GHSA roles become links GitHub knows."""

    def role(match: re.Match[str]) -> str:
        kind = match.group(1) or match.group(2)
        target = match.group(3)
        return f"GHSA-{target}" if kind == "ghsa" else f"#{target}"

    body = _ROLE.sub(role, body)
    return re.sub(r"``([^`]+)``", r"`\1`", body)
