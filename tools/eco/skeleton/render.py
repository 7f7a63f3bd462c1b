"""Render the skeleton for one project: manifest + Jinja2 templates + variables.

Pure with respect to the project: it reads only ``templates/`` (any copy of it, such as
an older revision extracted from git) and the registry entry, never the project's files.

Templates render in Jinja's immutable sandbox: a template (of any past revision) can
read the variables it is given and call the filters, never reach Python's internals,
so rendering runs no code of the template's. Values that land inside YAML, TOML or
Python go through the quoting filters ``|yaml``, ``|toml`` and ``|pyrepr``
(:mod:`eco.skeleton.quoting`).
"""

from __future__ import annotations

import functools
import posixpath
import re
import sys
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import jinja2
import jinja2.exceptions
import jinja2.sandbox

from eco.errors import TemplateError
from eco.registry import Ecosystem
from eco.registry import path_problem
from eco.registry import Project
from eco.skeleton.manifest import Keys
from eco.skeleton.manifest import load_manifest
from eco.skeleton.manifest import Manifest
from eco.skeleton.manifest import SKELETON
from eco.skeleton.quoting import FILTERS

# GitHub Actions expressions (``${{ ... }}``) are written as they are in templates; this
# turns their opening into a Jinja literal, keeping line numbers unchanged.
_GITHUB_EXPR = re.compile(r"\$\{\{")


@dataclass(frozen=True)
class RenderedFile:
    path: str
    content: str
    mode: str
    template: str
    unless: tuple[str, ...] = ()  # the project's own files that stand in for it
    linked_from: str = ""  # a docs page: the index that must link it
    keys: Keys | None = None  # a TOML file: who owns which keys


@dataclass(frozen=True)
class Rendering:
    files: dict[str, RenderedFile]
    retired: dict[str, str]  # path -> reason
    retired_contains: dict[str, str] = field(default_factory=dict)  # path -> marker text
    opted_out: dict[str, str] = field(default_factory=dict)  # path -> reason (project skip)


def variables(project: Project, ecosystem: Ecosystem) -> dict[str, Any]:
    """Every variable a template sees: derived values, then ``[defaults]`` and ``vars``.

    Derived values come from the registry entry and cannot be overridden by ``vars`` (an
    error says so); *suggested* values (``docs_url``) are derived too but a project may set
    its own in ``vars``.
    """
    repo = project.repo or f"{ecosystem.org}/{project.name}"
    owner, _, name = repo.partition("/")
    cpythons = [v for v in project.python if not v.endswith("t")] or [
        v.rstrip("t") for v in project.python
    ]
    derived: dict[str, Any] = {
        "project": project.name,
        "repo": repo,
        "repo_owner": owner,
        "repo_name": name,
        "pypi": project.pypi,
        "module": project.module,
        "module_path": project.module.replace(".", "/"),
        "description": project.description,
        "changelog": project.changelog,
        "changelog_format": project.changelog_format,
        "changelog_from_docs": (
            posixpath.relpath(project.changelog, "docs") if project.changelog else ""
        ),
        "branch": project.branch,
        "pythons": list(project.python),
        "min_python": project.min_python,
        "max_python": project.max_python,
        "min_python_version": cpythons[0],
        "max_python_version": cpythons[-1],
        "is_flask_extension": project.name.startswith("flask-")
        or project.module.startswith("flask_"),
        "ecosystem": ecosystem.name,
        "org": ecosystem.org,
        "eco_repo": ecosystem.repo,
        "workflows_ref": ecosystem.workflows_ref,
        "index_url": ecosystem.index_url,
        "sync_branch": ecosystem.sync_branch,
        # the project's own facts (eco add reads them; adoption keeps them)
        "generation": project.generation,
        "tag_style": project.tag_style,
        "typed": project.typed,
        "readme": project.readme,
        "license_file": project.license_file,
        "build_backend": project.build_backend,
        "docs_layout": project.docs_layout,
        "test_dependencies": list(project.test_dependencies),
        "services": {s.name: {"image": s.image, "port": s.port} for s in project.services},
        "apt_packages": list(project.apt),
    }
    for key in project.vars:
        if key in derived:
            raise TemplateError(
                f"projects.{project.name}.vars.{key}: shadows the derived variable {key!r}; "
                "set it through the project's own key instead"
            )
    suggested: dict[str, Any] = {
        "docs_url": f"https://{project.name.lower()}.readthedocs.io",
        "docs_python": cpythons[-1],
    }
    return {**derived, **suggested, **project.vars}


def environment(templates_dir: Path, bytecode_cache: Path | None = None) -> jinja2.Environment:
    """A new sandboxed Jinja environment over ``templates_dir/skeleton`` (see
    :func:`_shared`); with ``bytecode_cache``, compiled templates are kept in that folder
    for the next run (see :func:`_bytecode_cache`)."""
    loader = _ExpressionSafeLoader(str(templates_dir / SKELETON))
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        bytecode_cache=_bytecode_cache(bytecode_cache) if bytecode_cache else None,
    )
    env.filters.update(FILTERS)
    return env


def _bytecode_cache(folder: Path) -> jinja2.FileSystemBytecodeCache:
    """Compiled templates kept between runs, so a run does not compile the skeleton again.

    Jinja names each entry by the template's name and file path, and loads it only when
    the SHA-1 of the source (after the loader's rewriting) equals the one stored with it:
    an edited template, or another revision's copy at another path, is compiled afresh.
    The folder is keyed by Jinja's and Python's versions and the environment's class (the
    sandbox compiles its operators differently), so no other compiler's code is loaded.
    """
    key = (
        f"jinja{jinja2.__version__}-py{sys.version_info[0]}.{sys.version_info[1]}"
        f"-{jinja2.sandbox.ImmutableSandboxedEnvironment.__name__}"
    )
    path = folder / key
    path.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(path))


