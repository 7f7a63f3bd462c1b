"""Create a new project from the skeleton (``eco init``) and register it (``--register``).

The order makes failures harmless: everything is validated and rendered in memory
first (a bad name, an unknown template variable or a name already registered stops
here, nothing written), then the folder is written and committed, and only then is
``projects.toml`` rewritten, through tomlkit so its comments and layout survive.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from dataclasses import replace
from pathlib import Path

import tomlkit
import tomlkit.items

from eco.errors import EcoError
from eco.git.run import git
from eco.registry import CHANGELOG_FORMATS
from eco.registry import MODULE_RE
from eco.registry import NAME_RE
from eco.registry import parse_registry
from eco.registry import path_problem
from eco.registry import Project
from eco.registry import PYPI_RE
from eco.registry import Registry
from eco.skeleton.render import render_project
from eco.skeleton.render import Rendering
from eco.skeleton.state import format_state
from eco.skeleton.state import State
from eco.skeleton.state import STATE_FILE

TEMPLATES = "templates"


@dataclass(frozen=True)
class Created:
    project: Project
    path: Path
    files: tuple[tuple[str, str], ...]  # (path, mode), sorted by path
    commit: str
    revision: str
    registry_text: str | None  # the new projects.toml text when registering


def plan_project(
    registry: Registry,
    name: str,
    path: Path,
    *,
    module: str | None = None,
    pypi: str | None = None,
    description: str | None = None,
    changelog: str | None = None,
    register: bool = False,
) -> tuple[Project, str | None]:
    """The project to create and, with ``register``, the new registry text.

    A name already in the registry is an error when registering; otherwise its registered
    settings are the starting point and the options override them.
    """
    _check("NAME", name, NAME_RE, "lower-case letters, digits, '-', '_' or '.'")
    if module is not None:
        _check("--module", module, MODULE_RE, "a Python import name such as flask_demo")
    if pypi is not None:
        _check("--pypi", pypi, PYPI_RE, "a PyPI project name such as Flask-Demo")
    if changelog is not None and path_problem(changelog):
        raise EcoError(
            f"--changelog {changelog!r}: expected a file path inside the project: "
            f"{path_problem(changelog)}"
        )
    if changelog is not None and Path(changelog).suffix not in CHANGELOG_FORMATS:
        raise EcoError(f"--changelog {changelog!r}: expected a .rst or .md file")
    url = str(path.expanduser().resolve())
    if name in registry.projects:
        if register:
            raise EcoError(
                f"{registry.path}: project {name!r} is already registered; "
                "choose another name or drop --register"
            )
        project = registry.projects[name]
        changelog = changelog or project.changelog
        return (
            replace(
                project,
                module=module or project.module,
                pypi=pypi or project.pypi,
                description=project.description if description is None else description,
                changelog=changelog,
                changelog_format=CHANGELOG_FORMATS[Path(changelog).suffix],
            ),
            None,
        )
    text = registry_with(registry, name, url, module, pypi, description, changelog)
    data = tomlkit.parse(text).unwrap()
    project = parse_registry(registry.path, text, data).projects[name]
    return project, text if register else None


def registry_with(
    registry: Registry,
    name: str,
    url: str,
    module: str | None,
    pypi: str | None,
    description: str | None,
    changelog: str | None,
) -> str:
    """``projects.toml`` with ``[projects.NAME]`` appended, everything else kept as it is."""
    text = registry.path.read_text(encoding="utf-8")
    document = tomlkit.parse(text)
    entry = tomlkit.table()
    entry.add("url", url)
    if pypi is not None:
        entry.add("pypi", pypi)
    if module is not None:
        entry.add("module", module)
    entry.add("changelog", changelog or default_changelog(registry))
    if description:
        entry.add("description", description)
    projects = document.get("projects")
    if projects is None:
        projects = tomlkit.table(is_super_table=True)
        document.add("projects", projects)
    assert isinstance(projects, tomlkit.items.Table)
    projects.add(name, entry)
    return tomlkit.dumps(document)


def default_changelog(registry: Registry) -> str:
    """A new project's changelog follows its docs: Markdown docs, Markdown changelog."""
    return "CHANGES.md" if registry.defaults.get("docs_format") == "md" else "CHANGES.rst"


