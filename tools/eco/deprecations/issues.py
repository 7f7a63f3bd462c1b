"""File the findings of a scan as one GitHub issue per affected project, never twice.

The issue body starts with a hidden marker naming the scanned names
(``<!-- eco:deprecations flask.Markup -->``). Before creating anything, the project's open
issues are listed (100 a page); an issue carrying the marker is updated when its list of
uses changed and left alone when it did not. Requests go through the GitHub forge
(:mod:`eco.forge.github`): its credentials, retries and write spacing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from github.Issue import Issue
from github.Repository import Repository

from eco.deprecations.report import issue_body
from eco.deprecations.report import issue_title
from eco.deprecations.report import marker
from eco.deprecations.report import ProjectScan
from eco.errors import EcoError
from eco.forge import owner_of
from eco.forge.github import GitHubForge
from eco.parallel import Outcome
from eco.parallel import run_each


@dataclass(frozen=True)
class Filed:
    action: str  # "created" | "updated" | "unchanged"
    number: int
    url: str


def _find(repo: Repository, tag: str) -> Issue | None:
    for issue in repo.get_issues(state="open"):
        if issue.pull_request is None and tag in (issue.body or ""):
            return issue
    return None


def file_issue(forge: GitHubForge, scan: ProjectScan, names: Sequence[str]) -> Filed:
    """Create the project's issue for ``names``, or update the open one with its marker."""
    project = scan.project
    if not project.repo:
        raise EcoError(
            f"projects.{project.name}: no GitHub 'repo' to open an issue in "
            f"(it is reached through {project.url})"
        )
    full = project.repo
    gh = forge.call(full, lambda: forge.client(owner_of(full)))
    try:
        repo = gh.get_repo(full)  # the forge client is lazy: no request
        tag = marker(names)
        body = issue_body(scan, names)
        existing = forge.call(f"{full} open issues", lambda: _find(repo, tag))
        if existing is not None:
            if existing.body == body:
                return Filed("unchanged", existing.number, existing.html_url)
            forge.spacer.wait()
            forge.call(f"{full} issue #{existing.number}", lambda: existing.edit(body=body))
            return Filed("updated", existing.number, existing.html_url)
        forge.spacer.wait()
        created = forge.call(
            f"{full} new issue", lambda: repo.create_issue(title=issue_title(names), body=body)
        )
        return Filed("created", created.number, created.html_url)
    finally:
        gh.close()


def file_issues(
    forge: GitHubForge,
    scans: Sequence[ProjectScan],
    names: Sequence[str],
    *,
    jobs: int | None = None,
) -> list[Outcome[Filed]]:
    """One issue per scan with uses; failures isolated per project."""
    affected = {scan.project.name: scan for scan in scans if scan.result.uses}
    return run_each(
        [scan.project for scan in affected.values()],
        lambda project: file_issue(forge, affected[project.name], names),
        jobs=jobs,
        label="issues",
    )
