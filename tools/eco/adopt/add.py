"""``eco add``: reach an existing project, read its facts, make its registry entry.

Nothing is written until the entry is complete and valid: bad input (a name or
repository already registered, an unreachable repository) stops first, with one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from eco.adopt.entry import diff
from eco.adopt.entry import entry_data
from eco.adopt.entry import registry_text_with
from eco.adopt.facts import derive
from eco.adopt.facts import Facts
from eco.adopt.source import read_remote
from eco.adopt.source import read_source
from eco.adopt.source import Remote
from eco.errors import EcoError
from eco.output import step
from eco.registry import NAME_RE
from eco.registry import Project
from eco.registry import Registry
from eco.registry import REPO_RE
from eco.workspace import Workspace


@dataclass(frozen=True)
class Addition:
    """A project about to be added: what was read, and the registry before and after."""

    name: str
    remote: Remote
    facts: Facts
    before: str
    after: str

    @property
    def diff(self) -> str:
        return diff(self.before, self.after)


def plan_add(
    registry: Registry,
    workspace: Workspace,
    name: str,
    *,
    repo: str | None = None,
    url: str | None = None,
) -> Addition:
    """Read project ``name`` from ``repo`` (GitHub ``owner/name``) or ``url`` (any git URL
    or path) and make its entry; nothing is written."""
    if not NAME_RE.match(name):
        raise EcoError(
            f"NAME {name!r}: expected lower-case letters, digits, '-', '_' or '.' "
            "(usually the repository's name)"
        )
    if (repo is None) == (url is None):
        raise EcoError("give exactly one of --repo OWNER/NAME or --url URL")
    if url is not None and "://" not in url and not url.startswith("git@"):
        local = Path(url).expanduser()
        if local.exists():  # a folder given from here: recorded absolute, as eco init does
            url = str(local.resolve())
    if name in registry.projects:
        raise EcoError(f"{registry.path}: a project named {name!r} is already registered")
    if repo is not None and not REPO_RE.match(repo):
        raise EcoError(f"--repo {repo!r}: expected a GitHub repository as owner/name")
    for other in registry.projects.values():
        if repo and other.repo and other.repo.lower() == repo.lower():
            raise EcoError(f"{registry.path}: {repo} is already registered as {other.name!r}")
        if url and other.url == url:
            raise EcoError(f"{registry.path}: {url} is already registered as {other.name!r}")
    provisional = Project(
        name=name,
        pypi=name,
        module=name.replace("-", "_"),
        changelog="",
        changelog_format="none",
        branch=registry.ecosystem.branch,
        python=registry.ecosystem.python,
        repo=repo,
        url=url,
    )
    url_or_path = workspace.source(provisional)
    with step(f"asking {url_or_path} for its default branch and tags"):
        remote = read_remote(url_or_path)
    project = Project(**{**provisional.__dict__, "branch": remote.branch})
    with step(f"cloning or fetching it into {workspace.clone_path(project)}"):
        clone = workspace.ensure(project)
    source = read_source(clone.path, f"origin/{remote.branch}")
    facts = derive(
        source,
        branch=remote.branch,
        tags=remote.tags,
        supported=registry.ecosystem.python,
        default_generation=registry.ecosystem.generation,
        name=name,
    )
    before = Path(registry.path).read_text(encoding="utf-8")
    data = entry_data(registry, facts, repo=repo, url=url)
    return Addition(name, remote, facts, before, registry_text_with(registry, name, data))
