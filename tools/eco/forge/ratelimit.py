"""GitHub's rate limits: retries that wait on eco's clock, and writes spaced apart.

* :class:`ClockRetry` is PyGithub's :class:`~github.GithubRetry` (which knows GitHub's
  primary and secondary rate-limit answers) with every wait taken on the injected clock
  and capped: ``Retry-After`` is honoured, then ``x-ratelimit-reset`` when the budget is
  spent, else exponential backoff; a wait longer than ``max_wait`` raises
  :class:`RateLimitTooLong` instead of sleeping for an hour.
* :class:`WriteSpacer` keeps content-creating requests at least one second apart, as
  GitHub asks, across all the threads of a run.
"""

from __future__ import annotations

import email.utils
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from github import GithubRetry
from github.GithubException import RateLimitExceededExceedsMaxWait
from urllib3.response import BaseHTTPResponse

from eco.errors import EcoError
from eco.forge.clock import Clock

MAX_WAIT = 300.0  # seconds: longer than this, a run stops rather than waits
WRITE_INTERVAL = 1.0
RETRIES = 5


class RateLimitTooLong(EcoError):
    """GitHub asked eco to wait longer than the maximum wait."""

    exit_code = 1


class NoAnswer(EcoError):
    """GitHub could not be reached; retrying longer than the maximum wait was refused."""

    exit_code = 1


class ClockRetry(GithubRetry):
    """``GithubRetry`` whose waits go through ``clock`` and never exceed ``max_wait``."""

    def __init__(
        self,
        clock: Clock,
        max_wait: float = MAX_WAIT,
        notify: Callable[[str], None] | None = None,
        **kwargs: Any,
    ) -> None:
        self.clock = clock
        self.max_wait = max_wait
        self.notify = notify
        kwargs.setdefault("total", RETRIES)
        kwargs.setdefault("backoff_factor", 1.0)
        kwargs.setdefault("raise_on_status", False)
        kwargs.setdefault("secondary_rate_wait", 60.0)
        # GitHub answers a secondary rate limit with 403 (GithubRetry adds it) or 429
        kwargs.setdefault("status_forcelist", [*range(500, 600), 429])
        kwargs["max_rate_limit_wait"] = max_wait
        super().__init__(**kwargs)

    def new(self, **kw: Any) -> ClockRetry:
        kw.update(clock=self.clock, max_wait=self.max_wait, notify=self.notify)
        retry: ClockRetry = super().new(**kw)
        return retry

    def wait_for(self, response: BaseHTTPResponse | None) -> float:
        """Seconds to wait before the next attempt after ``response``."""
        if response is not None:
            after = response.headers.get("Retry-After")
            if after is not None:
                return self._retry_after(after)
            remaining = response.headers.get("X-RateLimit-Remaining")
            reset = response.headers.get("X-RateLimit-Reset")
            if remaining == "0" and reset and reset.isdigit():
                # plus one second: it is not known when within that second it resets
                return max(0.0, int(reset) - self.clock.now()) + 1
        return float(self.get_backoff_time())

    def _retry_after(self, value: str) -> float:
        if value.strip().isdigit():
            return float(value)
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - self.clock.now())

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        seconds = self.wait_for(response)
        if seconds > self.max_wait and response is None:
            # no answer at all (refused, timed out): GitHub asked nothing
            raise NoAnswer(
                f"no answer from GitHub after {len(self.history)} attempts (the next retry "
                f"would wait {seconds:.0f}s, more than the maximum of {self.max_wait:.0f}s)"
            )
        if seconds > self.max_wait:
            raise RateLimitTooLong(
                f"GitHub asked to wait {seconds:.0f}s before the next request, more than the "
                f"maximum of {self.max_wait:.0f}s; run again later"
            )
        if self.notify is not None and seconds >= 1 and response is not None:
            self.notify(
                f"GitHub answered {response.status}; waiting {seconds:.0f}s before retrying"
            )
        self.clock.sleep(seconds)


class WriteSpacer:
    """Holds writes at least ``interval`` seconds apart on ``clock`` (thread-safe)."""

    def __init__(self, clock: Clock, interval: float = WRITE_INTERVAL) -> None:
        self.clock = clock
        self.interval = interval
        self._last: float | None = None
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            if self._last is not None:
                delay = self._last + self.interval - self.clock.monotonic()
                if delay > 0:
                    self.clock.sleep(delay)
            self._last = self.clock.monotonic()


@dataclass(frozen=True)
class Budget:
    """The core rate limit as ``GET /rate_limit`` reports it (a free request)."""

    remaining: int
    limit: int
    reset: int  # epoch seconds

    def describe(self, clock: Clock) -> str:
        minutes = max(0, round((self.reset - clock.now()) / 60))
        return (
            f"GitHub API budget: {self.remaining} of {self.limit} requests left, "
            f"resets in {minutes} min"
        )


def too_long(exc: RateLimitExceededExceedsMaxWait, max_wait: float) -> RateLimitTooLong:
    return RateLimitTooLong(
        f"GitHub asked to wait {exc.wait:.0f}s (rate limit), more than the maximum of "
        f"{max_wait:.0f}s; run again later"
    )
