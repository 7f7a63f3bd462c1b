"""A clock for tests: ``sleep`` advances time at once and records the wait."""

from __future__ import annotations

import threading
import time


class FakeClock:
    """Satisfies ``eco.forge.clock.Clock``; starts at the real time, never blocks."""

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else start
        self._lock = threading.Lock()
        self.sleeps: list[float] = []

    def now(self) -> float:
        with self._lock:
            return self._now

    def monotonic(self) -> float:
        return self.now()

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self._now += max(0.0, seconds)
