"""Sync or check one project end to end: read its clone, render, plan, commit.

:class:`Syncer` holds what every project of a run shares (the current templates and
manifest, the snapshots of past revisions), so a run renders each revision's templates
from one Jinja environment and extracts each past revision once. Per project it costs a
fixed handful of git calls: the fetch, one ``cat-file --batch`` process for everything it
reads and, when something changes, the plumbing of :mod:`eco.git.branch`.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from functools import cached_property
from pathlib import Path

from eco.errors import EcoError
from eco.git.branch import commit_files
from eco.git.branch import CommitResult
from eco.git.branch import REGULAR
from eco.git.files import commit_fields
from eco.git.files import commit_message
from eco.git.files import decode
from eco.git.files import encode
from eco.git.files import ObjectReader
from eco.git.files import Snapshot
from eco.git.run import git
from eco.git.run import git_env
from eco.registry import Project
from eco.registry import Registry
from eco.skeleton.manifest import load_manifest
from eco.skeleton.manifest import Manifest
from eco.skeleton.render import render_project
from eco.skeleton.render import Rendering
from eco.skeleton.state import format_state
from eco.skeleton.state import parse_state
from eco.skeleton.state import State
from eco.skeleton.state import STATE_FILE
from eco.sync.adopt import Needs
from eco.sync.plan import commit_message as sync_message
from eco.sync.plan import COMMIT_PREFIX
from eco.sync.plan import make_plan
from eco.sync.plan import Plan
from eco.sync.snapshot import Snapshots
from eco.workspace import Workspace

WORKFLOWS = ".github/workflows"
EXECUTABLE = "100755"
TREE_TRAILER = "Eco-Tree"  # ends every sync commit's message: the commit's own tree
# Where the sync branch is read: as published (the remote) and as written here (local).
_SYNC_REFS = ("refs/remotes/origin", "refs/heads")


@dataclass(frozen=True)
class ProjectView:
    """One project as read from its clone, and the plan for it."""

    project: Project
    clone: Path
    base: str  # the commit of origin/<branch> the plan was made against
    state: State | None  # None: no .eco.toml (not adopted yet)
    plan: Plan
    modes: dict[str, str] = field(default_factory=dict)  # git modes of executable files
    workflows: dict[str, str] = field(default_factory=dict)  # path -> text (for policy)
    # The remote sync branch's head when someone other than eco committed it last.
    published: str | None = None
    # The remote sync branch's head as fetched ("" when absent): what the check for
    # commits eco did not make saw, and so what a push may replace (its lease).
    remote_head: str = ""
    # The local sync branch when it sits on ``base``: what it changes, to skip rewriting it.
    branch: BranchOnBase | None = None

    @property
    def adopted(self) -> bool:
        """True once eco has synced the project: a state naming the revision applied."""
        return self.state is not None and bool(self.state.template_revision)


@dataclass(frozen=True)
class BranchOnBase:
    """The sync branch's one commit on top of the project's branch, and what it changes."""

    commit: str
    tree: str
    files: dict[str, tuple[str, bytes] | None]  # path -> (mode, content); None: deleted

    def holds(self, changes: dict[str, bytes | None], modes: dict[str, str]) -> bool:
        """True when the branch makes exactly these changes."""
        if set(self.files) != set(changes):
            return False
        for path, content in changes.items():
            found = self.files[path]
            if content is None or found is None:
                if not (content is None and found is None):
                    return False
            elif found != (modes.get(path, REGULAR), content):
                return False
        return True


@dataclass(frozen=True)
class Written:
    """What writing a plan did: ``result`` is None when nothing was committed."""

    outcome: str  # "committed" | "up-to-date" | "nothing to do" | "conflict"
    result: CommitResult | None = None


class Syncer:
    """Plans and writes syncs for the projects of one registry."""

    def __init__(
        self,
        registry: Registry,
        workspace: Workspace,
        *,
        on_render: Callable[[Project, str], None] | None = None,
    ) -> None:
        """``on_render(project, which)`` is told of each render before it is done:
        ``which`` is ``"theirs"`` (today's skeleton) or ``"base"`` (a past revision's)."""
        self.registry = registry
        self.on_render = on_render
        self.workspace = workspace
        self.root = registry.root
        self.templates = self.root / "templates"
        self.snapshots = Snapshots(self.root, workspace.path / ".snapshots")
        self.bytecode = workspace.path / ".jinja"  # compiled templates, kept between runs

    @cached_property
    def manifest(self) -> Manifest:
        return load_manifest(self.templates)

    @property
    def revision(self) -> str:
        return self.snapshots.head

    def require_committed(self) -> None:
        """Writing records the head revision, so it must be what was rendered."""
        if not self.snapshots.head:
            raise EcoError(
                f"{self.root}: not a git repository; sync records the template revision it "
                "applies, so the ecosystem must be committed to git"
            )
        if self.snapshots.dirty:
            raise EcoError(
                f"{self.root}: templates/ or projects.toml has uncommitted changes; commit "
                "them first, so the revision recorded in each project is what was applied"
            )

    def _clone(self, project: Project, *, fetch: bool) -> Path:
        """The workspace clone, fetched (or cloned on first use); offline, no git call."""
        if not fetch and self.workspace.is_cloned(project):
            return self.workspace.clone_path(project)
        return self.workspace.ensure(project, fetch=fetch).path

    def render(self, project: Project) -> Rendering:
        if self.on_render:
            self.on_render(project, "theirs")
        return render_project(
            project,
            self.registry.ecosystem,
            self.templates,
            manifest=self.manifest,
            bytecode_cache=self.bytecode,
        )

    def render_base(self, project: Project, revision: str, theirs: Rendering) -> Rendering:
        """The skeleton as applied at ``revision``, with the registry of that revision."""
        if revision == self.snapshots.head and not self.snapshots.dirty:
            return theirs
        snapshot = self.snapshots.get(revision)
        ecosystem = self.registry.ecosystem
        then = project
        if snapshot.registry is not None:
            ecosystem = snapshot.registry.ecosystem
            then = snapshot.registry.projects.get(project.name, project)
        if (
            then == project
            and ecosystem == self.registry.ecosystem
            and self.snapshots.same_templates(revision)
        ):
            # Everything the render reads — the templates tree (manifest included), the
            # project's entry ([defaults] merged in) and [ecosystem] — equals today's, and
            # rendering is pure: the base is the theirs render, byte for byte.
            return theirs
        if self.on_render:
            self.on_render(project, "base")
        try:
            return render_project(
                then,
                ecosystem,
                snapshot.templates,
                manifest=snapshot.manifest,
                bytecode_cache=self.bytecode,
            )
        except EcoError as exc:
            raise EcoError(
                f"cannot render the skeleton of revision {revision[:12]} "
                f"(the last one applied to {project.name}): {exc.message}"
            ) from None

    def read(
        self,
        project: Project,
        *,
        fetch: bool = True,
        adopt: bool = False,
        workflows: bool = False,
        visit: Callable[[ObjectReader, Snapshot, bool], None] | None = None,
    ) -> ProjectView:
        """Fetch the project's clone and plan its sync (nothing is written).

        ``visit(reader, snapshot, adopted)``, when given, reads more of the same commit
        with the same ``git cat-file`` process, knowing what sync read already
        (``eco check``'s registry facts)."""
        clone = self._clone(project, fetch=fetch)
        theirs = self.render(project)
        stand_ins = {other for f in theirs.files.values() for other in f.unless}
        stand_ins |= {p for f in theirs.files.values() if f.keys for p in f.keys.elsewhere_files}
        wanted = set(theirs.files) | set(theirs.retired) | stand_ins | {STATE_FILE}
        folders = [WORKFLOWS] if workflows else []
        sync_branch = self.registry.ecosystem.sync_branch
        ref = f"refs/remotes/origin/{project.branch}"
        with ObjectReader(clone) as reader:
            head, published, local = reader.get_many(
                [f"{ref}^{{commit}}", *(f"{r}/{sync_branch}^{{commit}}" for r in _SYNC_REFS)]
            )
            if head is None:
                raise EcoError(
                    f"{project.name}: no branch {project.branch!r} on its remote; if the "
                    f'project renamed it, set branch = "..." under [projects.{project.name}] '
                    "in projects.toml"
                )
            read = reader.read(head[0], wanted, folders)
            _refuse_blocked_state(project, read.blocked.get(STATE_FILE, ""))
            remote_head = published[0] if published is not None else ""
            branch = _branch_on(reader, local, read.commit, read.tree)
            ours = {p: decode(content) for p, content in read.files.items()}
            state = _state(project, ours.pop(STATE_FILE, None))
            if state is None and not adopt:
                raise EcoError(
                    f"{project.name}: no {STATE_FILE} on {project.branch}: eco has never "
                    f"synced this project; `eco sync --adopt --dry-run {project.name}` shows "
                    "what adopting it changes"
                )
            if state is not None and not state.template_revision and not adopt:
                raise EcoError(
                    f"{project.name}: {STATE_FILE} records no template revision: eco has "
                    f"never synced this project; `eco sync --adopt --dry-run {project.name}` "
                    "shows what adopting it changes"
                )
            if visit is not None:
                visit(reader, read, state is not None)
            base_render = None
            if state is not None and state.template_revision:
                where = f"{project.name}: {STATE_FILE}"
                self.snapshots.verify(state.template_revision, where)
                base_render = self.render_base(project, state.template_revision, theirs)
            dropped = set(base_render.files) - wanted if base_render else set()
            blocked = dict(read.blocked)
            if dropped:  # files the skeleton no longer has: read them too
                extra = reader.read(read.commit, dropped)
                ours.update((p, decode(content)) for p, content in extra.files.items())
                blocked.update(extra.blocked)
        base = read.commit
        needs = Needs({s.name: s.image for s in project.services}, project.apt)
        plan = make_plan(
            project.name, self.revision, theirs, base_render, ours, state, blocked, needs
        )
        return ProjectView(
            project,
            clone,
            base,
            state,
            plan,
            modes={p: m for p, m in read.modes.items() if m == EXECUTABLE},
            published=_foreign_head(published),
            remote_head=remote_head,
            branch=branch,
            workflows={p: ours[p] for p in read.listed.get(WORKFLOWS, []) if _is_workflow(p)},
        )

    def write(self, view: ProjectView, *, allow_conflicts: bool = False) -> Written:
        """Commit the plan on the sync branch of the clone (never its working tree)."""
        plan = view.plan
        if plan.conflicts and not allow_conflicts:
            return Written("conflict")
        files = plan.writes(allow_conflicts=allow_conflicts)
        if not files and view.adopted:  # adopting records the state even so
            return Written("nothing to do")
        self._refuse_overwriting_edits(view)
        changes: dict[str, bytes | None] = {
            f.path: None if f.result is None else encode(f.result) for f in files
        }
        changes[STATE_FILE] = format_state(plan.state).encode()
        modes = {p: m for p, m in view.modes.items() if p in changes}
        branch = self.registry.ecosystem.sync_branch
        if view.branch is not None and view.branch.holds(changes, modes):
            return Written(
                "up-to-date", CommitResult(branch, view.branch.commit, view.branch.tree, False)
            )
        message = sync_message(
            plan, ecosystem=self.registry.ecosystem.name, allow_conflicts=allow_conflicts
        )
        result = commit_files(
            view.clone,
            branch=branch,
            base=view.base,
            changes=changes,
            message=message,
            modes=modes,
            tree_trailer=TREE_TRAILER,
        )
        return Written("committed" if result.created else "up-to-date", result)

    def _refuse_overwriting_edits(self, view: ProjectView) -> None:
        """A maintainer may have pushed onto the remote sync branch (say, a conflict
        resolved in the pull request): replacing the branch would drop that work, so
        sync stops unless that work is already in the project's branch."""
        head = view.published
        if head is None or not _unmerged_work(view.clone, head, view.base):
            return
        branch = self.registry.ecosystem.sync_branch
        raise EcoError(
            f"{view.project.name}: the remote {branch} branch has commits eco did not make "
            f"(head {head[:12]}); merge or close that pull request, or delete the branch, "
            "before syncing again, so that work is not overwritten"
        )


def _unmerged_work(clone: Path, head: str, base: str) -> bool:
    """True when ``head`` carries someone's own work that ``base`` does not hold as they
    left it. eco's own commits and clean merges (GitHub's "Update branch") are no such
    work; a reviewer's commit, or a merge with a hand-made resolution, is, until
    ``base`` has its files as the branch has them (merged, rebased or squashed)."""
    log = git("log", "-z", "--format=%H %T %P%n%B", head, "--not", base, cwd=clone)
    own = []
    for entry in filter(None, log.split("\0")):
        ids, _, message = entry.partition("\n")
        sha, tree, *parents = ids.split()
        if len(parents) > 1 and not _clean_merge(clone, tree, parents):
            own.append(sha)
        elif len(parents) <= 1 and not _made_by_eco(tree, message):
            own.append(sha)
    if not own:
        return False
    names = git("show", "--no-walk", "--format=", "--name-only", "--cc", *own, cwd=clone)
    paths = sorted({name for name in names.splitlines() if name})
    if not paths:
        return False
    differs = subprocess.run(
        ["git", "--literal-pathspecs", "diff", "--quiet", base, head, "--", *paths],
        cwd=clone,
        env=git_env(),
        capture_output=True,
    )
    return differs.returncode != 0  # 1: they differ; anything else: assume work is at stake


def _clean_merge(clone: Path, tree: str, parents: list[str]) -> bool:
    """True when a merge commit holds just what git merges by itself (no resolution)."""
    merged = subprocess.run(
        ["git", "merge-tree", "--write-tree", *parents],
        cwd=clone,
        env=git_env(),
        capture_output=True,
        text=True,
    )
    return merged.returncode == 0 and merged.stdout.split()[:1] == [tree]


def _made_by_eco(tree: str, message: str) -> bool:
    """A sync commit as eco wrote it: eco's subject and, in the trailer, its own tree (a
    commit amended by hand keeps the subject, not the tree)."""
    return message.startswith(COMMIT_PREFIX) and f"\n{TREE_TRAILER}: {tree}\n" in message


def _branch_on(
    reader: ObjectReader, found: tuple[str, str, bytes] | None, base: str, base_tree: str
) -> BranchOnBase | None:
    """The local sync branch (``found``: its commit as read) when it is one commit on
    ``base``, with the files it changes."""
    if found is None:
        return None
    tree, parents = commit_fields(found[2])
    if parents != [base]:
        return None
    changed = reader.diff(base_tree, tree)
    blobs = iter(reader.get_many([e.sha for e in changed.values() if e is not None]))
    files: dict[str, tuple[str, bytes] | None] = {}
    for path, entry in changed.items():
        blob = next(blobs) if entry is not None else None
        files[path] = (entry.mode, blob[2]) if entry is not None and blob is not None else None
    return BranchOnBase(found[0], tree, files)


def _foreign_head(found: tuple[str, str, bytes] | None) -> str | None:
    if found is None:
        return None
    sha, _, content = found
    tree = commit_fields(content)[0]
    return None if _made_by_eco(tree, commit_message(content)) else sha


def _is_workflow(path: str) -> bool:
    return path.endswith((".yml", ".yaml"))


def _refuse_blocked_state(project: Project, blocker: str) -> None:
    """Something of the project's own where the state file goes (a folder, a link, a
    submodule) is never replaced by it: the project is a failure until it moves."""
    if not blocker:
        return
    noun = next((n for n in ("folder", "link", "submodule") if n in blocker), "it")
    raise EcoError(
        f"{project.name}: {STATE_FILE} is {blocker}; eco records its sync state in a file "
        f"of that name: rename the {noun}, then sync again"
    )


def _state(project: Project, text: str | None) -> State | None:
    if text is None:
        return None
    return parse_state(text, where=f"{project.name}: {STATE_FILE}")