@functools.lru_cache(maxsize=16)
def _shared(templates_dir: Path, bytecode_cache: Path | None = None) -> jinja2.Environment:
    """One environment per templates folder, so a run of many projects compiles each
    template once (the loader still notices an edited file by its modification time)."""
    return environment(templates_dir, bytecode_cache)


@functools.lru_cache(maxsize=1024)
def _expression(env: jinja2.Environment, source: str) -> Any:
    return env.compile_expression(source, undefined_to_none=False)


@functools.lru_cache(maxsize=1024)
def _string_template(env: jinja2.Environment, source: str) -> jinja2.Template:
    return env.from_string(source)


class _ExpressionSafeLoader(jinja2.FileSystemLoader):
    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        return _GITHUB_EXPR.sub('{{ "${{" }}', source), filename, uptodate


def render_project(
    project: Project,
    ecosystem: Ecosystem,
    templates_dir: Path,
    *,
    manifest: Manifest | None = None,
    include_init: bool = False,
    bytecode_cache: Path | None = None,
) -> Rendering:
    """Render every file the manifest applies to this project (``bytecode_cache``: a
    folder where compiled templates are kept between runs)."""
    manifest = manifest or load_manifest(templates_dir)
    env = _shared(templates_dir, bytecode_cache)
    context = variables(project, ecosystem)
    files: dict[str, RenderedFile] = {}
    opted_out: dict[str, str] = {}
    truths: dict[str, bool] = {}  # each condition once: many files share one

    def holds(when: str, where: str) -> bool:
        if when not in truths:
            truths[when] = _truth(env, when, context, where)
        return truths[when]

    for spec in manifest.files:
        if spec.mode == "init" and not include_init:
            continue
        if spec.when and not holds(spec.when, spec.template):
            continue
        path = _inside(
            _render_string(env, spec.path, context, spec.template), spec.path, spec.template
        )
        if path in project.skip:
            opted_out[path] = project.skip[path]
            continue
        files[path] = RenderedFile(
            path,
            render_template(env, spec.template, context),
            spec.mode,
            spec.template,
            tuple(
                _inside(_render_string(env, u, context, spec.template), u, spec.template)
                for u in spec.unless
            ),
            _inside(
                _render_string(env, spec.linked_from, context, spec.template),
                spec.linked_from,
                spec.template,
            )
            if spec.linked_from
            else "",
            spec.keys,
        )
    retired: dict[str, str] = {}
    contains: dict[str, str] = {}
    for old in manifest.retired:
        if old.when and not holds(old.when, "manifest.toml"):
            continue
        path = _inside(_render_string(env, old.path, context, "retired"), old.path, "retired")
        if path in files:
            continue
        if path in project.skip:
            opted_out[path] = project.skip[path]
            continue
        retired[path] = old.reason
        if old.contains:
            contains[path] = old.contains
    return Rendering(files, retired, contains, opted_out)


def _inside(path: str, source: str, where: str) -> str:
    """``path`` when it is a relative path inside the project; else a TemplateError, so
    nothing is written outside a project whatever its variables hold."""
    if path_problem(path):
        raise TemplateError(
            f"templates/manifest.toml ({where}): path {source!r} renders to {path!r}: "
            "expected a relative path inside the project, without '..' and not in .git"
        )
    return path


def render_template(env: jinja2.Environment, template: str, context: Mapping[str, Any]) -> str:
    try:
        return env.get_template(template).render(context)
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(
            f"templates/{SKELETON}/{template}:{_line(exc, template)}: refused as unsafe: "
            f"{str(exc).rstrip('.')}; templates may use their variables and filters only"
        ) from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(_undefined_message(exc, template)) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"templates/{SKELETON}/{template}:{exc.lineno}: {exc.message}"
        ) from None
    except jinja2.TemplateError as exc:
        raise TemplateError(
            f"templates/{SKELETON}/{template}:{_line(exc, template)}: {exc}"
        ) from None


def _line(exc: BaseException, template: str) -> str:
    """The template's line the error was raised at, from the traceback ("?": unknown)."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.replace("\\", "/").endswith(f"{SKELETON}/{template}"):
            return str(frame.lineno)
    return "?"


def _undefined_message(exc: jinja2.UndefinedError, template: str) -> str:
    line = _line(exc, template)
    match = re.search(r"'([^']+)' is undefined", str(exc))
    name = match.group(1) if match else str(exc)
    return (
        f"templates/{SKELETON}/{template}:{line}: unknown variable {name!r}; "
        "define it in [defaults] or the project's vars in projects.toml"
    )


def _render_string(
    env: jinja2.Environment, source: str, context: Mapping[str, Any], where: str
) -> str:
    if "{" not in source:
        return source
    try:
        return _string_template(env, source).render(context)
    except jinja2.TemplateError as exc:
        raise TemplateError(f"templates/manifest.toml ({where}): {exc}") from None


def _truth(
    env: jinja2.Environment, expression: str, context: Mapping[str, Any], where: str
) -> bool:
    try:
        return bool(_expression(env, expression)(**context))
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"templates/manifest.toml ({where}): when = {expression!r}: {exc.message}"
        ) from None
    except jinja2.TemplateError as exc:
        raise TemplateError(
            f"templates/manifest.toml ({where}): when = {expression!r}: {exc}"
        ) from None
