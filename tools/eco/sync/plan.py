"""Decide what sync does to each file of a project: pure functions, no git, no files.

Inputs are three renderings of the skeleton's files — ``theirs`` (the skeleton now),
``base`` (the skeleton as last applied, ``None`` when unknown) and ``ours`` (the
project's files) — plus the project's sync state. The output is a :class:`Plan`: every
file classified, with its content after the sync, before anything is written.

Adoption (no base known) follows its own rules, so that the first pull request is one a
maintainer can merge: ``pyproject.toml`` merges by key ownership (the manifest's
``[file.keys]``), list files are unioned, an owned file is replaced and the pull request
says what the project's version had (unless it holds what the standard file cannot
express: then it is kept, recorded in ``.eco.toml``), any other merged file stays the
project's own, and a docs page is added only where the project's docs index links it.
"""

from __future__ import annotations

import posixpath
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from difflib import SequenceMatcher
from fnmatch import fnmatch

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from eco.skeleton.manifest import Keys
from eco.skeleton.render import RenderedFile
from eco.skeleton.render import Rendering
from eco.skeleton.state import State
from eco.sync.adopt import kept_details
from eco.sync.adopt import Needs
from eco.sync.adopt import replaced_details
from eco.sync.adopt import retired_details
from eco.sync.adopt import unmapped
from eco.sync.merge import has_conflict_markers
from eco.sync.merge import merge3
from eco.sync.merge import split_lines
from eco.sync.merge import too_large
from eco.sync.merge import union_lines

NEW = "new"
UNCHANGED = "unchanged"
UPDATED = "updated"
MERGED = "merged"
CONFLICT = "conflict"
REMOVED = "removed"
OPTED_OUT = "opted-out"
PROJECT_OWNED = "project-owned"
REPLACED = "replaced"  # adoption: an owned file the project had, replaced by the standard
KEPT = "kept"  # adoption: a merged file the project had, kept as its own
NOT_ADDED = "not-added"  # a docs page the project's own index does not link
# The order classifications are listed in, most important first.
ACTIONS = (
    CONFLICT,
    NEW,
    REPLACED,
    UPDATED,
    MERGED,
    REMOVED,
    KEPT,
    NOT_ADDED,
    OPTED_OUT,
    PROJECT_OWNED,
    UNCHANGED,
)
WRITES = (NEW, REPLACED, UPDATED, MERGED, REMOVED)
COMMIT_PREFIX = "eco sync: "  # every sync commit's subject starts so
UNRESOLVED = "unresolved conflict markers from an earlier sync"
DROPPED = "no longer in the skeleton"
DROPPED_KEPT = "no longer in the skeleton; kept: the project changed it"
# Merged files that are plain lists of lines: insertions by both sides at the same
# place are both kept (see eco.sync.merge.merge3's ``union``).
LINE_LISTS = ("*.in", ".gitignore", "*/.gitignore")


@dataclass(frozen=True)
class FilePlan:
    path: str
    mode: str  # the manifest's mode, or "retired"
    action: str  # one of ACTIONS
    ours: str | None  # the project's content now (None: absent)
    result: str | None  # the content after sync (None: absent); for a conflict, with markers
    theirs: str | None = None
    base: str | None = None
    reason: str = ""  # why a file is retired, opted out, kept or not added
    details: tuple[str, ...] = ()  # what a replaced file had; what a merge kept

    @property
    def changes(self) -> bool:
        return self.result != self.ours

    @property
    def check_status(self) -> str:
        """The file's state as ``eco check`` reports it."""
        if self.action == UNCHANGED:
            return "in sync"
        if self.action in (NEW, NOT_ADDED):
            return "missing"
        if self.action in (REPLACED, KEPT):
            return "modified"
        if self.action in (UPDATED, MERGED):
            return "behind"
        if self.action == REMOVED:
            return "retired"
        if self.action == CONFLICT and not self.reason:
            return "modified" if self.base is None or self.base == self.theirs else "conflict"
        return self.action


DRIFT = ("missing", "behind", "retired", "modified", "conflict")


