"""The server's in-memory state: repositories (each backed by a bare git repository),
issues and pull requests, comments, labels, releases, statuses and check runs."""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from tests.github_server import gitrepo


@dataclass
class Label:
    id: int
    name: str
    color: str
    description: str | None = None


@dataclass
class Comment:
    id: int
    issue_number: int
    body: str
    user: str
    created_at: float
    updated_at: float


@dataclass
class Review:
    id: int
    user: str
    state: str  # APPROVED | CHANGES_REQUESTED | COMMENTED
    body: str
    commit_id: str
    submitted_at: float


@dataclass
class Pull:
    head: str
    base: str
    head_sha: str
    draft: bool = False
    maintainer_can_modify: bool = False
    merged_at: float | None = None
    merge_commit_sha: str | None = None
    merged_by: str | None = None
    reviews: list[Review] = field(default_factory=list)


@dataclass
class Issue:
    number: int
    id: int
    title: str
    body: str | None
    user: str
    created_at: float
    updated_at: float
    state: str = "open"
    state_reason: str | None = None
    closed_at: float | None = None
    locked: bool = False
    labels: list[str] = field(default_factory=list)  # label names, as created
    assignees: list[str] = field(default_factory=list)
    pull: Pull | None = None


@dataclass
class Release:
    id: int
    tag_name: str
    target_commitish: str
    name: str | None
    body: str | None
    draft: bool
    prerelease: bool
    author: str
    created_at: float
    published_at: float | None
    make_latest: str = "true"


@dataclass
class Status:
    id: int
    state: str  # error | failure | pending | success
    context: str
    description: str | None
    target_url: str | None
    created_at: float


@dataclass
class CheckRun:
    id: int
    name: str
    head_sha: str
    status: str  # queued | in_progress | completed
    conclusion: str | None
    started_at: float
    completed_at: float | None


@dataclass
class Ruleset:
    id: int
    name: str
    target: str  # branch | tag
    enforcement: str  # active | disabled | evaluate
    include: list[str]
    exclude: list[str]
    rules: list[dict[str, object]]
    bypass_actors: list[dict[str, object]]
    created_at: float
    updated_at: float


@dataclass
class Environment:
    id: int
    name: str
    reviewers: list[tuple[str, int]]  # ("User" | "Team", id)
    branch_policy: str | None  # None (any ref), "protected" or "custom"
    can_admins_bypass: bool = True
    prevent_self_review: bool = False
    policies: dict[int, tuple[str, str]] = field(default_factory=dict)  # id -> (name, type)
    created_at: float = 0.0


@dataclass
class RepoSettings:
    """What ``eco settings`` reads and writes; every field readable by default."""

    has_issues: bool = True
    has_wiki: bool = True
    has_discussions: bool = False
    secret_scanning: str | None = "disabled"  # None: not in the answer (no admin)
    push_protection: str | None = "disabled"
    private_vulnerability_reporting: bool = False
    workflow_permissions: str = "write"
    can_approve_pull_request_reviews: bool = True
    environments: dict[str, Environment] = field(default_factory=dict)
    rulesets: dict[int, Ruleset] = field(default_factory=dict)


@dataclass
class Repo:
    owner: str
    name: str
    id: int
    bare: Path
    default_branch: str = "main"
    description: str | None = None
    private: bool = False
    archived: bool = False
    created_at: float = 0.0
    issues: dict[int, Issue] = field(default_factory=dict)
    labels: dict[str, Label] = field(default_factory=dict)  # by lower-case name
    comments: dict[int, Comment] = field(default_factory=dict)
    releases: dict[int, Release] = field(default_factory=dict)
    statuses: dict[str, list[Status]] = field(default_factory=dict)  # by commit sha
    check_runs: dict[str, list[CheckRun]] = field(default_factory=dict)  # by commit sha
    settings: RepoSettings = field(default_factory=RepoSettings)

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def next_number(self) -> int:
        return max(self.issues, default=0) + 1

    def pulls(self) -> list[Issue]:
        return [issue for issue in self.issues.values() if issue.pull is not None]


class State:
    """Everything the server knows. Tests may read and change it directly."""

    def __init__(self, root: Path, *, login: str = "eco-bot") -> None:
        self.root = root
        self.login = login  # the authenticated user, author of what the API creates
        self.api_url = ""
        self.repos: dict[tuple[str, str], Repo] = {}
        self.lock = threading.RLock()
        self.offset = 0.0  # added to the wall clock: ``advance()`` moves time forward
        self._ids = itertools.count(1000)
        self.teams: dict[tuple[str, str], int] = {}  # (org, slug) -> team id
        self.users: set[str] = set()  # logins known beyond the repository owners

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds

    def new_id(self) -> int:
        return next(self._ids)

    def create_repo(
        self,
        owner: str,
        name: str,
        files: dict[str, str] | None = None,
        *,
        branch: str = "main",
        description: str | None = None,
    ) -> Repo:
        """A repository whose ``branch`` holds ``files`` in a new bare git repository."""
        bare = self.root / owner / f"{name}.git"
        gitrepo.create_bare(bare, files or {"README.md": f"# {name}\n"}, branch)
        return self.add_repo(owner, name, bare, branch=branch, description=description)

    def add_repo(
        self,
        owner: str,
        name: str,
        bare: Path,
        *,
        branch: str = "main",
        description: str | None = None,
    ) -> Repo:
        """Serve an existing bare repository as ``owner/name``."""
        gitrepo.allow_http_push(bare)
        repo = Repo(owner, name, self.new_id(), bare, branch, description, created_at=self.now())
        with self.lock:
            self.repos[(owner.lower(), name.lower())] = repo
        return repo

    def repo(self, owner: str, name: str) -> Repo | None:
        return self.repos.get((owner.lower(), name.lower()))

    # -- conveniences for tests: things people do on github.com ----------------------

    def add_status(
        self, repo: Repo, sha: str, context: str, state: str, description: str | None = None
    ) -> Status:
        status = Status(self.new_id(), state, context, description, None, self.now())
        with self.lock:
            repo.statuses.setdefault(sha, []).append(status)
        return status

    def add_check_run(
        self,
        repo: Repo,
        sha: str,
        name: str,
        status: str = "completed",
        conclusion: str | None = "success",
    ) -> CheckRun:
        now = self.now()
        run = CheckRun(
            self.new_id(),
            name,
            sha,
            status,
            conclusion,
            now,
            now if status == "completed" else None,
        )
        with self.lock:
            repo.check_runs.setdefault(sha, []).append(run)
        return run

    def add_review(self, repo: Repo, number: int, user: str, state: str, body: str = "") -> Review:
        issue = repo.issues[number]
        assert issue.pull is not None, f"#{number} is not a pull request"
        review = Review(self.new_id(), user, state, body, issue.pull.head_sha, self.now())
        with self.lock:
            issue.pull.reviews.append(review)
        return review

    def merge_pull(self, repo: Repo, number: int, by: str = "maintainer") -> str:
        """Merge a pull request the way the merge button does (a merge commit on base)."""
        with self.lock:
            issue = repo.issues[number]
            pull = issue.pull
            assert pull is not None and issue.state == "open", f"#{number} is not an open PR"
            sha = gitrepo.merge(repo.bare, pull.base, pull.head, f"Merge pull request #{number}")
            now = self.now()
            pull.merged_at = now
            pull.merge_commit_sha = sha
            pull.merged_by = by
            issue.state = "closed"
            issue.closed_at = now
            issue.updated_at = now
            return sha
