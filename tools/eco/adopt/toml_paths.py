"""Safe walks through parsed TOML a project wrote: any shape in, the expected type out.

A contributor can write ``tool = 1`` or ``requires = "flit_core"``; reading a fact must
then find nothing, not raise.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


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
