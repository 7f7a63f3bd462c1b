"""GitHub credentials from the environment: a token, or a GitHub App installation.

* ``GITHUB_TOKEN`` (or ``GH_TOKEN``): a personal access token or Actions' token.
* ``ECO_GITHUB_APP_ID`` with ``ECO_GITHUB_APP_PRIVATE_KEY`` (the PEM text) or
  ``ECO_GITHUB_APP_PRIVATE_KEY_FILE`` (its path): eco signs a JWT as the App and trades
  it for an installation token of the repository's owner (or of
  ``ECO_GITHUB_APP_INSTALLATION_ID``); PyGithub renews it before it expires.

Every token is registered with :mod:`eco.secrets` the moment eco holds it, so no message
can carry it; git receives it only through the environment of one command.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from github import Auth
from github import GithubIntegration

from eco.errors import EcoError
from eco.secrets import register
from eco.secrets import scrub

TOKEN_VARIABLES = ("GITHUB_TOKEN", "GH_TOKEN")
APP_ID = "ECO_GITHUB_APP_ID"
APP_KEY = "ECO_GITHUB_APP_PRIVATE_KEY"
APP_KEY_FILE = "ECO_GITHUB_APP_PRIVATE_KEY_FILE"
APP_INSTALLATION = "ECO_GITHUB_APP_INSTALLATION_ID"


class AuthError(EcoError):
    """Missing, malformed or rejected credentials: the run stops with one message."""


@dataclass
class Credentials:
    """Where eco's GitHub identity comes from, and the tokens it yields."""

    source: str  # the variable(s) it came from, for messages
    token: str | None = None
    app_id: str | None = None
    private_key: str | None = None
    installation_id: int | None = None
    _installs: dict[str, Auth.AppInstallationAuth] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def auth_for(self, owner: str, base_url: str) -> Auth.Auth:
        """PyGithub authentication acting on ``owner``'s repositories."""
        if self.token is not None:
            return Auth.Token(self.token)
        return self._installation(owner, base_url)

    def token_for(self, owner: str, base_url: str) -> str:
        """The bearer token for git on ``owner``'s repositories (registered as a secret)."""
        if self.token is not None:
            return self.token
        token = self._installation(owner, base_url).token
        register(token)
        return token

    def app_auth(self) -> Auth.AppAuth:
        assert self.app_id is not None and self.private_key is not None
        return Auth.AppAuth(self.app_id, self.private_key)

    def _installation(self, owner: str, base_url: str) -> Auth.AppInstallationAuth:
        with self._lock:
            found = self._installs.get(owner.lower())
            if found is None:
                app = self.app_auth()
                number = self.installation_id
                if number is None:
                    integration = GithubIntegration(auth=app, base_url=base_url)
                    try:
                        number = integration.get_org_installation(owner).id
                    finally:
                        integration.close()
                found = app.get_installation_auth(number)
                self._installs[owner.lower()] = found
            return found


def env_token(env: Mapping[str, str]) -> tuple[str, str] | None:
    """``(variable, token)`` of the first of ``TOKEN_VARIABLES`` set, the token registered."""
    for name in TOKEN_VARIABLES:
        token = env.get(name, "").strip()
        if token:
            register(token)
            return name, token
    return None


def from_env(env: Mapping[str, str]) -> Credentials | None:
    """The credentials the environment configures, or ``None``."""
    found = env_token(env)
    if found is not None:
        name, token = found
        register(basic_value(token).split()[1])
        return Credentials(source=name, token=token)
    app_id = env.get(APP_ID, "").strip()
    if not app_id:
        return None
    key = env.get(APP_KEY, "").strip()
    if not key and env.get(APP_KEY_FILE):
        path = Path(env[APP_KEY_FILE])
        try:
            key = path.read_text().strip()
        except OSError as exc:
            raise AuthError(f"{APP_KEY_FILE}: cannot read {path}: {exc.strerror}") from None
    if not key:
        raise AuthError(f"{APP_ID} is set but neither {APP_KEY} nor {APP_KEY_FILE} is")
    if "PRIVATE KEY-----" not in key:
        raise AuthError(f"{APP_KEY}: expected a PEM private key (-----BEGIN ... PRIVATE KEY-----)")
    register(key)
    _require_usable_key(app_id, key, APP_KEY if env.get(APP_KEY, "").strip() else APP_KEY_FILE)
    installation: int | None = None
    raw = env.get(APP_INSTALLATION, "").strip()
    if raw:
        if not raw.isdigit():
            raise AuthError(f"{APP_INSTALLATION}: expected a number, got {raw!r}")
        installation = int(raw)
    return Credentials(
        source=f"{APP_ID} (GitHub App)",
        app_id=app_id,
        private_key=key,
        installation_id=installation,
    )


def _require_usable_key(app_id: str, key: str, where: str) -> None:
    """Sign one JWT as PyGithub will: a key that cannot sign is one error now, not a
    traceback at the first request."""
    import jwt

    try:
        Auth.AppAuth(app_id, key).create_jwt()
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise AuthError(
            f"{where}: not a usable PEM private key for GitHub App {app_id} "
            f"({scrub(str(exc)) or type(exc).__name__})"
        ) from None


def basic_value(token: str) -> str:
    """The ``Authorization`` value git sends to GitHub for ``token``."""
    return "Basic " + base64.b64encode(f"x-access-token:{token}".encode()).decode()