@dataclass(frozen=True)
class Plan:
    project: str
    revision: str  # the template revision being applied
    previous: str  # the revision last applied ("" when the project is being adopted)
    files: tuple[FilePlan, ...]
    seeded: tuple[str, ...]  # the seeded files written once, sorted (recorded in the state)
    kept: Mapping[str, str] = field(default_factory=dict)  # files the project keeps, why

    @property
    def state(self) -> State:
        """The sync state to record when the plan is written."""
        return State(self.revision, self.seeded, dict(self.kept))

    @property
    def conflicts(self) -> list[FilePlan]:
        return [f for f in self.files if f.action == CONFLICT]

    def by_action(self, action: str) -> list[FilePlan]:
        return [f for f in self.files if f.action == action]

    def writes(self, *, allow_conflicts: bool = False) -> list[FilePlan]:
        """The files the sync commit changes (conflicts only when allowed)."""
        return [
            f
            for f in self.files
            if f.changes and (f.action in WRITES or (allow_conflicts and f.action == CONFLICT))
        ]

    @property
    def drift(self) -> bool:
        return any(f.check_status in DRIFT for f in self.files)


def classify(
    path: str,
    mode: str,
    *,
    ours: str | None,
    theirs: str,
    base: str | None,
    seeded_before: bool = False,
    blocked: str = "",
    keys: Keys | None = None,
    keep: str = "",
    needs: Needs | None = None,
    elsewhere: Mapping[str, str] | None = None,
) -> FilePlan:
    """Classify one skeleton file; ``base`` is ``None`` when the last applied content is
    unknown (adoption, or a file the skeleton gained since). ``blocked`` says what of the
    project's stands where the file goes (a folder, a symlink, a file in place of a
    parent folder): writing the file would delete it, so it is left as it is. ``keys``:
    who owns which keys of a TOML file; ``keep``: why the project's version of an owned
    file must be kept on adoption (what the standard file cannot express); ``elsewhere``:
    the skeleton's TOML tables the project configures in other files."""

    def plan(action: str, result: str | None, details: tuple[str, ...] = ()) -> FilePlan:
        return FilePlan(path, mode, action, ours, result, theirs, base, details=details)

    if mode == "seeded":
        if seeded_before or ours is not None or blocked:
            return FilePlan(path, mode, PROJECT_OWNED, ours, ours, theirs, base, blocked)
        return plan(NEW, theirs)
    if blocked:
        return FilePlan(path, mode, CONFLICT, ours, ours, theirs, base, blocked)
    if ours is None:
        return plan(NEW, theirs)
    if has_conflict_markers(ours):  # a sync committed with --allow-conflicts, unresolved
        return FilePlan(path, mode, CONFLICT, ours, ours, theirs, base, UNRESOLVED)
    if ours == theirs:
        return plan(UNCHANGED, ours)
    if base is not None and ours == base:
        return plan(UPDATED, theirs)
    oversized = too_large(base, ours, theirs)
    if oversized:
        return FilePlan(path, mode, CONFLICT, ours, ours, theirs, base, oversized)
    union = any(fnmatch(path, pattern) for pattern in LINE_LISTS)
    if base is None:
        return _adopt(
            path,
            mode,
            ours,
            theirs,
            union=union,
            keys=keys,
            keep=keep,
            needs=needs,
            elsewhere=elsewhere or {},
        )
    merged = merge3(base, ours, theirs, strict=mode == "owned", union=union)
    if not merged.clean and mode == "merged" and keys is not None:
        from eco.sync.merge_toml import merge_owned  # tomlkit: only when a TOML file merges

        owned = merge_owned(base, ours, theirs, keys)  # key by key, by ownership
        if owned is not None:
            return plan(MERGED if owned.text != ours else UNCHANGED, owned.text, owned.notes)
    elif not merged.clean and mode == "merged" and path.endswith(".toml"):
        from eco.sync.merge_toml import merge_toml

        structured = merge_toml(base, ours, theirs)  # key by key: neighbours do not clash
        if structured is not None:
            return plan(MERGED, structured)
    if not merged.clean:
        return plan(CONFLICT, merged.text)
    return plan(UNCHANGED if merged.text == ours else MERGED, merged.text)


