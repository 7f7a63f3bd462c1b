"""Conditional list requests: an on-disk ETag cache for GitHub's list endpoints.

PyGithub sends ``If-None-Match`` only when refreshing a single object, never for lists.
:class:`ListFetcher` walks a list endpoint page by page through PyGithub's requester
(its authentication, retries and base URL) and, for every page it has seen before,
sends the stored ETag. GitHub answers ``304 Not Modified`` with no body for an unchanged
page, and such an answer does not count against the rate limit; the page and the link
to the next one come from the cache. A cold run costs one request per page.

Only response bodies, ETags and next-page links are stored (never request headers), one
JSON file per URL, written atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from github.Requester import Requester

from eco.errors import EcoError
from eco.secrets import scrub

PER_PAGE = 100
_NEXT_RE = re.compile(r'<([^>]+)>\s*;\s*rel="next"')


class GitHubListError(EcoError):
    """A list request failed; the message names the URL and GitHub's answer."""

    exit_code = 1


@dataclass(frozen=True)
class Entry:
    etag: str
    body: Any
    next: str | None


class EtagCache:
    """One JSON file per requested URL under ``directory`` (created on first write)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @classmethod
    def in_workspace(cls, workspace: Path) -> EtagCache:
        """The cache every command shares, in the workspace's ``github-cache`` folder."""
        return cls(workspace / "github-cache")

    def _file(self, key: str) -> Path:
        digest = hashlib.sha256(key.encode()).hexdigest()
        return self.directory / digest[:2] / f"{digest}.json"

    def get(self, key: str) -> Entry | None:
        try:
            data = json.loads(self._file(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("key") != key or "etag" not in data:
            return None
        return Entry(data["etag"], data.get("body"), data.get("next"))

    def read_all(self, base_url: str, url: str) -> list[Any] | None:
        """Every page of a list as last fetched, without a request (offline); ``None``
        when a page is not in the cache."""
        items: list[Any] = []
        next_url: str | None = url
        while next_url is not None:
            entry = self.get(f"{base_url} {next_url}")
            if entry is None or not isinstance(entry.body, list):
                return None
            items.extend(entry.body)
            next_url = entry.next
        return items

    def put(self, key: str, entry: Entry) -> None:
        path = self._file(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        record = {"key": key, "etag": entry.etag, "next": entry.next, "body": entry.body}
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(record, handle)
        os.replace(tmp, path)


class Budget:
    """What a run cost: requests sent, and how many were free 304 answers (thread-safe)."""

    def __init__(self) -> None:
        self.requests = 0
        self.not_modified = 0
        self._lock = threading.Lock()

    def add(self, *, not_modified: bool) -> None:
        with self._lock:
            self.requests += 1
            self.not_modified += int(not_modified)

    @property
    def counted(self) -> int:
        """Requests GitHub charges against the rate limit (a 304 is free)."""
        return self.requests - self.not_modified


class ListFetcher:
    """Fetch every page of a GitHub list endpoint, conditionally when a cache is given.

    One fetcher per thread (PyGithub's requester is not thread-safe); fetchers may share
    the cache (one file per URL, replaced atomically) and the budget.
    """

    def __init__(
        self, requester: Requester, cache: EtagCache | None = None, budget: Budget | None = None
    ) -> None:
        self.requester = requester
        self.cache = cache
        self.budget = budget if budget is not None else Budget()

    def url(self, path: str, params: Mapping[str, str | int] | None = None) -> str:
        return self.list_url(path, params)

    @staticmethod
    def list_url(path: str, params: Mapping[str, str | int] | None = None) -> str:
        """The first page's URL (the cache's key with the API's base URL)."""
        query = {**(params or {}), "per_page": PER_PAGE}
        return f"{path}?{urlencode(sorted((k, str(v)) for k, v in query.items()))}"

    def get_all(self, path: str, params: Mapping[str, str | int] | None = None) -> list[Any]:
        """Every item of the list at ``path`` (e.g. ``/repos/o/r/issues``), all pages."""
        items: list[Any] = []
        url: str | None = self.url(path, params)
        while url is not None:
            body, url = self._page(url)
            if not isinstance(body, list):
                raise GitHubListError(f"GET {path}: expected a list, got {type(body).__name__}")
            items.extend(body)
        return items

    def _page(self, url: str) -> tuple[Any, str | None]:
        key = f"{self.requester.base_url} {url}"
        cached = self.cache.get(key) if self.cache else None
        headers = {"If-None-Match": cached.etag} if cached else {}
        status, response_headers, text = self.requester.requestJson("GET", url, headers=headers)
        self.budget.add(not_modified=status == 304)
        if status == 304 and cached is not None:
            return cached.body, cached.next
        if status >= 400:
            try:
                message = json.loads(text).get("message", text) if text else ""
            except (ValueError, AttributeError):
                message = text[:200]
            raise GitHubListError(scrub(f"GET {url}: {status} {message}".rstrip()))
        try:
            body = json.loads(text) if text else None
        except ValueError:  # a proxy's or a captive portal's page, not GitHub's answer
            shown = " ".join(text.split())[:80]
            raise GitHubListError(
                scrub(f"GET {url}: {status} answered with something that is not JSON: {shown}")
            ) from None
        match = _NEXT_RE.search(response_headers.get("link", ""))
        next_url = match.group(1) if match else None
        etag = response_headers.get("etag")
        if self.cache is not None and etag:
            self.cache.put(key, Entry(etag, body, next_url))
        return body, next_url
