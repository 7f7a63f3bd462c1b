"""Lock one project on its workspace clone and commit the result onto the ``eco/lock`` branch.

The requirements are read from git, never from a working tree: from ``eco/lock`` when
that branch is eco's commit on the current ``origin/<branch>`` (a previous lock not yet
merged, so a re-run starts from it and resolves nothing), else from ``origin/<branch>``.
The changed ``.txt`` files are committed with :func:`eco.git.branch.commit_files` as one
commit on ``origin/<branch>``; with a forge the branch is then published.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from eco.errors import GitError
from eco.forge.base import PublishResult
from eco.git.branch import commit_files
from eco.git.files import decode
from eco.git.files import encode
from eco.git.files import ObjectReader
from eco.git.run import git
from eco.lock.inputs import check_uv_settings
from eco.lock.requirements import FileLock
from eco.lock.requirements import lock_files
from eco.lock.requirements import pin_changes
from eco.lock.requirements import pins
from eco.lock.requirements import REQUIREMENTS
from eco.lock.requirements import Settings
from eco.lock.resolvers import public_url
from eco.lock.resolvers import Resolver
from eco.registry import Project
from eco.workspace import Workspace

LOCK_BRANCH = "eco/lock"


@dataclass(frozen=True)
class LockRequest:
    """What ``eco lock`` was asked for, the same for every project."""

    backend: str
    index_url: str
    upgrade: bool = False
    upgrade_packages: tuple[str, ...] = ()
    branch: str = LOCK_BRANCH
    dry_run: bool = False  # resolve and report, commit nothing


@dataclass(frozen=True)
class ProjectLock:
    """The outcome for one project."""

    project: Project
    python: str  # the Python the pins are resolved for
    files: tuple[FileLock, ...] = ()
    repo: Path | None = None
    branch: str | None = None  # the lock branch, when it holds changes for the project
    commit: str | None = None
    committed: bool = False  # a new commit was made in this run
    dry_run: bool = False  # the changes in delta were not committed
    # The files the branch changes against the project's branch, with their pin changes.
    delta: tuple[tuple[str, tuple[str, ...]], ...] = ()
    published: PublishResult | None = None  # what the forge did with the branch
    # The remote lock branch's head as fetched ("" when absent): checked for commits eco
    # did not make, and so what a push may replace (its lease).
    lease: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def resolved(self) -> int:
        return sum(1 for f in self.files if f.resolved)

    @property
    def state(self) -> str:
        if not self.files:
            return "no requirements"
        if self.dry_run and self.delta:
            return "would change"
        if self.committed:
            return "committed"
        if self.branch:
            return "branch up to date"
        return "up to date"


def read_folders(
    repo: Path, revs: Sequence[str], folder: str = REQUIREMENTS
) -> list[dict[str, str]]:
    """The text of every file directly in ``folder`` at each of ``revs`` (one git process)."""
    with ObjectReader(repo) as reader:
        snapshots = [reader.read(rev, (), [folder]) for rev in revs]
    return [
        {path.removeprefix(f"{folder}/"): decode(data) for path, data in snap.files.items()}
        for snap in snapshots
    ]


def _starting_point(repo: Path, base: str, branch: str) -> tuple[str, str]:
    """``(base commit, revision to read the requirements from)``.

    A lock branch that is one eco commit on the current base (locally, or on ``origin``
    after a push from elsewhere) is where the last lock lives; otherwise the base.
    """
    names = [f"{base}^{{commit}}", f"refs/heads/{branch}^1", f"refs/remotes/origin/{branch}^1"]
    out = git("cat-file", "--batch-check=%(objectname)", cwd=repo, input="\n".join(names))
    shas = [line.split()[0] if "missing" not in line else "" for line in out.splitlines()]
    base_sha, local_parent, remote_parent = (shas + ["", "", ""])[:3]
    if not base_sha:
        raise GitError(f"{repo}: {base} does not exist (is the project's branch right?)")
    if local_parent == base_sha:
        return base_sha, f"refs/heads/{branch}"
    if remote_parent == base_sha and not local_parent:
        remote = git("rev-parse", f"refs/remotes/origin/{branch}", cwd=repo)
        git("update-ref", f"refs/heads/{branch}", remote, "0" * 40, cwd=repo)
        return base_sha, f"refs/heads/{branch}"
    return base_sha, base_sha


def lock_project(
    workspace: Workspace,
    project: Project,
    request: LockRequest,
    resolver: Resolver,
    *,
    fetch: bool = True,
    env: Mapping[str, str] | None = None,
) -> ProjectLock:
    """Lock ``project``'s requirements; commit what changed onto ``request.branch``."""
    clone = workspace.ensure(project, fetch=fetch)
    repo = clone.path
    lease = _refuse_overwriting_work(project, repo, clone.remote_branch, request.branch)
    wanted = project.min_python.rstrip("t")  # a free-threaded build resolves the same
    python = resolver.python_for(wanted)
    notes = []
    if python != wanted:
        notes.append(
            f"pip-compile resolved for Python {python}: no Python {wanted} "
            "with pip-tools was found (use --backend uv, or install pip-tools for it)"
        )
    base_sha, start = _starting_point(repo, clone.remote_branch, request.branch)
    if project.generation == "uv":  # its pyproject.toml must not choose an index either
        with ObjectReader(repo) as reader:
            pyproject = reader.read(base_sha, ["pyproject.toml"]).files.get("pyproject.toml")
        if pyproject is not None:
            check_uv_settings(decode(pyproject))
    if start == base_sha:
        (base_files,) = read_folders(repo, [base_sha])
        files = base_files
    else:
        base_files, files = read_folders(repo, [base_sha, start])
    if not any(name.endswith(".in") for name in files):
        return ProjectLock(project, python, repo=repo, notes=tuple(notes), lease=lease)
    settings = Settings(request.backend, python, request.index_url)
    changed, results = lock_files(
        files,
        settings,
        resolver,
        upgrade=request.upgrade,
        upgrade_packages=request.upgrade_packages,
        env=env,
    )
    final = {**files, **changed}
    targets = [item.target for item in results]
    delta = tuple(
        (name, pin_changes(pins(base_files.get(name, "")), pins(final[name])))
        for name in targets
        if final.get(name) != base_files.get(name)
    )
    if not delta:
        return ProjectLock(
            project, python, tuple(results), repo=repo, notes=tuple(notes), lease=lease
        )
    if request.dry_run:
        return ProjectLock(
            project,
            python,
            tuple(results),
            repo=repo,
            delta=delta,
            dry_run=True,
            notes=tuple(notes),
            lease=lease,
        )
    result = commit_files(
        repo,
        branch=request.branch,
        base=base_sha,
        changes={f"{REQUIREMENTS}/{name}": encode(final[name]) for name, _ in delta},
        message=commit_message(delta),
    )
    return ProjectLock(
        project,
        python,
        tuple(results),
        repo=repo,
        branch=request.branch,
        commit=result.commit,
        committed=result.created,
        delta=delta,
        notes=tuple(notes),
        lease=lease,
    )


