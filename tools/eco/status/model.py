"""The status table: aspects (columns), cells and rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

OK = "ok"
ATTENTION = "attention"
UNKNOWN = "unknown"  # could not be read; the cell's text says why
NONE = "n/a"  # does not apply to this project (no changelog, not on GitHub)
STATES = (OK, ATTENTION, UNKNOWN, NONE)


@dataclass(frozen=True)
class Aspect:
    key: str
    title: str
    command: str  # the command that explains the cell; {project} is the project's name
    private: bool = False  # left out of the public page


ASPECTS = (
    Aspect("drift", "drift", "eco check {project}"),
    Aspect("policy", "workflows", "eco check {project}"),
    Aspect("settings", "settings", "eco settings check {project}", private=True),
    Aspect("release", "release", "eco release {project} --dry-run"),
    Aspect("provenance", "provenance", "eco verify {project}"),
    Aspect("python", "python", "eco python status {project}"),
    Aspect("inbox", "inbox", "eco triage report {project}"),
    Aspect("prs", "eco PRs", "eco prs {project}"),
)
BY_KEY = {a.key: a for a in ASPECTS}


@dataclass(frozen=True)
class Cell:
    aspect: str
    state: str
    text: str

    def command(self, project: str) -> str:
        return BY_KEY[self.aspect].command.format(project=project)


@dataclass(frozen=True)
class Row:
    project: str
    cells: tuple[Cell, ...]

    def cell(self, aspect: str) -> Cell:
        return next(c for c in self.cells if c.aspect == aspect)

    @property
    def needs_attention(self) -> bool:
        return any(c.state == ATTENTION for c in self.cells)


def aspects(*, public: bool) -> tuple[Aspect, ...]:
    return tuple(a for a in ASPECTS if not (public and a.private))


def as_json(rows: list[Row], *, public: bool) -> dict[str, Any]:
    shown = aspects(public=public)
    return {
        "aspects": [{"key": a.key, "title": a.title} for a in shown],
        "projects": {
            row.project: {
                a.key: {
                    "state": row.cell(a.key).state,
                    "text": row.cell(a.key).text,
                    "command": row.cell(a.key).command(row.project),
                }
                for a in shown
            }
            for row in rows
        },
    }
