"""A project's docs and changelog: layout, format, the pages it already has, its changelog.

Adoption adds a changelog or licence page only where the project has none under another
name; these are the names it looks for.
"""

from __future__ import annotations

import re

from eco.adopt.source import Source

_CHANGELOGS = tuple(
    f"{stem}{suffix}"
    for stem in ("CHANGES", "CHANGELOG", "HISTORY", "NEWS")
    for suffix in (".rst", ".md")
)
_DOCS_CHANGELOGS = tuple(
    f"docs/{stem}{suffix}"
    for stem in ("changes", "changelog", "history")
    for suffix in (".rst", ".md")
)
_LICENSE_PAGES = tuple(
    f"docs/{stem}{sx}" for stem in ("license", "licence") for sx in (".rst", ".md")
)
_INCLUDE_RE = re.compile(r"(?:\.\. include::|\{include\})\s*(\S+)")
_TOCTREE_RE = re.compile(r"^\s*(?:\.\. toctree::|[`:]{3,}\s*\{toctree\})", re.MULTILINE)


def read_changelog(source: Source, notes: list[str]) -> str:
    """The changelog file (``""``: none), from the top of the project or docs/."""
    found = source.first_of(_CHANGELOGS)
    if found is None:
        for page in _DOCS_CHANGELOGS:
            text = source.text(page)
            if text is not None and not _INCLUDE_RE.search(text):
                found = page
                break
    if found is None:
        bare = source.first_of(("CHANGES", "CHANGELOG", "HISTORY"))
        if bare:
            notes.append(
                f"changelog {bare} has no .rst or .md extension: eco release cannot read it; "
                'recorded as none (changelog = "")'
            )
        return ""
    text = source.text(found) or ""
    if not re.search(r"^(#+ )?Version \d", text, re.MULTILINE):
        notes.append(
            f"changelog {found} has no 'Version X.Y.Z' sections (the Pallets format): "
            "eco release cannot date its entries until it does"
        )
    return found


def read_docs(source: Source) -> tuple[str, str | None, dict[str, str]]:
    """Docs layout (multi, single, none), format (rst, md) and the pages that show the
    changelog and the licence."""
    names = source.names("docs")
    index = next((f"docs/{n}" for n in ("index.rst", "index.md") if n in names), None)
    if index is None:
        return "none", None, {}
    docs_format = "md" if index.endswith(".md") else "rst"
    pages = {}
    for kind, candidates in (("changelog", _DOCS_CHANGELOGS), ("license", _LICENSE_PAGES)):
        page = next((p for p in candidates if p.rpartition("/")[2] in names), None)
        if page:
            pages[kind] = page
    layout = "multi" if _TOCTREE_RE.search(source.text(index) or "") else "single"
    return layout, docs_format, pages
