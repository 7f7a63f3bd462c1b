"""Git refs, commits, branches and tags, read from and written to the bare repository."""

from __future__ import annotations

from typing import Any

from tests.github_server import gitrepo
from tests.github_server import shapes
from tests.github_server.core import ApiError
from tests.github_server.core import Call
from tests.github_server.core import invalid
from tests.github_server.core import NO_CONTENT
from tests.github_server.core import not_found
from tests.github_server.core import Page
from tests.github_server.core import Reply
from tests.github_server.core import route
from tests.github_server.routes_repos import find_repo


def _one_ref(call: Call) -> Any:
    repo = find_repo(call)
    found = gitrepo.ref(repo.bare, "refs/" + call.params["ref"])
    if found is None:
        raise not_found()
    return shapes.git_ref(call.state, repo, found)


@route("GET", "/repos/{owner}/{repo}/git/ref/{ref:path}")
def get_ref(call: Call) -> Any:
    return _one_ref(call)


@route(
    "GET",
    "/repos/{owner}/{repo}/git/refs",
    schema="GET /repos/{owner}/{repo}/git/ref/{ref}",
    many=True,
)
def list_refs(call: Call) -> Any:
    repo = find_repo(call)
    return Page([shapes.git_ref(call.state, repo, r) for r in gitrepo.refs(repo.bare)])


@route(
    "GET",
    "/repos/{owner}/{repo}/git/matching-refs/{ref:path}",
    schema="GET /repos/{owner}/{repo}/git/ref/{ref}",
    many=True,
)
def matching_refs(call: Call) -> Any:
    repo = find_repo(call)
    prefix = "refs/" + call.params["ref"]
    found = [r for r in gitrepo.refs(repo.bare) if r.name.startswith(prefix)]
    return Page([shapes.git_ref(call.state, repo, r) for r in found])


@route("POST", "/repos/{owner}/{repo}/git/refs")
def create_ref(call: Call) -> Any:
    repo = find_repo(call)
    name = str(call.require("ref"))
    sha = str(call.require("sha"))
    if not name.startswith("refs/") or name.count("/") < 2:
        raise invalid("ref must start with 'refs' and have at least two slashes.")
    if gitrepo.exists(repo.bare, sha) is None:
        raise invalid("Object does not exist")
    if gitrepo.ref(repo.bare, name) is not None:
        raise invalid("Reference already exists")
    gitrepo.update_ref(repo.bare, name, sha)
    found = gitrepo.ref(repo.bare, name)
    assert found is not None
    return Reply(201, shapes.git_ref(call.state, repo, found))


@route(
    "PATCH",
    "/repos/{owner}/{repo}/git/refs/{ref:path}",
    schema="GET /repos/{owner}/{repo}/git/ref/{ref}",
)
def update_ref(call: Call) -> Any:
    repo = find_repo(call)
    name = "refs/" + call.params["ref"]
    sha = str(call.require("sha"))
    current = gitrepo.ref(repo.bare, name)
    if current is None:
        raise invalid("Reference does not exist")
    if gitrepo.exists(repo.bare, sha) is None:
        raise invalid("Object does not exist")
    if not call.arg("force", False) and not gitrepo.is_ancestor(repo.bare, current.sha, sha):
        raise invalid("Update is not a fast forward")
    gitrepo.update_ref(repo.bare, name, sha)
    found = gitrepo.ref(repo.bare, name)
    assert found is not None
    return shapes.git_ref(call.state, repo, found)


@route("DELETE", "/repos/{owner}/{repo}/git/refs/{ref:path}", schema=NO_CONTENT)
def delete_ref(call: Call) -> Any:
    repo = find_repo(call)
    name = "refs/" + call.params["ref"]
    if gitrepo.ref(repo.bare, name) is None:
        raise invalid("Reference does not exist")
    gitrepo.delete_ref(repo.bare, name)
    return Reply(204)


@route(
    "GET",
    "/repos/{owner}/{repo}/commits/{ref}",
    schema="GET /repos/{owner}/{repo}/branches/{branch}#commit",
)
def get_commit(call: Call) -> Any:
    repo = find_repo(call)
    sha = gitrepo.resolve(repo.bare, call.params["ref"])
    if sha is None:
        raise ApiError(422, f"No commit found for SHA: {call.params['ref']}")
    return shapes.commit(call.state, repo, sha)


@route("GET", "/repos/{owner}/{repo}/branches/{branch:path}")
def get_branch(call: Call) -> Any:
    repo = find_repo(call)
    name = call.params["branch"]
    ref = gitrepo.ref(repo.bare, f"refs/heads/{name}")
    if ref is None:
        raise ApiError(404, "Branch not found")
    return shapes.branch(call.state, repo, name, ref.sha)


@route("GET", "/repos/{owner}/{repo}/tags")
def list_tags(call: Call) -> Any:
    repo = find_repo(call)
    items = []
    # Newest first, as GitHub lists them.
    for ref in reversed(gitrepo.refs(repo.bare, "refs/tags/")):
        sha = gitrepo.resolve(repo.bare, ref.sha) or ref.sha
        items.append(shapes.tag(call.state, repo, ref.name.removeprefix("refs/tags/"), sha))
    return Page(items)
