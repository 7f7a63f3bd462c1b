"""The server core: route registration, request dispatch, counting, ETags, paging, failures.

A route is a function registered with ``@route(METHOD, "/repos/{owner}/{repo}/...")``.
It receives a :class:`Call` and returns a JSON-able value, a :class:`Page` (a list the
core paginates) or a :class:`Reply` (explicit status and headers); it raises
:class:`ApiError` for a GitHub error response.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import unquote
from urllib.parse import urlencode
from urllib.parse import urlsplit

from tests.github_server.state import State

DOCS = "https://docs.github.com/rest"
NO_CONTENT = "204 No Content"
# GitHub App endpoints are missing from the OpenAPI subset; their answers follow the
# documented shapes and PyGithub's reading of them, and the contract test lists them.
OUTSIDE_SUBSET = "outside the OpenAPI subset"
# Endpoints missing from the subset but in GitHub's whole description (the npm package
# the subset was cut from): their answers are checked against that (``schemas.full_spec``).
FULL = "the full OpenAPI description"
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)


class ApiError(Exception):
    """A GitHub error response: status, ``message`` and optional ``errors``."""

    def __init__(
        self,
        status: int,
        message: str,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "documentation_url": DOCS}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def not_found() -> ApiError:
    return ApiError(404, "Not Found")


def invalid(text: str, /, **error: Any) -> ApiError:
    """A 422 with one entry in ``errors`` (``resource``, ``field``, ``code``, ``message``)."""
    return ApiError(422, text, errors=[error] if error else [])


@dataclass
class Page:
    """A list result: the core slices it by ``per_page``/``page`` and adds ``Link``."""

    items: list[Any]


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None


@dataclass
class Call:
    """One request as a route sees it."""

    server: GitHubServer
    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    headers: dict[str, str]
    token: str | None

    @property
    def state(self) -> State:
        return self.server.state

    @property
    def base(self) -> str:
        return self.server.url

    def arg(self, name: str, default: Any = None) -> Any:
        if isinstance(self.body, dict):
            return self.body.get(name, default)
        return default

    def require(self, name: str) -> Any:
        value = self.arg(name)
        if value is None:
            raise invalid(f'Invalid request.\n\n"{name}" wasn\'t supplied.')
        return value


Handler = Callable[[Call], Any]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str
    regex: re.Pattern[str]
    handler: Handler
    counted: bool
    schema: str | None = None
    many: bool = False
    app: bool = False  # authenticated by the GitHub App's JWT, not by a token


ROUTES: list[Route] = []


def _compile(pattern: str) -> re.Pattern[str]:
    out = ""
    for part in re.split(r"(\{[a-z_]+(?::path)?\})", pattern):
        if part.startswith("{"):
            name = part[1:-1]
            if name.endswith(":path"):
                out += f"(?P<{name[:-5]}>.+)"
            elif name == "number" or name.endswith("_id"):
                out += f"(?P<{name}>[0-9]+)"
            else:
                out += f"(?P<{name}>[^/]+)"
        else:
            out += re.escape(part)
    return re.compile(f"^{out}$")


def route(
    method: str,
    pattern: str,
    *,
    counted: bool = True,
    schema: str | None = None,
    many: bool = False,
    app: bool = False,
) -> Callable[[Handler], Handler]:
    """Register ``handler`` for ``METHOD pattern``.

    ``{name}`` matches one path segment (digits only for ``{number}`` and ``{..._id}``);
    ``{name:path}`` matches slashes too. Routes are tried in registration order.

    ``counted=False`` leaves the request out of the rate-limit budget (``/rate_limit``).

    The answers are checked against the official schema of the same method and path
    (placeholder names may differ). For an endpoint missing from the OpenAPI subset, name
    an equivalent one: ``schema="GET /repos/{owner}/{repo}/git/ref/{ref}"``, optionally
    with ``#property`` to use one property's schema, and ``many=True`` for a list of it.
    ``schema=NO_CONTENT`` declares an endpoint that answers ``204`` without a body.
    ``schema=FULL``: the operation is looked up in GitHub's whole description instead.
    ``app=True``: the caller authenticates as a GitHub App (a JWT), see ``add_app``.
    """

    def register(handler: Handler) -> Handler:
        entry = Route(
            method.upper(), pattern, _compile(pattern), handler, counted, schema, many, app
        )
        ROUTES.append(entry)
        return handler

    return register


@dataclass(frozen=True)
class Hit:
    """One API request as the server saw it."""

    method: str
    path: str
    route: str
    status: int
    query: str = ""

    @property
    def write(self) -> bool:
        return self.method not in ("GET", "HEAD")


@dataclass(frozen=True)
class Answer:
    """A response body the server sent, kept for the contract check."""

    route: Route
    path: str
    status: int
    body: bytes


@dataclass
class Failure:
    status: int
    message: str
    headers: dict[str, str]
    method: str | None
    path: str | None
    remaining: int
    raw: bytes | None = None  # answer these bytes instead of GitHub's JSON error

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method != method:
            return False
        return not self.path or re.fullmatch(self.path, path) is not None


class GitHubServer:
    """A local GitHub REST API with in-memory state and real bare git repositories.

    ``url`` is the API base for PyGithub (``Github(base_url=server.url)``);
    ``git_url(owner, repo)`` is the smart-HTTP git remote of a repository.
    """

    def __init__(self, state: State) -> None:
        from tests.github_server import load_routes

        load_routes()
        self.state = state
        self.tokens: set[str] | None = None
        self.apps: dict[str, str] = {}  # GitHub App id -> public key (PEM)
        self.rate_limit = 5000
        self.rate_remaining = 5000
        self.rate_reset = int(time.time()) + 3600
        self.hits: list[Hit] = []
        self.git_hits: list[Hit] = []
        self.answers: list[Answer] = []
        self.errors: list[str] = []
        self._failures: list[Failure] = []
        self._lock = threading.RLock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        port = self._httpd.server_address[1]
        self.url = f"http://127.0.0.1:{port}"
        self.state.api_url = self.url

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> GitHubServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)

    # -- what tests configure --------------------------------------------------------

    def require_token(self, *tokens: str) -> None:
        """Accept only these tokens (API and git); without a call any token is accepted."""
        self.tokens = set(tokens)

    def add_app(self, app_id: str, public_key: str) -> None:
        """Accept JWTs of this GitHub App (RS256, ``iss`` = ``app_id``) on App endpoints.

        Installation tokens it obtains are accepted like tokens given to ``require_token``.
        """
        self.apps[str(app_id)] = public_key

    def app_of(self, token: str | None) -> str | None:
        """The id of the App that signed the JWT ``token``, or ``None``."""
        import jwt

        if not token:
            return None
        for app_id, key in self.apps.items():
            try:
                claims = jwt.decode(token, key, algorithms=["RS256"], leeway=120)
            except jwt.PyJWTError:
                continue
            if str(claims.get("iss")) == app_id:
                return app_id
        return None

    def git_url(self, owner: str, repo: str) -> str:
        return f"{self.url}/_git/{owner}/{repo}.git"

    @property
    def git_base(self) -> str:
        """The git host prefix: ``{git_base}/{owner}/{repo}.git`` is a repository."""
        return f"{self.url}/_git"

    def fail_next(
        self,
        count: int = 1,
        *,
        status: int = 403,
        message: str = SECONDARY_MESSAGE,
        retry_after: int | None = 1,
        headers: dict[str, str] | None = None,
        method: str | None = None,
        path: str | None = None,
        raw: bytes | None = None,
    ) -> None:
        """Answer the next ``count`` matching requests with an error.

        The default is GitHub's secondary rate limit: 403 with ``Retry-After: 1``.
        ``path`` is a regular expression matched against the whole request path. With
        ``raw``, the answer is ``status`` with those bytes as an HTML page (what a proxy
        or a captive portal answers instead of GitHub).
        """
        extra = dict(headers or {})
        if retry_after is not None:
            extra["Retry-After"] = str(retry_after)
        with self._lock:
            self._failures.append(Failure(status, message, extra, method, path, count, raw))

    # -- what tests read -------------------------------------------------------------

    def reset_hits(self) -> None:
        with self._lock:
            self.hits.clear()
            self.git_hits.clear()

    def count(
        self,
        method: str | None = None,
        path: str | None = None,
        *,
        route: str | None = None,
        not_modified: bool = True,
    ) -> int:
        """Requests matching ``method``, exact ``path`` and/or route ``pattern``.

        ``not_modified=False`` leaves out ``304`` answers (free on GitHub).
        """
        with self._lock:
            hits = list(self.hits)
        return sum(
            1
            for hit in hits
            if (method is None or hit.method == method)
            and (path is None or hit.path == path)
            and (route is None or hit.route == route)
            and (not_modified or hit.status != 304)
        )

    def writes(self) -> list[Hit]:
        with self._lock:
            return [hit for hit in self.hits if hit.write]

    def counts(self) -> Counter[tuple[str, str]]:
        """``Counter`` of ``(method, route pattern)``."""
        with self._lock:
            return Counter((hit.method, hit.route) for hit in self.hits)

    def summary(self) -> str:
        """A readable list of the requests seen (for assertion messages)."""
        with self._lock:
            return "\n".join(f"{h.status} {h.method} {h.path}" for h in self.hits)

    # -- dispatch (called from the handler threads) ----------------------------------

    def _take_failure(self, method: str, path: str) -> Failure | None:
        with self._lock:
            for failure in self._failures:
                if failure.remaining > 0 and failure.matches(method, path):
                    failure.remaining -= 1
                    return failure
        return None

    def _rate_headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.rate_limit),
            "X-RateLimit-Remaining": str(self.rate_remaining),
            "X-RateLimit-Reset": str(self.rate_reset),
            "X-RateLimit-Used": str(self.rate_limit - self.rate_remaining),
            "X-RateLimit-Resource": "core",
        }

    def dispatch(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(raw_path)
        path = parts.path.rstrip("/") or "/"
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        found: Route | None = None
        params: dict[str, str] = {}
        for candidate in ROUTES:
            if candidate.method != method:
                continue
            match = candidate.regex.match(path)
            if match:
                found = candidate
                params = {k: unquote(v) for k, v in match.groupdict().items()}
                break
        pattern = found.pattern if found else path
        status, out_headers, out = self._answer(found, method, path, params, query, headers, body)
        with self._lock:
            self.hits.append(Hit(method, path, pattern, status, parts.query))
            not_github = out_headers.get("Content-Type", "").startswith("text/html")
            if found is not None and out and not not_github:  # fail_next(raw=...) is no API
                self.answers.append(Answer(found, path, status, out))
        return status, out_headers, out

    def _answer(
        self,
        found: Route | None,
        method: str,
        path: str,
        params: dict[str, str],
        query: dict[str, str],
        headers: dict[str, str],
        body: bytes,
    ) -> tuple[int, dict[str, str], bytes]:
        token = _token(headers.get("authorization", ""))
        try:
            if found is not None and found.app:
                if self.app_of(token) is None:
                    raise ApiError(401, "A JSON web token could not be decoded")
            elif self.tokens is not None and (token is None or token not in self.tokens):
                raise ApiError(401, "Bad credentials")
            failure = self._take_failure(method, path)
            if failure is not None and failure.raw is not None:
                html = {"Content-Type": "text/html; charset=utf-8"}
                return failure.status, {**self._rate_headers(), **html}, failure.raw
            if failure is not None:
                raise ApiError(failure.status, failure.message, headers=failure.headers)
            if found is None:
                raise not_found()
            counted = found.counted
            if counted:
                with self._lock:
                    if self.rate_remaining <= 0:
                        raise ApiError(
                            403,
                            "API rate limit exceeded for user.",
                            headers={
                                "Retry-After": str(max(0, self.rate_reset - int(time.time())))
                            },
                        )
            try:
                data = json.loads(body) if body else None
            except ValueError as exc:
                raise ApiError(400, "Problems parsing JSON") from exc
            call = Call(self, method, path, params, query, data, headers, token)
            with self.state.lock:
                result = found.handler(call)
            reply = self._reply(result, path, query)
            if method in ("GET", "HEAD") and reply.status == 200:
                etag = 'W/"' + hashlib.sha256(reply.raw or b"").hexdigest() + '"'
                reply.headers["ETag"] = etag
                if etag in _etags(headers.get("if-none-match", "")):
                    return 304, {**self._rate_headers(), "ETag": etag}, b""
            if counted:
                with self._lock:
                    self.rate_remaining -= 1
            return reply.status, {**self._rate_headers(), **reply.headers}, reply.raw or b""
        except ApiError as err:
            raw = json.dumps(err.body()).encode()
            return err.status, {**self._rate_headers(), **err.headers}, raw
        except Exception:  # a bug in a route: answer 500 and make the test fail
            text = traceback.format_exc()
            self.errors.append(text)
            return 500, {}, json.dumps({"message": "Server Error", "trace": text}).encode()

    def _reply(self, result: Any, path: str, query: dict[str, str]) -> Reply:
        if isinstance(result, Reply):
            if result.raw is None and result.body is not None:
                result.raw = json.dumps(result.body).encode()
            return result
        if isinstance(result, Page):
            return self._page(result.items, path, query)
        return Reply(200, result, raw=json.dumps(result).encode())

    def _page(self, items: list[Any], path: str, query: dict[str, str]) -> Reply:
        per_page = max(1, min(100, int(query.get("per_page") or 30)))
        page = max(1, int(query.get("page") or 1))
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        links = []

        def link(number: int, rel: str) -> str:
            q = urlencode({**query, "per_page": per_page, "page": number})
            return f'<{self.url}{path}?{q}>; rel="{rel}"'

        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        if page > 1:
            links += [link(1, "first"), link(page - 1, "prev")]
        headers = {"Link": ", ".join(links)} if links else {}
        return Reply(200, chunk, headers, raw=json.dumps(chunk).encode())


def _token(authorization: str) -> str | None:
    scheme, _, value = authorization.partition(" ")
    scheme = scheme.lower()
    if scheme in ("token", "bearer") and value:
        return value.strip()
    if scheme == "basic" and value:
        user, _, password = base64.b64decode(value).decode().partition(":")
        return password or user
    return None


def _etags(header: str) -> set[str]:
    return {part.strip() for part in header.split(",") if part.strip()}


def _make_handler(server: GitHubServer) -> type[BaseHTTPRequestHandler]:
    class RequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                return b"".join(self._chunks())
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _chunks(self) -> Iterator[bytes]:
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return
                yield self.rfile.read(size)
                self.rfile.readline()

        def _handle(self) -> None:
            body = self._body()
            headers = {k.lower(): v for k, v in self.headers.items()}
            if self.path.startswith("/_git/"):
                from tests.github_server.smart_http import serve_git

                status, out_headers, out = serve_git(server, self.command, self.path, headers, body)
            else:
                status, out_headers, out = server.dispatch(self.command, self.path, headers, body)
            self.send_response(status)
            if out and "Content-Type" not in out_headers:
                out_headers["Content-Type"] = "application/json; charset=utf-8"
            for key, value in out_headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(out)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = _handle

    return RequestHandler
