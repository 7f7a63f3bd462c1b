"""JSON shapes of GitHub's REST objects, filled from the server state.

Each function returns what GitHub returns for that object (the required properties of
the official schema and the ones PyGithub and eco read); the contract test checks them.
"""

from __future__ import annotations

import base64
import time
from typing import Any

from tests.github_server import gitrepo
from tests.github_server.state import CheckRun
from tests.github_server.state import Comment
from tests.github_server.state import Issue
from tests.github_server.state import Label
from tests.github_server.state import Release
from tests.github_server.state import Repo
from tests.github_server.state import State
from tests.github_server.state import Status

HTML = "https://github.com"


def stamp(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def node_id(kind: str, number: int) -> str:
    return base64.b64encode(f"0:{kind}{number}".encode()).decode()


def user_id(login: str) -> int:
    return int(sum(ord(c) * 31**i for i, c in enumerate(login)) % 10_000_000) + 1


def user(state: State, login: str) -> dict[str, Any]:
    api = f"{state.api_url}/users/{login}"
    kind = "Bot" if login.endswith("[bot]") else "User"
    return {
        "login": login,
        "id": user_id(login),
        "node_id": node_id("U", user_id(login)),
        "avatar_url": f"https://avatars.githubusercontent.com/u/{user_id(login)}",
        "gravatar_id": "",
        "url": api,
        "html_url": f"{HTML}/{login}",
        "followers_url": f"{api}/followers",
        "following_url": f"{api}/following{{/other_user}}",
        "gists_url": f"{api}/gists{{/gist_id}}",
        "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{api}/subscriptions",
        "organizations_url": f"{api}/orgs",
        "repos_url": f"{api}/repos",
        "events_url": f"{api}/events{{/privacy}}",
        "received_events_url": f"{api}/received_events",
        "type": kind,
        "site_admin": False,
        "user_view_type": "public",
    }


_REPO_URLS = {
    "archive_url": "/{archive_format}{/ref}",
    "assignees_url": "/assignees{/user}",
    "blobs_url": "/git/blobs{/sha}",
    "branches_url": "/branches{/branch}",
    "collaborators_url": "/collaborators{/collaborator}",
    "comments_url": "/comments{/number}",
    "commits_url": "/commits{/sha}",
    "compare_url": "/compare/{base}...{head}",
    "contents_url": "/contents/{+path}",
    "contributors_url": "/contributors",
    "deployments_url": "/deployments",
    "downloads_url": "/downloads",
    "events_url": "/events",
    "forks_url": "/forks",
    "git_commits_url": "/git/commits{/sha}",
    "git_refs_url": "/git/refs{/sha}",
    "git_tags_url": "/git/tags{/sha}",
    "hooks_url": "/hooks",
    "issue_comment_url": "/issues/comments{/number}",
    "issue_events_url": "/issues/events{/number}",
    "issues_url": "/issues{/number}",
    "keys_url": "/keys{/key_id}",
    "labels_url": "/labels{/name}",
    "languages_url": "/languages",
    "merges_url": "/merges",
    "milestones_url": "/milestones{/number}",
    "notifications_url": "/notifications{?since,all,participating}",
    "pulls_url": "/pulls{/number}",
    "releases_url": "/releases{/id}",
    "stargazers_url": "/stargazers",
    "statuses_url": "/statuses/{sha}",
    "subscribers_url": "/subscribers",
    "subscription_url": "/subscription",
    "tags_url": "/tags",
    "teams_url": "/teams",
    "trees_url": "/git/trees{/sha}",
}


def minimal_repo(state: State, repo: Repo) -> dict[str, Any]:
    api = f"{state.api_url}/repos/{repo.full_name}"
    out: dict[str, Any] = {
        "id": repo.id,
        "node_id": node_id("R", repo.id),
        "name": repo.name,
        "full_name": repo.full_name,
        "owner": user(state, repo.owner),
        "private": repo.private,
        "html_url": f"{HTML}/{repo.full_name}",
        "description": repo.description,
        "fork": False,
        "url": api,
    }
    out.update({key: api + suffix for key, suffix in _REPO_URLS.items()})
    return out


def repository(state: State, repo: Repo, *, full: bool = True) -> dict[str, Any]:
    """``repository`` (in pulls) or ``full-repository`` (GET /repos/{owner}/{repo})."""
    open_issues = sum(1 for i in repo.issues.values() if i.state == "open")
    now = stamp(state.now())
    out = minimal_repo(state, repo)
    out.update(
        {
            "clone_url": f"{HTML}/{repo.full_name}.git",
            "git_url": f"git://github.com/{repo.full_name}.git",
            "ssh_url": f"git@github.com:{repo.full_name}.git",
            "svn_url": f"{HTML}/{repo.full_name}",
            "mirror_url": None,
            "homepage": None,
            "language": "Python",
            "default_branch": repo.default_branch,
            "forks": 0,
            "forks_count": 0,
            "stargazers_count": 0,
            "watchers": 0,
            "watchers_count": 0,
            "size": 0,
            "open_issues": open_issues,
            "open_issues_count": open_issues,
            "has_issues": repo.settings.has_issues,
            "has_projects": False,
            "has_wiki": repo.settings.has_wiki,
            "has_pages": False,
            "has_downloads": True,
            "has_discussions": repo.settings.has_discussions,
            "archived": repo.archived,
            "disabled": False,
            "visibility": "private" if repo.private else "public",
            "license": None,
            "topics": [],
            "pushed_at": now,
            "created_at": stamp(repo.created_at),
            "updated_at": now,
            "allow_forking": True,
            "is_template": False,
        }
    )
    if full:
        out.update({"network_count": 0, "subscribers_count": 0})
        security = {}
        if repo.settings.secret_scanning is not None:
            security["secret_scanning"] = {"status": repo.settings.secret_scanning}
        if repo.settings.push_protection is not None:
            security["secret_scanning_push_protection"] = {"status": repo.settings.push_protection}
        if security:
            out["security_and_analysis"] = security
    return out


def label(state: State, repo: Repo, item: Label) -> dict[str, Any]:
    return {
        "id": item.id,
        "node_id": node_id("LA", item.id),
        "url": f"{state.api_url}/repos/{repo.full_name}/labels/{item.name}",
        "name": item.name,
        "description": item.description,
        "color": item.color,
        "default": False,
    }


def issue_labels(state: State, repo: Repo, issue: Issue) -> list[dict[str, Any]]:
    found = [repo.labels.get(name.lower()) for name in issue.labels]
    return [label(state, repo, item) for item in found if item is not None]


def issue(state: State, repo: Repo, item: Issue) -> dict[str, Any]:
    api = f"{state.api_url}/repos/{repo.full_name}"
    url = f"{api}/issues/{item.number}"
    kind = "pull" if item.pull is not None else "issues"
    out: dict[str, Any] = {
        "id": item.id,
        "node_id": node_id("I", item.id),
        "url": url,
        "repository_url": api,
        "labels_url": f"{url}/labels{{/name}}",
        "comments_url": f"{url}/comments",
        "events_url": f"{url}/events",
        "html_url": f"{HTML}/{repo.full_name}/{kind}/{item.number}",
        "number": item.number,
        "state": item.state,
        "state_reason": item.state_reason,
        "title": item.title,
        "body": item.body,
        "user": user(state, item.user),
        "labels": issue_labels(state, repo, item),
        "assignee": user(state, item.assignees[0]) if item.assignees else None,
        "assignees": [user(state, login) for login in item.assignees],
        "milestone": None,
        "locked": item.locked,
        "active_lock_reason": None,
        "comments": sum(1 for c in repo.comments.values() if c.issue_number == item.number),
        "closed_at": stamp(item.closed_at),
        "created_at": stamp(item.created_at),
        "updated_at": stamp(item.updated_at),
        "closed_by": None,
        "author_association": "MEMBER",
    }
    if item.pull is not None:
        out["pull_request"] = {
            "url": f"{api}/pulls/{item.number}",
            "html_url": f"{HTML}/{repo.full_name}/pull/{item.number}",
            "diff_url": f"{HTML}/{repo.full_name}/pull/{item.number}.diff",
            "patch_url": f"{HTML}/{repo.full_name}/pull/{item.number}.patch",
            "merged_at": stamp(item.pull.merged_at),
        }
    return out


def _branch_end(state: State, repo: Repo, ref: str, sha: str) -> dict[str, Any]:
    return {
        "label": f"{repo.owner}:{ref}",
        "ref": ref,
        "sha": sha,
        "user": user(state, repo.owner),
        "repo": repository(state, repo, full=False),
    }


def pull(state: State, repo: Repo, item: Issue, *, full: bool = True) -> dict[str, Any]:
    """``pull-request`` (one) or ``pull-request-simple`` (in lists)."""
    pr = item.pull
    assert pr is not None
    api = f"{state.api_url}/repos/{repo.full_name}"
    url = f"{api}/pulls/{item.number}"
    html = f"{HTML}/{repo.full_name}/pull/{item.number}"
    head_sha = pr.head_sha
    if item.state == "open":
        head_sha = gitrepo.resolve(repo.bare, pr.head) or pr.head_sha
    base_sha = gitrepo.resolve(repo.bare, pr.base) or ""
    issue_url = f"{api}/issues/{item.number}"
    statuses = f"{api}/statuses/{head_sha}"
    out: dict[str, Any] = {
        "url": url,
        "id": item.id,
        "node_id": node_id("PR", item.id),
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": issue_url,
        "commits_url": f"{url}/commits",
        "review_comments_url": f"{url}/comments",
        "review_comment_url": f"{api}/pulls/comments{{/number}}",
        "comments_url": f"{issue_url}/comments",
        "statuses_url": statuses,
        "number": item.number,
        "state": item.state,
        "locked": item.locked,
        "title": item.title,
        "user": user(state, item.user),
        "body": item.body,
        "labels": issue_labels(state, repo, item),
        "milestone": None,
        "active_lock_reason": None,
        "created_at": stamp(item.created_at),
        "updated_at": stamp(item.updated_at),
        "closed_at": stamp(item.closed_at),
        "merged_at": stamp(pr.merged_at),
        "merge_commit_sha": pr.merge_commit_sha,
        "assignee": user(state, item.assignees[0]) if item.assignees else None,
        "assignees": [user(state, login) for login in item.assignees],
        "requested_reviewers": [],
        "requested_teams": [],
        "head": _branch_end(state, repo, pr.head, head_sha),
        "base": _branch_end(state, repo, pr.base, base_sha),
        "_links": {
            "self": {"href": url},
            "html": {"href": html},
            "issue": {"href": issue_url},
            "comments": {"href": f"{issue_url}/comments"},
            "review_comments": {"href": f"{url}/comments"},
            "review_comment": {"href": f"{api}/pulls/comments{{/number}}"},
            "commits": {"href": f"{url}/commits"},
            "statuses": {"href": statuses},
        },
        "author_association": "MEMBER",
        "auto_merge": None,
        "draft": pr.draft,
    }
    if full:
        merged = pr.merged_at is not None
        commits = 0
        if base_sha and head_sha:
            commits = int(gitrepo.git(repo.bare, "rev-list", "--count", f"{base_sha}..{head_sha}"))
        out.update(
            {
                "merged": merged,
                "mergeable": None if merged else True,
                "rebaseable": None if merged else True,
                "mergeable_state": "unknown" if merged else "clean",
                "merged_by": user(state, pr.merged_by) if pr.merged_by else None,
                "comments": out_comments(repo, item.number),
                "review_comments": 0,
                "maintainer_can_modify": pr.maintainer_can_modify,
                "commits": commits,
                "additions": 0,
                "deletions": 0,
                "changed_files": 0,
            }
        )
    return out


def out_comments(repo: Repo, number: int) -> int:
    return sum(1 for c in repo.comments.values() if c.issue_number == number)


def comment(state: State, repo: Repo, item: Comment) -> dict[str, Any]:
    api = f"{state.api_url}/repos/{repo.full_name}"
    kind = "pull" if repo.issues[item.issue_number].pull is not None else "issues"
    return {
        "id": item.id,
        "node_id": node_id("IC", item.id),
        "url": f"{api}/issues/comments/{item.id}",
        "html_url": f"{HTML}/{repo.full_name}/{kind}/{item.issue_number}#issuecomment-{item.id}",
        "issue_url": f"{api}/issues/{item.issue_number}",
        "body": item.body,
        "user": user(state, item.user),
        "created_at": stamp(item.created_at),
        "updated_at": stamp(item.updated_at),
        "author_association": "MEMBER",
    }


def review(state: State, repo: Repo, number: int, item: Any) -> dict[str, Any]:
    api = f"{state.api_url}/repos/{repo.full_name}"
    html = f"{HTML}/{repo.full_name}/pull/{number}"
    return {
        "id": item.id,
        "node_id": node_id("PRR", item.id),
        "user": user(state, item.user),
        "body": item.body,
        "state": item.state,
        "html_url": f"{html}#pullrequestreview-{item.id}",
        "pull_request_url": f"{api}/pulls/{number}",
        "_links": {"html": {"href": html}, "pull_request": {"href": f"{api}/pulls/{number}"}},
        "submitted_at": stamp(item.submitted_at),
        "commit_id": item.commit_id,
        "author_association": "MEMBER",
    }


def release(state: State, repo: Repo, item: Release) -> dict[str, Any]:
    api = f"{state.api_url}/repos/{repo.full_name}"
    url = f"{api}/releases/{item.id}"
    tag = "untagged-" + str(item.id) if item.draft else item.tag_name
    return {
        "url": url,
        "html_url": f"{HTML}/{repo.full_name}/releases/tag/{tag}",
        "assets_url": f"{url}/assets",
        "upload_url": f"https://uploads.github.com/repos/{repo.full_name}/releases/{item.id}"
        "/assets{?name,label}",
        "tarball_url": None if item.draft else f"{api}/tarball/{item.tag_name}",
        "zipball_url": None if item.draft else f"{api}/zipball/{item.tag_name}",
        "id": item.id,
        "node_id": node_id("RE", item.id),
        "tag_name": item.tag_name,
        "target_commitish": item.target_commitish,
        "name": item.name,
        "body": item.body,
        "draft": item.draft,
        "prerelease": item.prerelease,
        "immutable": False,
        "created_at": stamp(item.created_at),
        "published_at": stamp(item.published_at),
        "updated_at": stamp(item.published_at or item.created_at),
        "author": user(state, item.author),
        "assets": [],
    }


def git_ref(state: State, repo: Repo, ref: gitrepo.Ref) -> dict[str, Any]:
    api = f"{state.api_url}/repos/{repo.full_name}/git"
    kind = "tags" if ref.type == "tag" else "commits"
    return {
        "ref": ref.name,
        "node_id": node_id("REF", abs(hash(ref.name)) % 10**9),
        "url": f"{api}/{ref.name}",
        "object": {"type": ref.type, "sha": ref.sha, "url": f"{api}/{kind}/{ref.sha}"},
    }


def _person(name: str, email: str, date: int) -> dict[str, Any]:
    return {"name": name, "email": email, "date": stamp(date)}


def commit(state: State, repo: Repo, sha: str) -> dict[str, Any]:
    """The ``commit`` object (GET /repos/{owner}/{repo}/commits/{ref}, in branches)."""
    info = gitrepo.commit(repo.bare, sha)
    api = f"{state.api_url}/repos/{repo.full_name}"
    return {
        "sha": info.sha,
        "node_id": node_id("C", int(info.sha[:8], 16)),
        "url": f"{api}/commits/{info.sha}",
        "html_url": f"{HTML}/{repo.full_name}/commit/{info.sha}",
        "comments_url": f"{api}/commits/{info.sha}/comments",
        "commit": {
            "url": f"{api}/git/commits/{info.sha}",
            "author": _person(info.author_name, info.author_email, info.author_date),
            "committer": _person(info.committer_name, info.committer_email, info.committer_date),
            "message": info.message,
            "comment_count": 0,
            "tree": {"sha": info.tree, "url": f"{api}/git/trees/{info.tree}"},
            "verification": {
                "verified": False,
                "reason": "unsigned",
                "payload": None,
                "signature": None,
                "verified_at": None,
            },
        },
        "author": None,
        "committer": None,
        "parents": [
            {
                "sha": p,
                "url": f"{api}/commits/{p}",
                "html_url": f"{HTML}/{repo.full_name}/commit/{p}",
            }
            for p in info.parents
        ],
    }


def branch(state: State, repo: Repo, name: str, sha: str) -> dict[str, Any]:
    api = f"{state.api_url}/repos/{repo.full_name}"
    return {
        "name": name,
        "commit": commit(state, repo, sha),
        "_links": {
            "self": f"{api}/branches/{name}",
            "html": f"{HTML}/{repo.full_name}/tree/{name}",
        },
        "protected": False,
        "protection": {
            "enabled": False,
            "required_status_checks": {"enforcement_level": "off", "contexts": [], "checks": []},
        },
        "protection_url": f"{api}/branches/{name}/protection",
    }


def tag(state: State, repo: Repo, name: str, sha: str) -> dict[str, Any]:
    api = f"{state.api_url}/repos/{repo.full_name}"
    return {
        "name": name,
        "commit": {"sha": sha, "url": f"{api}/commits/{sha}"},
        "zipball_url": f"{api}/zipball/refs/tags/{name}",
        "tarball_url": f"{api}/tarball/refs/tags/{name}",
        "node_id": node_id("TAG", abs(hash(name)) % 10**9),
    }


def status(state: State, repo: Repo, item: Status) -> dict[str, Any]:
    return {
        "id": item.id,
        "node_id": node_id("SC", item.id),
        "url": f"{state.api_url}/repos/{repo.full_name}/statuses/{item.id}",
        "state": item.state,
        "description": item.description,
        "target_url": item.target_url,
        "context": item.context,
        "avatar_url": None,
        "created_at": stamp(item.created_at),
        "updated_at": stamp(item.created_at),
    }


def combined_state(states: list[str]) -> str:
    if any(s in ("error", "failure") for s in states):
        return "failure"
    if not states or any(s == "pending" for s in states):
        return "pending"
    return "success"


_APP = {
    "id": 15368,
    "slug": "github-actions",
    "node_id": "MDM6QXBwMTUzNjg=",
    "name": "GitHub Actions",
    "description": "Automate your workflow from idea to production",
    "external_url": "https://help.github.com/en/actions",
    "html_url": "https://github.com/apps/github-actions",
    "created_at": "2018-07-30T09:30:17Z",
    "updated_at": "2019-12-10T19:04:12Z",
    "permissions": {"checks": "write", "contents": "write", "pull_requests": "write"},
    "events": ["check_run", "pull_request", "push"],
}


def check_run(state: State, repo: Repo, item: CheckRun) -> dict[str, Any]:
    api = f"{state.api_url}/repos/{repo.full_name}"
    return {
        "id": item.id,
        "node_id": node_id("CR", item.id),
        "head_sha": item.head_sha,
        "external_id": str(item.id),
        "url": f"{api}/check-runs/{item.id}",
        "html_url": f"{HTML}/{repo.full_name}/runs/{item.id}",
        "details_url": f"{HTML}/{repo.full_name}/actions/runs/{item.id}",
        "status": item.status,
        "conclusion": item.conclusion,
        "started_at": stamp(item.started_at),
        "completed_at": stamp(item.completed_at),
        "output": {
            "title": None,
            "summary": None,
            "text": None,
            "annotations_count": 0,
            "annotations_url": f"{api}/check-runs/{item.id}/annotations",
        },
        "name": item.name,
        "check_suite": {"id": item.id + 1},
        "app": {**_APP, "owner": user(state, "github")},
        "pull_requests": [],
    }
