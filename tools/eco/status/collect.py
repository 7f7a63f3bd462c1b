"""Read every cell of one project's row, each on its own.

A cell that cannot be read (no network, no credentials, a failing endpoint) becomes an
``unknown`` cell saying what could not be read; the rest of the row, and every other
row, is still collected. Nothing is written anywhere but eco's own caches.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion
from packaging.version import Version

from eco.errors import EcoError
from eco.forge.base import owner_of
from eco.forge.github import GitHubForge
from eco.forge.github_cache import EtagCache
from eco.forge.github_cache import ListFetcher
from eco.forge.pulls import project_pulls
from eco.git.files import decode
from eco.git.files import read_commit
from eco.git.run import git
from eco.python.releases import Policy
from eco.python.releases import Releases
from eco.python.status import project_status
from eco.python.status import span
from eco.registry import Project
from eco.release.changelog import parse
from eco.secrets import scrub
from eco.settings.compare import compare
from eco.settings.compare import DIFFERENT
from eco.settings.compare import UNREADABLE
from eco.settings.model import Settings
from eco.settings.read import read as read_settings
from eco.status.model import ATTENTION
from eco.status.model import Cell
from eco.status.model import NONE
from eco.status.model import OK
from eco.status.model import Row
from eco.status.model import UNKNOWN
from eco.sync.plan import DRIFT
from eco.sync.policy import check_workflows
from eco.sync.project import Syncer
from eco.workspace import Workspace

# (ok, detail) per file of the latest release: the command injects eco verify's check
Verify = Callable[[Project], list[tuple[bool, str]]]
_ENTRY = re.compile(r"^[-*] ")


@dataclass
class Sources:
    """Everything the cells are read from; what is ``None`` could not be reached."""

    syncer: Syncer
    workspace: Workspace
    releases: Releases | None  # None: the policy could not be read (python_reason)
    policy: Policy | None
    today: date
    fetch: bool = True
    settings: dict[str, Settings] | None = None
    settings_reason: str = ""  # why the settings are not compared, when they are not
    github: GitHubForge | None = None
    offline_reason: str = ""  # why there is no GitHub, when there is none
    cache: EtagCache | None = None
    api_url: str = ""
    verify: Verify | None = None
    verify_reason: str = ""  # why provenance is not checked, when it is not
    python_reason: str = ""


def _unknown(aspect: str, exc: BaseException) -> Cell:
    message = exc.message if isinstance(exc, EcoError) else str(exc) or type(exc).__name__
    return Cell(aspect, UNKNOWN, scrub(f"could not read: {message}"))


def _cells(aspects: tuple[str, ...], read: Callable[[], tuple[Cell, ...]]) -> tuple[Cell, ...]:
    try:
        return read()
    except Exception as exc:  # one cell (or one group read together) fails, not the row
        return tuple(_unknown(a, exc) for a in aspects)


def collect(project: Project, sources: Sources) -> Row:
    """The row of ``project``: every aspect read separately."""
    cells = (
        *_cells(("drift", "policy"), lambda: drift_and_policy(project, sources)),
        *_cells(("settings",), lambda: (settings_cell(project, sources),)),
        *_cells(("release",), lambda: (release_cell(project, sources),)),
        *_cells(("provenance",), lambda: (provenance_cell(project, sources),)),
        *_cells(("python",), lambda: (python_cell(project, sources),)),
        *_cells(("inbox",), lambda: (inbox_cell(project, sources),)),
        *_cells(("prs",), lambda: (prs_cell(project, sources),)),
    )
    return Row(project.name, cells)


def _plural(count: int, word: str, many: str = "") -> str:
    return f"{count} {word if count == 1 else many or word + 's'}"


def drift_and_policy(project: Project, sources: Sources) -> tuple[Cell, Cell]:
    view = sources.syncer.read(project, fetch=sources.fetch, adopt=True, workflows=True)
    drifting = [f for f in view.plan.files if f.check_status in DRIFT]
    if view.state is None:
        drift = Cell("drift", ATTENTION, "not adopted: no .eco.toml")
    elif drifting:
        drift = Cell("drift", ATTENTION, f"{_plural(len(drifting), 'file')} drift")
    else:
        drift = Cell("drift", OK, "in sync")
    findings = check_workflows(view.workflows)
    if findings:
        policy = Cell("policy", ATTENTION, _plural(len(findings), "finding"))
    else:
        policy = Cell("policy", OK, "no findings")
    return drift, policy


def _github(project: Project, sources: Sources, aspect: str) -> Cell | None:
    """The cell to show when GitHub cannot be asked about ``project``, else ``None``."""
    if not project.repo:
        return Cell(aspect, NONE, "not on GitHub")
    if sources.github is None:
        return Cell(aspect, UNKNOWN, f"could not read: {sources.offline_reason}")
    return None


def settings_cell(project: Project, sources: Sources) -> Cell:
    skipped = _github(project, sources, "settings")
    if skipped is not None:
        return skipped
    if sources.settings is None:
        return Cell("settings", UNKNOWN, f"could not read: {sources.settings_reason}")
    assert sources.github is not None and project.repo
    forge = sources.github
    requester = forge.client(owner_of(project.repo)).requester
    wanted = sources.settings[project.name]
    current = forge.call(
        f"reading the settings of {project.repo}",
        lambda: read_settings(
            project.repo or "", wanted, lambda p: requester.requestJsonAndCheck("GET", p)[1]
        ),
    )
    findings = compare(wanted, current)
    different = sum(1 for f in findings if f.state == DIFFERENT)
    unread = sum(1 for f in findings if f.state == UNREADABLE)
    if different:
        extra = f", {unread} could not be read" if unread else ""
        return Cell("settings", ATTENTION, f"{different} different{extra}")
    if unread:
        return Cell("settings", UNKNOWN, f"{unread} could not be read")
    return Cell("settings", OK, "as settings.toml")


def release_cell(project: Project, sources: Sources) -> Cell:
    clone = sources.workspace.ensure(project, fetch=sources.fetch)
    head = latest_tag(project, clone.path) if sources.fetch else "latest tag not read offline"
    if not project.has_changelog:
        return Cell("release", OK, f"{head}; no changelog")
    files = read_commit(clone.path, clone.remote_branch, (project.changelog,)).files
    if project.changelog not in files:
        return Cell("release", ATTENTION, f"{head}; {project.changelog} missing")
    changelog = parse(decode(files[project.changelog]), project.changelog_format)
    entries = 0
    for section in changelog.unreleased():
        lines = changelog.lines[section.header : section.end]
        entries += sum(1 for line in lines if _ENTRY.match(line))
    if entries:
        return Cell(
            "release",
            ATTENTION,
            f"{head}; {_plural(entries, 'unreleased entry', 'unreleased entries')}",
        )
    return Cell("release", OK, f"{head}; nothing unreleased")


def latest_tag(project: Project, clone: Path) -> str:
    """The newest release tag on the remote (clones are made without tags)."""
    listed = git("ls-remote", "--tags", "--refs", "origin", cwd=clone).splitlines()
    names = [line.split("refs/tags/", 1)[1] for line in listed if "refs/tags/" in line]
    prefix = "v" if project.tag_style == "vX.Y.Z" else ""
    versions = []
    for name in names:
        try:
            versions.append((Version(name.removeprefix(prefix)), name))
        except InvalidVersion:
            continue
        if prefix and not name.startswith(prefix):
            versions.pop()
    final = [v for v in versions if not v[0].is_prerelease] or versions
    return max(final)[1] if final else "never released"


def provenance_cell(project: Project, sources: Sources) -> Cell:
    if sources.verify is None:
        return Cell("provenance", UNKNOWN, f"could not read: {sources.verify_reason}")
    try:
        results = sources.verify(project)
    except NotOnIndex as exc:
        return Cell("provenance", NONE, str(exc))
    failed = [detail for ok, detail in results if not ok]
    if failed:
        return Cell("provenance", ATTENTION, f"does not verify: {failed[0]}")
    return Cell("provenance", OK, f"verifies ({_plural(len(results), 'file')})")


class NotOnIndex(Exception):
    """The project has no release on the index (raised by the injected check)."""


def python_cell(project: Project, sources: Sources) -> Cell:
    if sources.releases is None or sources.policy is None:
        return Cell("python", UNKNOWN, f"could not read: {sources.python_reason}")
    clone = sources.workspace.ensure(project, fetch=sources.fetch)
    status = project_status(
        project, clone.path, clone.remote_branch, sources.releases, sources.policy, sources.today
    )
    supported = span(project.python)
    if status.files:
        return Cell("python", ATTENTION, f"{supported}; differs in {', '.join(status.files)}")
    due = [f for f in status.policy if f.drift]
    if due:
        return Cell("python", ATTENTION, f"{supported}; {due[0].message}")
    return Cell("python", OK, supported)


def _issues(project: Project, sources: Sources) -> tuple[list[Any], str]:
    """The open issues and pull requests, from GitHub or (offline) from the cache."""
    assert project.repo is not None
    path = f"/repos/{project.repo}/issues"
    params = {"state": "open"}
    if sources.github is not None:
        requester = sources.github.client(owner_of(project.repo)).requester
        fetcher = ListFetcher(requester, sources.cache)
        return sources.github.call(f"GET {path}", lambda: fetcher.get_all(path, params)), ""
    if sources.cache is not None:
        cached = sources.cache.read_all(sources.api_url, ListFetcher.list_url(path, params))
        if cached is not None:
            return cached, " (cached)"
    raise EcoError(f"{sources.offline_reason}, and not in the cache")


def inbox_cell(project: Project, sources: Sources) -> Cell:
    if not project.repo:
        return Cell("inbox", NONE, "not on GitHub")
    items, cached = _issues(project, sources)
    pulls = sum(1 for i in items if "pull_request" in i)
    issues = len(items) - pulls
    text = f"{_plural(issues, 'issue')}, {_plural(pulls, 'pull request')} open{cached}"
    return Cell("inbox", ATTENTION if items else OK, text)


def prs_cell(project: Project, sources: Sources) -> Cell:
    skipped = _github(project, sources, "prs")
    if skipped is not None:
        return skipped
    assert sources.github is not None
    pulls = project_pulls(sources.github, project, "open")
    if not pulls:
        return Cell("prs", OK, "none open")
    failing = sum(1 for p in pulls if p.checks == "failing")
    extra = f", {failing} failing" if failing else ""
    return Cell("prs", ATTENTION, f"{_plural(len(pulls), 'open')}{extra}")
