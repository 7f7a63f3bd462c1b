"""Read a package index's simple API (PEP 503 HTML and PEP 691 JSON, with PEP 740's
provenance links): which files a project has, their hashes and where their provenance is.

Works with PyPI, with a local pypiserver and with any static mirror.
"""

from __future__ import annotations

import html.parser
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from packaging.utils import canonicalize_name
from packaging.utils import InvalidSdistFilename
from packaging.utils import InvalidWheelFilename
from packaging.utils import parse_sdist_filename
from packaging.utils import parse_wheel_filename
from packaging.version import Version

from eco.errors import EcoError
from eco.secrets import scrub

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
TIMEOUT = 30.0


class PackageIndexError(EcoError):
    """The index could not be read (unreachable, or an answer eco does not understand);
    ``status`` is the HTTP status when the index answered with an error."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class IndexFile:
    filename: str
    url: str
    sha256: str | None
    provenance: str | None  # PEP 740: the URL of the file's provenance, if the index has one

    @property
    def version(self) -> Version | None:
        return file_version(self.filename)


def file_version(filename: str) -> Version | None:
    try:
        if filename.endswith(".whl"):
            return parse_wheel_filename(filename)[1]
        if filename.endswith((".tar.gz", ".zip")):
            return parse_sdist_filename(filename)[1]
    except (InvalidSdistFilename, InvalidWheelFilename):
        return None
    return None


def project_url(index_url: str, name: str) -> str:
    return f"{index_url.rstrip('/')}/{canonicalize_name(name)}/"


class _Anchors(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.anchors: list[tuple[dict[str, str | None], str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.anchors.append((dict(attrs), ""))

    def handle_data(self, data: str) -> None:
        if self.anchors and not self.anchors[-1][1]:
            self.anchors[-1] = (self.anchors[-1][0], data.strip())


def _split_hash(url: str) -> tuple[str, str | None]:
    base, _, fragment = url.partition("#")
    match = re.match(r"sha256=([0-9a-f]{64})$", fragment)
    return base, match.group(1) if match else None


def parse_html(page: str, base_url: str) -> list[IndexFile]:
    parser = _Anchors()
    parser.feed(page)
    files = []
    for attrs, text in parser.anchors:
        href = attrs.get("href")
        if not href:
            continue
        url, digest = _split_hash(urllib.parse.urljoin(base_url, href))
        filename = text or urllib.parse.unquote(url.rsplit("/", 1)[-1])
        provenance = attrs.get("data-provenance")
        files.append(
            IndexFile(
                filename=filename,
                url=url,
                sha256=digest,
                provenance=urllib.parse.urljoin(base_url, provenance) if provenance else None,
            )
        )
    return files


def parse_json(data: dict[str, object], base_url: str) -> list[IndexFile]:
    entries = data.get("files")
    if not isinstance(entries, list):
        raise PackageIndexError(f"{base_url}: not a PEP 691 project page (no 'files' list)")
    files = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        hashes = entry.get("hashes")
        digest = hashes.get("sha256") if isinstance(hashes, dict) else None
        provenance = entry.get("provenance")
        files.append(
            IndexFile(
                filename=str(entry.get("filename")),
                url=urllib.parse.urljoin(base_url, str(entry.get("url"))),
                sha256=digest if isinstance(digest, str) else None,
                provenance=urllib.parse.urljoin(base_url, provenance)
                if isinstance(provenance, str)
                else None,
            )
        )
    return files


def project_files(index_url: str, name: str) -> list[IndexFile] | None:
    """Every file the index lists for ``name``; ``None`` when the project is not there."""
    url = project_url(index_url, name)
    request = urllib.request.Request(
        url, headers={"Accept": f"{JSON_TYPE}, text/html;q=0.1", "User-Agent": "eco"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            final = response.geturl()
            kind = response.headers.get_content_type()
            body = response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise PackageIndexError(
            scrub(f"{url}: the index answered {exc.code} {exc.reason}")
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PackageIndexError(scrub(f"{url}: cannot reach the package index: {reason}")) from None
    if kind == JSON_TYPE:
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise PackageIndexError(
                scrub(f"{url}: the index answered invalid JSON ({exc})")
            ) from None
        if not isinstance(data, dict):
            raise PackageIndexError(f"{final}: not a PEP 691 project page (not a JSON object)")
        return parse_json(data, final)
    return parse_html(body, final)


def release_files(index_url: str, name: str, version: str) -> list[IndexFile]:
    wanted = Version(version)
    return [f for f in project_files(index_url, name) or [] if f.version == wanted]


def fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "eco"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            data: bytes = response.read()
            return data
    except urllib.error.HTTPError as exc:
        raise PackageIndexError(scrub(f"{url}: {exc.code} {exc.reason}"), exc.code) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PackageIndexError(scrub(f"{url}: cannot download: {reason}")) from None


def integrity_url(index_url: str, name: str, version: str, filename: str) -> str:
    """PyPI's Integrity API address of a file's provenance (same host as the index)."""
    parts = urllib.parse.urlsplit(index_url)
    return f"{parts.scheme}://{parts.netloc}/integrity/{canonicalize_name(name)}/{version}/{filename}/provenance"
