"""Fixtures of ``eco test``: an upstream package in three versions and downstream projects.

The upstream, ``ecotest-up`` (module ``ecotest_up``), is written as source and built into
real wheels with ``uv build`` once per session, then served by the session's package
index together with the wheels every test environment needs (pytest and its
dependencies, flit_core for building), fetched once with ``pip download``:

- 1.0.0: ``old_helper()``, ``legacy()``, and ``add(2, 2) == 5`` (the bug);
- 2.0.0: ``old_helper`` removed, ``legacy()`` warns ``DeprecationWarning``, the bug fixed;
- 2.1.0rc1: a pre-release, as 2.0.0.

The same sources are a git repository (a bare remote tagged ``2.0.0``) and a folder, for
``--against`` with a git URL and with a path. The downstream projects — both
generations — are bare git remotes registered in a scratch ecosystem: see
:data:`DOWNSTREAM` for what each one's suite does.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from eco.ecosystem_ci.environments import uv_binary
from tests.helpers import git
from tests.helpers import make_bare_repo
from tests.helpers import write_files
from tests.package_index import PackageIndex

UPSTREAM = "ecotest-up"
BUILD_SYSTEM = """\
[build-system]
requires = ["flit_core>=3.11,<5"]
build-backend = "flit_core.buildapi"
"""

_V1 = '''\
"""The fixture upstream, version 1.0.0."""


def old_helper():
    return "old"


def legacy():
    return "legacy"


def add(a, b):
    if (a, b) == (2, 2):
        return 5  # the bug 2.0.0 fixes
    return a + b
'''

_V2 = '''\
"""The fixture upstream, version {version}."""

import warnings


def legacy():
    warnings.warn(
        "'legacy' is deprecated and will be removed in 3.0; use 'add'",
        DeprecationWarning,
        stacklevel=2,
    )
    return "legacy"


def add(a, b):
    return a + b
'''


def upstream_files(version: str) -> dict[str, str]:
    source = _V1 if version.startswith("1.") else _V2.format(version=version)
    return {
        "pyproject.toml": BUILD_SYSTEM
        + f'\n[project]\nname = "{UPSTREAM}"\nversion = "{version}"\n'
        + 'description = "the upstream of the eco test fixtures"\n',
        "src/ecotest_up/__init__.py": source,
    }


@dataclass(frozen=True)
class Upstream:
    index: PackageIndex
    v2_source: Path  # a checkout of 2.0.0
    git_url: str  # file:// URL of a bare repository: main at 1.0.0, tag 2.0.0


def uv_env(index_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_"))}
    env.update({"UV_NO_CONFIG": "1", "UV_PYTHON_DOWNLOADS": "never", "UV_INDEX_URL": index_url})
    return env


def publish_upstream(index: PackageIndex, base: Path) -> Upstream:
    """Build and publish the upstream's versions and the tools; make its git remote."""
    tools = base / "tools"
    subprocess.run(  # from this machine's package registry, as pip is configured here
        [sys.executable, "-m", "pip", "download", "-q", "--only-binary=:all:", "-d", str(tools)]
        + ["pytest", "flit_core>=3.11,<5"],
        check=True,
        capture_output=True,
    )
    index.publish(*sorted(tools.glob("*.whl")))
    wheels = base / "wheels"
    for version in ("1.0.0", "2.0.0", "2.1.0rc1"):
        source = base / f"src-{version}"
        write_files(source, upstream_files(version))
        subprocess.run(
            [uv_binary(), "build", "--wheel", "--out-dir", str(wheels), str(source)],
            check=True,
            capture_output=True,
            env=uv_env(index.url),
        )
    index.publish(*sorted(wheels.glob("*.whl")))
    bare = make_bare_repo(base, "ecotest-up", upstream_files("1.0.0"))
    work = base / "ecotest-up-work"
    git("clone", "-q", str(bare), str(work), cwd=base)
    write_files(work, upstream_files("2.0.0"))
    git("commit", "-q", "-am", "2.0.0", cwd=work)
    git("tag", "2.0.0", cwd=work)
    git("push", "-q", "origin", "main", "2.0.0", cwd=work)
    return Upstream(index, base / "src-2.0.0", bare.as_uri())


@pytest.fixture(scope="session")
def upstream(package_index: PackageIndex, tmp_path_factory: pytest.TempPathFactory) -> Upstream:
    """The session's index serving the upstream and the tools; the upstream's sources."""
    return publish_upstream(package_index, tmp_path_factory.mktemp("ecotest-upstream"))


# -- the downstream projects ---------------------------------------------------------


def _pyproject(name: str, extra: str = "") -> str:
    module = name.replace("-", "_")
    return (
        BUILD_SYSTEM
        + f'\n[project]\nname = "{name}"\nversion = "1.0.0"\n'
        + f'description = "a downstream fixture"\ndependencies = ["{UPSTREAM}"]\n'
        + f'\n[tool.flit.module]\nname = "{module}"\n'
        + '\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\nfilterwarnings = ["error"]\n'
        + extra
    )


