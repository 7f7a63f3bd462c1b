"""Migrate one project: its sync plan for the new generation with the conversion laid over.

The conversion's files join the plan a sync makes for the project as if the registry
already named the new generation: the skeleton's files of that generation come and go
as a sync classifies them (a pip-tools project's ``uv.lock`` is retired, its
``requirements/*.in`` rendered), and the converted files are classified the same way
(new, updated, removed, each saying "migrated to the ... generation"). Writing and
publishing are a sync's: one commit on the sync branch, the same pull request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import replace

from eco.git.files import decode
from eco.git.files import ObjectReader
from eco.migrate.convert import Conversion
from eco.migrate.convert import dependencies
from eco.migrate.convert import MigrateError
from eco.migrate.convert import PYPROJECT
from eco.migrate.convert import REQUIREMENTS
from eco.migrate.convert import to_pip_tools
from eco.migrate.convert import to_uv
from eco.migrate.convert import UV_LOCK
from eco.registry import Project
from eco.registry import Registry
from eco.skeleton.render import Rendering
from eco.sync.plan import classify
from eco.sync.plan import CONFLICT
from eco.sync.plan import FilePlan
from eco.sync.plan import MERGED
from eco.sync.plan import NEW
from eco.sync.plan import Plan
from eco.sync.plan import PROJECT_OWNED
from eco.sync.plan import REMOVED
from eco.sync.plan import UNCHANGED
from eco.sync.plan import UPDATED
from eco.sync.project import ProjectView
from eco.sync.project import Syncer
from eco.workspace import Workspace


@dataclass(frozen=True)
class Migration:
    """One project's migration: the plan to write (sync's, with the conversion)."""

    project: Project  # the registry entry with its new generation
    view: ProjectView
    conversion: Conversion


class MigrationSyncer(Syncer):
    """A :class:`~eco.sync.project.Syncer` for projects about to change generation: the
    skeleton as last applied is rendered for each project's entry as it is now (the old
    generation), also where the revision's registry lacks the project, and at the head,
    where a sync would take the rendering for the new entry."""

    def __init__(self, registry: Registry, workspace: Workspace) -> None:
        super().__init__(registry, workspace)
        self.previous = registry.projects

    def render_base(self, project: Project, revision: str, theirs: Rendering) -> Rendering:
        was = self.previous.get(project.name, project)
        # Sync returns its "theirs" where nothing changed since ``revision``: here that is
        # the old generation's rendering, not the new one sync was given.
        return super().render_base(was, revision, self.render(was))


def migrate_project(
    syncer: MigrationSyncer, project: Project, to: str, *, fetch: bool = True
) -> Migration:
    """Plan ``project``'s move to generation ``to`` (nothing is written)."""
    if project.generation == to:
        raise MigrateError(f"{project.name}: already on the {to} generation (projects.toml)")
    target = replace(project, generation=to)
    view = syncer.read(target, fetch=fetch)
    with ObjectReader(view.clone) as reader:
        snapshot = reader.read(view.base, [PYPROJECT, UV_LOCK], [REQUIREMENTS])
    ours = {path: decode(content) for path, content in snapshot.files.items()}
    if PYPROJECT not in ours:
        raise MigrateError(f"{project.name}: no {PYPROJECT} to migrate")
    view = replace(view, plan=_standard_replaced(view.plan, to))
    planned = {f.path: f for f in view.plan.files}
    synced = planned.get(PYPROJECT)
    target_text = ours[PYPROJECT]
    if synced is not None and synced.action != CONFLICT and synced.result is not None:
        target_text = synced.result
    if to == "uv":
        requirements = {
            path.removeprefix(f"{REQUIREMENTS}/"): text
            for path, text in ours.items()
            if path.startswith(f"{REQUIREMENTS}/")
        }
        conversion = to_uv(target_text, requirements)
        plan = view.plan
    else:
        conversion = to_pip_tools(ours[PYPROJECT], ours.get(UV_LOCK))
        plan, conversion = _merge_converted(view.plan, conversion, synced)
        conversion = _owned_as_rendered(plan, conversion, dependencies(ours[PYPROJECT], {}))
    plan = overlay(plan, conversion, ours, to)
    conversion = replace(conversion, notes=(*conversion.notes, *left_behind(plan, to)))
    return Migration(target, replace(view, plan=plan), conversion)


def _standard_replaced(plan: Plan, to: str) -> Plan:
    """A file the old generation's skeleton wrote, which the project never edited (it is
    the skeleton's as last applied), and which the new generation only seeds (a uv
    project's Read the Docs build): the new generation's, not kept as the project's own."""
    files = []
    for f in plan.files:
        if (
            f.mode == "seeded"
            and f.action == PROJECT_OWNED
            and f.base is not None
            and f.ours == f.base
            and f.theirs is not None
            and f.theirs != f.ours
        ):
            reason = f"migrated to the {to} generation"
            f = FilePlan(f.path, f.mode, UPDATED, f.ours, f.theirs, f.theirs, f.base, reason)
        files.append(f)
    return replace(plan, files=tuple(files))


