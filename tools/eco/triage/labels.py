"""Central labels: ``labels.toml`` loaded, compared with a repository's, and applied.

:func:`plan` is pure: from the wanted labels and a repository's current ones it derives
the changes — *create*, *update* (colour, description, case of the name), *rename* (a
label named by an alias gets the central name through ``PATCH``, so it keeps its issues),
*delete* (only with ``prune``) — and the labels it leaves alone (*extra*, or a
*conflict* when both a label and its alias exist; merging those is a human decision).
:func:`apply` performs a plan through PyGithub's requester, one write at a time, each
held by the forge's write spacer until a second after the previous one (on the injected
clock), as GitHub asks of writers.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from eco.errors import EcoError

LABELS_FILE = "labels.toml"
COLOR_RE = re.compile(r"^[0-9a-fA-F]{6}$")
LABEL_KEYS = {"name", "color", "description", "aliases"}
MAX_DESCRIPTION = 100


class LabelsError(EcoError):
    """``labels.toml`` is malformed; the message names the file, line and key."""


@dataclass(frozen=True)
class LabelSpec:
    name: str
    color: str
    description: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Label:
    """A label as a repository has it."""

    name: str
    color: str
    description: str = ""


@dataclass(frozen=True)
class Change:
    """One step of a plan; ``name`` is the repository's current label name."""

    action: str  # create | update | rename | delete | extra | conflict
    name: str
    spec: LabelSpec | None = None
    detail: str = ""

    @property
    def write(self) -> bool:
        return self.action in ("create", "update", "rename", "delete")


def _line_of(lines: list[str], index: int, key: str | None) -> int | None:
    """The line of ``key`` in the ``index``-th ``[[label]]`` table (or of its header)."""
    seen = -1
    header: int | None = None
    for number, raw in enumerate(lines, start=1):
        if re.match(r"^\s*\[\[\s*label\s*\]\]", raw):
            seen += 1
            if seen == index:
                header = number
                if key is None:
                    return number
            elif seen > index:
                break
        elif header is not None and key and re.match(rf"^\s*{re.escape(key)}\s*=", raw):
            return number
    return header


