"""What adoption tells a maintainer about the files it replaces, and what it must keep.

On adoption (no skeleton applied before) a file the skeleton owns is replaced by the
standard one, visibly: :func:`replaced_details` says what the project's version had that
the standard one does not (jobs, services and steps of a workflow; lines of any other
file). What the standard tests workflow cannot express must survive: :func:`unmapped`
says why a project's workflow is kept — a service container or a system package its
registry entry does not give the shared workflow — and adoption then keeps the file.
Pure functions over text; no git, no files.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import yaml

from eco.sync.merge import split_lines
from eco.sync.merge import too_large

# The service containers the shared tests workflow can start, by the image they run.
IMAGES = {
    "redis": "redis",
    "memcached": "memcached",
    "mongo": "mongodb",
    "mongodb/mongodb-community-server": "mongodb",
    "postgres": "postgres",
    "amazon/dynamodb-local": "dynamodb-local",
    "valkey/valkey": "valkey",
}
_APT = re.compile(r"\bapt(?:-get)?\s+(?:-\S+\s+)*install\b([^\n&|;]*)")
_SHOWN = 5  # lines of a replaced file listed before "and N more"
# Steps the shared tests workflow takes itself: not worth listing as the project's own.
_SETUP_ACTIONS = ("actions/checkout", "actions/setup-python", "actions/cache")
_SECTION = re.compile(r"^\[([^\]\n]+)\]\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Needs:
    """What the project's registry entry gives the shared tests workflow."""

    services: Mapping[str, str] = field(default_factory=dict)  # name -> image
    apt: tuple[str, ...] = ()


def is_workflow(path: str) -> bool:
    return path.startswith(".github/workflows/") and path.endswith((".yml", ".yaml"))


