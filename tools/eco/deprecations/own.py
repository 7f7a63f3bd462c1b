"""A project's own deprecations and which of them its next feature release must remove.

Pallets' policy: a deprecation warning in one feature release allows removal in the
next. This finds every deprecation a project's package code emits —
``warnings.warn("...", DeprecationWarning)`` (also ``PendingDeprecationWarning`` and the
project's own subclasses of either, as positional or ``category=`` argument, or a
warning instance) and ``@typing_extensions.deprecated("...")`` / ``@warnings.deprecated``
— reads the removal version from the message (:mod:`eco.deprecations.removal`) and
compares it with the next feature version.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from pathlib import PurePosixPath

from packaging.version import InvalidVersion
from packaging.version import Version

from eco.deprecations.removal import names_this_project
from eco.deprecations.removal import NEXT
from eco.deprecations.removal import parse_removal
from eco.deprecations.scan import package_of
from eco.deprecations.scan import Source
from eco.deprecations.scopes import analyse
from eco.deprecations.scopes import qualify
from eco.errors import EcoError

WARNING_BASES = {"DeprecationWarning", "PendingDeprecationWarning"}
DECORATORS = {"typing_extensions.deprecated", "warnings.deprecated"}
WARN_FUNCTIONS = {"warnings.warn"}
NOT_PACKAGE = {"tests", "test", "docs", "examples", "benchmarks", "scripts"}
DUE_STATES = ("overdue", "due")


@dataclass(frozen=True)
class Deprecation:
    path: str
    line: int
    kind: str  # "warn" | "decorator"
    category: str  # "DeprecationWarning", a project subclass, ...
    message: str
    removal: str | None  # "3.2", "next" or None when the message names no version
    other_project: str | None = None  # the message is about that project's version

    def state(self, next_version: str) -> str:
        """``overdue`` (should be gone already), ``due`` (remove in ``next_version``),
        ``later``, ``other`` (names another project) or ``unknown`` (no version)."""
        if self.other_project is not None:
            return "other"
        if self.removal is None:
            return "unknown"
        if self.removal == NEXT:
            return "due"
        removal, upcoming = _release(self.removal), _release(next_version)
        if removal < upcoming:
            return "overdue"
        return "due" if removal == upcoming else "later"

    def as_dict(self, next_version: str) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "kind": self.kind,
            "category": self.category,
            "message": self.message,
            "removal": self.removal,
            "other_project": self.other_project,
            "state": self.state(next_version),
        }


def _release(version: str) -> tuple[int, ...]:
    release = Version(version).release
    return tuple(release) + (0,) * (3 - len(release))


def due(source_root: Path, next_version: str) -> list[Deprecation]:
    """The deprecations in a project checkout that its ``next_version`` must remove.

    ``source_root`` is the project's top folder (holding ``pyproject.toml`` and ``src/``);
    ``next_version`` the feature release being prepared, e.g. ``"3.2.0"``. Returned:
    every deprecation whose message says it is removed in that version, in an earlier
    one (overdue) or "in the next version", sorted by path and line. Messages naming
    another project's version and messages naming no version are left out. Raises
    :class:`~eco.errors.EcoError` when ``next_version`` is not a version.

    This signature is stable: ``eco release`` calls it in pre-flight for a feature
    release.
    """
    _check_version(next_version)
    sources = disk_sources(source_root)
    pyproject = source_root / "pyproject.toml"
    names = project_names(pyproject, _read(pyproject))
    return [d for d in find_deprecations(sources, names) if d.state(next_version) in DUE_STATES]


def _check_version(version: str) -> None:
    try:
        Version(version)
    except InvalidVersion:
        raise EcoError(f"{version!r} is not a version; expected one like 3.2.0") from None


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None


def is_package_file(path: str, has_src: bool) -> bool:
    """Whether ``path`` is package code (``src/`` when there is one; never tests or docs)."""
    parts = PurePosixPath(path).parts
    if not path.endswith(".py") or any(p.startswith(".") for p in parts):
        return False
    if has_src:
        return parts[0] == "src"
    return len(parts) > 1 and parts[0] not in NOT_PACKAGE


def package_paths(paths: Iterable[str]) -> list[str]:
    paths = list(paths)
    has_src = any(p.startswith("src/") and p.endswith(".py") for p in paths)
    return sorted(p for p in paths if is_package_file(p, has_src))


def disk_sources(root: Path) -> list[Source]:
    found = [p.relative_to(root).as_posix() for p in root.rglob("*.py") if p.is_file()]
    return [
        Source(path, (root / path).read_text(encoding="utf-8", errors="replace"))
        for path in package_paths(found)
    ]


def project_names(where: Path | str, pyproject: str | None) -> list[str]:
    """The names a message may use for this project: the distribution's and its import's."""
    if pyproject is None:
        return []
    try:
        data = tomllib.loads(pyproject)
    except tomllib.TOMLDecodeError as exc:
        raise EcoError(f"{where}: invalid TOML: {exc}") from None
    project = data.get("project", {})
    name = project.get("name") if isinstance(project, dict) else None
    module = data.get("tool", {}).get("flit", {}).get("module", {}).get("name")
    return [n for n in (name, module) if isinstance(n, str)]


def next_feature_version(where: str, pyproject: str | None, sources: Sequence[Source]) -> str:
    """The version the project's branch is heading for: ``3.2.0.dev`` → ``3.2.0``.

    Read from ``[project] version``, or from ``__version__`` in the package when the
    version is dynamic. A final version ``3.1.2`` (no ``.dev``) means ``3.2.0`` is next.
    """
    text = _declared_version(where, pyproject, sources)
    try:
        version = Version(text)
    except InvalidVersion:
        raise EcoError(f"{where}: version {text!r} is not a PEP 440 version") from None
    if version.is_devrelease or version.is_prerelease:
        return version.base_version
    major, minor = (tuple(version.release) + (0,))[:2]
    return f"{major}.{minor + 1}.0"


def _declared_version(where: str, pyproject: str | None, sources: Sequence[Source]) -> str:
    if pyproject is not None:
        project = tomllib.loads(pyproject).get("project", {})
        if isinstance(project.get("version"), str):
            return str(project["version"])
    for source in sources:
        if PurePosixPath(source.path).name != "__init__.py" or source.path.count("/") > 2:
            continue
        try:
            tree = ast.parse(source.text)
        except SyntaxError:
            continue
        for statement in tree.body:
            if (
                isinstance(statement, ast.Assign)
                and any(
                    isinstance(t, ast.Name) and t.id == "__version__" for t in statement.targets
                )
                and isinstance(statement.value, ast.Constant)
                and isinstance(statement.value.value, str)
            ):
                return statement.value.value
    raise EcoError(
        f"{where}: no [project] version or __version__ found to tell the next feature "
        "version; pass --version"
    )


def find_deprecations(sources: Sequence[Source], names: Sequence[str] = ()) -> list[Deprecation]:
    """Every deprecation emitted by ``sources``; ``names`` are the project's own names."""
    trees: dict[str, ast.Module] = {}
    for source in sources:
        try:
            trees[source.path] = ast.parse(source.text, filename=source.path)
        except (SyntaxError, ValueError):
            continue
    categories = _warning_classes(trees.values())
    paths = {s.path for s in sources}
    found: list[Deprecation] = []
    for source in sources:
        tree = trees.get(source.path)
        if tree is not None:
            found += _in_module(source.path, tree, package_of(source.path, paths), categories)
    resolved = []
    for item in found:
        removal = parse_removal(item.message)
        other = None if names_this_project(removal, names) else removal.project
        resolved.append(
            Deprecation(
                item.path, item.line, item.kind, item.category, item.message, removal.version, other
            )
        )
    return sorted(resolved, key=lambda d: (d.path, d.line))


