"""Key-level three-way merge of TOML files (``pyproject.toml``): pure, formatting kept.

The line merge of :mod:`eco.sync.merge` conflicts whenever both sides touch neighbouring
lines — a project bumping ``version`` next to the skeleton raising ``requires-python``.
In TOML those are different keys, so they need not conflict. :func:`merge_toml` merges
key by key instead: it starts from the project's document (its formatting, comments and
own tables stay as they are) and applies each key the skeleton changed and the project
did not. A key both changed differently — value, formatting or comment — is a conflict,
and the caller keeps the line merge's conflict. The result is checked by parsing it
again: unless every key holds exactly the merged value, no result is returned. Nor is
one for a document over :data:`eco.sync.merge.MAX_MERGE_BYTES` (tomlkit is slow and
memory-hungry on large documents).

:func:`merge_owned` adds the ownership of the manifest's ``[file.keys]``: the project's
own keys (its name, version, licence, dependencies, build backend...) never conflict and
are never replaced, the skeleton's tables merge key by key, and with no base (adoption)
every key the project has stays, each skeleton table it lacks is added, and each one it
configures its own way is kept and named in the result's notes.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass

import tomlkit
from tomlkit.container import Container
from tomlkit.container import OutOfOrderTableProxy
from tomlkit.items import Item
from tomlkit.items import Table
from tomlkit.items import Whitespace
from tomlkit.toml_document import TOMLDocument

from eco.skeleton.manifest import Keys
from eco.sync.merge import too_large

Path = tuple[str, ...]
_MISSING = object()


def _item(body: Container | OutOfOrderTableProxy, key: str) -> object:
    """The item at ``key``; a table split across the file (``[tool.a]``, ``[project]``,
    ``[tool.b]``) comes as a proxy over its parts, which holds the items as a dict."""
    if isinstance(body, OutOfOrderTableProxy):
        return dict.__getitem__(body, key)
    return body.item(key)


def _leaves(
    container: Container | Table | OutOfOrderTableProxy, prefix: Path = ()
) -> dict[Path, Item]:
    """Every non-table item by its key path (arrays of tables and inline tables are
    leaves: they are compared whole)."""
    body = container.value if isinstance(container, Table) else container
    out: dict[Path, Item] = {}
    for key in list(body):
        item = _item(body, str(key))
        path = (*prefix, str(key))
        if isinstance(item, (Table, OutOfOrderTableProxy)):
            out.update(_leaves(item, path))
        elif isinstance(item, Item):
            out[path] = item
        else:
            raise ValueError(f"{'.'.join(path)}: unexpected {type(item).__name__}")
    return out


def _table(doc: TOMLDocument, path: Path) -> Table | OutOfOrderTableProxy | TOMLDocument | None:
    """The table at ``path`` in ``doc`` (None when it has none)."""
    node: object = doc
    for key in path:
        if not isinstance(node, (Container, Table, OutOfOrderTableProxy)) or key not in node:
            return None
        body = node.value if isinstance(node, Table) else node
        node = _item(body, key)
    return node if isinstance(node, (Table, OutOfOrderTableProxy, TOMLDocument)) else None


def _signature(item: Item | None) -> object:
    """What must be equal for two versions of a key to count as unchanged."""
    if item is None:
        return _MISSING
    comment = item.trivia.comment if hasattr(item, "trivia") else ""
    return (item.unwrap(), item.as_string(), comment)


def _parse(text: str) -> TOMLDocument | None:
    try:
        return tomlkit.parse(text)
    except Exception:  # tomlkit raises several unrelated types for bad input
        return None


def merge_toml(base: str, ours: str, theirs: str) -> str | None:
    """The project's document with the skeleton's key changes applied, or None when a
    key conflicts (or any version is not valid TOML, or the merge cannot be verified, or
    a version is too large)."""
    if too_large(base, ours, theirs):
        return None
    try:
        return _merge(base, ours, theirs)
    except Exception:  # any surprise in a document's shape: keep the line conflict
        return None


def _merge(base: str, ours: str, theirs: str) -> str | None:
    docs = [_parse(text) for text in (base, ours, theirs)]
    if any(doc is None for doc in docs):
        return None
    base_doc, ours_doc, theirs_doc = docs
    assert base_doc is not None and ours_doc is not None and theirs_doc is not None
    b, o, t = _leaves(base_doc), _leaves(ours_doc), _leaves(theirs_doc)
    expected: dict[Path, object] = {}
    changes: list[tuple[Path, Item | None]] = []
    for path in sorted(set(b) | set(o) | set(t)):
        bs, os_, ts = _signature(b.get(path)), _signature(o.get(path)), _signature(t.get(path))
        if os_ == ts or ts == bs:
            keep = o.get(path)
        elif os_ == bs:
            keep = t.get(path)
            changes.append((path, keep))
        else:
            return None
        if keep is not None:
            expected[path] = keep.unwrap()
    if not changes:
        return None
    for path, item in changes:
        _apply(ours_doc, path, None if item is None else copy.deepcopy(item))
    text = ours_doc.as_string()
    check = _parse(text)
    if check is None or {p: i.unwrap() for p, i in _leaves(check).items()} != expected:
        return None
    return text


@dataclass(frozen=True)
class KeyMerge:
    text: str
    notes: tuple[str, ...] = ()  # what the project keeps that the skeleton differs in


def merge_owned(
    base: str | None,
    ours: str,
    theirs: str,
    keys: Keys,
    elsewhere: Mapping[str, str] | None = None,
) -> KeyMerge | None:
    """Merge by ownership (see the module docstring); None when a key the skeleton
    manages conflicts, a version is not valid TOML, or the result cannot be verified.
    ``elsewhere``: the skeleton tables the project configures in another file (say
    ``tool.pytest`` -> ``tox.ini [pytest]``), which adoption does not add."""
    if too_large(base, ours, theirs):
        return None
    try:
        return _merge_owned(base, ours, theirs, keys, elsewhere or {})
    except Exception:  # any surprise in a document's shape: the caller's fallback
        return None


def _merge_owned(
    base: str | None, ours: str, theirs: str, keys: Keys, elsewhere: Mapping[str, str]
) -> KeyMerge | None:
    ours_doc, theirs_doc = _parse(ours), _parse(theirs)
    base_doc = _parse(base) if base is not None else None
    if ours_doc is None or theirs_doc is None or (base is not None and base_doc is None):
        return None
    o, t = _leaves(ours_doc), _leaves(theirs_doc)
    b = _leaves(base_doc) if base_doc is not None else None
    configured = ({keys.unit(path) for path in o} | set(elsewhere)) - {""}
    expected: dict[Path, object] = {}
    changes: list[tuple[Path, Item | None]] = []
    kept: set[str] = set()
    for path in dict.fromkeys([*t, *o, *(b or {})]):  # the skeleton's order first
        mine, skel = o.get(path), t.get(path)
        owner = keys.owner(path)
        if b is None:  # adoption: the project's keys and tables stay, the rest arrive
            unit = keys.unit(path)
            if (
                owner == "project"
                or mine is not None
                or (unit and unit in configured)
                or (path[0] == "project" and "project" not in ours_doc)
            ):
                keep = mine
                if unit and unit not in elsewhere and _signature(mine) != _signature(skel):
                    kept.add(unit)
            else:
                keep = skel
                changes.append((path, skel))
        else:
            bs, os_, ts = _signature(b.get(path)), _signature(mine), _signature(skel)
            if os_ == ts or ts == bs or (owner == "project" and os_ != bs):
                keep = mine
            elif os_ == bs:
                keep = skel
                changes.append((path, skel))
            else:
                return None
        if keep is not None:
            expected[path] = keep.unwrap()
    added = {path for path, item in changes if item is not None}
    copied: set[Path] = set()
    for path, item in changes:
        if any(path[: len(c)] == c for c in copied):
            continue
        whole = _missing_table(ours_doc, theirs_doc, path, added)
        if whole is not None:
            _apply(ours_doc, whole, _spaced(_table(theirs_doc, whole)))
            copied.add(whole)
        else:
            _apply(ours_doc, path, None if item is None else copy.deepcopy(item))
    text = ours_doc.as_string()
    if text.endswith("\n\n") and not ours.endswith("\n\n"):
        text = text.rstrip("\n") + "\n"
    check = _parse(text)
    if check is None or {p: i.unwrap() for p, i in _leaves(check).items()} != expected:
        return None
    notes = tuple(f"kept the project's own [{unit}]" for unit in sorted(kept))
    if b is None:
        notes += tuple(
            f"no [{unit}] added: the project configures it in {spec}"
            for unit, spec in sorted(elsewhere.items())
        )
    return KeyMerge(text, notes)


def _missing_table(
    ours: TOMLDocument, theirs: TOMLDocument, path: Path, added: set[Path]
) -> Path | None:
    """The outermost table above ``path`` that the project lacks and whose every key is
    being added: copied whole, with the skeleton's layout and comments."""
    for depth in range(1, len(path)):
        prefix = path[:depth]
        if _table(ours, prefix) is not None:
            continue
        table = _table(theirs, prefix)
        if not isinstance(table, Table):
            return None
        if all(isinstance(v, Table) for v in table.value.values()):
            continue  # ``[tool]``, ``[tool.coverage]``: no header of their own
        under = {p for p in _leaves(table, prefix)}
        return prefix if under <= added else None
    return None


def _spaced(table: object) -> Table:
    """A copy of a skeleton table, ending with a blank line before whatever follows."""
    assert isinstance(table, Table)
    copied = copy.deepcopy(table)
    body = copied.value.body
    if not body or not isinstance(body[-1][1], Whitespace):
        copied.value.append(None, Whitespace("\n"))
    return copied


def _apply(doc: TOMLDocument, path: Path, item: Item | None) -> None:
    parent: Container | Table | OutOfOrderTableProxy = doc
    for depth, key in enumerate(path[:-1]):
        child = parent.get(key)
        if not isinstance(child, (Table, OutOfOrderTableProxy)):
            if item is None:
                return
            # a table holding only tables (``tool``) gets no header of its own: every
            # one above a whole table, every one but the last above a key
            holds_key = depth == len(path) - 2 and not isinstance(item, Table)
            child = tomlkit.table(is_super_table=not holds_key)
            parent[key] = child
            child = parent[key]
        parent = child
    if item is None:
        if path[-1] in parent:
            del parent[path[-1]]
    else:
        parent[path[-1]] = item