def _adopt(
    path: str,
    mode: str,
    ours: str,
    theirs: str,
    *,
    union: bool,
    keys: Keys | None,
    keep: str,
    needs: Needs | None,
    elsewhere: Mapping[str, str],
) -> FilePlan:
    """A file the project has and the skeleton never applied to it (see the module
    docstring); ``ours != theirs``."""

    def plan(action: str, result: str, reason: str = "", details: tuple[str, ...] = ()) -> FilePlan:
        return FilePlan(path, mode, action, ours, result, theirs, None, reason, details)

    if mode == "owned":
        if keep:
            return plan(OPTED_OUT, ours, keep)
        return plan(REPLACED, theirs, "", replaced_details(path, ours, theirs, needs))
    if keys is not None:
        from eco.sync.merge_toml import merge_owned  # tomlkit: only when a TOML file merges

        owned = merge_owned(None, ours, theirs, keys, elsewhere)
        if owned is not None:
            return plan(MERGED if owned.text != ours else UNCHANGED, owned.text, "", owned.notes)
    if union:
        united = union_lines(ours, theirs, _requirement_name if path.endswith(".in") else str.strip)
        return plan(MERGED if united != ours else UNCHANGED, united)
    places = merge3(None, ours, theirs).conflicts
    return plan(
        KEPT,
        ours,
        f"the project's own version ({places} place{'s' if places != 1 else ''} differ from "
        "the standard); later skeleton changes merge into it",
        kept_details(path, ours, theirs),
    )


def _requirement_name(line: str) -> str:
    """A requirements line's project name (the line itself when it is not one)."""
    text = line.split("#", 1)[0].strip()
    try:
        return str(canonicalize_name(Requirement(text).name))
    except InvalidRequirement:
        return text


def _stand_in(rendered: RenderedFile, ours: Mapping[str, str]) -> str:
    """For a file the project lacks: the project's own file that stands in for it."""
    if rendered.path in ours:
        return ""
    for other in rendered.unless:
        if other in ours:
            return f"the project has its own {other}"
    return ""


def _unlinked(rendered: RenderedFile, ours: Mapping[str, str]) -> str:
    """For a docs page the project lacks: why adding it would make an orphan (its own
    docs index does not link it), or "" when it may be added."""
    index = ours.get(rendered.linked_from) if rendered.linked_from else None
    if rendered.path in ours or index is None or too_large(index):
        return ""
    page = posixpath.splitext(
        posixpath.relpath(rendered.path, posixpath.dirname(rendered.linked_from))
    )[0]
    if re.search(rf"(?m)^\s*(?:\S.*<)?/?{re.escape(page)}(?:\.\w+)?>?\s*$", index):
        return ""
    return (
        f"not added: {rendered.linked_from} does not link it, so Sphinx would warn about "
        f"an orphan page; add {page} to its toctree, then sync again"
    )


def _configures(theirs: Rendering, ours: Mapping[str, str], path: str) -> str:
    """Why a retired file must stay: it configures a tool (a ``[pytest]`` section of
    ``tox.ini``, say) that the project's TOML file does not, so removing it would change
    how that tool runs ("" when it may go)."""
    for rendered in theirs.files.values():
        if rendered.keys is None or rendered.path not in ours or too_large(ours[rendered.path]):
            continue
        try:
            data = tomllib.loads(ours[rendered.path])
        except tomllib.TOMLDecodeError:
            data = {}
        for unit, spec in rendered.keys.configured_elsewhere(ours).items():
            if spec.split(" [")[0] != path or _lookup(data, unit.split(".")) is not None:
                continue
            section = spec.partition(" ")[2] or "settings"
            tool = unit.split(".")[-1]
            return (
                f"kept: its {section} configure {tool}, which {rendered.path} does not; "
                f"move them to [{unit}], then sync removes it"
            )
    return ""


def _lookup(data: Mapping[str, object], path: list[str]) -> object:
    node: object = data
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node


