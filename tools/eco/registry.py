"""Load and validate ``projects.toml``: the registry of managed projects and their variables.

Every problem is reported as one :class:`~eco.errors.RegistryError` naming the file, the
line where it can be found, the key path and what was expected. Nothing is written.
"""

from __future__ import annotations

import datetime
import functools
import re
import tomllib
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from eco.errors import did_you_mean
from eco.errors import RegistryError

REPO_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
NAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$")
PYPI_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")
MODULE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$")
VAR_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PYTHON_RE = re.compile(r"^3\.(\d{1,2})(t?)$")
SHA_RE = re.compile(r"^[0-9a-f]{40}$")
CHANGELOG_FORMATS = {".rst": "rst", ".md": "md"}
GENERATIONS = ("pip-tools", "uv")
TAG_STYLES = ("X.Y.Z", "vX.Y.Z")
DOCS_LAYOUTS = ("multi", "single", "none")
# The CI services the shared tests workflow can start on its Linux jobs (docs: workflows.md).
SERVICES = ("redis", "memcached", "mongodb", "postgres", "dynamodb-local", "valkey")
BACKEND_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
FILE_RE = re.compile(r"^(?!/)(?!.*(?:^|/)\.\.(?:/|$))[^\\\x00-\x1f]+$")
# What a branch name may hold beyond git's rules: no quotes, backslashes or whitespace,
# so that it stays one word in YAML, TOML, Python and a shell.
BRANCH_CHARS_RE = re.compile(r"[A-Za-z0-9._/+-]+")
URL_RE = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:[/?#][^\s\"'\\<>`{}|^]*)?")
VERSION_RE = re.compile(r"[0-9]+(?:\.[0-9]+)*(?:[a-z]+[0-9]*)?")
URL_VARIABLE = "_url"  # a template variable named *_url holds an http(s) URL
VERSION_VARIABLES = ("_python", "_version")  # *_python, *_version hold a version

ECOSYSTEM_KEYS = {
    "name",
    "org",
    "repo",
    "branch",
    "sync-branch",
    "workflows-ref",
    "index-url",
    "maintainers",
    "python",
    "generation",
}
PYTHON_KEYS = {"supported", "policy"}
PROJECT_KEYS = {
    "repo",
    "url",
    "pypi",
    "module",
    "changelog",
    "branch",
    "python",
    "vars",
    "skip",
    "description",
    "generation",
    "tag-style",
    "typed",
    "readme",
    "license-file",
    "build-backend",
    "docs-layout",
    "tests",
    "settings",  # overrides of settings.toml, validated by eco.settings.model
}
TESTS_KEYS = {"dependencies", "services", "apt"}
SERVICE_KEYS = {"image", "port"}
TOP_KEYS = {"ecosystem", "defaults", "projects"}


@dataclass(frozen=True)
class Ecosystem:
    name: str
    org: str
    repo: str
    branch: str = "main"
    sync_branch: str = "eco/sync"
    workflows_ref: str = ""
    index_url: str = "https://pypi.org/simple"
    maintainers: tuple[str, ...] = ()
    python: tuple[str, ...] = ()
    python_policy: str = ""
    generation: str = "pip-tools"


@dataclass(frozen=True)
class Service:
    """A CI service container the project's tests need (``[projects.X.tests.services]``)."""

    name: str
    image: str
    port: int


@dataclass(frozen=True)
class Project:
    name: str
    pypi: str
    module: str
    changelog: str
    changelog_format: str
    branch: str
    python: tuple[str, ...]
    repo: str | None = None
    url: str | None = None
    description: str = ""
    vars: Mapping[str, Any] = field(default_factory=dict)
    skip: Mapping[str, str] = field(default_factory=dict)
    # Facts of the project's own, read by ``eco add`` and kept by sync (adoption).
    generation: str = "pip-tools"  # "pip-tools" (requirements/*.in, nox) or "uv" (uv.lock)
    tag_style: str = "X.Y.Z"  # or "vX.Y.Z"
    typed: bool = True
    readme: str = "README.md"
    license_file: str = "LICENSE.txt"
    build_backend: str = "flit_core"  # any other backend is the project's own, kept as it is
    docs_layout: str = "multi"  # "multi" (index + pages), "single" (one page) or "none"
    test_dependencies: tuple[str, ...] = ()
    services: tuple[Service, ...] = ()
    apt: tuple[str, ...] = ()
    settings: Mapping[str, Any] = field(default_factory=dict)  # settings.toml overrides

    @property
    def has_changelog(self) -> bool:
        """False when the project keeps no changelog file (release notes on GitHub only)."""
        return bool(self.changelog)

    def tag(self, version: str) -> str:
        """The git tag of ``version`` in the project's tag style."""
        return f"v{version}" if self.tag_style == "vX.Y.Z" else version

    @property
    def clone_url(self) -> str:
        """Where the project is cloned from: ``url`` if given, else GitHub over HTTPS."""
        if self.url:
            return self.url
        return f"https://github.com/{self.repo}.git"

    @property
    def min_python(self) -> str:
        return self.python[0]

    @property
    def max_python(self) -> str:
        return self.python[-1]

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "repo": self.repo,
            "url": self.url,
            "clone_url": self.clone_url,
            "pypi": self.pypi,
            "module": self.module,
            "description": self.description,
            "changelog": self.changelog,
            "changelog_format": self.changelog_format,
            "branch": self.branch,
            "python": list(self.python),
            "vars": dict(self.vars),
            "skip": dict(self.skip),
            "generation": self.generation,
            "tag_style": self.tag_style,
            "typed": self.typed,
            "readme": self.readme,
            "license_file": self.license_file,
            "build_backend": self.build_backend,
            "docs_layout": self.docs_layout,
            "tests": {
                "dependencies": list(self.test_dependencies),
                "services": {s.name: {"image": s.image, "port": s.port} for s in self.services},
                "apt": list(self.apt),
            },
        }


