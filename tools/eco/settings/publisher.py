"""PyPI's trusted publisher: the one setting GitHub's API cannot make, as a checklist.

Per project, the exact values to enter on PyPI (owner, repository, workflow file,
environment), and whether the latest release on the index proves them: its PEP 740
provenance verified against that publisher (the check ``eco verify`` makes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PYPI_FORM = "https://pypi.org/manage/project/{name}/settings/publishing/"
PENDING_FORM = "https://pypi.org/manage/account/publishing/"

VERIFIED = "verified"
NOT_VERIFIED = "not verified"
NOT_ON_INDEX = "not on the index"


@dataclass(frozen=True)
class Checklist:
    project: str
    pypi: str
    owner: str
    repository: str
    workflow: str
    environment: str
    state: str  # verified | not verified | not on the index
    detail: str  # why, or which release proved it

    @property
    def form(self) -> str:
        """Where the publisher is registered: the project's page, or a pending publisher."""
        if self.state == NOT_ON_INDEX:
            return PENDING_FORM
        return PYPI_FORM.format(name=self.pypi)

    def lines(self) -> list[str]:
        return [
            f"{self.project}: PyPI project {self.pypi}: {self.state}"
            + (f" ({self.detail})" if self.detail else ""),
            f"  register at {self.form} (publisher: GitHub Actions)",
            f"  owner:        {self.owner}",
            f"  repository:   {self.repository}",
            f"  workflow:     {self.workflow}",
            f"  environment:  {self.environment}",
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "pypi": self.pypi,
            "owner": self.owner,
            "repository": self.repository,
            "workflow": self.workflow,
            "environment": self.environment,
            "state": self.state,
            "detail": self.detail,
            "form": self.form,
        }


def checklist(
    project: str, pypi: str, repo: str, workflow: str, environment: str, state: str, detail: str
) -> Checklist:
    owner, _, name = repo.partition("/")
    return Checklist(project, pypi, owner, name, workflow, environment, state, detail)
