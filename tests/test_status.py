"""Acceptance 2 of issue 21: ``eco status`` on five projects in different states, in
every format; the HTML through the strict parser and headless Chromium; offline, the
cells that need the network say so one by one while the rest are still read."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import github
import html5lib
import pytest

from tests.github_server.core import GitHubServer
from tests.helpers import chromium
from tests.helpers import Ecosystem
from tests.helpers import git
from tests.helpers import REPO
from tests.sync_fixtures import eco_cli
from tests.sync_fixtures import make_fixture_ecosystem
from tests.sync_fixtures import make_synced_project
from tests.sync_fixtures import push_to
from tests.test_settings import set_up_right
from tests.test_settings import TEAM_ID
from tests.test_verify import serve

pytest_plugins = ["tests.github_server.fixtures"]
pytestmark = pytest.mark.slow

NAMES = ("alpha", "beta", "gamma", "delta", "epsilon")
RELEASED = "Version 1.0.0\n-------------\n\nReleased 2026-10-01\n\n-   First release.\n"
UNRELEASED = "Version 1.1.0\n-------------\n\nUnreleased\n\n-   Add a thing.\n-   Fix a thing.\n\n"


def tag(bare: Path, name: str) -> None:
    git("tag", name, "main", cwd=bare)


@pytest.fixture
def world(
    github_server: GitHubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[GitHubServer, Ecosystem, str]:
    server = github_server
    eco = make_fixture_ecosystem(tmp_path, NAMES)
    text = (eco.root / "projects.toml").read_text()
    for name in ("alpha", "beta", "gamma", "epsilon"):  # delta is not on GitHub
        text = text.replace(f"[projects.{name}]\n", f'[projects.{name}]\nrepo = "org/{name}"\n')
    text = text.replace("[projects.delta]\n", '[projects.delta]\nchangelog = ""\n')
    eco.write_registry(text)
    shutil.copy(REPO / "settings.toml", eco.root / "settings.toml")
    shutil.copy(REPO / "python-releases.toml", eco.root / "python-releases.toml")
    eco.commit("five projects")
    remotes = {
        name: make_synced_project(
            eco,
            tmp_path,
            name,
            extra={} if name == "delta" else {"CHANGES.rst": RELEASED},
            state=name != "epsilon",  # epsilon is not adopted yet
        )
        for name in NAMES
    }
    tag(remotes["alpha"], "1.0.0")
    push_to(remotes["beta"], tmp_path, {".editorconfig": "root = true\n"})  # drift
    push_to(remotes["beta"], tmp_path, {"CHANGES.rst": UNRELEASED + RELEASED})
    tag(remotes["beta"], "1.0.0")
    workflow = git("show", "main:.github/workflows/tests.yaml", cwd=remotes["gamma"])
    push_to(
        remotes["gamma"],
        tmp_path,
        {
            ".github/workflows/tests.yaml": workflow.replace(
                "@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2", "@v4"
            )
            + "\n"
        },
    )
    server.state.teams[("org", "maintainers")] = TEAM_ID
    for name in ("alpha", "beta", "gamma"):  # epsilon's repository does not exist
        repo = server.state.create_repo("org", name)
        if name != "beta":
            set_up_right(server, repo)
    gh = github.Github(base_url=server.url, auth=github.Auth.Token("t"), retry=None)
    gh.get_repo("org/beta").create_issue("It breaks")
    bare = server.state.repo("org", "gamma")
    assert bare is not None
    work = tmp_path / "gamma-sync"
    git("clone", "-q", str(bare.bare), str(work), cwd=tmp_path)
    (work / "NEW.md").write_text("new\n")
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", "sync", cwd=work)
    git("push", "-q", "origin", "HEAD:refs/heads/eco/sync", cwd=work)
    gh.get_repo("org/gamma").create_pull(title="eco sync", body="", head="eco/sync", base="main")
    server.reset_hits()
    index = tmp_path / "index" / "simple"
    index.mkdir(parents=True)
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_" + "x" * 36)
    monkeypatch.setenv("ECO_GITHUB_API_URL", server.url)
    return server, eco, str(tmp_path / "index")


def status(eco: Ecosystem, url: str, *args: str) -> str:
    result = eco_cli(eco, "status", "--index-url", f"{url}/simple", "--date", "2026-12-01", *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def cells(data: dict[str, object], project: str) -> dict[str, tuple[str, str]]:
    projects = data["projects"]
    assert isinstance(projects, dict)
    return {k: (v["state"], v["text"]) for k, v in projects[project].items()}


def test_every_cell_in_every_format(world: tuple[GitHubServer, Ecosystem, str]) -> None:
    server, eco, folder = world
    with serve(Path(folder)) as url:
        data = json.loads(status(eco, url, "--format", "json"))
        assert data["version"] == 1
        alpha, beta, gamma = cells(data, "alpha"), cells(data, "beta"), cells(data, "gamma")
        delta, epsilon = cells(data, "delta"), cells(data, "epsilon")
        assert alpha["drift"] == ("ok", "in sync") and alpha["policy"] == ("ok", "no findings")
        assert alpha["settings"] == ("ok", "as settings.toml")
        assert alpha["release"] == ("ok", "1.0.0; nothing unreleased")
        assert alpha["provenance"] == ("n/a", f"not on {url}/simple")
        assert alpha["inbox"] == ("ok", "0 issues, 0 pull requests open")
        assert alpha["prs"] == ("ok", "none open")
        assert beta["drift"] == ("attention", "1 file drift")
        assert beta["settings"][0] == "attention" and beta["settings"][1].startswith("12 different")
        assert beta["release"] == ("attention", "1.0.0; 2 unreleased entries")
        assert beta["inbox"] == ("attention", "1 issue, 0 pull requests open")
        assert gamma["policy"] == ("attention", "1 finding")
        assert gamma["prs"] == ("attention", "1 open")
        assert gamma["inbox"] == ("attention", "0 issues, 1 pull request open")
        assert gamma["release"] == ("ok", "never released; nothing unreleased")
        assert delta["settings"] == delta["inbox"] == delta["prs"] == ("n/a", "not on GitHub")
        assert delta["release"] == ("ok", "never released; no changelog")
        assert epsilon["drift"] == ("attention", "not adopted: no .eco.toml")
        assert epsilon["settings"] == (
            "unknown",
            "could not read: reading the settings of org/epsilon: not found, "
            "or the credentials from GITHUB_TOKEN cannot see it",
        )
        assert epsilon["inbox"][0] == "unknown" and epsilon["prs"][0] == "unknown"
        for project in NAMES:  # the same Python policy cell shape everywhere
            assert cells(data, project)["python"][0] in ("ok", "attention")
        assert data["projects"]["beta"]["drift"]["command"] == "eco check beta"

        text = status(eco, url)
        assert "!! 1 file drift" in text and "explained by: drift: eco check {project}" in text
        markdown = status(eco, url, "--format", "markdown")
        assert markdown.startswith("## eco status: 5 of 5 projects need attention\n")
        assert "🔴 1 file drift<br>`eco check beta`" in markdown
        assert "| settings |" in markdown  # the job summary shows the settings column
        page = status(eco, url, "--format", "html")
    html5lib.HTMLParser(strict=True).parse(page)
    assert "settings" not in page.split("<tbody>")[0]  # the public page has no settings column
    assert "12 different" not in page and "eco settings check" not in page
    assert "eco check beta" in page


def test_offline_degrades_cell_by_cell(world: tuple[GitHubServer, Ecosystem, str]) -> None:
    server, eco, _ = world
    # eco triage, online, caches the open-issue lists that the inbox cell reads offline
    triage = eco_cli(eco, "triage", "report", "--no-members", "--format", "json")
    assert triage.exit_code in (0, 1), triage.output
    server.reset_hits()
    data = json.loads(status(eco, "http://127.0.0.1:9", "--offline", "--format", "json"))
    assert server.hits == []
    beta = cells(data, "beta")
    assert beta["drift"] == ("attention", "1 file drift")  # from the clone
    assert beta["release"] == ("attention", "latest tag not read offline; 2 unreleased entries")
    assert beta["settings"] == ("unknown", "could not read: offline (--offline)")
    assert beta["prs"] == ("unknown", "could not read: offline (--offline)")
    assert beta["provenance"] == ("unknown", "could not read: offline (--offline)")
    assert beta["inbox"] == ("attention", "1 issue, 0 pull requests open (cached)")
    assert cells(data, "epsilon")["inbox"] == (
        "unknown",
        "could not read: offline (--offline), and not in the cache",
    )


def test_the_page_renders_in_headless_chromium(
    world: tuple[GitHubServer, Ecosystem, str], tmp_path: Path
) -> None:
    browser = chromium()
    _, eco, folder = world
    page = tmp_path / "status.html"
    with serve(Path(folder)) as url:
        status(eco, url, "--format", "html", "-o", str(page))
    common = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run(
        [*common, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    rendered = html5lib.parse(dom.stdout, namespaceHTMLElements=False)
    rows = rendered.findall(".//tbody/tr")
    assert [r.findtext("th") for r in rows] == list(NAMES)
    beta = rows[1]
    assert "attention" in [td.get("class") for td in beta.findall("td")]
