"""The CI a project's tests need: service containers and system packages, from its workflows.

Read from ``.github/workflows/*.y*ml``: each job's ``services:`` (image and host port),
the few actions that start a service instead (redis, mongodb, memcached), and the
packages of ``apt-get install`` lines. What the shared tests workflow cannot start is
returned as a note, never dropped without a word.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from eco.adopt.toml_paths import items
from eco.adopt.toml_paths import table
from eco.registry import Service

# image name (without tag and registry prefix) -> the service the shared workflow starts
_IMAGES = {
    "redis": "redis",
    "memcached": "memcached",
    "mongo": "mongodb",
    "mongodb": "mongodb",
    "postgres": "postgres",
    "dynamodb-local": "dynamodb-local",
    "valkey": "valkey",
}
_DEFAULT_PORTS = {
    "redis": 6379,
    "memcached": 11211,
    "mongodb": 27017,
    "postgres": 5432,
    "dynamodb-local": 8000,
    "valkey": 6379,
}
# Actions that start a service: (service, image, the input naming its version)
_ACTIONS = {
    "supercharge/redis-github-action": ("redis", "redis", "redis-version"),
    "supercharge/mongodb-github-action": ("mongodb", "mongo", "mongodb-version"),
    "niden/actions-memcached": ("memcached", "memcached", ""),
}
_IMAGE_RE = re.compile(r"^[a-z0-9][a-z0-9._/-]*(?::[A-Za-z0-9._-]+)?$")
_APT_RE = re.compile(r"\bapt(?:-get)?\s+(?:-\S+\s+)*install\b([^\n;&|]*)")
_PACKAGE_RE = re.compile(r"^[a-z0-9][a-z0-9.+-]+$")


@dataclass(frozen=True)
class CI:
    services: tuple[Service, ...]
    apt: tuple[str, ...]
    notes: tuple[str, ...]


def read_ci(workflows: Mapping[str, str]) -> CI:
    """Services and apt packages of every workflow (path -> text), in order of discovery."""
    services: dict[str, Service] = {}
    apt: list[str] = []
    notes: list[str] = []
    for path, text in sorted(workflows.items()):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            notes.append(f"{path}: not valid YAML; its services and packages were not read")
            continue
        jobs = data.get("jobs") if isinstance(data, dict) else None
        if not isinstance(jobs, dict):
            continue
        for job_name, job in jobs.items():
            if not isinstance(job, dict):
                continue
            where = f"{path} job {job_name}"
            for found in _job_services(job, where, notes):
                known = services.get(found.name)
                if known is None:
                    services[found.name] = found
                elif known != found:
                    notes.append(
                        f"{where}: service {found.name} as {found.image} on port {found.port} "
                        f"differs from {known.image} on port {known.port}, which is kept"
                    )
            for step in items(job.get("steps")):
                if isinstance(step, dict) and isinstance(step.get("run"), str):
                    for package in _apt_packages(step["run"], where, notes):
                        if package not in apt:
                            apt.append(package)
    return CI(tuple(services.values()), tuple(apt), tuple(notes))


def _job_services(job: Mapping[str, Any], where: str, notes: list[str]) -> list[Service]:
    out = []
    declared = job.get("services")
    if isinstance(declared, dict):
        for name, spec in declared.items():
            image = spec.get("image") if isinstance(spec, dict) else spec
            ports = spec.get("ports", []) if isinstance(spec, dict) else []
            service = _service(str(name), image, ports, where, notes)
            if service is not None:
                out.append(service)
    for step in items(job.get("steps")):
        uses = step.get("uses") if isinstance(step, dict) else None
        if not isinstance(uses, str):
            continue
        action = uses.split("@", 1)[0]
        if "compose" in action:
            notes.append(
                f"{where}: services are started by docker compose ({action}); eco cannot read "
                "them: add them under tests.services by hand, or keep the project's tests "
                "workflow (skip it, with that reason)"
            )
        if action in _ACTIONS:
            kind, image, version_input = _ACTIONS[action]
            inputs = table(step, "with")
            version = str(inputs.get(version_input, "")) if version_input else ""
            tag = f":{version}" if version and "${{" not in version else ""
            out.append(Service(kind, f"{image}{tag}", _DEFAULT_PORTS[kind]))
            notes.append(
                f"{where}: {kind} is started by the action {action}; it becomes the "
                f"shared workflow's {kind} service ({image}{tag}, port {_DEFAULT_PORTS[kind]})"
            )
    return out


def _service(name: str, image: Any, ports: Any, where: str, notes: list[str]) -> Service | None:
    if not isinstance(image, str) or "${{" in image or not _IMAGE_RE.match(image):
        notes.append(f"{where}: service {name} has an image eco cannot read ({image!r}); kept out")
        return None
    base = image.split(":", 1)[0].rsplit("/", 1)[-1]
    kind = _IMAGES.get(base)
    if kind is None:
        notes.append(
            f"{where}: service {name} ({image}) is not one the shared tests workflow can start "
            "(redis, memcached, mongodb, postgres, dynamodb-local, valkey); keep the project's "
            "tests workflow (skip it in projects.toml) or drop the service"
        )
        return None
    port = _DEFAULT_PORTS[kind]
    if isinstance(ports, list) and ports:
        first = str(ports[0])
        host = first.split(":")[-2] if first.count(":") >= 1 else first
        if host.isdigit():
            port = int(host)
        else:
            notes.append(f"{where}: service {name} port {first!r} unreadable; {port} assumed")
    return Service(kind, image, port)


def _apt_packages(run: str, where: str, notes: list[str]) -> list[str]:
    out = []
    text = run.replace("\\\n", " ")
    for match in _APT_RE.finditer(text):
        words_text = match.group(1)
        for expression in re.findall(r"\$\{\{.*?\}\}", words_text):
            notes.append(f"{where}: apt package {expression} is an expression; kept out")
        words_text = re.sub(r"\$\{\{.*?\}\}", " ", words_text)
        try:
            words = shlex.split(words_text)
        except ValueError:
            words = words_text.split()
        for word in words:
            if word.startswith("-"):
                continue
            if _PACKAGE_RE.match(word):
                out.append(word)
            else:
                notes.append(f"{where}: apt package {word!r} not understood; kept out")
    return out
