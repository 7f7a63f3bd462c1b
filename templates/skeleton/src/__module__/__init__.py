from __future__ import annotations

__all__ = ["greet"]


def greet(name: str) -> str:
    """Return a greeting for ``name``. Replace this with the project's own code."""
    return f"Hello, {name}!"
