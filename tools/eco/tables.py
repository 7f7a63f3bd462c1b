"""Plain-text tables for terminal output, aligned on what is visible (a coloured cell's
escape codes take no width), stable for tests and logs."""

from __future__ import annotations

import re
from collections.abc import Sequence

_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def width(text: str) -> int:
    """The columns ``text`` takes on a terminal: escape codes take none."""
    return len(_ESCAPE.sub("", text))


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(h) for h in headers]] + [
        ["" if c is None else str(c) for c in row] for row in rows
    ]
    widths = [max(width(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for index, row in enumerate(cells):
        lines.append(
            "  ".join(cell + " " * (widths[i] - width(cell)) for i, cell in enumerate(row)).rstrip()
        )
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
