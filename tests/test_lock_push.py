"""``eco lock --push``: the lock branch delivered like sync's, by the local and GitHub forges."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from eco.lock.project import TITLE
from eco.lock.requirements import pins
from tests.github_server.core import GitHubServer
from tests.helpers import git
from tests.helpers import make_bare_repo
from tests.helpers import make_ecosystem
from tests.helpers import refs
from tests.helpers import run_eco
from tests.package_index import PackageIndex

pytestmark = pytest.mark.slow
pytest_plugins = ["tests.github_server.fixtures"]

TOKEN = "ghp_lockTestToken0123456789abcdefABCDEF"


def files(prefix: str) -> dict[str, str]:
    return {
        "requirements/tests.in": f"{prefix}-app\n",
        "requirements/dev.in": f"-r tests.in\n{prefix}-tool\n",
    }


def publish(index: PackageIndex, prefix: str) -> None:
    index.add(f"{prefix}-app", "1.0", [f"{prefix}-lib"])
    index.add(f"{prefix}-lib", "1.0")
    index.add(f"{prefix}-tool", "2.0")


def ecosystem(tmp_path: Path, index: PackageIndex, project: str) -> Path:
    eco = make_ecosystem(tmp_path, project, copy=())
    eco.use_index(index.url)
    return eco.root


def test_push_with_the_local_forge(package_index: PackageIndex, tmp_path: Path) -> None:
    publish(package_index, "lp1")
    bare = make_bare_repo(tmp_path, "alpha", files("lp1"))
    root = ecosystem(tmp_path, package_index, f'\n[projects.alpha]\nurl = "{bare}"\n')

    proc = run_eco("lock", "--push", "--forge", "local", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert "committed (eco/lock" in proc.stdout and "; pushed" in proc.stdout
    clone = tmp_path / "workspace" / "alpha"
    assert git("rev-parse", "eco/lock", cwd=bare) == git("rev-parse", "eco/lock", cwd=clone)
    assert git("rev-parse", "eco/lock^", cwd=bare) == git("rev-parse", "main", cwd=bare)

    before = refs(bare)
    proc = run_eco("lock", "--push", "--forge", "local", "--format", "json", cwd=root)
    assert proc.returncode == 0, proc.stderr
    (result,) = json.loads(proc.stdout)["projects"]
    assert {f["status"] for f in result["files"]} == {"unchanged"}
    assert result["published"]["action"] == "unchanged"
    assert refs(bare) == before

    # Another machine (a fresh workspace) starts from the pushed lock branch: nothing
    # to resolve, nothing to push.
    shutil.rmtree(tmp_path / "workspace")
    proc = run_eco("lock", "--push", "--forge", "local", "--format", "json", cwd=root)
    assert proc.returncode == 0, proc.stderr
    (result,) = json.loads(proc.stdout)["projects"]
    assert {f["status"] for f in result["files"]} == {"unchanged"}
    assert result["published"]["action"] == "unchanged"
    assert refs(bare) == before


def test_push_opens_one_pull_request_and_updates_it(
    package_index: PackageIndex, github_server: GitHubServer, tmp_path: Path
) -> None:
    publish(package_index, "lp2")
    repo = github_server.state.create_repo("scratch-org", "alpha", files("lp2"))
    github_server.require_token(TOKEN)
    env = {
        "GITHUB_TOKEN": TOKEN,
        "ECO_GITHUB_API_URL": github_server.url,
        "ECO_GITHUB_GIT_URL": github_server.git_base,
    }
    root = ecosystem(
        tmp_path,
        package_index,
        f'\n[projects.alpha]\nrepo = "scratch-org/alpha"\nurl = "{repo.bare}"\n',
    )

    proc = run_eco("lock", "--push", cwd=root, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "pull request created: https://github.com/scratch-org/alpha/pull/1" in proc.stdout
    assert TOKEN not in proc.stdout + proc.stderr
    (pull,) = [issue for issue in repo.issues.values() if issue.pull is not None]
    assert pull.title == TITLE
    assert pull.body is not None
    assert "| `requirements/tests.txt` | `+ lp2-app 1.0`<br>`+ lp2-lib 1.0` |" in pull.body
    assert "with pip-tools for Python 3.11" in pull.body

    github_server.reset_hits()
    proc = run_eco("lock", "--push", cwd=root, env=env)
    assert proc.returncode == 0, proc.stderr
    assert github_server.writes() == []

    package_index.add("lp2-lib", "1.1")
    proc = run_eco("lock", "--push", "--upgrade-package", "lp2-lib", cwd=root, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "pull request updated" in proc.stdout
    pulls = [issue for issue in repo.issues.values() if issue.pull is not None]
    assert len(pulls) == 1
    assert pulls[0].body is not None and "`+ lp2-lib 1.1`" in pulls[0].body
    tests_txt = git("show", "eco/lock:requirements/tests.txt", cwd=repo.bare)
    assert pins(tests_txt)["lp2-lib"] == "1.1"