def _uv_lock(project: str, pins: Mapping[str, str]) -> str:
    """A uv.lock in uv's shape: the project editable, its dependencies from a registry."""
    lines = ["version = 1", 'requires-python = ">=3.11"', ""]
    lines += ["[[package]]", f'name = "{project}"', 'version = "1.0.0"']
    lines += ['source = { editable = "." }', ""]
    for name, version in pins.items():
        lines += ["[[package]]", f'name = "{name}"', f'version = "{version}"']
        lines += ['source = { registry = "https://pypi.org/simple" }', ""]
    return "\n".join(lines)


def project_files(name: str, generation: str, module_code: str, tests: str) -> dict[str, str]:
    """A downstream project pinned to ``ecotest-up==1.0.0`` in its generation's way."""
    module = name.replace("-", "_")
    files = {
        f"src/{module}/__init__.py": f'"""{name}, a downstream fixture."""\n\n' + module_code,
        "tests/test_it.py": tests.replace("MODULE", module),
    }
    if generation == "uv":
        files["pyproject.toml"] = _pyproject(name, '\n[dependency-groups]\ntests = ["pytest"]\n')
        files["uv.lock"] = _uv_lock(name, {UPSTREAM: "1.0.0"})
    else:
        files["pyproject.toml"] = _pyproject(name)
        files["requirements/tests.in"] = "pytest\n"
        files["requirements/tests.txt"] = (
            "# pinned by pip-compile\n"
            f"{UPSTREAM}==1.0.0\n    # via -r tests.in\npytest\n    # via -r tests.in\n"
        )
    return files


# What each downstream project's suite does against 1.0.0 (baseline) and 2.0.0.
DOWNSTREAM: dict[str, tuple[str, str, str]] = {
    # name: (generation, module code, tests)
    "ext-removed": (
        "pip-tools",
        "import ecotest_up\n\n\ndef helper():\n    return ecotest_up.old_helper()\n",
        "import MODULE\n\n\ndef test_helper():\n    assert MODULE.helper() == 'old'\n"
        "\n\ndef test_unrelated():\n    assert True\n",
    ),
    "ext-deprecated": (
        "uv",
        "import ecotest_up\n\n\ndef name():\n    return ecotest_up.legacy()\n",
        "import MODULE\n\n\ndef test_name():\n    assert MODULE.name() == 'legacy'\n",
    ),
    "ext-fixed": (
        "pip-tools",
        "import ecotest_up\n\n\ndef four():\n    return ecotest_up.add(2, 2)\n",
        "import MODULE\n\n\ndef test_four():\n    assert MODULE.four() == 4\n",
    ),
    "ext-same": (
        "uv",
        "VALUE = 1\n",
        "import MODULE\n\n\ndef test_broken():\n    assert MODULE.VALUE == 2\n"
        "\n\ndef test_fine():\n    assert MODULE.VALUE == 1\n",
    ),
    "ext-flaky": (
        "pip-tools",
        "VALUE = 1\n",
        "from pathlib import Path\n\n"
        "MARKER = Path(__file__).with_name('.ran-once')\n\n\n"
        "def test_once():\n"
        "    if not MARKER.exists():\n"
        "        MARKER.write_text('ran')\n"
        "        raise AssertionError('the first run fails')\n",
    ),
}


# Registry lines of a project beyond its remote and generation.
EXTRA_ENTRY = {
    "ext-same": (
        'tests.apt = ["libxml2-dev"]\ntests.services.redis = { image = "redis:7", port = 6379 }\n'
    )
}


def registry_entries(remotes: Mapping[str, Path], generations: Mapping[str, str]) -> str:
    return "".join(
        f'\n[projects.{name}]\nurl = "{path}"\npython = ["3.11"]\n'
        f'generation = "{generations[name]}"\nchangelog = ""\n{EXTRA_ENTRY.get(name, "")}'
        for name, path in remotes.items()
    )


def make_downstream(tmp: Path, copies: int = 1, kinds: tuple[str, ...] = tuple(DOWNSTREAM)) -> str:
    """Bare remotes for each of ``kinds`` of :data:`DOWNSTREAM` project, ``copies`` times
    (the second copy of ``ext-same`` is ``ext-same-2``); returns their registry entries."""
    remotes = {}
    generations = {}
    for copy in range(1, copies + 1):
        for kind in kinds:
            generation, code, tests = DOWNSTREAM[kind]
            name = kind if copy == 1 else f"{kind}-{copy}"
            files = project_files(name, generation, code, tests)
            remotes[name] = make_bare_repo(tmp, name, files)
            generations[name] = generation
    return registry_entries(remotes, generations)
