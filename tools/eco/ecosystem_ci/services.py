"""What a project's suite needs from the machine besides Python packages: the CI services
(``[projects.X.tests.services]``: redis, postgres, ...) and Debian packages (``apt``).

``eco test`` starts no container itself: where the machine has a running container
engine a service could be started by the workflow (see docs/maintainer/ecosystem-ci.md);
here each need becomes a note in the report, and the suite still runs — the tests that
need the service fail or skip on both sides alike, so they do not show as regressions.
"""

from __future__ import annotations

import functools
import shutil
import subprocess

from eco.registry import Project


@functools.cache
def container_engine() -> str | None:
    """``docker`` when it is installed and its daemon answers, else None."""
    docker = shutil.which("docker")
    if docker is None:
        return None
    probe = subprocess.run(
        [docker, "info", "--format", "{{.ServerVersion}}"], capture_output=True, check=False
    )
    return docker if probe.returncode == 0 else None


def needs(project: Project) -> tuple[str, ...]:
    """One note per need of ``project`` that eco test does not meet."""
    notes = []
    if project.services:
        names = ", ".join(s.name for s in project.services)
        why = "eco test starts no services" if container_engine() else "no container engine here"
        notes.append(f"needs {names}, not started ({why})")
    if project.apt:
        notes.append(f"needs Debian packages {', '.join(project.apt)}, not installed by eco test")
    return tuple(notes)