def _load(text: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _jobs(text: str) -> dict[str, dict[str, Any]]:
    jobs = _load(text).get("jobs")
    if not isinstance(jobs, dict):
        return {}
    return {str(k): v for k, v in jobs.items() if isinstance(v, dict)}


def _services(jobs: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """Service name -> image, across every job (an image given by expression is kept as
    written)."""
    found: dict[str, str] = {}
    for job in jobs.values():
        services = job.get("services")
        if not isinstance(services, dict):
            continue
        for name, spec in services.items():
            image = spec.get("image", "") if isinstance(spec, dict) else spec
            found[str(name)] = str(image or "")
    return found


def _steps(jobs: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Each step in words: its name, else what it uses, else its command's first line."""
    out = []
    for job in jobs.values():
        for step in job.get("steps") or []:
            if not isinstance(step, dict):
                continue
            what = step.get("name") or step.get("uses") or str(step.get("run", "")).strip()
            out.append(str(what).split("\n")[0].split("@")[0][:80])
    return out


def apt_packages(text: str) -> list[str]:
    """The packages a workflow installs with apt / apt-get (flags left out)."""
    packages: list[str] = []
    for match in _APT.finditer(text):
        try:
            words = shlex.split(match.group(1))
        except ValueError:
            words = match.group(1).split()
        packages += [w for w in words if not w.startswith(("-", "$"))]
    return packages


def service_of(image: str) -> str:
    """The shared workflow's service for a container image ("" when it has none)."""
    repository = image.split("@")[0].rsplit(":", 1)[0] if ":" in image else image
    repository = repository.removeprefix("docker.io/").removeprefix("library/")
    return IMAGES.get(repository, "")


def unmapped(path: str, text: str, needs: Needs) -> str:
    """Why the project's workflow must be kept ("" when the standard one, fed the
    registry's services and packages, does all it did)."""
    if not is_workflow(path) or too_large(text):  # too large: a conflict, never parsed
        return ""
    jobs = _jobs(text)
    problems = []
    for name, image in sorted(_services(jobs).items()):
        service = service_of(image)
        if not service:
            problems.append(
                f"starts the service {name} ({image or 'no image'}), which "
                "the shared tests workflow cannot"
            )
        elif service not in needs.services:
            problems.append(
                f"starts {image} as {name}: add {service} to the registry's tests.services"
            )
    missing = [p for p in apt_packages(text) if p not in needs.apt]
    if missing:
        problems.append(f"installs {', '.join(missing)} with apt: add to the registry's tests.apt")
    if not problems:
        return ""
    return "kept, the standard file cannot replace it yet: " + "; ".join(problems)


def replaced_details(
    path: str, ours: str, theirs: str, needs: Needs | None = None
) -> tuple[str, ...]:
    """What the project's version of a replaced file had that the standard one does
    not: for a workflow its jobs, services and steps (and what of them the shared
    tests workflow now gets from the registry); for any other file, its lines."""
    if not is_workflow(path):
        return _lines(ours, theirs)
    details: list[str] = []
    mine, standard = _jobs(ours), _jobs(theirs)
    jobs = [j for j in mine if j not in standard]
    if jobs:
        details.append("jobs: " + ", ".join(jobs))
    services = _services(mine)
    if services:
        details.append("services: " + ", ".join(f"{n} ({i})" for n, i in sorted(services.items())))
    steps = [
        s
        for s in _unique(_steps(mine))
        if s not in set(_steps(standard)) and not s.startswith(_SETUP_ACTIONS)
    ]
    if steps:
        details.append("steps: " + "; ".join(steps))
    needs = needs or Needs()
    carried = [f"service {n} ({i})" for n, i in sorted(needs.services.items())]
    carried += [f"apt package {p}" for p in needs.apt]
    if carried and (services or apt_packages(ours)):
        details.append("given to the shared tests workflow by the registry: " + ", ".join(carried))
    return tuple(details)


def _lines(ours: str, theirs: str) -> tuple[str, ...]:
    """The lines of ``ours`` that ``theirs`` lacks, the first few shown."""
    theirs_lines = {line.strip() for line in split_lines(theirs)}
    own = _unique(line.strip() for line in split_lines(ours))
    lost = [line for line in own if line and line not in theirs_lines]
    if not lost:
        return ()
    shown = ", ".join(f"`{line[:60]}`" for line in lost[:_SHOWN])
    more = f" and {len(lost) - _SHOWN} more" if len(lost) > _SHOWN else ""
    plural = "s" if len(lost) != 1 else ""
    return (f"{len(lost)} line{plural} not in the standard file: {shown}{more}",)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


_SESSION = re.compile(r"@nox\.session\b(?:\((?P<args>[^)]*)\))?\s*\n\s*def (?P<function>\w+)")
_NAME = re.compile(r"""\bname\s*=\s*["']([^"']+)["']""")


def nox_sessions(text: str) -> set[str]:
    """The sessions a noxfile defines, by name (a session run per Python by its base
    name: ``tests`` for ``tests-3.12``)."""
    found = set()
    for match in _SESSION.finditer(text):
        name = _NAME.search(match.group("args") or "")
        found.add(name.group(1) if name else match.group("function").replace("_", "-"))
    return found


def kept_details(path: str, ours: str, theirs: str) -> tuple[str, ...]:
    """What a maintainer should know about a merged file adoption keeps as the project's:
    for ``noxfile.py``, the standard sessions it lacks (the shared tests workflow runs
    them)."""
    if path != "noxfile.py":
        return ()
    missing = sorted(nox_sessions(theirs) - nox_sessions(ours))
    if not missing:
        return ()
    return (
        "lacks the standard sessions "
        + ", ".join(missing)
        + ": the shared tests workflow runs tests-<python>, tests-min, tests-dev and typing",
    )


def retired_details(path: str, text: str, needs: Needs | None = None) -> tuple[str, ...]:
    """What a retired file held, in a line or two: a workflow's jobs, services and steps;
    an ini file's sections (``tox.ini``: ``[tox], [testenv], [testenv:docs]``)."""
    if too_large(text):
        return ()
    if is_workflow(path):
        return replaced_details(path, text, "", needs)
    sections = _SECTION.findall(text)
    if sections and path.endswith((".ini", ".cfg", ".flake8")):
        return ("sections: " + ", ".join(f"[{s}]" for s in sections),)
    return ()
