"""The sync state a project carries: which skeleton revision was last applied to it.

The file is ``.eco.toml`` at the project's top level, written by ``eco init`` and
``eco sync`` only::

    # Written by eco: the skeleton revision last applied to this project.
    template-revision = "<40-hex commit of the ecosystem monorepo>"
    seeded = ["docs/index.md"]

``seeded`` lists the seeded files already written once, so a project that deletes one
keeps it deleted. ``[kept]`` (only when adoption kept some) names the skeleton files the
project keeps as its own, each with the reason — say, a tests workflow starting a
service the standard one cannot — so later syncs leave them alone as opted out (until
the registry gives the standard file what it lacked)::

    [kept]
    ".github/workflows/tests.yaml" = "starts the service ldap, which ..."

The file is written by tomlkit, so any path round-trips (quotes, backslashes), and read
strictly: anything but a string, a list of strings and a table of strings is an error
naming the file, never rewritten.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field

from eco.errors import EcoError

STATE_FILE = ".eco.toml"
_HEADER = "# Written by eco: the skeleton revision last applied to this project.\n"


@dataclass(frozen=True)
class State:
    template_revision: str = ""
    seeded: tuple[str, ...] = field(default_factory=tuple)
    kept: Mapping[str, str] = field(default_factory=dict)  # path -> why the project keeps it


def parse_state(text: str, where: str = STATE_FILE) -> State:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise EcoError(f"{where}: invalid TOML: {exc}") from None
    revision = data.get("template-revision", "")
    seeded = data.get("seeded", [])
    kept = data.get("kept", {})
    if (
        not isinstance(revision, str)
        or not isinstance(seeded, list)
        or not all(isinstance(path, str) for path in seeded)
    ):
        raise EcoError(f'{where}: expected template-revision = "<sha>" and seeded = [paths]')
    if not isinstance(kept, dict) or not all(isinstance(v, str) for v in kept.values()):
        raise EcoError(f'{where}: [kept]: expected "path" = "reason" lines')
    return State(revision, tuple(sorted(seeded)), dict(kept))


def format_state(state: State) -> str:
    import tomlkit  # only when writing: reading is tomllib, and start-up stays small

    document = tomlkit.document()
    document.add("template-revision", state.template_revision)
    document.add("seeded", sorted(state.seeded))
    if state.kept:
        kept = tomlkit.table()
        for path, reason in sorted(state.kept.items()):
            kept.add(path, reason)
        document.add(tomlkit.nl())
        document.add("kept", kept)
    return _HEADER + tomlkit.dumps(document)