def left_behind(plan: Plan, to: str) -> list[str]:
    """What stays after the move and still speaks of the other generation: the project's
    own session files, which it edited (so sync keeps them), for a person to adapt."""
    notes = []
    for planned in plan.files:
        text = planned.result or ""
        if to == "uv" and planned.path in ("noxfile.py", "tox.ini") and "requirements" in text:
            notes.append(
                f"{planned.path} is the project's own and still reads requirements/: install "
                "the dependency groups instead (uv sync --group NAME), or remove it"
            )
        if to == "pip-tools" and planned.path == PYPROJECT and "[tool.tox" in text:
            notes.append(
                f"{PYPROJECT} keeps its [tool.tox] (the project's own table); its "
                "environments name dependency groups that are requirements files now, and "
                "CI runs the nox sessions"
            )
    return notes


def _owned_as_rendered(
    plan: Plan, conversion: Conversion, needed: dict[str, set[str]]
) -> Conversion:
    """A requirements file the skeleton owns (dev.in, build.in) stays as the skeleton
    renders it when the files then still reach every requirement of its group; else it
    takes the group's lines too, and a note says the file now differs from the skeleton."""
    files = dict(conversion.files)
    notes = list(conversion.notes)
    for planned in plan.files:
        if planned.mode != "owned" or planned.path not in files or planned.theirs is None:
            continue
        trial = {**files, planned.path: planned.theirs}
        group = planned.path.removeprefix(f"{REQUIREMENTS}/").removesuffix(".in")
        reached = dependencies("", _in_files(trial)).get(group, set())
        if needed.get(group, set()) <= reached:
            files[planned.path] = planned.theirs
        else:
            missing = ", ".join(sorted(needed[group] - reached))
            notes.append(
                f"{planned.path}: the skeleton owns it and does not list {missing}; they are "
                "added, so the file differs from the skeleton (opt it out, or move them to a "
                "merged file such as requirements/tests.in)"
            )
    return replace(conversion, files=files, notes=tuple(notes))


def _in_files(files: Mapping[str, str | None]) -> dict[str, str]:
    return {
        path.removeprefix(f"{REQUIREMENTS}/"): text
        for path, text in files.items()
        if path.startswith(f"{REQUIREMENTS}/") and path.endswith(".in") and text is not None
    }


def _merge_converted(
    plan: Plan, conversion: Conversion, synced: FilePlan | None
) -> tuple[Plan, Conversion]:
    """To pip-tools: the skeleton's change to ``pyproject.toml`` merged into the converted
    file (its groups gone, as the skeleton's are), not the conversion into the skeleton's
    merge, which would see the project's groups edited where the skeleton drops them."""
    converted = conversion.files[PYPROJECT]
    if synced is None or synced.theirs is None or converted is None:
        return plan, conversion
    merged = classify(
        PYPROJECT, synced.mode, ours=converted, theirs=synced.theirs, base=synced.base
    )
    if merged.action == CONFLICT:
        return plan, conversion  # the sync's own conflict stands
    files = {**conversion.files, PYPROJECT: merged.result}
    rest = tuple(f for f in plan.files if f.path != PYPROJECT)
    return replace(plan, files=rest), replace(conversion, files=files)


def overlay(plan: Plan, conversion: Conversion, ours: Mapping[str, str], to: str) -> Plan:
    """``plan`` with the conversion's files classified in it (pure)."""
    reason = f"migrated to the {to} generation"
    files = {f.path: f for f in plan.files}
    for path, content in conversion.files.items():
        current = files.get(path)
        before = current.ours if current is not None else ours.get(path)
        if current is not None and current.action == CONFLICT:
            continue  # the sync's conflict stands: a person resolves it first
        if content is None:
            if before is not None:
                files[path] = FilePlan(path, "retired", REMOVED, before, None, reason=reason)
            else:
                files.pop(path, None)
            continue
        if path.endswith(".in") and current is not None and current.result:
            content = union(current.result, content)
        if before is None:
            action = NEW
        elif content == before:
            action = UNCHANGED
        else:
            action = MERGED if current is not None and current.action == MERGED else UPDATED
        mode = current.mode if current is not None else "merged"
        theirs = current.theirs if current is not None else content
        base = current.base if current is not None else None
        files[path] = FilePlan(path, mode, action, before, content, theirs, base, reason)
    return replace(plan, files=tuple(sorted(files.values(), key=lambda f: f.path)))


def union(first: str, second: str) -> str:
    """The lines of ``first``, then the requirements of ``second`` it does not have (a
    requirements file: the skeleton's lines, then the project's; comments of the first)."""
    lines = first.splitlines()
    seen = {line.strip() for line in lines}
    lines += [
        line
        for line in second.splitlines()
        if line.strip() not in seen and not line.lstrip().startswith("#")
    ]
    return "\n".join(lines) + "\n"


__all__ = [
    "Migration",
    "MigrateError",
    "MigrationSyncer",
    "left_behind",
    "migrate_project",
    "overlay",
    "union",
]
