"""The skeleton's manifest (``templates/manifest.toml``): how each file is owned.

Modes:

``owned``
    The skeleton decides the content. A project edit is drift; sync refuses to replace
    it silently (reported as a conflict) unless the project opts the file out.
``merged``
    Three-way merged: the skeleton's changes and the project's own edits both survive.
``seeded``
    Written once when missing, then the project's: never updated, and if the project
    deletes it, it stays deleted.
``init``
    Written only by ``eco init`` (the project's own code and tests); sync ignores it.

``[[retired]]`` entries name files the skeleton removes from projects, with the reason.

A file may name ``unless``: the project's own files that stand in for it (its
``README.rst`` for the seeded ``README.md``, its ``docs/changelog.rst`` for the owned
``docs/changes.rst``); a docs page may name ``linked-from``, the index that must link it
for the page to be added to a project that has its own index. ``pyproject.toml`` names
its keys' owners in ``[file.keys]`` (see :class:`Keys`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from eco.errors import did_you_mean
from eco.errors import TemplateError

MODES = ("owned", "merged", "seeded", "init")
MANIFEST = "manifest.toml"
SKELETON = "skeleton"
_FILE_KEYS = {"path", "template", "mode", "when", "about", "unless", "linked-from", "keys"}
_KEYS_KEYS = {"project", "skeleton", "whole", "elsewhere"}


@dataclass(frozen=True)
class Keys:
    """Who owns which keys of a TOML file (dotted paths; a table covers what it holds).

    ``project`` keys are the project's own: never in conflict, never replaced (adoption
    keeps them exactly). ``skeleton`` tables are the skeleton's: merged key by key, and
    on adoption added where the project has none. Other keys merge three-way.
    """

    project: tuple[str, ...] = ()
    skeleton: tuple[str, ...] = ()
    whole: tuple[str, ...] = ()  # other tables adoption keeps or adds whole (project.urls)
    # a skeleton table -> the other files that may configure the same tool instead,
    # each "path" or "path [section]" (an ini file's section)
    elsewhere: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def elsewhere_files(self) -> set[str]:
        """Every file named in ``elsewhere`` (sync reads them from the project)."""
        return {spec.split(" [")[0] for specs in self.elsewhere.values() for spec in specs}

    def configured_elsewhere(self, files: Mapping[str, str]) -> dict[str, str]:
        """Each skeleton table the project configures in another file -> that file (and
        section), from the project's ``files``."""
        found: dict[str, str] = {}
        for unit, specs in self.elsewhere.items():
            for spec in specs:
                path, _, section = spec.partition(" ")
                text = files.get(path)
                if text is not None and (not section or _has_section(text, section)):
                    found[unit] = spec
                    break
        return found

    def owner(self, path: tuple[str, ...]) -> str:
        """ "project", "skeleton" or "" for the key at ``path``."""
        dotted = ".".join(path)
        for owner, prefixes in (("project", self.project), ("skeleton", self.skeleton)):
            if any(dotted == p or dotted.startswith(p + ".") for p in prefixes):
                return owner
        return ""

    def unit(self, path: tuple[str, ...]) -> str:
        """The table ``path`` belongs to that adoption adds or keeps whole: a skeleton
        table, or one listed in ``whole`` ("" when none)."""
        dotted = ".".join(path)
        for prefix in (*self.skeleton, *self.whole):
            if dotted == prefix or dotted.startswith(prefix + "."):
                return prefix
        return ""


_RETIRED_KEYS = {"path", "reason", "when", "contains"}


@dataclass(frozen=True)
class FileSpec:
    path: str  # output path; may hold Jinja, e.g. "src/{{ module }}/__init__.py"
    template: str  # relative to templates/skeleton/
    mode: str
    when: str = ""  # a Jinja expression; the file exists only where it is true
    about: str = ""  # why the file exists (shown by docs and check)
    # not written when the project already has one of these (README.rst for README.md)
    unless: tuple[str, ...] = ()
    linked_from: str = ""  # a docs page: the index that must link it (may use variables)
    keys: Keys | None = None  # a TOML file: who owns which keys


@dataclass(frozen=True)
class RetiredSpec:
    path: str
    reason: str
    when: str = ""
    contains: str = ""  # retire only when the file holds this text (e.g. "slsa-github-generator")


