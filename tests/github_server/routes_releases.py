"""Releases: create (draft or published), list, get by id and by tag, update, delete."""

from __future__ import annotations

from typing import Any

from tests.github_server import gitrepo
from tests.github_server import shapes
from tests.github_server.core import Call
from tests.github_server.core import invalid
from tests.github_server.core import not_found
from tests.github_server.core import Page
from tests.github_server.core import Reply
from tests.github_server.core import route
from tests.github_server.routes_repos import find_repo
from tests.github_server.state import Release
from tests.github_server.state import Repo


def _find(call: Call, repo: Repo) -> Release:
    item = repo.releases.get(int(call.params["release_id"]))
    if item is None:
        raise not_found()
    return item


def _publish_tag(call: Call, repo: Repo, item: Release) -> None:
    """Publishing a release creates its tag at ``target_commitish`` when it is missing."""
    if gitrepo.ref(repo.bare, f"refs/tags/{item.tag_name}") is not None:
        return
    sha = gitrepo.resolve(repo.bare, item.target_commitish)
    if sha is None:
        raise invalid(
            "Validation Failed", resource="Release", field="target_commitish", code="invalid"
        )
    gitrepo.update_ref(repo.bare, f"refs/tags/{item.tag_name}", sha)


@route("POST", "/repos/{owner}/{repo}/releases")
def create_release(call: Call) -> Any:
    repo = find_repo(call)
    tag = str(call.require("tag_name"))
    if any(r.tag_name == tag for r in repo.releases.values()):
        raise invalid(
            "Validation Failed", resource="Release", field="tag_name", code="already_exists"
        )
    now = call.state.now()
    draft = bool(call.arg("draft", False))
    item = Release(
        id=call.state.new_id(),
        tag_name=tag,
        target_commitish=str(call.arg("target_commitish") or repo.default_branch),
        name=call.arg("name"),
        body=call.arg("body"),
        draft=draft,
        prerelease=bool(call.arg("prerelease", False)),
        author=call.state.login,
        created_at=now,
        published_at=None if draft else now,
        make_latest=str(call.arg("make_latest", "true")),
    )
    if not draft:
        _publish_tag(call, repo, item)
    repo.releases[item.id] = item
    return Reply(201, shapes.release(call.state, repo, item))


@route("GET", "/repos/{owner}/{repo}/releases")
def list_releases(call: Call) -> Any:
    repo = find_repo(call)
    items = sorted(repo.releases.values(), key=lambda r: r.id, reverse=True)
    return Page([shapes.release(call.state, repo, r) for r in items])


@route("GET", "/repos/{owner}/{repo}/releases/tags/{tag:path}")
def get_release_by_tag(call: Call) -> Any:
    repo = find_repo(call)
    for item in repo.releases.values():
        if item.tag_name == call.params["tag"] and not item.draft:
            return shapes.release(call.state, repo, item)
    raise not_found()


@route("GET", "/repos/{owner}/{repo}/releases/{release_id}")
def get_release(call: Call) -> Any:
    repo = find_repo(call)
    return shapes.release(call.state, repo, _find(call, repo))


@route("PATCH", "/repos/{owner}/{repo}/releases/{release_id}")
def update_release(call: Call) -> Any:
    repo = find_repo(call)
    item = _find(call, repo)
    for key in ("tag_name", "target_commitish", "name", "body"):
        if call.arg(key) is not None:
            setattr(item, key, str(call.arg(key)))
    if call.arg("prerelease") is not None:
        item.prerelease = bool(call.arg("prerelease"))
    if call.arg("draft") is not None:
        draft = bool(call.arg("draft"))
        if item.draft and not draft:
            _publish_tag(call, repo, item)
            item.published_at = call.state.now()
        item.draft = draft
    return shapes.release(call.state, repo, item)


@route("DELETE", "/repos/{owner}/{repo}/releases/{release_id}")
def delete_release(call: Call) -> Any:
    repo = find_repo(call)
    del repo.releases[_find(call, repo).id]
    return Reply(204)
