"""``eco triage close``: a human closes an issue, and the reason is on record first.

Nothing in eco closes anything on its own: this is the only place that closes, and only
when a maintainer runs it. The reason is posted as a comment, then the issue (or pull
request) is closed with GitHub's ``state_reason``; the lock workflow locks it 14 days
later.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from github import Github
from github import GithubException

from eco.errors import EcoError
from eco.registry import Registry
from eco.secrets import scrub

REF_RE = re.compile(
    r"^(?P<repo>[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+|[a-z0-9][a-z0-9._-]*)#(?P<number>\d+)$"
)
STATE_REASONS = ("completed", "not_planned")


@dataclass(frozen=True)
class Closed:
    ref: str
    url: str
    comment_url: str
    state_reason: str


def parse_ref(text: str, registry: Registry) -> tuple[str, int]:
    """``owner/repo#N`` or ``project#N`` (a project of the registry) → (repo, N)."""
    match = REF_RE.match(text.strip())
    if not match:
        raise EcoError(
            f"{text!r}: expected OWNER/REPO#NUMBER or PROJECT#NUMBER "
            "(like pallets-eco/flask-mail#12)"
        )
    repo, number = match.group("repo"), int(match.group("number"))
    if "/" not in repo:
        project = registry.select([repo])[0]
        if not project.repo:
            raise EcoError(f"project {repo!r} has no GitHub repository ('repo' in projects.toml)")
        repo = project.repo
    return repo, number


def close(
    gh: Github,
    repo: str,
    number: int,
    reason: str,
    state_reason: str,
    wait: Callable[[], None],
    *,
    dry_run: bool = False,
) -> Closed:
    """Comment ``reason`` on ``repo#number``, then close it; refuse if it is closed already.

    ``wait`` is called before each write (it spaces writes as GitHub asks). ``dry_run``:
    every check (the issue exists and is open), no write; the comment URL is then "".
    """
    if not reason.strip():
        raise EcoError("--reason must say why the issue is closed (it is posted as a comment)")
    if state_reason not in STATE_REASONS:
        raise EcoError(f"state reason {state_reason!r}: expected one of {', '.join(STATE_REASONS)}")
    ref = f"{repo}#{number}"
    try:
        issue = gh.withLazy(True).get_repo(repo).get_issue(number)
        state = issue.state
    except GithubException as exc:
        raise _error(ref, exc, "nothing was posted") from None
    if state == "closed":
        raise EcoError(f"{ref} is already closed; nothing was posted")
    if dry_run:
        return Closed(ref, issue.html_url, "", state_reason)
    try:
        wait()
        comment = issue.create_comment(reason.strip())
    except GithubException as exc:
        raise _error(ref, exc, "nothing was posted, the issue is still open") from None
    comment_url = comment.raw_data.get("html_url") if isinstance(comment.raw_data, dict) else None
    if not isinstance(comment_url, str) or not comment_url:
        raise EcoError(
            f"{ref}: the answer to posting the reason is not GitHub's (no comment in it); "
            "nothing else was done: look at the issue, and at ECO_GITHUB_API_URL"
        )
    try:
        wait()
        issue.edit(state="closed", state_reason=state_reason)
    except GithubException as exc:
        raise _error(
            ref, exc, f"the reason was posted ({comment_url}) but the issue is still open"
        ) from None
    if issue.state != "closed":  # edit() reads the state from GitHub's answer
        raise EcoError(
            f"{ref}: the answer to closing it is not GitHub's (it does not say closed); "
            f"the reason was posted ({comment_url}): look at the issue"
        )
    return Closed(f"{repo}#{number}", issue.html_url, comment_url, state_reason)


def _error(ref: str, exc: GithubException, state: str) -> EcoError:
    message = exc.data.get("message") if isinstance(exc.data, dict) else exc.data
    return EcoError(scrub(f"{ref}: GitHub answered {exc.status} {message}; {state}"))
