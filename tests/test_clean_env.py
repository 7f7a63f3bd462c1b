"""``eco.secrets.clean_env``: the environment of every subprocess that runs a project's
code (a resolver, a build) holds no token, whatever the variable is called."""

from __future__ import annotations

from eco.secrets import clean_env
from eco.secrets import register


def test_clean_env_drops_every_token_variable() -> None:
    register("a-registered-secret-value")
    base = {
        "PATH": "/usr/bin",
        "HOME": "/home/me",
        "PIP_CERT": "/etc/ssl/cert.pem",
        "SOURCE_DATE_EPOCH": "1",
        "GITHUB_TOKEN": "x",
        "GH_TOKEN": "x",
        "GH_ENTERPRISE_TOKEN": "x",
        "ECO_GITHUB_APP_ID": "1",
        "ECO_GITHUB_APP_PRIVATE_KEY": "x",
        "ACTIONS_ID_TOKEN_REQUEST_URL": "https://x",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "x",
        "TWINE_PASSWORD": "x",
        "TWINE_USERNAME": "__token__",
        "PYPI_API_TOKEN": "x",
        "PYPI_PASSWORD": "x",
        "CODECOV_TOKEN": "x",
        "some_token": "x",
        "INNOCENT_NAME": "a-registered-secret-value",
    }
    assert clean_env(base) == {
        "PATH": "/usr/bin",
        "HOME": "/home/me",
        "PIP_CERT": "/etc/ssl/cert.pem",
        "SOURCE_DATE_EPOCH": "1",
    }