@dataclass(frozen=True)
class Registry:
    path: Path
    ecosystem: Ecosystem
    defaults: Mapping[str, Any]
    projects: Mapping[str, Project]

    @property
    def root(self) -> Path:
        return self.path.parent

    def select(self, names: Iterable[str] = ()) -> list[Project]:
        """The named projects in the order given, or every project; unknown names fail."""
        wanted = list(names)
        if not wanted:
            return list(self.projects.values())
        out = []
        for name in wanted:
            if name not in self.projects:
                raise RegistryError(
                    f"{self.path.name}: no project named {name!r}"
                    f"{did_you_mean(name, list(self.projects))}; "
                    f"known: {', '.join(self.projects) or '(none)'}"
                )
            out.append(self.projects[name])
        return out


def python_sort_key(version: str) -> tuple[int, int]:
    match = PYTHON_RE.match(version)
    assert match is not None
    return (int(match.group(1)), 1 if match.group(2) else 0)


class _Locator:
    """Best-effort line numbers for key paths (``tomllib`` gives none for values)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def line(self, path: tuple[str, ...]) -> int | None:
        table: tuple[str, ...] = ()
        best: int | None = None
        header_re = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
        key_re = re.compile(r'^\s*("[^"]*"|\'[^\']*\'|[A-Za-z0-9_.-]+)\s*=')
        for number, raw in enumerate(self.lines, start=1):
            header = header_re.match(raw)
            if header:
                table = _split_key(header.group(1))
                if table == path:
                    return number
                if path[: len(table)] == table and best is None and table:
                    best = number
                continue
            key = key_re.match(raw)
            if key:
                full = table + _split_key(key.group(1))
                if full == path or (path[: len(full)] == full and len(full) >= 2):
                    return number
        return best


def line_of(text: str, path: tuple[str, ...]) -> int | None:
    """The line of key ``path`` in TOML ``text`` (best effort), for error messages."""
    return _Locator(text).line(path)


def _split_key(key: str) -> tuple[str, ...]:
    parts = re.findall(r'"([^"]*)"|\'([^\']*)\'|([^.\s]+)', key)
    return tuple(next(p for p in part if p) if any(part) else "" for part in parts)


class _Checker:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.locator = _Locator(text)

    def fail(self, keypath: tuple[str, ...], problem: str) -> RegistryError:
        line = self.locator.line(keypath) if keypath else None
        where = f"{self.path}:{line}" if line else str(self.path)
        key = ".".join(_quote(k) for k in keypath)
        return RegistryError(f"{where}: {key}: {problem}" if key else f"{where}: {problem}")

    def keys(self, table: Mapping[str, Any], allowed: set[str], at: tuple[str, ...]) -> None:
        for key in table:
            if key not in allowed:
                raise self.fail(
                    at + (key,),
                    f"unknown key{did_you_mean(key, allowed)}; "
                    f"expected one of: {', '.join(sorted(allowed))}",
                )

    def string(
        self,
        table: Mapping[str, Any],
        key: str,
        at: tuple[str, ...],
        *,
        pattern: re.Pattern[str] | None = None,
        expected: str = "a string",
        required: bool = False,
        default: str | None = None,
    ) -> str | None:
        if key not in table:
            if required:
                raise self.fail(at, f"missing required key {key!r} ({expected})")
            return default
        value = table[key]
        if not isinstance(value, str) or not value:
            raise self.fail(at + (key,), f"expected {expected}, got {_show(value)}")
        if pattern is not None and not pattern.fullmatch(value):
            raise self.fail(at + (key,), f"expected {expected}, got {value!r}")
        return value

    def branch(self, table: Mapping[str, Any], key: str, at: tuple[str, ...], default: str) -> str:
        value = self.string(table, key, at, default=default, expected="a branch name")
        assert value is not None
        problem = branch_problem(value)
        if problem:
            raise self.fail(at + (key,), f"expected a branch name, got {value!r}: {problem}")
        return value

    def file_path(
        self, table: Mapping[str, Any], key: str, at: tuple[str, ...], default: str, what: str
    ) -> str:
        value = self.string(table, key, at, default=default, expected=what)
        assert value is not None
        problem = path_problem(value)
        if problem:
            raise self.fail(at + (key,), f"expected {what}, got {value!r}: {problem}")
        return value

    def choice(
        self,
        table: Mapping[str, Any],
        key: str,
        at: tuple[str, ...],
        choices: tuple[str, ...],
        default: str,
    ) -> str:
        if key not in table:
            return default
        value = table[key]
        if value not in choices:
            shown = repr(value) if isinstance(value, str) else _show(value)
            raise self.fail(
                at + (key,),
                f"expected one of {', '.join(repr(c) for c in choices)}, got {shown}",
            )
        return str(value)

    def boolean(
        self, table: Mapping[str, Any], key: str, at: tuple[str, ...], default: bool
    ) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(at + (key,), f"expected true or false, got {_show(value)}")
        return value

    def strings(
        self, table: Mapping[str, Any], key: str, at: tuple[str, ...], what: str
    ) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(at + (key,), f"expected a list of {what}, got {_show(value)}")
        return tuple(value)

    def pythons(self, value: Any, at: tuple[str, ...]) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail(
                at,
                f'expected a non-empty list of versions like "3.12", got {_show(value)}',
            )
        for item in value:
            if not isinstance(item, str) or not PYTHON_RE.match(item):
                raise self.fail(
                    at,
                    f'invalid Python version {item!r}; expected "3.N" (or "3.Nt" free-threaded)',
                )
        if len(set(value)) != len(value):
            raise self.fail(at, "a Python version is listed twice")
        return tuple(sorted(value, key=python_sort_key))

    def variables(self, value: Any, at: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(at, f"expected a table of template variables, got {_show(value)}")
        for name, item in value.items():
            if not VAR_RE.fullmatch(name):
                raise self.fail(
                    at + (name,),
                    "invalid variable name; expected letters, digits and underscores, "
                    "not starting with a digit",
                )
            if name.endswith(URL_VARIABLE) and not (
                isinstance(item, str) and URL_RE.fullmatch(item)
            ):
                raise self.fail(
                    at + (name,),
                    f"expected an http(s) URL (a *{URL_VARIABLE} variable), got {_show(item)}",
                )
            if name.endswith(VERSION_VARIABLES) and not (
                isinstance(item, str) and VERSION_RE.fullmatch(item)
            ):
                raise self.fail(at + (name,), f'expected a version like "3.13", got {_show(item)}')
        return dict(value)


def _first_date(
    value: Any, at: tuple[str, ...] = ()
) -> tuple[tuple[str, ...], datetime.date | datetime.time] | None:
    """The key path and value of the first TOML date or time in ``value`` (through tables;
    an array's items are named by the array): no registry value is one, and neither
    JSON nor a state file could carry it as TOML holds it."""
    if isinstance(value, (datetime.date, datetime.time)):
        return at, value
    if isinstance(value, dict):
        items = [(at + (str(key),), item) for key, item in value.items()]
    elif isinstance(value, list):
        items = [(at, item) for item in value]
    else:
        items = []
    for where, item in items:
        found = _first_date(item, where)
        if found is not None:
            return found
    return None


def branch_problem(name: str) -> str:
    """What keeps ``name`` from being a branch eco accepts ("" when nothing): git's
    ref-name rules (``git check-ref-format``) on the safe characters only."""
    if not BRANCH_CHARS_RE.fullmatch(name):
        return "use letters, digits and . _ - + / only (no quotes, spaces or backslashes)"
    if name.startswith(("-", "/")) or name.endswith(("/", ".")):
        return "it may not start with '-' or '/', nor end with '/' or '.'"
    if ".." in name or "//" in name:
        return "it may not contain '..' or '//'"
    for part in name.split("/"):
        if part.startswith(".") or part.endswith(".lock"):
            return "no part of it may start with '.' or end with '.lock'"
    return ""


@functools.lru_cache(maxsize=4096)  # every rendered path of every project is asked
def path_problem(path: str) -> str:
    """Why ``path`` is not a file path inside a project ("" when it is one)."""
    parts = path.split("/")
    if path.startswith("/") or re.match(r"^[A-Za-z]:", path):
        return "an absolute path is outside the project"
    if ".." in parts:
        return "'..' leads out of the project"
    if not FILE_RE.fullmatch(path):
        return "backslashes and control characters are not allowed in a path"
    if any(part in ("", ".") for part in parts):
        return "empty or '.' parts are not allowed in a path"
    if any(part.lower() == ".git" for part in parts):
        return "a path inside .git is git's, not the project's"
    return ""


def _quote(key: str) -> str:
    return key if re.match(r"^[A-Za-z0-9_-]+$", key) else f'"{key}"'


def _show(value: Any) -> str:
    if isinstance(value, (str, list, dict)) and not value:
        return {"''": "an empty string", "[]": "an empty array", "{}": "an empty table"}[
            repr(value)
        ]
    kind = {
        str: "string",
        int: "integer",
        float: "float",
        bool: "boolean",
        list: "array",
        dict: "table",
    }
    return f"{kind.get(type(value), type(value).__name__)} {value!r}"[:80]


def load_registry(path: Path) -> Registry:
    """Parse and validate a registry file; raise :class:`RegistryError` on any problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read the registry: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(_toml_message(path, exc)) from None
    return parse_registry(path, text, data)


def _toml_message(path: Path, exc: tomllib.TOMLDecodeError) -> str:
    message = str(exc)
    match = re.search(r"\(at line (\d+), column (\d+)\)", message)
    if match:
        what = message[: match.start()].strip()
        return f"{path}:{match.group(1)}: invalid TOML at column {match.group(2)}: {what}"
    return f"{path}: invalid TOML: {message}"


def parse_registry(path: Path, text: str, data: Mapping[str, Any]) -> Registry:
    check = _Checker(path, text)
    dated = _first_date(data)
    if dated is not None:
        at, value = dated
        raise check.fail(
            at,
            f"expected a string, number, boolean, array or table, got the TOML date or time "
            f'{value.isoformat()}; quote it ("{value.isoformat()}") to give it as text',
        )
    check.keys(data, TOP_KEYS, ())
    eco_table = data.get("ecosystem")
    if not isinstance(eco_table, dict):
        raise check.fail((), "missing the [ecosystem] table (name, org, repo, python)")
    ecosystem = _parse_ecosystem(check, eco_table)
    defaults = check.variables(data.get("defaults", {}), ("defaults",))
    projects_table = data.get("projects", {})
    if not isinstance(projects_table, dict):
        raise check.fail(
            ("projects",), f"expected a table of projects, got {_show(projects_table)}"
        )
    projects: dict[str, Project] = {}
    seen_repos: dict[str, str] = {}
    for name, table in projects_table.items():
        project = _parse_project(check, ecosystem, defaults, name, table)
        if project.repo:
            other = seen_repos.get(project.repo.lower())
            if other:
                raise check.fail(
                    ("projects", name, "repo"),
                    f"repository {project.repo!r} is already registered as project {other!r}",
                )
            seen_repos[project.repo.lower()] = name
        projects[name] = project
    return Registry(path=path, ecosystem=ecosystem, defaults=defaults, projects=projects)


def _parse_ecosystem(check: _Checker, table: dict[str, Any]) -> Ecosystem:
    at = ("ecosystem",)
    check.keys(table, ECOSYSTEM_KEYS, at)
    name = check.string(table, "name", at, required=True, expected="the ecosystem's name")
    org = check.string(
        table,
        "org",
        at,
        required=True,
        pattern=re.compile(r"^[A-Za-z0-9-]+$"),
        expected="a GitHub organisation name",
    )
    repo = check.string(
        table,
        "repo",
        at,
        required=True,
        pattern=REPO_RE,
        expected='the monorepo\'s GitHub repository as "owner/name"',
    )
    branch = check.branch(table, "branch", at, "main")
    sync_branch = check.branch(table, "sync-branch", at, "eco/sync")
    workflows_ref = check.string(
        table,
        "workflows-ref",
        at,
        pattern=SHA_RE,
        default="",
        expected="the 40-hex commit of the monorepo that callers pin",
    )
    index_url = check.string(
        table,
        "index-url",
        at,
        pattern=URL_RE,
        default="https://pypi.org/simple",
        expected="an http(s) URL of a package index",
    )
    maintainers = table.get("maintainers", [])
    if not isinstance(maintainers, list) or not all(isinstance(m, str) for m in maintainers):
        raise check.fail(at + ("maintainers",), "expected a list of GitHub logins")
    python = table.get("python")
    if not isinstance(python, dict):
        raise check.fail(
            at + ("python",), 'missing [ecosystem.python] with supported = ["3.N", ...]'
        )
    check.keys(python, PYTHON_KEYS, at + ("python",))
    if "supported" not in python:
        raise check.fail(
            at + ("python",),
            "missing key 'supported' (a list of versions like \"3.12\")",
        )
    supported = check.pythons(python["supported"], at + ("python", "supported"))
    policy = python.get("policy", "")
    if not isinstance(policy, str):
        raise check.fail(at + ("python", "policy"), f"expected a string, got {_show(policy)}")
    generation = check.choice(table, "generation", at, GENERATIONS, "pip-tools")
    assert name and org and repo and branch and sync_branch and index_url is not None
    return Ecosystem(
        name=name,
        org=org,
        repo=repo,
        branch=branch,
        sync_branch=sync_branch,
        workflows_ref=workflows_ref or "",
        index_url=index_url,
        maintainers=tuple(maintainers),
        python=supported,
        python_policy=policy,
        generation=generation,
    )


def _parse_project(
    check: _Checker,
    ecosystem: Ecosystem,
    defaults: Mapping[str, Any],
    name: str,
    table: Any,
) -> Project:
    at = ("projects", name)
    if not NAME_RE.match(name):
        raise check.fail(
            at,
            "invalid project name; expected lower-case letters, digits, '-', '_' or '.'",
        )
    if not isinstance(table, dict):
        raise check.fail(at, f"expected a table, got {_show(table)}")
    check.keys(table, PROJECT_KEYS, at)
    repo = check.string(
        table,
        "repo",
        at,
        pattern=REPO_RE,
        expected='a GitHub repository as "owner/name"',
    )
    url = check.string(table, "url", at, expected="a git URL or a local path")
    if repo is None and url is None:
        raise check.fail(
            at,
            "missing 'repo' (\"owner/name\" on GitHub) or 'url' (any git URL or path)",
        )
    pypi = check.string(
        table, "pypi", at, pattern=PYPI_RE, default=name, expected="a PyPI project name"
    )
    default_module = re.sub(r"[^A-Za-z0-9_]", "_", name).lower()
    module = check.string(
        table,
        "module",
        at,
        pattern=MODULE_RE,
        default=default_module,
        expected="a Python import name",
    )
    changelog: str | None = ""  # "": no changelog file, release notes on GitHub only
    if table.get("changelog") != "":
        changelog = check.file_path(
            table,
            "changelog",
            at,
            "CHANGES.rst",
            "a file path inside the project (relative, no '..'), or \"\" for none",
        )
    assert changelog is not None and pypi is not None and module is not None
    suffix = Path(changelog).suffix
    if changelog and suffix not in CHANGELOG_FORMATS:
        raise check.fail(
            at + ("changelog",),
            f"unknown changelog format {suffix or '(no extension)'!r} in {changelog!r}; "
            "expected a .rst or .md file",
        )
    branch = check.branch(table, "branch", at, ecosystem.branch)
    python = (
        check.pythons(table["python"], at + ("python",)) if "python" in table else ecosystem.python
    )
    description = check.string(table, "description", at, default="")
    own_vars = check.variables(table.get("vars", {}), at + ("vars",))
    skip = table.get("skip", {})
    if not isinstance(skip, dict):
        raise check.fail(at + ("skip",), 'expected a table of file = "reason"')
    for file, reason in skip.items():
        problem = path_problem(file)
        if problem:
            raise check.fail(
                at + ("skip", file), f"expected a file path inside the project: {problem}"
            )
        if not isinstance(reason, str) or not reason.strip():
            raise check.fail(
                at + ("skip", file),
                "an opt-out needs a reason; "
                "expected a non-empty string saying why the file is skipped",
            )
    facts = _parse_facts(check, ecosystem, table, at)
    settings = table.get("settings", {})
    if not isinstance(settings, dict):
        raise check.fail(at + ("settings",), f"expected a table, got {_show(settings)}")
    assert branch is not None
    return Project(
        name=name,
        repo=repo,
        url=url,
        pypi=pypi,
        module=module,
        description=description or "",
        changelog=changelog,
        changelog_format=CHANGELOG_FORMATS[suffix] if changelog else "none",
        branch=branch,
        python=python,
        vars={**defaults, **own_vars},
        skip=dict(skip),
        settings=settings,
        **facts,
    )


def _parse_facts(
    check: _Checker, ecosystem: Ecosystem, table: Mapping[str, Any], at: tuple[str, ...]
) -> dict[str, Any]:
    """The project's own facts (``eco add`` writes them): generation, tags, files, tests."""
    file = "a file name inside the project (relative, no '..')"
    tests = table.get("tests", {})
    if not isinstance(tests, dict):
        raise check.fail(at + ("tests",), f"expected a table, got {_show(tests)}")
    check.keys(tests, TESTS_KEYS, at + ("tests",))
    services_table = tests.get("services", {})
    if not isinstance(services_table, dict):
        raise check.fail(
            at + ("tests", "services"),
            f'expected a table of services like redis = {{ image = "redis:7", port = 6379 }}, '
            f"got {_show(services_table)}",
        )
    services = []
    for service, spec in services_table.items():
        where = at + ("tests", "services", service)
        if service not in SERVICES:
            raise check.fail(
                where,
                f"unknown service{did_you_mean(service, SERVICES)}; "
                f"the tests workflow can start: {', '.join(SERVICES)}",
            )
        if not isinstance(spec, dict):
            raise check.fail(where, f"expected a table with image and port, got {_show(spec)}")
        check.keys(spec, SERVICE_KEYS, where)
        image = check.string(
            spec,
            "image",
            where,
            required=True,
            pattern=re.compile(r"^[a-z0-9][a-z0-9._/-]*(?::[A-Za-z0-9._-]+)?$"),
            expected='a container image like "redis:7"',
        )
        port = spec.get("port")
        if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
            raise check.fail(where + ("port",), f"expected a port number, got {_show(port)}")
        assert image is not None
        services.append(Service(name=service, image=image, port=port))
    apt = check.strings(tests, "apt", at + ("tests",), "Debian package names")
    for package in apt:
        if not re.match(r"^[a-z0-9][a-z0-9.+-]+$", package):
            raise check.fail(
                at + ("tests", "apt"), f"expected Debian package names, got {package!r}"
            )
    return {
        "generation": check.choice(table, "generation", at, GENERATIONS, ecosystem.generation),
        "tag_style": check.choice(table, "tag-style", at, TAG_STYLES, "X.Y.Z"),
        "typed": check.boolean(table, "typed", at, True),
        "readme": check.file_path(table, "readme", at, "README.md", file),
        "license_file": check.file_path(table, "license-file", at, "LICENSE.txt", file),
        "build_backend": check.string(
            table,
            "build-backend",
            at,
            pattern=BACKEND_RE,
            default="flit_core",
            expected="a build backend's distribution name (flit_core, hatchling, setuptools, ...)",
        ),
        "docs_layout": check.choice(table, "docs-layout", at, DOCS_LAYOUTS, "multi"),
        "test_dependencies": check.strings(
            tests, "dependencies", at + ("tests",), "requirement strings"
        ),
        "services": tuple(services),
        "apt": apt,
    }