def create_project(
    registry: Registry,
    project: Project,
    path: Path,
    *,
    registry_text: str | None = None,
    dry_run: bool = False,
) -> Created:
    """Write the skeleton into the empty folder ``path``, commit it on ``main``, register.

    ``dry_run``: every check and the rendering, nothing written (the commit is then "").
    """
    if path.exists() and not path.is_dir():
        raise EcoError(f"{path}: is a file; eco init needs a new or empty folder")
    if path.exists() and any(path.iterdir()):
        raise EcoError(f"{path}: the target folder is not empty; eco init needs a new folder")
    rendering = render_project(
        project, registry.ecosystem, registry.root / TEMPLATES, include_init=True
    )
    revision = template_revision(registry.root)
    if dry_run:
        planned = [(r.path, r.mode) for r in rendering.files.values()] + [(STATE_FILE, "state")]
        return Created(project, path, tuple(sorted(planned)), "", revision, registry_text)
    created_folder = not path.exists()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EcoError(f"{path}: cannot create the project folder: {exc.strerror}") from None
    try:
        files = _write(path, rendering, revision)
        commit = _commit(path, project)
    except BaseException:
        if created_folder:
            shutil.rmtree(path, ignore_errors=True)
        else:
            for child in path.iterdir():
                if child.is_dir():
                    shutil.rmtree(child)
                else:
                    child.unlink()
        raise
    if registry_text is not None:
        registry.path.write_text(registry_text, encoding="utf-8")
    return Created(project, path, files, commit, revision, registry_text)


def template_revision(root: Path) -> str:
    """The ecosystem's commit (what sync will treat as last applied), or "" outside git."""
    return git("rev-parse", "--verify", "--quiet", "HEAD", cwd=root, check=False)


def templates_dirty(root: Path) -> bool:
    """Whether ``templates/`` differs from the recorded revision (uncommitted edits)."""
    if not template_revision(root):
        return False
    return bool(git("status", "--porcelain", "--", TEMPLATES, cwd=root, check=False))


def _write(path: Path, rendering: Rendering, revision: str) -> tuple[tuple[str, str], ...]:
    written = []
    for rendered in rendering.files.values():
        target = path / rendered.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(rendered.content, encoding="utf-8", newline="\n")
        written.append((rendered.path, rendered.mode))
    seeded = tuple(p for p, mode in written if mode == "seeded")
    (path / STATE_FILE).write_text(format_state(State(revision, seeded)), encoding="utf-8")
    written.append((STATE_FILE, "state"))
    return tuple(sorted(written))


def _commit(path: Path, project: Project) -> str:
    git("init", "-q", "-b", "main", cwd=path)
    git("add", "-A", cwd=path)
    identity = _identity(path)
    git("commit", "-q", "-m", f"Create {project.pypi} from the skeleton", cwd=path, env=identity)
    return git("rev-parse", "HEAD", cwd=path)


def _identity(path: Path) -> dict[str, str]:
    """The user's own git identity when configured (eco's fixed one otherwise)."""
    env: dict[str, str] = {}
    if "GIT_AUTHOR_NAME" in os.environ:
        return env
    name = git("config", "--get", "user.name", cwd=path, check=False)
    email = git("config", "--get", "user.email", cwd=path, check=False)
    if name and email:
        for role in ("AUTHOR", "COMMITTER"):
            env[f"GIT_{role}_NAME"] = name
            env[f"GIT_{role}_EMAIL"] = email
    return env


def _check(option: str, value: str, pattern: re.Pattern[str], expected: str) -> None:
    if not pattern.match(value):
        raise EcoError(f"{option} {value!r}: invalid; expected {expected}")
