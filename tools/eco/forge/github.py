"""The GitHub forge: one pull request per sync branch, through PyGithub.

``publish`` costs, in API requests (git's push is not an API request):

* nothing new — ``GET`` the branch ref, ``GET`` its commit when the sha differs (same
  tree on the same base counts as the same content), ``GET`` the open pull request: at
  most 3, no write;
* a first run — ``GET`` ref (404), push, ``GET`` pulls, ``POST`` pull: 3;
* new content — ``GET`` ref and commit, force-push (leased on the sha eco checked when it
  fetched, so a reviewer's push since then fails the project instead of being lost),
  ``GET`` pulls, ``PATCH`` title/body only if they changed: at most 4.

It never opens a second pull request: an open one for the branch is updated in place.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable
from typing import TypeVar

import requests
from github import Github
from github import GithubException
from github import GithubIntegration
from github.GithubException import BadCredentialsException
from github.GithubException import RateLimitExceededExceedsMaxWait
from github.GithubException import UnknownObjectException
from github.PullRequest import PullRequest
from github.Repository import Repository

from eco.forge.auth import AuthError
from eco.forge.auth import basic_value
from eco.forge.auth import Credentials
from eco.forge.base import ForgeError
from eco.forge.base import lease_lost
from eco.forge.base import moved
from eco.forge.base import owner_of
from eco.forge.base import PublishRequest
from eco.forge.base import PublishResult
from eco.forge.clock import Clock
from eco.forge.local import local_head
from eco.forge.ratelimit import Budget
from eco.forge.ratelimit import ClockRetry
from eco.forge.ratelimit import NoAnswer
from eco.forge.ratelimit import too_long
from eco.forge.ratelimit import WriteSpacer
from eco.git.run import git
from eco.git.run import git_env
from eco.output import note
from eco.secrets import scrub

T = TypeVar("T")

API_URL = "https://api.github.com"
GIT_URL = "https://github.com"


def _to_stderr(message: str) -> None:
    """A wait or a retry is progress: said on stderr, silenced by --quiet."""
    note(message)


def explain(exc: GithubException, what: str, source: str) -> Exception:
    """One clear message for a GitHub error answer."""
    data = exc.data if isinstance(exc.data, dict) else {}
    message = str(data.get("message") or exc.data or "")
    details = [
        str(e.get("message") or e.get("code"))
        for e in data.get("errors", [])
        if isinstance(e, dict) and (e.get("message") or e.get("code"))
    ]
    if details:
        message += ": " + "; ".join(details)
    if exc.status == 401:
        return AuthError(
            f"GitHub rejected the credentials from {source} (401 {message or 'Bad credentials'})"
        )
    if exc.status == 404:
        return ForgeError(f"{what}: not found, or the credentials from {source} cannot see it")
    if exc.status == 403:
        return ForgeError(f"{what}: GitHub refused (403 {message})")
    return ForgeError(scrub(f"{what}: GitHub answered {exc.status} {message}"))


class GitHubForge:
    """Open or update one pull request per project on GitHub (``GITHUB_TOKEN`` or an App)."""

    name = "github"

    def __init__(
        self,
        credentials: Credentials,
        *,
        clock: Clock,
        api_url: str = API_URL,
        git_url: str = GIT_URL,
        max_wait: float = 300.0,
        org: str = "",
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self.credentials = credentials
        self.clock = clock
        self.api_url = api_url.rstrip("/")
        self.git_url = git_url.rstrip("/")
        self.max_wait = max_wait
        self.org = org
        self.notify = notify or _to_stderr
        self.spacer = WriteSpacer(clock)
        self._budget: Budget | None = None
        self._budget_fresh = False  # the last budget read is not shown yet
        self._lock = threading.Lock()

    # -- the client ------------------------------------------------------------------

    def client(self, owner: str) -> Github:
        """A PyGithub client for ``owner``'s repositories (one per call: thread-safe)."""
        gh = Github(
            base_url=self.api_url,
            auth=self.credentials.auth_for(owner, self.api_url),
            retry=self.retry(),
            seconds_between_requests=None,  # eco spaces writes itself, on its clock
            seconds_between_writes=None,
            per_page=100,
            timeout=30,
            lazy=True,  # no GET /repos/{owner}/{repo}: eco knows the name already
        )
        if self.credentials.token is None:
            # a GitHub App: get the installation token now, so it is a registered secret
            # before any request or message could carry it
            self.credentials.token_for(owner, self.api_url)
        return gh

    def retry(self) -> ClockRetry:
        return ClockRetry(self.clock, self.max_wait, notify=self.notify)

    def call(self, what: str, action: Callable[[], T]) -> T:
        """Run one PyGithub call, turning its failures into one clear eco error."""
        try:
            return action()
        except RateLimitExceededExceedsMaxWait as exc:
            raise too_long(exc, self.max_wait) from None
        except NoAnswer as exc:
            raise ForgeError(scrub(f"{what}: cannot reach {self.api_url}: {exc.message}")) from None
        except (BadCredentialsException, GithubException) as exc:
            raise explain(exc, what, self.credentials.source) from None
        except requests.RequestException as exc:
            raise ForgeError(scrub(f"{what}: cannot reach {self.api_url}: {exc}")) from None

    def check(self) -> None:
        """Prove the credentials work, with one request that costs no budget.

        A token: ``GET /rate_limit`` (its answer is kept for :meth:`budget`). A GitHub
        App: ``GET /app`` signed with its key.
        """
        if self.credentials.token is not None:
            self.budget()
            return
        app = self.credentials.app_auth()

        def get_app() -> None:
            with GithubIntegration(auth=app, base_url=self.api_url, retry=self.retry()) as gi:
                gi.get_app()

        self.call(f"GitHub App {self.credentials.app_id}", get_app)

    def budget(self) -> Budget | None:
        """The remaining core budget (``GET /rate_limit`` is free). For a GitHub App,
        that of its installation on the ecosystem's organisation, if there is one."""
        with self._lock:
            if self._budget is not None and self._budget_fresh:
                self._budget_fresh = False
                return self._budget
        owner = self.org
        try:
            gh = self.call(f"GitHub at {self.api_url}", lambda: self.client(owner))
        except ForgeError:
            if self.credentials.token is None:
                return None  # the App is not installed on the organisation itself
            raise
        try:
            core = self.call("GET /rate_limit", lambda: gh.get_rate_limit().resources.core)
        finally:
            gh.close()
        budget = Budget(core.remaining, core.limit, int(core.reset.timestamp()))
        with self._lock:
            self._budget = budget
            self._budget_fresh = True
        return budget

    # -- publishing ------------------------------------------------------------------

    def publish(self, request: PublishRequest) -> PublishResult:
        full = request.project.repo
        if not full or "/" not in full:
            raise ForgeError(
                f"{request.project.name}: no 'repo' (owner/name) in projects.toml, "
                "so no pull request can be opened; use --forge local"
            )
        owner = owner_of(full)
        head = local_head(request)
        gh = self.call(full, lambda: self.client(owner))
        try:
            repo = gh.get_repo(full)
            remote = self._remote_head(repo, request)
            same = remote is not None and self._same_content(repo, request, head, remote)
            if not same:
                expected = (remote or "") if request.lease is None else request.lease
                if (remote or "") != expected:
                    raise moved(request, remote or "")
                self._push(request, full, expected)
            return self._pull_request(repo, request, owner, pushed=not same)
        finally:
            gh.close()

    def _remote_head(self, repo: Repository, request: PublishRequest) -> str | None:
        def read() -> str | None:
            try:
                sha: str = repo.get_git_ref(f"heads/{request.branch}").object.sha
            except UnknownObjectException:
                return None  # not pushed yet
            return sha

        return self.call(f"{repo.full_name} branch {request.branch}", read)

    def _same_content(
        self, repo: Repository, request: PublishRequest, head: str, remote: str
    ) -> bool:
        if head == remote:
            return True
        mine = git("show", "-s", "--format=%T %P", head, cwd=request.repo).split()
        commit = self.call(f"{repo.full_name} commit {remote}", lambda: repo.get_commit(remote))
        theirs = [commit.commit.tree.sha, *(p.sha for p in commit.parents)]
        return mine == theirs

    def push_target(self, full: str) -> tuple[str, dict[str, str]]:
        """The URL to push ``owner/name`` to, and the environment that authorizes one git
        command: the token reaches git through it only, never a URL or .git/config, and
        ``credential.helper`` is emptied so no helper stores it."""
        url = f"{self.git_url}/{full}.git"
        owner = owner_of(full)
        token = self.call(f"{full} token", lambda: self.credentials.token_for(owner, self.api_url))
        env = {
            "GIT_CONFIG_COUNT": "2",
            "GIT_CONFIG_KEY_0": "credential.helper",
            "GIT_CONFIG_VALUE_0": "",
            "GIT_CONFIG_KEY_1": f"http.{url}.extraHeader",
            "GIT_CONFIG_VALUE_1": f"Authorization: {basic_value(token)}",
            "GIT_TERMINAL_PROMPT": "0",
        }
        return url, env

    def _push(self, request: PublishRequest, full: str, expected: str) -> None:
        """Force-push the branch, leased on ``expected`` ("" : the branch must not exist)."""
        url, env = self.push_target(full)
        ref = f"refs/heads/{request.branch}"
        args = ["push", "--quiet", "--no-verify", f"--force-with-lease={ref}:{expected}"]
        proc = subprocess.run(
            ["git", *args, url, f"{ref}:{ref}"],
            cwd=request.repo,
            env=git_env(env),
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            if lease_lost(proc.stderr):
                raise moved(request)
            lines = [line.strip() for line in proc.stderr.splitlines() if line.strip()]
            if any("not found" in line.lower() for line in lines):
                problem = (
                    f"repository not found, or the credentials from "
                    f"{self.credentials.source} cannot push to it"
                )
            else:
                problem = " | ".join(lines) or f"git exited with {proc.returncode}"
            raise ForgeError(scrub(f"{full}: pushing {request.branch} to {url} failed: {problem}"))

    def _pull_request(
        self, repo: Repository, request: PublishRequest, owner: str, *, pushed: bool
    ) -> PublishResult:
        where = f"{repo.full_name} pull requests"
        head = f"{owner}:{request.branch}"

        def find() -> list[PullRequest]:
            found = repo.get_pulls(state="open", head=head, base=request.base)
            return list(found)

        existing = self.call(where, find)
        if existing:
            pull = existing[0]
            if pull.title != request.title or (pull.body or "") != request.body:
                self.spacer.wait()
                self.call(
                    f"{where} #{pull.number}",
                    lambda: pull.edit(title=request.title, body=request.body),
                )
                return PublishResult("updated", pull.html_url, pull.number)
            action = "updated" if pushed else "unchanged"
            return PublishResult(action, pull.html_url, pull.number)
        self.spacer.wait()

        def create() -> PullRequest | None:
            try:
                return repo.create_pull(
                    title=request.title,
                    body=request.body,
                    head=request.branch,
                    base=request.base,
                    maintainer_can_modify=True,
                )
            except GithubException as exc:
                if exc.status == 422 and "No commits between" in str(exc.data):
                    return None  # the branch is merged already: nothing to propose
                raise

        created = self.call(where, create)
        if created is None:
            return PublishResult("unchanged")
        return PublishResult("created", created.html_url, created.number)
