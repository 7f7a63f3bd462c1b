"""Decide what sync does to each file of a project: pure functions, no git, no files.

Inputs are three renderings of the skeleton's files — ``theirs`` (the skeleton now),
``base`` (the skeleton as last applied, ``None`` when unknown) and ``ours`` (the
project's files) — plus the project's sync state. The output is a :class:`Plan`: every
file classified, with its content after the sync, before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatch

from eco.skeleton.render import RenderedFile
from eco.skeleton.render import Rendering
from eco.skeleton.state import State
from eco.sync.merge import has_conflict_markers
from eco.sync.merge import merge3
from eco.sync.merge import too_large
from eco.sync.merge_toml import merge_toml

NEW = "new"
UNCHANGED = "unchanged"
UPDATED = "updated"
MERGED = "merged"
CONFLICT = "conflict"
REMOVED = "removed"
OPTED_OUT = "opted-out"
PROJECT_OWNED = "project-owned"
# The order classifications are listed in, most important first.
ACTIONS = (CONFLICT, NEW, UPDATED, MERGED, REMOVED, OPTED_OUT, PROJECT_OWNED, UNCHANGED)
WRITES = (NEW, UPDATED, MERGED, REMOVED)
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
    reason: str = ""  # why a file is retired or opted out

    @property
    def changes(self) -> bool:
        return self.result != self.ours

    @property
    def check_status(self) -> str:
        """The file's state as ``eco check`` reports it."""
        if self.action == UNCHANGED:
            return "in sync"
        if self.action == NEW:
            return "missing"
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

    @property
    def state(self) -> State:
        """The sync state to record when the plan is written."""
        return State(self.revision, self.seeded)

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
) -> FilePlan:
    """Classify one skeleton file; ``base`` is ``None`` when the last applied content is
    unknown (adoption, or a file the skeleton gained since). ``blocked`` says what of the
    project's stands where the file goes (a folder, a symlink, a file in place of a
    parent folder): writing the file would delete it, so it is left as it is."""

    def plan(action: str, result: str | None) -> FilePlan:
        return FilePlan(path, mode, action, ours, result, theirs, base)

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
    merged = merge3(base, ours, theirs, strict=mode == "owned", union=union)
    if not merged.clean and mode == "merged" and base is not None and path.endswith(".toml"):
        structured = merge_toml(base, ours, theirs)  # key by key: neighbours do not clash
        if structured is not None:
            return plan(MERGED, structured)
    if not merged.clean:
        return plan(CONFLICT, merged.text)
    return plan(UNCHANGED if merged.text == ours else MERGED, merged.text)


def _stand_in(rendered: RenderedFile, ours: Mapping[str, str]) -> str:
    """For a seeded file the project lacks: the project's own file that stands in for it."""
    if rendered.path in ours:
        return ""
    for other in rendered.unless:
        if other in ours:
            return f"the project has its own {other}"
    return ""


def plan_files(
    theirs: Rendering,
    base: Rendering | None,
    ours: Mapping[str, str],
    state: State | None,
    blocked: Mapping[str, str] | None = None,
) -> list[FilePlan]:
    """Classify every file the skeleton knows for one project (sorted by path);
    ``blocked``: the paths where the project has something other than a file (see
    :func:`classify`)."""
    seeded = set(state.seeded) if state else set()
    files: list[FilePlan] = []
    for path, rendered in theirs.files.items():
        base_file = base.files.get(path) if base else None
        files.append(
            classify(
                path,
                rendered.mode,
                ours=ours.get(path),
                theirs=rendered.content,
                base=base_file.content if base_file else None,
                seeded_before=path in seeded,
                blocked=(blocked or {}).get(path, "") or _stand_in(rendered, ours),
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
        files.append(FilePlan(path, "retired", REMOVED, content, None, reason=reason))
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
) -> Plan:
    files = tuple(plan_files(theirs, base, ours, state, blocked))
    seeded = set(state.seeded) if state else set()
    seeded.update(f.path for f in files if f.mode == "seeded" and f.result is not None)
    previous = state.template_revision if state else ""
    return Plan(project, revision, previous, files, tuple(sorted(seeded)))


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
    unchanged = len(plan.by_action(UNCHANGED))
    if unchanged:
        lines += ["", f"unchanged: {unchanged} file{'s' if unchanged != 1 else ''}"]
    return "\n".join(lines) + "\n"


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
        for f in files:
            out.append(f"- `{f.path}`" + (f": {f.reason}" if f.reason else ""))
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
