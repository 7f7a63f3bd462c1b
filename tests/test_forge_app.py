"""GitHub App authentication: app id + private key -> installation token -> PR and push."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from eco.forge import AuthError
from eco.forge import get_forge
from eco.forge import PublishRequest
from eco.forge.auth import from_env
from eco.registry import load_registry
from eco.secrets import scrub
from tests.github_server.clock import FakeClock
from tests.github_server.core import GitHubServer
from tests.helpers import git
from tests.helpers import make_ecosystem

pytest_plugins = ["tests.github_server.fixtures"]

PROJECT = (
    '\n[projects.flask]\nrepo = "pallets/flask"\npypi = "Flask"\nmodule = "flask"\n'
    'changelog = "CHANGES.md"\n'
)


def key_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


@pytest.fixture(scope="module")
def keys() -> tuple[str, str]:
    return key_pair()


def test_app_installation_token_opens_the_pr(
    github_server: GitHubServer, tmp_path: Path, keys: tuple[str, str]
) -> None:
    private, public = keys
    github_server.add_app("4242", public)
    github_server.require_token()  # only the installation tokens the App obtains
    repo = github_server.state.create_repo("pallets", "flask", {"README.md": "# Flask\n"})
    eco = make_ecosystem(tmp_path, PROJECT, copy=())
    registry = load_registry(eco.root / "projects.toml")
    key_file = tmp_path / "app.pem"
    key_file.write_text(private)
    env = {
        "ECO_GITHUB_APP_ID": "4242",
        "ECO_GITHUB_APP_PRIVATE_KEY_FILE": str(key_file),
        "ECO_GITHUB_API_URL": github_server.url,
        "ECO_GITHUB_GIT_URL": github_server.git_base,
    }
    forge = get_forge("github", registry, env=env, clock=FakeClock())
    clone = tmp_path / "clone"
    git("clone", "-q", str(repo.bare), str(clone), cwd=tmp_path)
    git("checkout", "-q", "-b", "eco/sync", cwd=clone)
    (clone / "NEW.md").write_text("new\n")
    git("add", "-A", cwd=clone)
    git("commit", "-q", "-m", "sync", cwd=clone)
    request = PublishRequest(registry.projects["flask"], clone, "eco/sync", "main", "t", "b")
    result = forge.publish(request)
    assert result.action == "created"
    assert git("rev-parse", "eco/sync", cwd=repo.bare) == git("rev-parse", "eco/sync", cwd=clone)
    assert github_server.count("GET", "/orgs/pallets/installation") == 1  # cached after
    assert github_server.tokens and all(scrub(t) == "***" for t in github_server.tokens)
    assert scrub(private).strip() == "***"


def test_a_wrong_app_key_stops_with_one_message(
    github_server: GitHubServer, tmp_path: Path, keys: tuple[str, str]
) -> None:
    github_server.add_app("4242", keys[1])
    github_server.state.create_repo("pallets", "flask")
    eco = make_ecosystem(tmp_path, PROJECT, copy=())
    registry = load_registry(eco.root / "projects.toml")
    other, _ = key_pair()
    env = {
        "ECO_GITHUB_APP_ID": "4242",
        "ECO_GITHUB_APP_PRIVATE_KEY": other,
        "ECO_GITHUB_API_URL": github_server.url,
    }
    with pytest.raises(AuthError) as info:
        get_forge("github", registry, env=env)
    assert str(info.value) == (
        "GitHub rejected the credentials from ECO_GITHUB_APP_ID (GitHub App) "
        "(401 A JSON web token could not be decoded)"
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ECO_GITHUB_APP_ID": "1"}, "neither ECO_GITHUB_APP_PRIVATE_KEY nor"),
        (
            {"ECO_GITHUB_APP_ID": "1", "ECO_GITHUB_APP_PRIVATE_KEY": "not a key"},
            "expected a PEM private key",
        ),
        (
            {"ECO_GITHUB_APP_ID": "1", "ECO_GITHUB_APP_PRIVATE_KEY_FILE": "/nonexistent/k.pem"},
            "cannot read /nonexistent/k.pem",
        ),
    ],
)
def test_app_configuration_errors(env: dict[str, str], message: str) -> None:
    with pytest.raises(AuthError, match=message):
        from_env(env)


def test_token_wins_over_app() -> None:
    credentials = from_env({"GH_TOKEN": "tok-123456", "ECO_GITHUB_APP_ID": "1"})
    assert credentials is not None and credentials.source == "GH_TOKEN"