def load_labels(path: Path) -> list[LabelSpec]:
    """Parse and validate ``labels.toml``; one :class:`LabelsError` for any problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LabelsError(
            f"{path}: not found; create it at the ecosystem root with one [[label]] table "
            "per label (name, color, description), or copy labels.toml from the eco "
            "repository"
        ) from None
    except OSError as exc:
        raise LabelsError(f"{path}: cannot read the label definitions: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LabelsError(f"{path}: invalid TOML: {exc}") from None
    lines = text.splitlines()

    def fail(index: int | None, key: str | None, problem: str) -> LabelsError:
        line = _line_of(lines, index, key) if index is not None else None
        where = f"{path}:{line}" if line else str(path)
        at = f"label[{index}]" + (f".{key}" if key else "") if index is not None else ""
        return LabelsError(f"{where}: {at + ': ' if at else ''}{problem}")

    unknown = set(data) - {"label"}
    if unknown:
        raise fail(None, None, f"unknown key {sorted(unknown)[0]!r}; expected [[label]] tables")
    tables = data.get("label", [])
    if not isinstance(tables, list) or not tables:
        raise fail(None, None, "expected at least one [[label]] table")
    specs: list[LabelSpec] = []
    owner: dict[str, str] = {}
    for index, table in enumerate(tables):
        for key in table:
            if key not in LABEL_KEYS:
                raise fail(
                    index, key, f"unknown key; expected one of: {', '.join(sorted(LABEL_KEYS))}"
                )
        name = table.get("name")
        if not isinstance(name, str) or not name.strip() or name != name.strip():
            raise fail(index, "name" if "name" in table else None, "expected a non-empty name")
        color = table.get("color")
        if not isinstance(color, str) or not COLOR_RE.match(color):
            raise fail(
                index,
                "color" if "color" in table else None,
                f"expected six hex digits without '#' (like \"0075ca\"), got {color!r}",
            )
        description = table.get("description", "")
        if not isinstance(description, str) or len(description) > MAX_DESCRIPTION:
            raise fail(
                index, "description", f"expected a string of at most {MAX_DESCRIPTION} characters"
            )
        aliases = table.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
            raise fail(index, "aliases", "expected a list of old label names")
        for word in (name, *aliases):
            if word.lower() in owner:
                raise fail(
                    index,
                    "aliases" if word != name else "name",
                    f"{word!r} is already used by label {owner[word.lower()]!r}",
                )
            owner[word.lower()] = name
        specs.append(LabelSpec(name, color.lower(), description, tuple(aliases)))
    return specs


def _differences(current: Label, spec: LabelSpec) -> list[str]:
    out = []
    if current.name != spec.name:
        out.append(f"name {current.name!r} -> {spec.name!r}")
    if current.color.lower() != spec.color:
        out.append(f"color {current.color.lower()} -> {spec.color}")
    if (current.description or "") != spec.description:
        out.append("description")
    return out


def plan(
    specs: Sequence[LabelSpec], existing: Iterable[Label], *, prune: bool = False
) -> list[Change]:
    """The changes that make ``existing`` match ``specs`` (renames first, deletes last)."""
    current = {label.name.lower(): label for label in existing}
    claimed: set[str] = set()
    renames: list[Change] = []
    others: list[Change] = []
    for spec in specs:
        found = current.get(spec.name.lower())
        aliases = [current[a.lower()] for a in spec.aliases if a.lower() in current]
        if found is not None:
            claimed.add(found.name.lower())
            diff = _differences(found, spec)
            if diff:
                others.append(Change("update", found.name, spec, ", ".join(diff)))
            for alias in aliases:
                claimed.add(alias.name.lower())
                others.append(
                    Change(
                        "conflict",
                        alias.name,
                        spec,
                        f"both {found.name!r} and its alias {alias.name!r} exist; move the "
                        f"issues to {found.name!r} and delete {alias.name!r} by hand",
                    )
                )
        elif aliases:
            first, *rest = aliases
            claimed.add(first.name.lower())
            diff = [d for d in _differences(first, spec) if not d.startswith("name ")]
            renames.append(Change("rename", first.name, spec, ", ".join(diff) or "name only"))
            for alias in rest:
                claimed.add(alias.name.lower())
                others.append(
                    Change(
                        "conflict",
                        alias.name,
                        spec,
                        f"{first.name!r} is renamed to {spec.name!r}; {alias.name!r} is another "
                        "alias: move its issues and delete it by hand",
                    )
                )
        else:
            others.append(Change("create", spec.name, spec, f"color {spec.color}"))
    leftovers = [label for key, label in sorted(current.items()) if key not in claimed]
    tail = [
        Change("delete" if prune else "extra", label.name, None, "not in labels.toml")
        for label in leftovers
    ]
    return renames + others + tail


Send = Callable[[str, str, dict[str, Any] | None], Any]


def apply(
    repo: str, changes: Sequence[Change], send: Send, wait: Callable[[], None]
) -> list[Change]:
    """Perform the writes of a plan in order; returns the changes written.

    ``send(method, path, body)`` performs one request (PyGithub's requester in use);
    ``wait()`` is called before each write and holds it until a second after the last.
    """
    done = []
    for change in changes:
        if not change.write:
            continue
        path = f"/repos/{repo}/labels"
        spec = change.spec
        wait()
        if change.action == "create" and spec is not None:
            send(
                "POST",
                path,
                {"name": spec.name, "color": spec.color, "description": spec.description},
            )
        elif change.action in ("update", "rename") and spec is not None:
            body = {"new_name": spec.name, "color": spec.color, "description": spec.description}
            send("PATCH", f"{path}/{quote(change.name, safe='')}", body)
        elif change.action == "delete":
            send("DELETE", f"{path}/{quote(change.name, safe='')}", None)
        done.append(change)
    return done
