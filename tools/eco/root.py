"""Find the ecosystem root: the folder holding ``projects.toml``, the way git finds ``.git``."""

from __future__ import annotations

from pathlib import Path

from eco.errors import NotInEcosystemError

REGISTRY_FILE = "projects.toml"


def find_root(start: Path | None = None, override: Path | None = None) -> Path:
    """Return the ecosystem root.

    ``override`` (``--root``) must hold a ``projects.toml``; otherwise walk up from
    ``start`` (the current directory) to the first folder that does.
    """
    if override is not None:
        root = override.expanduser().resolve()
        if not (root / REGISTRY_FILE).is_file():
            raise NotInEcosystemError(
                f"--root {override}: no {REGISTRY_FILE} there; "
                "expected the folder of an eco ecosystem (the monorepo's top level)"
            )
        return root
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / REGISTRY_FILE).is_file():
            return folder
    raise NotInEcosystemError(
        f"not inside an eco ecosystem: no {REGISTRY_FILE} in {here} or any parent; "
        "run eco from the monorepo or pass --root DIR"
    )
