"""File the findings of a scan as one GitHub issue per affected project, never twice.

The issue body starts with a hidden marker naming the scanned names
(``<!-- eco:deprecations flask.Markup -->``). Before creating anything, the project's open
issues are listed (one paginated request per 100 issues); an issue carrying the marker
is updated when its list of uses changed and left alone otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass

from github import Github
from github.Repository import Repository

from eco.deprecations.report import issue_body
from eco.deprecations.report import issue_title
from eco.deprecations.report import marker
from eco.deprecations.report import ProjectScan
from eco.errors import EcoError
from eco.parallel import Outcome
from eco.parallel import run_each
from eco.registry import Project


@dataclass(frozen=True)
class Filed:
    action: str  # "created" | "updated" | "unchanged"
    number: int
    url: str


def file_issue(repo: Repository, scan: ProjectScan, names: Sequence[str]) -> Filed:
    """Create the project's issue for ``names``, or update the open one that has its marker."""
    tag = marker(names)
    body = issue_body(scan, names)
    for issue in repo.get_issues(state="open"):
        if issue.pull_request is not None or tag not in (issue.body or ""):
            continue
        if issue.body == body:
            return Filed("unchanged", issue.number, issue.html_url)
        issue.edit(body=body)
        return Filed("updated", issue.number, issue.html_url)
    created = repo.create_issue(title=issue_title(names), body=body)
    return Filed("created", created.number, created.html_url)


def file_issues(
    client: Github,
    scans: Sequence[ProjectScan],
    names: Sequence[str],
    *,
    jobs: int | None = None,
    on_filed: Callable[[Project, Filed], None] | None = None,
) -> list[Outcome[Filed]]:
    """One issue per scan with uses, through ``client``; failures isolated per project."""
    by_name = {scan.project.name: scan for scan in scans if scan.result.uses}

    def one(project: Project) -> Filed:
        if not project.repo:
            raise EcoError(
                f"projects.{project.name}: no GitHub 'repo' to open an issue in "
                f"(it is reached through {project.url})"
            )
        filed = file_issue(client.get_repo(project.repo, lazy=True), by_name[project.name], names)
        if on_filed is not None:
            on_filed(project, filed)
        return filed

    projects = [scan.project for scan in by_name.values()]
    return run_each(projects, one, jobs=jobs, label="issues")
