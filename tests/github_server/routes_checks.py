"""Commit statuses (combined) and check runs for a ref."""

from __future__ import annotations

from typing import Any

from tests.github_server import gitrepo
from tests.github_server import shapes
from tests.github_server.core import ApiError
from tests.github_server.core import Call
from tests.github_server.core import route
from tests.github_server.routes_repos import find_repo
from tests.github_server.state import Repo


def _sha(call: Call, repo: Repo) -> str:
    sha = gitrepo.resolve(repo.bare, call.params["ref"])
    if sha is None:
        raise ApiError(422, f"No commit found for SHA: {call.params['ref']}")
    return sha


@route("GET", "/repos/{owner}/{repo}/commits/{ref}/status")
def combined_status(call: Call) -> Any:
    repo = find_repo(call)
    sha = _sha(call, repo)
    latest: dict[str, Any] = {}
    for item in repo.statuses.get(sha, []):  # the newest status per context counts
        latest[item.context] = item
    statuses = [shapes.status(call.state, repo, s) for s in latest.values()]
    api = f"{call.base}/repos/{repo.full_name}"
    return {
        "state": shapes.combined_state([s.state for s in latest.values()]),
        "sha": sha,
        "total_count": len(statuses),
        "statuses": statuses,
        "repository": shapes.minimal_repo(call.state, repo),
        "commit_url": f"{api}/commits/{sha}",
        "url": f"{api}/commits/{sha}/status",
    }


@route("GET", "/repos/{owner}/{repo}/commits/{ref}/check-runs")
def check_runs(call: Call) -> Any:
    repo = find_repo(call)
    sha = _sha(call, repo)
    runs = repo.check_runs.get(sha, [])
    name = call.query.get("check_name")
    if name:
        runs = [r for r in runs if r.name == name]
    status = call.query.get("status")
    if status:
        runs = [r for r in runs if r.status == status]
    per_page = max(1, min(100, int(call.query.get("per_page") or 30)))
    page = max(1, int(call.query.get("page") or 1))
    chunk = runs[(page - 1) * per_page : page * per_page]
    items = [shapes.check_run(call.state, repo, r) for r in chunk]
    return {"total_count": len(runs), "check_runs": items}