def _warning_classes(trees: Iterable[ast.Module]) -> set[str]:
    """Deprecation warning categories: the builtins and the project's subclasses of them."""
    classes: dict[str, set[str]] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                classes.setdefault(node.name, set()).update(
                    b for b in map(_last_name, node.bases) if b
                )
    known = set(WARNING_BASES)
    while True:
        more = {name for name, bases in classes.items() if bases & known} - known
        if not more:
            return known
        known |= more


def _last_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _in_module(
    path: str, tree: ast.Module, package: str | None, categories: set[str]
) -> list[Deprecation]:
    module = analyse(tree, package)

    def constant(name: ast.Name) -> ast.expr | None:
        """The value of the one plain assignment ``name`` refers to (``MSG = "..."``)."""
        bindings = module.reaching(name)
        if len(bindings) == 1:
            return next(iter(bindings)).value
        return None

    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        called = qualify(module, node.func)
        if called & WARN_FUNCTIONS:
            item = _warn_call(path, node, categories, constant)
        elif called & DECORATORS:
            item = _decorator(path, node, categories, constant)
        else:
            continue
        if item is not None:
            found.append(item)
    return found


Constant = Callable[[ast.Name], ast.expr | None]


def _warn_call(
    path: str, node: ast.Call, categories: set[str], constant: Constant
) -> Deprecation | None:
    args = list(node.args)
    keywords = {k.arg: k.value for k in node.keywords if k.arg}
    first = args[0] if args else keywords.get("message")
    category = args[1] if len(args) > 1 else keywords.get("category")
    if isinstance(first, ast.Call) and _last_name(first.func) in categories:
        category, first = first.func, first.args[0] if first.args else None
    name = _last_name(category) if category is not None else None
    if name not in categories or first is None:
        return None
    text = message_text(first, constant)
    return Deprecation(path, node.lineno, "warn", str(name), text, None)


def _decorator(
    path: str, node: ast.Call, categories: set[str], constant: Constant
) -> Deprecation | None:
    keywords = {k.arg: k.value for k in node.keywords if k.arg}
    first = node.args[0] if node.args else keywords.get("message")
    category = keywords.get("category")
    name = "DeprecationWarning" if category is None else _last_name(category)
    if first is None or name not in categories:
        return None
    text = message_text(first, constant)
    return Deprecation(path, node.lineno, "decorator", str(name), text, None)


def message_text(node: ast.expr, constant: Constant | None = None, depth: int = 0) -> str:
    """The literal text of a message expression; interpolated parts become ``{...}``.

    A name bound once to a value in the same module (``MSG = "... removed in 1.2."``) is
    read through ``constant``.
    """

    def text(part: ast.expr) -> str:
        return message_text(part, constant, depth + 1)

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name) and constant is not None and depth < 10:
        value = constant(node)
        if value is not None:
            return text(value)
    if isinstance(node, ast.JoinedStr):
        return "".join(
            str(v.value) if isinstance(v, ast.Constant) else "{" + ast.unparse(v.value) + "}"
            for v in node.values
            if isinstance(v, ast.Constant | ast.FormattedValue)
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return text(node.left) + text(node.right)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return text(node.left)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        return text(node.func.value)
    return "{" + ast.unparse(node) + "}"
