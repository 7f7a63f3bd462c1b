"""The clock every wait in eco's GitHub code goes through, so tests never sleep.

``SystemClock`` is the real one. A test passes its own object with the same three
methods (for instance one whose ``sleep`` only advances ``now`` and records the wait).
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the epoch (compared with ``x-ratelimit-reset``)."""
        ...

    def monotonic(self) -> float:
        """A clock that never goes back (spacing between writes)."""
        ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)
