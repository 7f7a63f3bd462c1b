"""Which project a build or release works on, and in which local repository.

Two ways, so a maintainer can run the command the way they already work:

- ``eco release flask-mail``: the project from ``projects.toml``, in eco's workspace clone
  (fetched first);
- ``eco release --path ~/src/flask-mail``: a checkout of their own. The project is the
  registered one whose PyPI name matches ``pyproject.toml`` (or the one named); outside
  an ecosystem, its settings are read from the checkout itself.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion
from packaging.version import Version

from eco.context import Context
from eco.errors import EcoError
from eco.errors import NotInEcosystemError
from eco.git.run import git
from eco.registry import CHANGELOG_FORMATS
from eco.registry import Project
from eco.registry import Registry


@dataclass(frozen=True)
class Target:
    project: Project
    repo: Path
    registry: Registry | None
    workspace: bool  # True: eco's own clone; False: the maintainer's checkout


def read_pyproject(repo: Path) -> dict[str, object]:
    path = repo / "pyproject.toml"
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EcoError(f"{path}: not found; expected a Python project checkout") from None
    except tomllib.TOMLDecodeError as exc:
        raise EcoError(f"{path}: invalid TOML: {exc}") from None


def project_name(repo: Path) -> str:
    table = read_pyproject(repo).get("project")
    name = table.get("name") if isinstance(table, dict) else None
    if not isinstance(name, str):
        raise EcoError(f"{repo / 'pyproject.toml'}: missing [project] name")
    return name


# Where projects keep their changelog, the Pallets names first (flask-wtf: docs/changes.rst).
CHANGELOGS = (
    "CHANGES.rst",
    "CHANGES.md",
    "CHANGELOG.rst",
    "CHANGELOG.md",
    "docs/changes.rst",
    "docs/changes.md",
)


def infer_project(repo: Path) -> Project:
    """A project described by its checkout alone (no registry)."""
    name = project_name(repo)
    changelog = next((c for c in CHANGELOGS if (repo / c).is_file()), CHANGELOGS[0])
    module = re.sub(r"[^A-Za-z0-9_]", "_", name).lower()
    return Project(
        name=canonicalize_name(name),
        pypi=name,
        module=module,
        changelog=changelog,
        changelog_format=CHANGELOG_FORMATS[Path(changelog).suffix],
        branch=default_branch(repo),
        python=(),
        tag_style=tag_style(repo),
    )


_VERSION_TAG = re.compile(r"^(v?)(\d+(?:\.\d+)+\S*)$")


def tag_style(repo: Path) -> str:
    """The project's tag style read from its tags: the style of its newest version tag
    (``v1.4.0`` -> ``vX.Y.Z``), so a project that changed style follows its latest; with
    no version tag, ``X.Y.Z`` (the Pallets style)."""
    newest: tuple[Version, str] | None = None
    for tag in git("tag", "--list", cwd=repo, check=False).split():
        match = _VERSION_TAG.match(tag)
        if not match:
            continue
        try:
            version = Version(match.group(2))
        except InvalidVersion:
            continue
        style = "vX.Y.Z" if match.group(1) else "X.Y.Z"
        if newest is None or version > newest[0]:
            newest = (version, style)
    return newest[1] if newest else "X.Y.Z"


def default_branch(repo: Path) -> str:
    """origin's default branch (``origin/HEAD``, set by ``git clone``), else ``main``."""
    ref = git("symbolic-ref", "-q", "refs/remotes/origin/HEAD", cwd=repo, check=False)
    return ref.removeprefix("refs/remotes/origin/") if ref.startswith("refs/remotes/") else "main"


def _registry(ctx: Context) -> Registry | None:
    try:
        return ctx.registry
    except NotInEcosystemError:
        return None


def resolve(ctx: Context, name: str | None, path: Path | None, *, fetch: bool = True) -> Target:
    """The project and repository for ``PROJECT`` and/or ``--path``."""
    if path is None:
        if name is None:
            raise EcoError("name a PROJECT from projects.toml, or give --path DIR")
        project = ctx.registry.select([name])[0]
        clone = ctx.workspace.ensure(project, fetch=fetch)
        return Target(project, clone.path, ctx.registry, workspace=True)
    repo = path.resolve()
    if not (repo / ".git").exists():
        raise EcoError(f"{repo}: not a git checkout (no .git)")
    registry = _registry(ctx)
    if name is not None:
        if registry is None:
            raise EcoError(f"no projects.toml found, so project {name!r} is unknown")
        return Target(registry.select([name])[0], repo, registry, workspace=False)
    if registry is not None:
        wanted = canonicalize_name(project_name(repo))
        for project in registry.projects.values():
            if canonicalize_name(project.pypi) == wanted:
                return Target(project, repo, registry, workspace=False)
    return Target(infer_project(repo), repo, registry, workspace=False)
