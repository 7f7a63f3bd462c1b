"""Git's smart HTTP protocol for the server's repositories, through ``git http-backend``.

``{server.url}/_git/{owner}/{repo}.git`` is a clone/push URL. When the server requires
a token, git must send it (HTTP basic auth or an ``Authorization`` header), as with
GitHub; a push then shows in the API's refs at once, and the API's ref writes in clones.
"""

from __future__ import annotations

import os
import subprocess
from urllib.parse import urlsplit

from tests.github_server.core import _token
from tests.github_server.core import GitHubServer
from tests.github_server.core import Hit


def serve_git(
    server: GitHubServer, method: str, raw_path: str, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(raw_path)
    path_info = parts.path.removeprefix("/_git")
    status, out_headers, out = _answer(server, method, path_info, parts.query, headers, body)
    with server._lock:
        server.git_hits.append(Hit(method, parts.path, "git", status, parts.query))
    return status, out_headers, out


def _answer(
    server: GitHubServer,
    method: str,
    path_info: str,
    query: str,
    headers: dict[str, str],
    body: bytes,
) -> tuple[int, dict[str, str], bytes]:
    owner, _, rest = path_info.lstrip("/").partition("/")
    name = rest.partition(".git")[0]
    repo = server.state.repo(owner, name)
    if repo is None:
        return 404, {"Content-Type": "text/plain"}, b"Repository not found.\n"
    token = _token(headers.get("authorization", ""))
    if server.tokens is not None and (token is None or token not in server.tokens):
        challenge = {"WWW-Authenticate": 'Basic realm="GitHub"', "Content-Type": "text/plain"}
        return 401, challenge, b"Invalid username or token.\n"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_PROJECT_ROOT": str(repo.bare.parent),
        "GIT_HTTP_EXPORT_ALL": "1",
        "PATH_INFO": f"/{repo.bare.name}{rest.partition('.git')[2]}",
        "QUERY_STRING": query,
        "REQUEST_METHOD": method,
        "CONTENT_TYPE": headers.get("content-type", ""),
        "CONTENT_LENGTH": str(len(body)),
        "REMOTE_USER": "x-access-token",
        "REMOTE_ADDR": "127.0.0.1",
        "GIT_PROTOCOL": headers.get("git-protocol", ""),
        "HTTP_CONTENT_ENCODING": headers.get("content-encoding", ""),
    }
    with server.state.lock:
        proc = subprocess.run(
            ["git", "http-backend"], input=body, env=env, capture_output=True, check=False
        )
    head, _, out = proc.stdout.partition(b"\r\n\r\n")
    status = 200
    out_headers: dict[str, str] = {}
    for line in head.decode("latin-1").split("\r\n"):
        key, _, value = line.partition(":")
        if key.lower() == "status":
            status = int(value.strip().split()[0])
        elif key:
            out_headers[key.strip()] = value.strip()
    if proc.returncode != 0 and not head:
        return 500, {"Content-Type": "text/plain"}, proc.stderr
    return status, out_headers, out
