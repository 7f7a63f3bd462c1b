"""One project's Python support against the policy: what ``eco python status`` reports.

Two kinds of drift, each with its own fix: the registry's list against the policy
(``eco python apply``), and the project's five places against the registry's list
(``eco sync``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from eco.git.files import decode
from eco.git.files import read_commit
from eco.python.places import FILES
from eco.python.places import inconsistencies
from eco.python.places import Places
from eco.python.places import PYPROJECT
from eco.python.places import read_places
from eco.python.places import TESTS_WORKFLOW
from eco.python.releases import evaluate
from eco.python.releases import Finding
from eco.python.releases import Policy
from eco.python.releases import Releases
from eco.registry import Project
from eco.registry import PYTHON_RE


@dataclass(frozen=True)
class ProjectStatus:
    project: str
    ref: str
    registry: tuple[str, ...]
    places: Places
    policy: tuple[Finding, ...]
    files: tuple[str, ...]  # places that disagree with ``registry``

    @property
    def drift(self) -> bool:
        return bool(self.files) or any(f.drift for f in self.policy)

    def as_dict(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "ref": self.ref,
            "registry": list(self.registry),
            "places": {
                "requires-python": self.places.requires_python,
                "classifiers": _list(self.places.classifiers),
                "ci": _list(self.places.ci),
                "ruff-target-version": self.places.ruff,
                "mypy-python-version": self.places.mypy,
            },
            "policy": [
                {"kind": f.kind, "version": f.version, "message": f.message, "drift": f.drift}
                for f in self.policy
            ],
            "files": list(self.files),
            "drift": self.drift,
        }


def _list(values: tuple[str, ...] | None) -> list[str] | None:
    return None if values is None else list(values)


def project_status(
    project: Project,
    repo: Path,
    ref: str,
    releases: Releases,
    policy: Policy,
    today: date,
) -> ProjectStatus:
    """Read the project's files at ``ref`` of its clone (one git process) and compare."""
    files = read_commit(repo, ref, FILES).files
    texts = {path: decode(files[path]) if path in files else None for path in FILES}
    places = read_places(texts[PYPROJECT], texts[TESTS_WORKFLOW])
    return ProjectStatus(
        project=project.name,
        ref=ref,
        registry=project.python,
        places=places,
        policy=tuple(evaluate(project.python, releases, policy, today)),
        files=tuple(inconsistencies(places, project.python)),
    )


def span(versions: Sequence[str] | None) -> str:
    """``3.10, 3.11, 3.12`` → ``3.10-3.12``; gaps and free-threaded builds listed."""
    if not versions:
        return "-"
    plain = [v for v in versions if not v.endswith("t")]
    extra = [v for v in versions if v.endswith("t")]
    minors = [int(m.group(1)) for v in plain if (m := PYTHON_RE.match(v))]
    if len(minors) > 2 and minors == list(range(minors[0], minors[-1] + 1)):
        text = f"{plain[0]}-{plain[-1]}"
    else:
        text = ",".join(plain)
    return ",".join([text, *extra]) if text else ",".join(extra)