def plan_files(
    theirs: Rendering,
    base: Rendering | None,
    ours: Mapping[str, str],
    state: State | None,
    blocked: Mapping[str, str] | None = None,
    needs: Needs | None = None,
) -> list[FilePlan]:
    """Classify every file the skeleton knows for one project (sorted by path);
    ``blocked``: the paths where the project has something other than a file (see
    :func:`classify`); ``needs``: what the project's registry entry gives the shared
    tests workflow (adoption keeps a workflow that needs more)."""
    seeded = set(state.seeded) if state else set()
    kept = dict(state.kept) if state else {}
    needs = needs or Needs()
    files: list[FilePlan] = []
    for path, rendered in theirs.files.items():
        base_file = base.files.get(path) if base else None
        content = ours.get(path)
        still = unmapped(path, content, needs) if path in kept and content is not None else ""
        if still:  # kept at adoption, and the registry still cannot feed the standard file
            files.append(FilePlan(path, "opted-out", OPTED_OUT, content, content, reason=still))
            continue
        if path in kept:  # the registry gives all it needs now: adopted like any other
            base_file = None
        stand_in = _stand_in(rendered, ours)
        if stand_in and rendered.mode != "seeded" and path not in (blocked or {}):
            files.append(
                FilePlan(
                    path,
                    rendered.mode,
                    PROJECT_OWNED,
                    None,
                    None,
                    rendered.content,
                    reason=stand_in,
                )
            )
            continue
        unlinked = _unlinked(rendered, ours)
        if unlinked:
            files.append(
                FilePlan(
                    path, rendered.mode, NOT_ADDED, None, None, rendered.content, reason=unlinked
                )
            )
            continue
        files.append(
            classify(
                path,
                rendered.mode,
                ours=content,
                theirs=rendered.content,
                base=base_file.content if base_file else None,
                seeded_before=path in seeded,
                blocked=(blocked or {}).get(path, "") or stand_in,
                keys=rendered.keys,
                keep=unmapped(path, content, needs) if content and base_file is None else "",
                needs=needs,
                elsewhere=rendered.keys.configured_elsewhere(ours) if rendered.keys else None,
            )
        )
    for path, reason in theirs.opted_out.items():
        files.append(
            FilePlan(path, "opted-out", OPTED_OUT, ours.get(path), ours.get(path), reason=reason)
        )
    for path, reason in theirs.retired.items():
        content = ours.get(path)
        marker = theirs.retired_contains.get(path, "")
        if content is None or (marker and marker not in content):
            continue
        if (blocked or {}).get(path):  # a link: eco never removes what it never writes
            files.append(_kept_link(path, content, (blocked or {})[path]))
            continue
        keep = kept.get(path) or unmapped(path, content, needs) or _configures(theirs, ours, path)
        if keep:
            files.append(FilePlan(path, "retired", OPTED_OUT, content, content, reason=keep))
            continue
        files.append(
            FilePlan(
                path,
                "retired",
                REMOVED,
                content,
                None,
                reason=reason,
                details=retired_details(path, content, needs),
            )
        )
    if base is not None:
        files += _dropped(theirs, base, ours, blocked or {})
    return sorted(files, key=lambda f: f.path)


def _kept_link(path: str, content: str, blocker: str) -> FilePlan:
    return FilePlan(
        path,
        "retired",
        PROJECT_OWNED,
        content,
        content,
        reason=f"{blocker}; eco never writes or removes links",
    )


def _dropped(
    theirs: Rendering, base: Rendering, ours: Mapping[str, str], blocked: Mapping[str, str]
) -> list[FilePlan]:
    """Files the skeleton had when last applied and has no more (moved, or taken out of
    the manifest), as in a merge where only one side deleted a file: removed when the
    project never changed them, else kept as the project's own."""
    files = []
    for path, was in base.files.items():
        content = ours.get(path)
        if (
            content is None
            or was.mode not in ("owned", "merged")
            or path in theirs.files
            or path in theirs.retired
            or path in theirs.opted_out
        ):
            continue
        if blocked.get(path):
            files.append(_kept_link(path, content, blocked[path]))
        elif content == was.content:
            files.append(
                FilePlan(path, "retired", REMOVED, content, None, base=was.content, reason=DROPPED)
            )
        else:
            files.append(
                FilePlan(
                    path,
                    was.mode,
                    PROJECT_OWNED,
                    content,
                    content,
                    base=was.content,
                    reason=DROPPED_KEPT,
                )
            )
    return files


