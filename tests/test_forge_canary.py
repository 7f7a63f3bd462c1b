"""Acceptance 4 at the forge level: a canary token appears nowhere eco could leave it.

(The command-line run, ``eco sync --push``, has the same check in test_forge_sync.py.)
"""

from __future__ import annotations

import base64
import logging
from pathlib import Path

import pytest

from eco.forge import ForgeError
from eco.forge import get_forge
from eco.forge import PublishRequest
from eco.forge.ratelimit import RateLimitTooLong
from eco.registry import load_registry
from tests.github_server.clock import FakeClock
from tests.github_server.core import GitHubServer
from tests.helpers import git
from tests.helpers import make_ecosystem

pytest_plugins = ["tests.github_server.fixtures"]

CANARY = "ghp_CANARYcanary0123456789abcdefghijKLMN"
FORMS = (CANARY, base64.b64encode(f"x-access-token:{CANARY}".encode()).decode())


def leaks(root: Path) -> list[str]:
    """Every file under ``root`` holding the token in any form git or HTTP would use."""
    found = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            if any(form.encode() in data for form in FORMS):
                found.append(str(path))
    return found


def test_the_token_appears_nowhere(
    github_server: GitHubServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    github_server.require_token(CANARY)
    github_server.state.create_repo("pallets", "flask", {"README.md": "# Flask\n"})
    eco = make_ecosystem(
        tmp_path,
        '\n[projects.flask]\nrepo = "pallets/flask"\npypi = "Flask"\nmodule = "flask"\n'
        'changelog = "CHANGES.md"\n\n[projects.gone]\nrepo = "pallets/gone"\npypi = "gone"\n'
        'module = "gone"\nchangelog = "CHANGES.md"\n',
        copy=(),
    )
    registry = load_registry(eco.root / "projects.toml")
    env = {
        "GITHUB_TOKEN": CANARY,
        "ECO_GITHUB_API_URL": github_server.url,
        "ECO_GITHUB_GIT_URL": github_server.git_base,
        "ECO_GITHUB_MAX_WAIT": "10",
    }
    forge = get_forge("github", registry, env=env, clock=FakeClock())
    clone = tmp_path / "clone"
    bare = github_server.state.repo("pallets", "flask")
    assert bare is not None
    git("clone", "-q", str(bare.bare), str(clone), cwd=tmp_path)
    git("checkout", "-q", "-b", "eco/sync", cwd=clone)
    (clone / "NEW.md").write_text("new\n")
    git("add", "-A", cwd=clone)
    git("commit", "-q", "-m", "sync", cwd=clone)
    errors: list[str] = []

    def publish(project: str, title: str = "eco sync") -> None:
        request = PublishRequest(registry.projects[project], clone, "eco/sync", "main", title, "")
        try:
            print(forge.publish(request))
        except Exception as exc:  # every failure's text is checked below
            errors.append(f"{type(exc).__name__}: {exc!s} {exc!r} {exc.__cause__!r}")

    publish("flask")  # push with the token, open the PR
    publish("flask", "eco sync (2)")  # update it
    publish("gone")  # a 404 repository: push refused, error text
    github_server.fail_next(1, retry_after=3600)
    publish("flask", "eco sync (3)")  # a rate limit too long to wait for
    github_server.require_token("another-token")
    publish("flask", "eco sync (4)")  # 401 mid-run

    assert len(errors) == 3, errors
    assert ForgeError.__name__ in errors[0] and RateLimitTooLong.__name__ in errors[1]
    assert "rejected the credentials" in errors[2]
    pulls = [i for i in bare.issues.values() if i.pull is not None]
    assert len(pulls) == 1 and pulls[0].title == "eco sync (2)"

    out, err = capsys.readouterr()
    texts = [out, err, caplog.text, *errors, (clone / ".git" / "config").read_text()]
    for text in texts:
        for form in FORMS:
            assert form not in text
    assert git("config", "--get-regexp", "remote", cwd=clone).count("x-access-token") == 0
    assert leaks(tmp_path) == []