def _refuse_overwriting_work(project: Project, repo: Path, base: str, branch: str) -> str:
    """The remote lock branch's head as fetched ("" when absent), after checking that it
    holds no commit eco did not make: eco's lock branch is one commit titled
    :data:`TITLE` on the project's branch, so any other commit not merged into that
    branch is someone's work, which a new lock would overwrite."""
    remote = f"refs/remotes/origin/{branch}"
    head = git("rev-parse", "-q", "--verify", f"{remote}^{{commit}}", cwd=repo, check=False)
    if not head:
        return ""
    log = git("log", "--no-merges", "--format=%s", head, "--not", base, cwd=repo)
    if any(subject != TITLE for subject in log.splitlines()):
        raise GitError(
            f"{project.name}: the remote {branch} branch has commits eco did not make "
            f"(head {head[:12]}); merge or close that pull request, or delete the branch, "
            "before locking again, so that work is not overwritten"
        )
    return head


TITLE = "Update pinned requirements"


def commit_message(delta: Sequence[tuple[str, Sequence[str]]]) -> str:
    """The commit text: the pin changes against the project's branch, per file."""
    lines = [TITLE, ""]
    for name, changes in delta:
        lines.append(f"{REQUIREMENTS}/{name}:")
        lines += [f"  {change}" for change in changes] or ["  (same pins, new input digest)"]
    return "\n".join(lines) + "\n"


def pull_request_body(lock: ProjectLock, request: LockRequest) -> str:
    """The pull request text (Markdown): what was resolved how, and every pin change."""
    how = "upgraded to the newest allowed versions" if request.upgrade else "compiled"
    if request.upgrade_packages:
        how = "compiled, upgrading " + ", ".join(f"`{p}`" for p in request.upgrade_packages)
    lines = [
        f"`eco lock` {how} `{REQUIREMENTS}/*.in` with {request.backend} for Python "
        f"{lock.python}, against {public_url(request.index_url)}.",
        "",
        "| file | changes |",
        "| --- | --- |",
    ]
    for name, changes in lock.delta:
        text = "<br>".join(f"`{c}`" for c in changes) or "same pins, new input digest"
        lines.append(f"| `{REQUIREMENTS}/{name}` | {text} |")
    lines += ["", *[f"> {note}" for note in lock.notes]]
    lines.append(
        f"Edit the `.in` files, not the `.txt` files; `eco lock {lock.project.name}` "
        "rewrites this branch."
    )
    return "\n".join(lines) + "\n"