def make_plan(
    project: str,
    revision: str,
    theirs: Rendering,
    base: Rendering | None,
    ours: Mapping[str, str],
    state: State | None,
    blocked: Mapping[str, str] | None = None,
    needs: Needs | None = None,
) -> Plan:
    files = tuple(plan_files(theirs, base, ours, state, blocked, needs))
    seeded = set(state.seeded) if state else set()
    seeded.update(f.path for f in files if f.mode == "seeded" and f.result is not None)
    previous = state.template_revision if state else ""
    kept = {  # owned files adoption kept: recorded, so later syncs leave them alone
        f.path: f.reason
        for f in files
        if f.action == OPTED_OUT and f.mode != "retired" and f.path not in theirs.opted_out
    }
    return Plan(project, revision, previous, files, tuple(sorted(seeded)), kept)


def _reported(plan: Plan, allow_conflicts: bool) -> list[tuple[str, list[FilePlan]]]:
    """The sections a commit message or pull request lists: each action with files, in
    order, but unchanged (only counted) and conflicts unless they are committed."""
    sections = []
    for action in ACTIONS:
        files = plan.by_action(action)
        if files and action != UNCHANGED and (action != CONFLICT or allow_conflicts):
            sections.append((action, files))
    return sections


def commit_message(plan: Plan, *, ecosystem: str, allow_conflicts: bool = False) -> str:
    """One commit per sync: the template revision, then the files by classification."""
    short = plan.revision[:12] or "(uncommitted)"
    lines = [f"{COMMIT_PREFIX}{ecosystem} skeleton at {short}", ""]
    lines.append(f"Template revision: {plan.revision or '(none)'}")
    lines.append(f"Last applied: {plan.previous or '(none: the project is being adopted)'}")
    for action, files in _reported(plan, allow_conflicts):
        title = {
            CONFLICT: "conflict (committed with conflict markers: resolve before merging)",
        }.get(action, action)
        lines += ["", f"{title}:"]
        for f in files:
            lines.append(f"  {f.path}: {f.reason}" if f.reason else f"  {f.path}")
            lines += [f"    {detail}" for detail in f.details]
    unchanged = len(plan.by_action(UNCHANGED))
    if unchanged:
        lines += ["", f"unchanged: {unchanged} file{'s' if unchanged != 1 else ''}"]
    return "\n".join(lines) + "\n"


def diff_stat(before: str | None, after: str | None) -> str:
    """Lines removed and added between two versions, as ``-N +M lines``."""
    old, new = split_lines(before or ""), split_lines(after or "")
    removed = added = 0
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed += i2 - i1
            added += j2 - j1
    return f"-{removed} +{added} lines"


def pull_request_title(plan: Plan, *, ecosystem: str) -> str:
    return f"eco sync: {ecosystem} skeleton at {plan.revision[:12]}"


def pull_request_body(plan: Plan, *, ecosystem: str, allow_conflicts: bool = False) -> str:
    """The Markdown a forge shows for the sync branch."""
    out = [
        f"This pull request applies the **{ecosystem}** skeleton at revision "
        f"`{plan.revision[:12]}` (last applied: "
        f"`{plan.previous[:12] if plan.previous else 'none, adoption'}`).",
        "",
    ]
    for action, files in _reported(plan, allow_conflicts):
        out.append(f"### {action} ({len(files)})")
        out.append("")
        if action == REPLACED:
            out += [
                "Files the skeleton owns, replaced by the standard version. What the "
                "project's version had that the standard one does not:",
                "",
            ]
        for f in files:
            stat = f" ({diff_stat(f.ours, f.result)})" if action == REPLACED else ""
            out.append(f"- `{f.path}`{stat}" + (f": {f.reason}" if f.reason else ""))
            out += [f"  - {detail}" for detail in f.details]
        out.append("")
    out += [
        "### Review checklist",
        "",
        "- [ ] The diff keeps this project's own changes.",
    ]
    if allow_conflicts and plan.conflicts:
        out.append("- [ ] Every conflict marker (`<<<<<<<`) is resolved.")
    out.append("- [ ] CI passes.")
    return "\n".join(out) + "\n"
