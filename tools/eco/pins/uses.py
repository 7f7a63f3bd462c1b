"""Action pins: every ``uses:`` of the ecosystem's workflows at a commit SHA with its tag.

A pinned line reads ``uses: actions/checkout@<40-hex sha> # v6.0.2``. The SHA is what
GitHub runs; the comment says which release it is. Two things keep them honest:

``workflows/pins.toml`` (the pins lock)
    One entry per action repository: the release tag the ecosystem uses and that tag's
    commit, as GitHub's API reported it when ``eco pins update`` last resolved it.
    ``eco pins check`` compares every line with it, offline: a comment that names a
    different tag than the lock records for that SHA is caught without any network.
``eco pins check --remote``
    Resolves every pinned tag through the API again, which also catches a lock that was
    edited by hand or a tag that was moved upstream.

Scanned: ``workflows/``, ``.github/workflows/`` and every file under ``templates/``.
Lines whose target is a Jinja expression (the callers' reference to the reusable
workflows, ``{{ eco_repo }}/...@{{ workflows_ref }}``) are pinned through
``[ecosystem] workflows-ref`` instead (see :mod:`eco.pins.workflows_ref`).
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from eco.errors import EcoError

LOCK_FILE = "workflows/pins.toml"
SCANNED_DIRS = ("workflows", ".github/workflows", "templates")
SHA_RE = re.compile(r"^[0-9a-f]{40}$")
VERSION_TAG_RE = re.compile(r"^v?(\d+(?:\.\d+)*)$")
_USES_LINE_RE = re.compile(r"^\s*(?:-\s+)?uses\s*:")
_USES_RE = re.compile(
    r"""^(?P<prefix>\s*(?:-\s+)?uses\s*:\s*)
        (?P<quote>['"]?)
        (?P<target>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(?:/[^\s'"@#]+)?)
        @(?P<ref>[^\s'"#]+)
        (?P=quote)
        \s*(?:\#\s*(?P<comment>\S.*?))?\s*$""",
    re.X,
)


@dataclass(frozen=True)
class Tag:
    name: str
    sha: str

    @property
    def version(self) -> tuple[int, ...] | None:
        return version_of(self.name)


@dataclass(frozen=True)
class Uses:
    """One ``uses:`` line that names a repository (an action or a reusable workflow)."""

    file: str  # relative to the ecosystem root, with forward slashes
    line: int  # 1-based
    prefix: str
    quote: str
    target: str  # owner/repo[/path]
    ref: str
    comment: str | None

    @property
    def repo(self) -> str:
        owner, name = self.target.split("/")[:2]
        return f"{owner}/{name}"

    @property
    def pinned(self) -> bool:
        return bool(SHA_RE.match(self.ref))

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def render(self, sha: str, tag: str) -> str:
        return f"{self.prefix}{self.quote}{self.target}@{sha}{self.quote} # {tag}"


@dataclass(frozen=True)
class Scan:
    uses: tuple[Uses, ...]
    unparsed: tuple[tuple[str, int, str], ...]  # (file, line, text): uses: lines not understood
    texts: Mapping[str, str]  # every scanned file holding a uses: line -> its text


class TagSource(Protocol):
    """Where releases come from: GitHub's API in production, the test server in tests."""

    def tags(self, repo: str) -> list[Tag]: ...


def version_of(tag: str) -> tuple[int, ...] | None:
    """``"v6.0.2"`` -> ``(6, 0, 2)``; ``None`` for a tag that is not a numeric release."""
    match = VERSION_TAG_RE.match(tag)
    return tuple(int(p) for p in match.group(1).split(".")) if match else None


def _rank(tag: Tag) -> tuple[tuple[int, ...], int]:
    version = tag.version or ()
    padded = version + (0,) * (3 - len(version))
    # v6 and v6.0.0 often name one commit: the more specific name wins the tie.
    return padded, len(version)


def newest(tags: Iterable[Tag], *, major: int | None = None) -> Tag | None:
    """The newest numeric release tag, within ``major`` when given."""
    candidates = [
        t for t in tags if t.version is not None and (major is None or t.version[0] == major)
    ]
    return max(candidates, key=_rank, default=None)


# -- scanning ---------------------------------------------------------------------------


def scanned_files(root: Path) -> list[Path]:
    files: list[Path] = []
    for name in SCANNED_DIRS:
        base = root / name
        if base.is_dir():
            files += sorted(p for p in base.rglob("*") if p.is_file() and p.suffix != ".toml")
    return files


def scan(root: Path, files: Sequence[Path] | None = None) -> Scan:
    """Every ``uses:`` line of the scanned files."""
    found: list[Uses] = []
    unparsed: list[tuple[str, int, str]] = []
    texts: dict[str, str] = {}
    for path in files if files is not None else scanned_files(root):
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if "uses" not in text:
            continue
        rel = path.relative_to(root).as_posix()
        for number, line in enumerate(text.splitlines(), start=1):
            if not _USES_LINE_RE.match(line):
                continue
            texts[rel] = text
            match = _USES_RE.match(line)
            if match:
                found.append(
                    Uses(
                        rel,
                        number,
                        match["prefix"],
                        match["quote"],
                        match["target"],
                        match["ref"],
                        match["comment"],
                    )
                )
                continue
            value = line.split(":", 1)[1].strip().strip("'\"")
            if value.startswith(("./", "$/")) or "{{" in value:
                continue  # local workflow or action; or the templated reusable workflows
            unparsed.append((rel, number, line.strip()))
    return Scan(tuple(found), tuple(unparsed), texts)


# -- the lock ---------------------------------------------------------------------------

LOCK_HEADER = """\
# The release each action repository is pinned to, and that release's commit, as
# GitHub's API reported it. `eco pins update` writes this file; `eco pins check`
# compares every `uses:` line of workflows/, .github/workflows/ and templates/ with it.
# Do not edit it by hand: run `eco pins update` (see docs/maintainer/workflows.md).
"""


def read_lock(root: Path) -> dict[str, Tag]:
    path = root / LOCK_FILE
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise EcoError(f"{LOCK_FILE}: invalid TOML: {exc}") from None
    lock: dict[str, Tag] = {}
    for repo, entry in data.get("actions", {}).items():
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("tag"), str)
            or not SHA_RE.match(str(entry.get("sha", "")))
        ):
            raise EcoError(
                f'{LOCK_FILE}: actions."{repo}": expected tag = "vX.Y.Z" and sha = "<40 hex>"'
            )
        lock[repo] = Tag(entry["tag"], entry["sha"])
    return lock


def format_lock(lock: Mapping[str, Tag]) -> str:
    out = [LOCK_HEADER]
    for repo in sorted(lock, key=str.lower):
        tag = lock[repo]
        out.append(f'\n[actions."{repo}"]\ntag = "{tag.name}"\nsha = "{tag.sha}"\n')
    return "".join(out)


# -- update -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    repo: str
    old: str  # the tag or ref the lines named before
    new: Tag
    lines: int
    files: int


@dataclass(frozen=True)
class Held:
    repo: str
    current: Tag
    available: Tag  # the newest release, in a major version --major would move to


@dataclass(frozen=True)
class Plan:
    changes: tuple[Change, ...]
    held: tuple[Held, ...]
    unchanged: tuple[str, ...]
    texts: Mapping[str, str]  # file -> new text, only for files that change
    old_texts: Mapping[str, str]

    def diff(self) -> str:
        chunks: list[str] = []
        for name in sorted(self.texts):
            chunks += difflib.unified_diff(
                self.old_texts.get(name, "").splitlines(keepends=True),
                self.texts[name].splitlines(keepends=True),
                f"a/{name}" if name in self.old_texts else "/dev/null",
                f"b/{name}",
            )
        return "".join(chunks)


def _current_version(lines: Sequence[Uses]) -> tuple[int, ...] | None:
    """What the lines say they are: the version comment, else a tag-like ref (``@v4``)."""
    versions = []
    for uses in lines:
        version = version_of(uses.comment or "") if uses.comment else None
        if version is None and not uses.pinned:
            version = version_of(uses.ref)
        if version is not None:
            versions.append(version)
    return max(versions, default=None)


def plan_update(root: Path, source: TagSource, *, allow_major: bool = False) -> Plan:
    """Resolve every action to its newest release; nothing is written.

    All lines of one repository move together to one release: the newest within the
    major version the highest of them names, or the newest of all with ``allow_major``
    (or when no line names a version, e.g. ``@main``). One tag listing per repository.
    """
    found = scan(root)
    read_lock(root)  # a malformed lock stops the run before any request
    by_repo: dict[str, list[Uses]] = {}
    for uses in found.uses:
        by_repo.setdefault(uses.repo, []).append(uses)
    new_lines: dict[tuple[str, int], str] = {}
    changes: list[Change] = []
    held: list[Held] = []
    unchanged: list[str] = []
    new_lock: dict[str, Tag] = {}
    for repo in sorted(by_repo, key=str.lower):
        lines = by_repo[repo]
        tags = source.tags(repo)
        current = _current_version(lines)
        major = None if allow_major or current is None else current[0]
        target = newest(tags, major=major)
        if target is None:
            within = f" in major version {major}" if major is not None else ""
            raise EcoError(
                f"{repo}: no numeric release tag{within} on GitHub "
                f"(used at {lines[0].where}); pin it by hand or use --major"
            )
        latest = newest(tags)
        if latest is not None and latest.sha != target.sha and _rank(latest) > _rank(target):
            held.append(Held(repo, target, latest))
        new_lock[repo] = target
        touched = [u for u in lines if u.ref != target.sha or u.comment != target.name]
        for uses in touched:
            new_lines[(uses.file, uses.line)] = uses.render(target.sha, target.name)
        if touched:
            olds = sorted({u.comment or u.ref for u in touched})
            changes.append(
                Change(repo, ", ".join(olds), target, len(touched), len({u.file for u in touched}))
            )
        else:
            unchanged.append(repo)
    texts: dict[str, str] = {}
    for name, text in found.texts.items():
        lines_of = text.splitlines(keepends=True)
        changed = False
        for index, line in enumerate(lines_of):
            replacement = new_lines.get((name, index + 1))
            if replacement is not None:
                ending = line[len(line.rstrip("\r\n")) :]
                lines_of[index] = replacement + ending
                changed = True
        if changed:
            texts[name] = "".join(lines_of)
    old_texts = dict(found.texts)
    lock_text = format_lock(new_lock)
    lock_path = root / LOCK_FILE
    old_lock = lock_path.read_text(encoding="utf-8") if lock_path.exists() else None
    if old_lock != lock_text:
        texts[LOCK_FILE] = lock_text
        if old_lock is not None:
            old_texts[LOCK_FILE] = old_lock
    return Plan(tuple(changes), tuple(held), tuple(unchanged), texts, old_texts)


def apply(root: Path, plan: Plan) -> None:
    for name, text in plan.texts.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


# -- check ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def check(root: Path, *, source: TagSource | None = None) -> list[Problem]:
    """Every pin problem: unpinned lines, missing or wrong version comments, lock drift.

    Offline against ``workflows/pins.toml``; with ``source``, every tag is also resolved
    again through the API.
    """
    found = scan(root)
    lock = read_lock(root)
    problems = [
        Problem(f"{file}:{line}", f"cannot read this uses: line: {text!r}")
        for file, line, text in found.unparsed
    ]
    remote: dict[str, dict[str, str]] = {}
    used: set[str] = set()
    for uses in found.uses:
        used.add(uses.repo)
        problems += _check_line(uses, lock)
        if source is not None and uses.pinned and uses.comment:
            if uses.repo not in remote:
                remote[uses.repo] = {t.name: t.sha for t in source.tags(uses.repo)}
            actual = remote[uses.repo].get(uses.comment)
            if actual is None:
                problems.append(
                    Problem(uses.where, f"{uses.repo} has no tag {uses.comment!r} on GitHub")
                )
            elif actual != uses.ref:
                problems.append(
                    Problem(
                        uses.where,
                        f"the comment {uses.comment} does not match the SHA: on GitHub "
                        f"{uses.repo} {uses.comment} is {actual}, not {uses.ref}",
                    )
                )
    for repo in sorted(set(lock) - used):
        problems.append(
            Problem(LOCK_FILE, f"{repo} is locked but no workflow uses it; run eco pins update")
        )
    return problems


def _check_line(uses: Uses, lock: Mapping[str, Tag]) -> list[Problem]:
    name = f"{uses.target}@{uses.ref}"
    if not uses.pinned:
        return [
            Problem(
                uses.where,
                f"{name} is not pinned to a commit SHA; run eco pins update "
                "to pin it as @<sha> # <tag>",
            )
        ]
    if not uses.comment or version_of(uses.comment) is None:
        return [
            Problem(
                uses.where,
                f"{uses.target}@{uses.ref[:12]}… has no version comment (# vX.Y.Z)",
            )
        ]
    entry = lock.get(uses.repo)
    if entry is None:
        return [
            Problem(
                uses.where,
                f"{uses.repo} is not in {LOCK_FILE}; run eco pins update to resolve it",
            )
        ]
    if uses.ref == entry.sha and uses.comment == entry.name:
        return []
    if uses.ref == entry.sha:
        message = (
            f"the comment {uses.comment} does not match the SHA: {LOCK_FILE} records "
            f"{uses.ref[:12]}… as {entry.name}"
        )
    elif uses.comment == entry.name:
        message = (
            f"the SHA {uses.ref[:12]}… does not match the comment: {LOCK_FILE} records "
            f"{entry.name} as {entry.sha[:12]}…"
        )
    else:
        message = (
            f"pinned to {uses.comment} ({uses.ref[:12]}…) but {LOCK_FILE} has "
            f"{entry.name} ({entry.sha[:12]}…); every workflow uses one release of an action"
        )
    return [Problem(uses.where, message)]
