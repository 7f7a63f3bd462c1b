"""A small, real flit project in git for the build and release tests (hand-made, so these
tests do not depend on the skeleton; the end-to-end test uses ``eco init`` as well)."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import git
from tests.helpers import make_bare_repo

PYPROJECT = """\
[project]
name = "{name}"
version = "{version}"
description = "A project released by the eco tests."
readme = "README.md"
license = "BSD-3-Clause"
license-files = ["LICENSE.txt"]
requires-python = ">=3.11"

[build-system]
requires = ["flit_core>=3.11,<4"]
build-backend = "flit_core.buildapi"

[tool.flit.module]
name = "{module}"

[tool.flit.sdist]
include = ["tests/", "CHANGES.{ext}"]
"""

CHANGES = {
    "rst": "Version {release}\n{line}\n\nUnreleased\n\n-   A change. :issue:`1`\n",
    "md": "## Version {release}\n\nUnreleased\n\n-   A change. {{issue}}`1`\n",
}


def project_files(
    name: str, version: str = "1.2.0.dev", fmt: str = "rst", changes: str | None = None
) -> dict[str, str]:
    module = name.replace("-", "_")
    release = version.removesuffix(".dev")
    title = f"Version {release}"
    return {
        "pyproject.toml": PYPROJECT.format(name=name, version=version, module=module, ext=fmt),
        "README.md": f"# {name}\n\nA project released by the eco tests.\n",
        "LICENSE.txt": "BSD-3-Clause\n",
        f"src/{module}/__init__.py": '"""A test project."""\n',
        "tests/test_nothing.py": "def test_nothing() -> None:\n    pass\n",
        f"CHANGES.{fmt}": changes
        if changes is not None
        else CHANGES[fmt].format(release=release, line="-" * len(title)),
    }


def make_project(
    tmp: Path, name: str, version: str = "1.2.0.dev", fmt: str = "rst", **files: str
) -> tuple[Path, Path]:
    """A bare remote holding the project on ``main`` and a maintainer's clone of it."""
    content = project_files(name, version, fmt)
    content.update({key.replace("__", "/"): value for key, value in files.items()})
    bare = make_bare_repo(tmp, name, content)
    clone = tmp / "checkouts" / name
    clone.parent.mkdir(parents=True, exist_ok=True)
    git("clone", "-q", str(bare), str(clone), cwd=tmp)
    return bare, clone