@dataclass(frozen=True)
class Manifest:
    files: tuple[FileSpec, ...]
    retired: tuple[RetiredSpec, ...]


def load_manifest(templates_dir: Path) -> Manifest:
    path = templates_dir / MANIFEST
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TemplateError(f"{path}: cannot read the manifest: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{path}: invalid TOML: {exc}") from None
    unknown = set(data) - {"file", "retired"}
    if unknown:
        key = sorted(unknown)[0]
        raise TemplateError(f"{path}: {key}: unknown table{did_you_mean(key, ['file', 'retired'])}")
    files = []
    for index, entry in enumerate(data.get("file", [])):
        where = f"{path}: file[{index}]"
        _keys(where, entry, _FILE_KEYS)
        if "path" not in entry:
            raise TemplateError(f"{where}: missing 'path'")
        mode = entry.get("mode", "")
        if mode not in MODES:
            raise TemplateError(
                f"{where} ({entry['path']}): mode: expected one of {', '.join(MODES)}, got {mode!r}"
            )
        template = entry.get("template", _strip_jinja(entry["path"]))
        if not (templates_dir / SKELETON / template).is_file():
            raise TemplateError(
                f"{where} ({entry['path']}): template {SKELETON}/{template} does not exist"
            )
        unless = entry.get("unless", [])
        if not isinstance(unless, list) or not all(isinstance(u, str) and u for u in unless):
            raise TemplateError(f"{where} ({entry['path']}): unless: expected a list of paths")
        if unless and mode not in ("seeded", "owned"):
            raise TemplateError(
                f"{where} ({entry['path']}): unless: only a seeded or owned file can give "
                f"way to the project's own, and this one is {mode}"
            )
        linked_from = entry.get("linked-from", "")
        if not isinstance(linked_from, str):
            raise TemplateError(f"{where} ({entry['path']}): linked-from: expected a path")
        keys = _parse_keys(f"{where} ({entry['path']}): keys", entry.get("keys"))
        files.append(
            FileSpec(
                entry["path"],
                template,
                mode,
                entry.get("when", ""),
                entry.get("about", ""),
                tuple(unless),
                linked_from,
                keys,
            )
        )
    retired = []
    for index, entry in enumerate(data.get("retired", [])):
        where = f"{path}: retired[{index}]"
        _keys(where, entry, _RETIRED_KEYS)
        if "path" not in entry or not str(entry.get("reason", "")).strip():
            raise TemplateError(f"{where}: expected 'path' and a non-empty 'reason'")
        retired.append(
            RetiredSpec(
                entry["path"],
                entry["reason"],
                entry.get("when", ""),
                entry.get("contains", ""),
            )
        )
    return Manifest(tuple(files), tuple(retired))


def _has_section(text: str, section: str) -> bool:
    """True when an ini file's ``text`` has the section header ``section`` ("[pytest]")."""
    return any(line.strip() == section for line in text.splitlines())


def _parse_keys(where: str, table: object) -> Keys | None:
    if table is None:
        return None
    if not isinstance(table, dict):
        raise TemplateError(f"{where}: expected a table with project = [...], skeleton = [...]")
    _keys(where, table, _KEYS_KEYS)
    elsewhere = table.get("elsewhere", {})
    if not isinstance(elsewhere, dict) or not all(
        isinstance(v, list) and all(isinstance(s, str) and s for s in v) for v in elsewhere.values()
    ):
        raise TemplateError(f'{where}.elsewhere: expected "table" = ["file", "file [section]"]')
    lists = {}
    for owner in ("project", "skeleton", "whole"):
        value = table.get(owner, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise TemplateError(f"{where}.{owner}: expected a list of dotted key paths")
        lists[owner] = tuple(value)
    return Keys(
        lists["project"],
        lists["skeleton"],
        lists["whole"],
        {unit: tuple(specs) for unit, specs in elsewhere.items()},
    )


def _keys(where: str, entry: dict[str, object], allowed: set[str]) -> None:
    for key in entry:
        if key not in allowed:
            raise TemplateError(f"{where}: {key}: unknown key{did_you_mean(key, allowed)}")


def _strip_jinja(path: str) -> str:
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", r"__\1__", path)
