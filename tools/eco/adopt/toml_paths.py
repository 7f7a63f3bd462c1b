"""Safe walks through parsed TOML a project wrote: any shape in, the expected type out.

A contributor can write ``tool = 1`` or ``requires = "flit_core"``; reading a fact must
then find nothing, not raise.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from typing import Any

_HEADER = re.compile(r"^\[\[?\s*([^\]\s]+)\s*\]\]?\s*(?:#.*)?$")


def table(data: Any, *keys: str) -> dict[str, Any]:
    """The table at ``keys`` below ``data``, or ``{}`` when any step is not a table."""
    current = data
    for key in keys:
        if not isinstance(current, Mapping):
            return {}
        current = current.get(key)
    return dict(current) if isinstance(current, Mapping) else {}


def strings(value: Any) -> list[str]:
    """``value`` when it is a list, its strings only; ``[]`` otherwise."""
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def items(value: Any) -> list[Any]:
    """``value`` when it is a list, else ``[]``."""
    return list(value) if isinstance(value, list) else []


def loads_tables(text: str, wanted: tuple[str, ...]) -> dict[str, Any]:
    """``tomllib.loads(text)`` restricted to the tables whose header starts with one of
    ``wanted`` (``"project"``, ``"tool.hatch"``, ...): a skeleton's ``pyproject.toml`` is
    mostly tool tables no fact needs, and parsing them is most of what reading costs.

    Lines are cut at table headers; should a cut land inside a multi-line string, the
    part does not parse and the whole text is parsed instead (errors come from there).
    """
    kept: list[str] = []
    keep = True  # top-level keys, before any header
    for line in text.splitlines(keepends=True):
        header = _HEADER.match(line)
        if header:
            name = header.group(1).replace('"', "").replace("'", "")
            keep = any(
                name == w or name.startswith(w + ".") or w.startswith(name + ".") for w in wanted
            )
        if keep:
            kept.append(line)
    try:
        return tomllib.loads("".join(kept))
    except tomllib.TOMLDecodeError:
        full = tomllib.loads(text)
        return {k: v for k, v in full.items() if any(w.split(".")[0] == k for w in wanted)}
