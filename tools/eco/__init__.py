"""eco: the maintenance toolkit of a Pallets-style ecosystem of Python projects."""

from __future__ import annotations

__version__ = "0.1.0.dev"
