"""What a project's suite needs from the machine besides Python packages: the CI services
(``[projects.X.tests.services]``: redis, postgres, ...) and Debian packages (``apt``).

Where a container engine answers (``docker info``), each service is started for the
project's two suites — ``docker run --detach --rm`` of the registry's image, its port
published on 127.0.0.1 — and stopped after them; projects needing the same port take
turns. Where none answers (a laptop without docker, this machine), the need becomes a note
in the report ("needs redis, not started") and the suite still runs: the tests that need
the service fail or skip alike under the baseline and the candidate, so they show as
unchanged, not as regressions. Debian packages are never installed by eco: a note says
which are needed.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from contextlib import ExitStack
from dataclasses import dataclass
from dataclasses import field

from eco.registry import Project
from eco.registry import Service
from eco.secrets import scrub

READY_SECONDS = 60.0


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@dataclass
class Services:
    """Starts services with ``docker`` (None: no engine, notes only).

    ``ready`` says whether a port answers and ``wait`` pauses between polls: both
    injectable, so tests neither open ports nor sleep.
    """

    docker: str | None
    ready: Callable[[int], bool] = _answers
    wait: Callable[[float], None] = time.sleep
    _ports: dict[int, threading.Lock] = field(default_factory=dict, repr=False)
    _guard: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def detect(cls) -> Services:
        """``docker`` when it is installed and its daemon answers."""
        docker = shutil.which("docker")
        if docker is not None:
            probe = subprocess.run(
                [docker, "info", "--format", "{{.ServerVersion}}"],
                capture_output=True,
                check=False,
            )
            if probe.returncode != 0:
                docker = None
        return cls(docker)

    @contextmanager
    def running(self, project: Project) -> Iterator[list[str]]:
        """The project's services running (where possible) inside the block; yields the
        report's notes on what was started and what was not."""
        notes: list[str] = []
        if project.apt:
            notes.append(f"needs Debian packages {', '.join(project.apt)}, not installed by eco")
        if not project.services:
            yield notes
            return
        if self.docker is None:
            names = ", ".join(s.name for s in project.services)
            notes.append(f"needs {names}, not started (no container engine here)")
            yield notes
            return
        with ExitStack() as stack:
            for service in sorted(project.services, key=lambda s: s.port):
                stack.enter_context(self._port(service.port))
                notes.append(self._start(service, stack))
            yield notes

    @contextmanager
    def _port(self, port: int) -> Iterator[None]:
        with self._guard:
            lock = self._ports.setdefault(port, threading.Lock())
        with lock:
            yield

    def _start(self, service: Service, stack: ExitStack) -> str:
        assert self.docker is not None
        started = subprocess.run(
            [self.docker, "run", "--detach", "--rm"]
            + ["--publish", f"127.0.0.1:{service.port}:{service.port}", service.image],
            capture_output=True,
            text=True,
            check=False,
        )
        if started.returncode != 0:
            reason = (started.stderr.strip().splitlines() or ["docker run failed"])[-1]
            return f"needs {service.name}, not started: {scrub(reason)}"
        container = started.stdout.strip()
        stack.callback(
            subprocess.run, [self.docker, "stop", container], capture_output=True, check=False
        )
        waited = 0.0
        while not self.ready(service.port):
            if waited >= READY_SECONDS:
                return f"{service.name} started ({service.image}), port {service.port} silent"
            self.wait(0.5)
            waited += 0.5
        return f"{service.name} started ({service.image}, port {service.port})"
