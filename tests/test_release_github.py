"""``eco release`` on GitHub: CI pre-flight, pull request, draft release, through PyGithub
against the local test GitHub server (backed by the real bare repository)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import github
import pytest

from eco.forge.auth import basic_value
from eco.release.steps import FEATURE_INTRO
from tests.github_server.core import GitHubServer
from tests.helpers import git
from tests.helpers import make_ecosystem
from tests.helpers import refs
from tests.helpers import run_eco
from tests.package_index import PackageIndex
from tests.release_project import make_project

pytestmark = pytest.mark.slow
pytest_plugins = ["tests.github_server.fixtures"]

TOKEN = "ghp_" + "r" * 36
OWNER = "pallets-eco"


def setup(tmp_path: Path, server: GitHubServer, name: str) -> tuple[Path, Path, dict[str, str]]:
    bare, _clone = make_project(tmp_path, name)
    server.state.add_repo(OWNER, name, bare)
    server.require_token(TOKEN)
    eco = make_ecosystem(
        tmp_path, f'\n[projects.{name}]\nrepo = "{OWNER}/{name}"\nurl = "{bare}"\n'
    )
    env = {
        "GITHUB_TOKEN": TOKEN,
        "ECO_GITHUB_API_URL": server.url,
        "ECO_GITHUB_GIT_URL": server.git_base,
    }
    return eco.root, bare, env


def release(
    root: Path, index: PackageIndex, env: dict[str, str], name: str, *args: str
) -> subprocess.CompletedProcess[str]:
    return run_eco(
        "--root",
        str(root),
        "release",
        name,
        "--date",
        "2026-11-21",
        "--index-url",
        index.url,
        *args,
        env=env,
    )


def client(server: GitHubServer, name: str) -> github.Repository.Repository:
    gh = github.Github(
        base_url=server.url,
        auth=github.Auth.Token(TOKEN),
        seconds_between_requests=None,
        seconds_between_writes=None,
    )
    return gh.get_repo(f"{OWNER}/{name}")


def test_release_on_github(
    tmp_path: Path, github_server: GitHubServer, package_index: PackageIndex
) -> None:
    name = "rel-gh"
    root, bare, env = setup(tmp_path, github_server, name)
    main = git("rev-parse", "main", cwd=bare)
    state = github_server.state
    repo = state.repo(OWNER, name)
    assert repo is not None
    # No CI result yet: refused, and nothing written anywhere.
    before = refs(bare)
    waiting = release(root, package_index, env, name)
    assert waiting.returncode == 2, waiting.stdout + waiting.stderr
    assert f"CI has not reported on {main[:12]} yet" in waiting.stderr
    assert github_server.writes() == [] and refs(bare) == before
    state.add_check_run(repo, main, "tests", conclusion="success")
    state.add_status(repo, main, "docs/readthedocs", "success")
    # The dry run shows every API call and writes nothing.
    github_server.reset_hits()
    dry = release(root, package_index, env, name, "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert f"note: CI is green on {main[:12]}" in dry.stdout
    assert f"    POST /repos/{OWNER}/{name}/pulls head=release-1.2.0 base=main" in dry.stdout
    assert f"    POST /repos/{OWNER}/{name}/releases tag_name=1.2.0 name=1.2.0 draft=true" in (
        dry.stdout
    )
    assert "        | -   A change. #1" in dry.stdout.splitlines()
    assert github_server.writes() == [] and refs(bare) == before
    assert not any("receive-pack" in hit.path for hit in github_server.git_hits)
    # The release: branch and tag pushed over authenticated git, PR and draft created.
    done = release(root, package_index, env, name)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[ok]   pull request: pull request created" in done.stdout
    assert "[ok]   draft release: draft release 1.2.0 created" in done.stdout
    assert git("rev-parse", "1.2.0^{commit}", cwd=bare) == git(
        "rev-parse", "release-1.2.0", cwd=bare
    )
    gh_repo = client(github_server, name)
    pulls = list(gh_repo.get_pulls(state="open"))
    assert [(p.title, p.head.ref, p.base.ref) for p in pulls] == [
        ("Release 1.2.0", "release-1.2.0", "main")
    ]
    assert "merge this pull request **with a merge commit**" in (pulls[0].body or "")
    releases = list(gh_repo.get_releases())
    assert [(r.tag_name, r.name, r.draft) for r in releases] == [("1.2.0", "1.2.0", True)]
    assert releases[0].body == (
        FEATURE_INTRO.format(name="rel-gh", version="1.2.0") + "\n\n"
        "PyPI: https://pypi.org/project/rel-gh/1.2.0/\n\n"
        "-   A change. #1\n"
    )
    # Resuming a finished release finds everything done and writes nothing.
    github_server.reset_hits()
    again = release(root, package_index, env, name, "--resume")
    assert again.returncode == 0, again.stdout + again.stderr
    for step in ("commit", "tag", "push", "pull request", "draft release"):
        assert f"[done] {step}: already done" in again.stdout
    assert github_server.writes() == [], github_server.summary()
    assert TOKEN not in done.stdout + done.stderr + again.stdout + again.stderr
    # Nor in any file: the workspace clone's .git/config, the ecosystem, the remote.
    secret = (TOKEN.encode(), basic_value(TOKEN).split()[1].encode())
    for path in tmp_path.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            assert not any(s in data for s in secret), path


def test_failing_ci_refuses(
    tmp_path: Path, github_server: GitHubServer, package_index: PackageIndex
) -> None:
    name = "rel-gh-red"
    root, bare, env = setup(tmp_path, github_server, name)
    main = git("rev-parse", "main", cwd=bare)
    repo = github_server.state.repo(OWNER, name)
    assert repo is not None
    github_server.state.add_check_run(repo, main, "tests", conclusion="success")
    github_server.state.add_check_run(repo, main, "typing", conclusion="failure")
    before = refs(bare)
    result = release(root, package_index, env, name)
    assert result.returncode == 2
    assert f"CI is failing on {main[:12]}: typing (failure)" in result.stderr
    assert github_server.writes() == [] and refs(bare) == before


def test_a_pre_release_is_a_github_pre_release(
    tmp_path: Path, github_server: GitHubServer, package_index: PackageIndex
) -> None:
    name = "rel-gh-rc"
    root, bare, env = setup(tmp_path, github_server, name)
    repo = github_server.state.repo(OWNER, name)
    assert repo is not None
    github_server.state.add_check_run(repo, git("rev-parse", "main", cwd=bare), "tests")
    dry = release(root, package_index, env, name, "1.2.0rc1", "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "name=1.2.0rc1 draft=true prerelease=true" in dry.stdout
    done = release(root, package_index, env, name, "1.2.0rc1")
    assert done.returncode == 0, done.stdout + done.stderr
    releases = list(client(github_server, name).get_releases())
    assert [(r.tag_name, r.draft, r.prerelease) for r in releases] == [("1.2.0rc1", True, True)]
    assert (releases[0].body or "").startswith("This is rel-gh-rc 1.2.0rc1, a pre-release")


def test_a_v_tagged_project_on_github(
    tmp_path: Path, github_server: GitHubServer, package_index: PackageIndex
) -> None:
    """Issue 18, point 9: tag-style vX.Y.Z reaches the pushed tag and the draft release."""
    name = "rel-gh-v"
    root, bare, env = setup(tmp_path, github_server, name)
    registry = root / "projects.toml"
    registry.write_text(
        registry.read_text().replace(
            f'repo = "{OWNER}/{name}"', f'repo = "{OWNER}/{name}"\ntag-style = "vX.Y.Z"'
        )
    )
    state = github_server.state
    repo = state.repo(OWNER, name)
    assert repo is not None
    main = git("rev-parse", "main", cwd=bare)
    state.add_check_run(repo, main, "tests", conclusion="success")
    done = release(root, package_index, env, name)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[ok]   draft release: draft release 1.2.0 created" in done.stdout
    assert git("tag", "-l", cwd=bare) == "v1.2.0"
    releases = list(client(github_server, name).get_releases())
    assert [(r.tag_name, r.name, r.draft) for r in releases] == [("v1.2.0", "1.2.0", True)]
