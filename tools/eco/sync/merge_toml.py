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
"""

from __future__ import annotations

import copy

import tomlkit
from tomlkit.container import Container
from tomlkit.items import Item
from tomlkit.items import Table
from tomlkit.toml_document import TOMLDocument

from eco.sync.merge import too_large

Path = tuple[str, ...]
_MISSING = object()


def _leaves(container: Container | Table, prefix: Path = ()) -> dict[Path, Item]:
    """Every non-table item by its key path (arrays of tables and inline tables are
    leaves: they are compared whole)."""
    body = container if isinstance(container, Container) else container.value
    out: dict[Path, Item] = {}
    for key in list(body):
        item = body.item(key)
        if not isinstance(item, Item):  # a table split across the file: not handled
            raise ValueError(f"{key}: a table defined in several places")
        path = (*prefix, str(key))
        if isinstance(item, Table):
            out.update(_leaves(item, path))
        else:
            out[path] = item
    return out


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


def _apply(doc: TOMLDocument, path: Path, item: Item | None) -> None:
    parent: Container | Table = doc
    for key in path[:-1]:
        child = parent.get(key)
        if not isinstance(child, Table):
            if item is None:
                return
            child = tomlkit.table()
            parent[key] = child
            child = parent[key]
        parent = child
    if item is None:
        if path[-1] in parent:
            del parent[path[-1]]
    else:
        parent[path[-1]] = item
