"""Lock one project on its workspace clone and commit the result onto the ``eco/lock`` branch.

The requirements are read from git, never from a working tree: from ``eco/lock`` when
that branch is eco's commit on the current ``origin/<branch>`` (a previous lock not yet
merged, so a re-run starts from it and resolves nothing), else from ``origin/<branch>``.
The changed ``.txt`` files are committed with :func:`eco.branch.commit_files` as one
commit on ``origin/<branch>``; with a forge the branch is then published.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from eco.branch import commit_files
from eco.errors import GitError
from eco.gitutil import git
from eco.gitutil import git_env
from eco.lock import FileLock
from eco.lock import lock_files
from eco.lock import pin_changes
from eco.lock import pins
from eco.lock import REQUIREMENTS
from eco.lock import Settings
from eco.registry import Project
from eco.resolvers import Resolver
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
    published: str | None = None  # what the forge did with the branch ("created", ...)
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def resolved(self) -> int:
        return sum(1 for f in self.files if f.resolved)

    @property
    def state(self) -> str:
        if not self.files:
            return "no requirements"
        if self.committed:
            return "committed"
        if self.branch:
            return "branch up to date"
        return "up to date"


def read_folder(repo: Path, rev: str, folder: str = REQUIREMENTS) -> dict[str, str]:
    """The text of every file directly in ``folder`` at ``rev`` (two git calls)."""
    listing = git("ls-tree", "-z", f"{rev}^{{tree}}", "--", f"{folder}/", cwd=repo)
    entries: list[tuple[str, str]] = []
    for entry in listing.split("\0"):
        if not entry:
            continue
        meta, _, path = entry.partition("\t")
        _mode, kind, sha = meta.split()
        if kind == "blob":
            entries.append((path.removeprefix(f"{folder}/"), sha))
    if not entries:
        return {}
    data = read_blobs(repo, [sha for _, sha in entries])
    return {name: data[sha].decode("utf-8") for name, sha in entries}


def read_blobs(repo: Path, shas: Sequence[str]) -> dict[str, bytes]:
    """Read blobs with one ``git cat-file --batch``."""
    proc = subprocess.run(
        ["git", "cat-file", "--batch"],
        cwd=repo,
        env=git_env(),
        input=("\n".join(shas) + "\n").encode(),
        capture_output=True,
    )
    if proc.returncode != 0:
        raise GitError(f"git cat-file --batch failed (in {repo}): {proc.stderr.decode().strip()}")
    out = proc.stdout
    blobs: dict[str, bytes] = {}
    pos = 0
    while pos < len(out):
        end = out.index(b"\n", pos)
        sha, _kind, size = out[pos:end].decode().split()
        start = end + 1
        blobs[sha] = out[start : start + int(size)]
        pos = start + int(size) + 1
    return blobs


def _starting_point(repo: Path, base: str, branch: str) -> tuple[str, str]:
    """``(base commit, revision to read the requirements from)``.

    A lock branch that is one eco commit on the current base (locally, or on ``origin``
    after a push from elsewhere) is where the last lock lives; otherwise the base.
    """
    names = [f"{base}^{{commit}}", f"refs/heads/{branch}^1", f"refs/remotes/origin/{branch}^1"]
    out = git("cat-file", "--batch-check=%(objectname)", cwd=repo, input="\n".join(names))
    shas = [line.split()[0] if "missing" not in line else "" for line in out.splitlines()]
    base_sha, local_parent, remote_parent = (shas + ["", "", ""])[:3]
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
    env: Mapping[str, str] | None = None,
) -> ProjectLock:
    """Lock ``project``'s requirements; commit what changed onto ``request.branch``."""
    clone = workspace.ensure(project)
    repo = clone.path
    python = resolver.python_for(project.min_python)
    notes = []
    if python != project.min_python:
        notes.append(
            f"pip-compile resolved for Python {python}: no Python {project.min_python} "
            "with pip-tools was found (use --backend uv, or install pip-tools for it)"
        )
    base_sha, start = _starting_point(repo, clone.remote_branch, request.branch)
    base_files = read_folder(repo, base_sha)
    files = base_files if start == base_sha else read_folder(repo, start)
    if not any(name.endswith(".in") for name in files):
        return ProjectLock(project, python, repo=repo, notes=tuple(notes))
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
    delta: dict[str, bytes | None] = {
        f"{REQUIREMENTS}/{name}": text.encode("utf-8")
        for name, text in final.items()
        if base_files.get(name) != text
    }
    if not delta:
        return ProjectLock(project, python, tuple(results), repo=repo, notes=tuple(notes))
    result = commit_files(
        repo,
        branch=request.branch,
        base=base_sha,
        changes=delta,
        message=commit_message(results, final, base_files),
    )
    return ProjectLock(
        project,
        python,
        tuple(results),
        repo=repo,
        branch=request.branch,
        commit=result.commit,
        committed=result.created,
        notes=tuple(notes),
    )


def commit_message(
    results: Sequence[FileLock], final: Mapping[str, str], base: Mapping[str, str]
) -> str:
    """The commit (and pull request) text: the pin changes against the base, per file."""
    lines = ["Update pinned requirements", ""]
    for item in results:
        if final.get(item.target) == base.get(item.target):
            continue
        changes = pin_changes(pins(base.get(item.target, "")), pins(final[item.target]))
        lines.append(f"{REQUIREMENTS}/{item.target}:")
        lines += [f"  {change}" for change in changes] or ["  (same pins, new input digest)"]
    return "\n".join(lines) + "\n"
