"""The written layering of ``tools/eco`` (docs/maintainer/architecture.md), held by a test.

Every import is read — module level, inside functions, under ``TYPE_CHECKING`` — and
each one between two *rooms* (a top-level module or package of ``eco``) must point down
the layers, or be one of the edges the architecture page writes down on purpose.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "tools" / "eco"
GUIDE = REPO / "docs" / "maintainer"

# Top to bottom; a room may import a room of a lower layer, never of a higher one.
LAYERS: dict[str, int] = {
    # the command line
    "__main__": 0,
    "cli": 0,
    "commands": 0,
    # capabilities: one package per chore
    "sync": 1,
    "migrate": 1,
    "release": 1,
    "lock": 1,
    "python": 1,
    "triage": 1,
    "deprecations": 1,
    "pins": 1,
    "adopt": 1,
    "ecosystem_ci": 1,
    "settings": 1,
    "status": 1,
    # services the capabilities share
    "skeleton": 2,
    "forge": 2,
    "index": 2,
    # the core every capability stands on
    "registry": 3,
    "root": 3,
    "context": 3,
    "workspace": 3,
    "parallel": 3,
    "errors": 3,
    "secrets": 3,
    "tables": 3,
    "output": 3,
    "git": 3,
    "uv_binary": 3,
    "eco": 3,  # the package itself: ``from eco import __version__``
}

# Imports across one layer, each written down in the architecture page on purpose.
SIDEWAYS: frozenset[tuple[str, str]] = frozenset(
    {
        ("release", "deprecations"),  # the pre-flight asks which deprecations are due
        ("migrate", "sync"),  # a migration is a sync with the converted files laid over
        # eco status reads one cell from each of these capabilities
        ("status", "sync"),
        ("status", "settings"),
        ("status", "release"),
        ("status", "python"),
    }
)


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "eco"


def _module_name(path: Path, package: Path) -> str:
    rel = path.relative_to(package.parent).with_suffix("")
    name = ".".join(rel.parts)
    return name.removesuffix(".__init__")


def imports(package: Path) -> list[tuple[str, str, int, str]]:
    """Every import of ``eco`` inside ``package``: (importing room, file, line, imported module)."""
    found: list[tuple[str, str, int, str]] = []
    for path in sorted(package.rglob("*.py")):
        source_room = _room(_module_name(path, package))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                if node.module == "eco":
                    targets = [f"eco.{alias.name}" for alias in node.names]
                elif node.module.startswith("eco."):
                    targets = [node.module]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.startswith("eco.")]
            elif isinstance(node, ast.ImportFrom) and node.level:
                raise AssertionError(
                    f"{path}:{node.lineno}: relative import; eco imports absolutely"
                )
            if targets:
                assert isinstance(node, ast.Import | ast.ImportFrom)
                where = str(path.relative_to(package.parent))
                found.extend((source_room, where, node.lineno, t) for t in targets)
    return found


def violations(package: Path) -> list[str]:
    """Each import that goes against the layering, as ``file:line: a -> b (why)``."""
    problems = []
    for source, where, line, target in imports(package):
        target_room = _room(target)
        if target_room == source or target_room == "__version__":
            continue
        if source not in LAYERS:
            problems.append(f"{where}:{line}: room {source!r} is in no layer")
            continue
        if target_room not in LAYERS:
            problems.append(f"{where}:{line}: {target} is in no layer")
            continue
        up, down = LAYERS[source], LAYERS[target_room]
        if down > up or (down == up and (source, target_room) in SIDEWAYS):
            continue
        if down == up and down in (LAYERS["cli"], LAYERS["registry"]):
            continue  # the command line's and the core's rooms use each other (no cycles: below)
        direction = "upward" if down < up else "sideways, not written down"
        problems.append(f"{where}:{line}: {source} -> {target_room} ({direction})")
    return problems


def cycles(package: Path) -> list[list[str]]:
    """Cycles between rooms (within the core, where rooms of one layer import each other)."""
    graph: dict[str, set[str]] = {}
    for source, _, _, target in imports(package):
        if _room(target) != source:
            graph.setdefault(source, set()).add(_room(target))
    found: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt in path:
                found.append([*path[path.index(nxt) :], nxt])
            elif len(path) < 30:
                visit(nxt, [*path, nxt])

    for start in sorted(graph):
        visit(start, [start])
    return found


def test_every_import_follows_the_layering() -> None:
    assert imports(PACKAGE), "no import read: the checker is looking in the wrong place"
    assert violations(PACKAGE) == []


def test_the_rooms_import_each_other_without_cycles() -> None:
    assert cycles(PACKAGE) == []


def test_every_room_is_in_a_layer() -> None:
    rooms = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()}
    rooms = {r for r in rooms if not r.startswith(("_", ".")) or r == "__main__"}
    rooms -= {"py", "__pycache__"}
    assert sorted(r for r in rooms if r not in LAYERS and r != "py") == []


@pytest.mark.parametrize(
    ("where", "planted", "expected"),
    [
        ("skeleton/render.py", "from eco.sync.plan import make_plan\n", "skeleton -> sync (up"),
        (
            "registry.py",
            "def f() -> None:\n    from eco.forge import connect\n",
            "registry -> forge",
        ),
        ("lock/project.py", "from eco.release.changelog import parse\n", "lock -> release (side"),
        ("git/run.py", "from eco.commands.options import finish\n", "git -> commands (up"),
    ],
)
def test_a_planted_import_against_the_layering_is_caught(
    tmp_path: Path, where: str, planted: str, expected: str
) -> None:
    copy = tmp_path / "eco"
    for path in PACKAGE.rglob("*.py"):
        target = copy / path.relative_to(PACKAGE)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert violations(copy) == []
    target = copy / where
    target.write_text(target.read_text(encoding="utf-8") + "\n" + planted, encoding="utf-8")
    found = violations(copy)
    assert len(found) == 1
    assert expected in found[0]
    assert found[0].startswith(f"eco/{where}:")


_PATH_IN_GUIDE = re.compile(r"tools/eco/[\w/]+\.py|(?<![\w./-])eco(?:\.[a-z_]+)+")


def _existing(name: str) -> bool:
    if name.startswith("tools/"):
        return (REPO / name).is_file()
    parts = name.split(".")[1:]
    # ``eco.forge.auth`` (a module) or ``eco.release.steps.GitHubSide`` (a name in one)
    for end in range(len(parts), 0, -1):
        base = PACKAGE.joinpath(*parts[:end])
        if base.with_suffix(".py").is_file() or (base / "__init__.py").is_file():
            return True
    return False


def test_the_guide_names_only_modules_that_exist() -> None:
    pages = sorted(GUIDE.glob("*.md")) + [REPO / "README.md"]
    named = 0
    missing = []
    for page in pages:
        for lineno, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            for match in _PATH_IN_GUIDE.finditer(line):
                name = match.group(0)
                if name in {"eco.toml"} or name.startswith("eco.toml"):
                    continue  # the state file, .eco.toml
                named += 1
                if not _existing(name):
                    missing.append(f"{page.relative_to(REPO)}:{lineno}: {name}")
    assert named > 10, "the guide names hardly any module: the pattern is looking wrong"
    assert missing == []
