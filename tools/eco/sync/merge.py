"""Three-way merge of text, line by line (diff3): pure functions, no git, no files.

``base`` is the skeleton as it was last applied, ``ours`` the project's file, ``theirs``
the skeleton now. Every region where only one side changed takes that side; where both
changed identically it takes the change once; where both changed differently it is a
conflict, written with git-style markers. A change made by the project is therefore
either in the result or inside a conflict: never dropped silently.

With ``union=True`` (used for files that are plain lists of lines, such as
``requirements/*.in`` and ``.gitignore``) two different insertions at the same place are
both kept, the project's first, instead of conflicting: git's ``merge=union``, limited to
pure insertions so a line either side changed or deleted still conflicts.

With ``strict=True`` (used for skeleton-owned files) any region the project changed
becomes a conflict even when the skeleton left it alone, so a local edit to an owned file
is shown for review instead of kept or overwritten.

Conflict markers are longer than any line of the three versions (seven characters at
least, as git writes them), so ``=======`` never collides with a reStructuredText title
underline of the file; :func:`has_conflict_markers` recognises them at any length.

A file larger than :data:`MAX_MERGE_BYTES` is not merged at all (:func:`too_large` says
why): a project's repository must not make a run take minutes and gigabytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

# Beyond this size (any of the three versions, in UTF-8) a file is a conflict, not merged:
# skeleton files are a few kilobytes, and the merges are quadratic at worst.
MAX_MERGE_BYTES = 1_000_000

OURS_LABEL = "project"
THEIRS_LABEL = "skeleton"
BASE_LABEL = "last applied skeleton"


@dataclass(frozen=True)
class MergeResult:
    text: str
    conflicts: int  # number of conflict hunks in ``text``

    @property
    def clean(self) -> bool:
        return self.conflicts == 0


@dataclass(frozen=True)
class _Sync:
    """Lines equal in all three versions: base[b0:b1] == ours[o0:o1] == theirs[t0:t1]."""

    b0: int
    b1: int
    o0: int
    o1: int
    t0: int
    t1: int


def split_lines(text: str) -> list[str]:
    """Lines as git sees them — ended by ``\n`` only, not by the other characters
    ``str.splitlines`` takes for line ends (form feed, U+2028, ...) — with their endings
    kept, so joining them gives the text back exactly."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def too_large(*texts: str | None) -> str:
    """Why these versions of a file are not merged (their size), or ``""``."""
    size = max(len(text.encode("utf-8", "surrogateescape")) for text in texts if text is not None)
    if size <= MAX_MERGE_BYTES:
        return ""
    return (
        f"too large to merge ({size / 1_000_000:.1f} MB; eco merges files up to "
        f"{MAX_MERGE_BYTES // 1_000_000} MB): merge it by hand"
    )


def _matches(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int, int]]:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return [(m.a, m.b, m.size) for m in matcher.get_matching_blocks() if m.size]


def _sync_regions(base: list[str], ours: list[str], theirs: list[str]) -> list[_Sync]:
    """Stretches where base, ours and theirs agree, in order, with an end sentinel."""
    om = _matches(base, ours)
    tm = _matches(base, theirs)
    regions: list[_Sync] = []
    i = j = 0
    while i < len(om) and j < len(tm):
        ob, oo, osize = om[i]
        tb, tt, tsize = tm[j]
        start = max(ob, tb)
        end = min(ob + osize, tb + tsize)
        if start < end:
            regions.append(
                _Sync(
                    start,
                    end,
                    oo + (start - ob),
                    oo + (end - ob),
                    tt + (start - tb),
                    tt + (end - tb),
                )
            )
        if ob + osize < tb + tsize:
            i += 1
        else:
            j += 1
    n = len(base)
    regions.append(_Sync(n, n, len(ours), len(ours), len(theirs), len(theirs)))
    return regions


def _terminated(lines: Sequence[str]) -> list[str]:
    """The lines with a final newline added if missing, so a marker can follow them."""
    out = list(lines)
    if out and not out[-1].endswith(("\n", "\r")):
        out[-1] += "\n"
    return out


def merge3(
    base: str | None,
    ours: str,
    theirs: str,
    *,
    strict: bool = False,
    union: bool = False,
    labels: tuple[str, str, str] = (OURS_LABEL, BASE_LABEL, THEIRS_LABEL),
) -> MergeResult:
    """Merge ``theirs``' changes since ``base`` into ``ours``.

    ``base=None`` means the common ancestor is unknown (a project being adopted): the
    result is ``ours`` with every region that differs from ``theirs`` as a conflict.
    """
    if base is None:
        base, strict, show_base = theirs, True, False
    else:
        show_base = True
    if ours == theirs:
        return MergeResult(ours, 0)
    if ours == base:
        return MergeResult(theirs, 0)
    if theirs == base and not strict:
        return MergeResult(ours, 0)
    b, o, t = split_lines(base), split_lines(ours), split_lines(theirs)
    size = marker_size(b, o, t)
    out: list[str] = []
    conflicts = 0
    bi = oi = ti = 0
    for region in _sync_regions(b, o, t):
        bc, oc, tc = b[bi : region.b0], o[oi : region.o0], t[ti : region.t0]
        if oc == tc or oc == bc:  # same change on both sides, or only the skeleton's
            out += tc
        elif tc == bc and not strict:  # only the project changed this region
            out += oc
        elif union and not bc and not strict:  # both only added lines here: keep both
            out += _terminated(oc) + [line for line in tc if line not in oc]
        else:
            conflicts += 1
            out.append(f"{'<' * size} {labels[0]}\n")
            out += _terminated(oc)
            if show_base:
                out.append(f"{'|' * size} {labels[1]}\n")
                out += _terminated(bc)
            out.append("=" * size + "\n")
            out += _terminated(tc)
            out.append(f"{'>' * size} {labels[2]}\n")
        out += o[region.o0 : region.o1]
        bi, oi, ti = region.b1, region.o1, region.t1
    return MergeResult("".join(out), conflicts)


def marker_size(*versions: Sequence[str]) -> int:
    """The length of the conflict markers: longer than any line of the versions merged
    (so no line of the file can be read as a marker), and never under git's seven."""
    longest = max((len(line.rstrip("\r\n")) for lines in versions for line in lines), default=0)
    return max(7, longest + 1)


def has_conflict_markers(
    text: str, labels: tuple[str, str, str] = (OURS_LABEL, BASE_LABEL, THEIRS_LABEL)
) -> bool:
    """True when ``text`` still holds an unresolved conflict written by :func:`merge3`
    (its own labels, so a file that merely quotes a marker does not count), whatever
    the markers' length."""
    if "<" * 7 not in text:  # the common case, found at once
        return False
    opening = re.compile(rf"^<{{7,}} {re.escape(labels[0])}$", re.MULTILINE)
    closing = re.compile(rf"^>{{7,}} {re.escape(labels[2])}$", re.MULTILINE)
    return bool(opening.search(text) and closing.search(text))


def union_lines(ours: str, theirs: str, key: Callable[[str], str] = str.strip) -> str:
    """Adopting a file that is a plain list of lines (``.gitignore``, ``requirements/*.in``)
    with no known base: the project's lines as they are, then each line of the
    skeleton's the project lacks (by ``key``: a requirement's name, say), comments and
    blank lines left out."""
    have = {key(line) for line in split_lines(ours)}
    extra = [
        line.rstrip("\r\n") + "\n"
        for line in split_lines(theirs)
        if line.strip() and not line.lstrip().startswith("#") and key(line) not in have
    ]
    if not extra:
        return ours
    return "".join(_terminated(split_lines(ours))) + "".join(extra)
