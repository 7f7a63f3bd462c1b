"""Existing extensions to adopt: small real packages in the shapes of the pallets-eco repositories.

Each fixture is written by :func:`make_fixture` as a git repository with a bare remote
(``tmp/remotes/<name>.git``, its ``HEAD`` on the fixture's default branch, release tags
pushed). The shapes are modelled on the real repositories, never copied from them:

- ``flask-grouped`` (flask-alembic, cachelib): the uv generation (``uv.lock``,
  ``[dependency-groups]``, ``[tool.tox]``); a stricter ``requires-python`` (3.11 in an
  ecosystem still supporting 3.10); ``vX.Y.Z`` tags.
- ``flask-mitlike`` (flask-alembic, blinker): MIT licence in ``LICENSE.txt``; ``tox.ini``;
  Markdown docs and changelog.
- ``flask-rstfiles`` (flask-sqlalchemy 2.x, flask-wtf): ``README.rst`` + ``LICENSE.rst``;
  default branch ``master``.
- ``flask-hooked`` (flask-babel): hatchling with a build hook compiling translations into
  untracked ``[tool.hatch.build] artifacts``; single-page docs; untyped.
- ``flask-services`` (flask-caching, flask-session): CI with redis + memcached service
  containers and an apt package; no docs.
- ``flask-docschanges`` (flask-wtf's ``docs/changes.rst``): the changelog is
  ``docs/changelog.rst``.
- ``flask-quiet`` (flask-debugtoolbar): no changelog (release notes on GitHub); untyped;
  test dependencies only in ``[project.optional-dependencies]``; generation unknown.

Every fixture is a real package: ``python -m build`` builds it, its tests pass once it is
installed, and its docs (where it has some) build with ``sphinx-build -W``
(``tests/test_adoption_fixtures.py`` proves it). :data:`FIXTURES` maps each name to the
registry entry ``eco add`` must write for it, in an ecosystem whose head is
:data:`ADOPTION_REGISTRY_HEAD` (the entry's ``url`` is the remote and is left out);
:func:`make_adoption_ecosystem` registers fixtures with exactly those entries.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import tomlkit

from tests.helpers import git
from tests.helpers import REPO
from tests.helpers import write_files

# Like the shipped registry: 3.10 is still supported, so a project on ">=3.11" is stricter.
ADOPTION_REGISTRY_HEAD = """\
[ecosystem]
name = "scratch"
org = "scratch-org"
repo = "scratch-org/eco"
workflows-ref = "0123456789abcdef0123456789abcdef01234567"

[ecosystem.python]
supported = ["3.10", "3.11", "3.12", "3.13"]

[defaults]
maintainer_name = "Pallets"
maintainer_email = "contact@palletsprojects.com"
license = "BSD-3-Clause"
copyright = "Pallets"
donate_url = "https://palletsprojects.com/donate"
chat_url = "https://discord.gg/pallets"
docs_format = "md"
"""

BSD_3 = """\
Copyright {year} {holder}

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are
met:

1.  Redistributions of source code must retain the above copyright
    notice, this list of conditions and the following disclaimer.

2.  Redistributions in binary form must reproduce the above copyright
    notice, this list of conditions and the following disclaimer in the
    documentation and/or other materials provided with the distribution.

3.  Neither the name of the copyright holder nor the names of its
    contributors may be used to endorse or promote products derived from
    this software without specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS
"AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED
TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A
PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT
HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL,
SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED
TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR
PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF
LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING
NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS
SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
"""

MIT = """\
MIT License

Copyright (c) {year} {holder}

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


@dataclass(frozen=True)
class AdoptionFixture:
    """One existing extension: its files, history and the registry entry it must get."""

    name: str
    module: str
    branch: str
    files: Mapping[str, str]
    tags: tuple[str, ...]
    # The registry entry `eco add --url REMOTE` must write (without its `url`).
    entry: Mapping[str, Any]
    # Files the wheel holds that no commit tracks (a build hook writes them).
    artifacts: tuple[str, ...] = ()
    has_docs: bool = True
    uv_lock: bool = False
    # What the fixture's own tests need installed (its test dependencies).
    test_requirements: tuple[str, ...] = ("pytest",)
    shapes: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class FixtureRepo:
    """A fixture written to disk: the bare remote and a working clone on its branch."""

    fixture: AdoptionFixture
    remote: Path
    clone: Path


def _module_code(module: str, title: str, *, typed: bool, translations: bool = False) -> str:
    ann = typed
    app_t = "Flask | None" if ann else ""
    lines = [
        f'"""{title}: greets people by name, from the application\'s configuration."""',
        "",
        "from __future__ import annotations",
        "",
    ]
    if translations:
        lines += ["import json", "from pathlib import Path", ""]
    lines += ["from flask import current_app", "from flask import Flask", "", ""]
    if translations:
        lines += [
            "def catalog(locale: str) -> dict[str, str]:",
            '    """The compiled messages of ``locale`` (built from ``messages.po``)."""',
            '    path = Path(__file__).parent / "translations" / locale / "LC_MESSAGES"',
            '    return json.loads((path / "messages.json").read_text("utf-8"))',
            "",
            "",
        ]
    arg = f"app: {app_t} = None" if ann else "app=None"
    init_arg = "app: Flask" if ann else "app"
    ret = " -> None" if ann else ""
    greet_sig = "name: str) -> str" if ann else "name)"
    lines += [
        "class Greeter:",
        '    """The extension: ``Greeter(app)`` or ``greeter.init_app(app)``."""',
        "",
        f"    def __init__(self, {arg}){ret}:",
        "        if app is not None:",
        "            self.init_app(app)",
        "",
        f"    def init_app(self, {init_arg}){ret}:",
        '        app.config.setdefault("GREETING", "Hello")',
        f'        app.extensions["{module}"] = self',
        "",
        f"    def greet(self, {greet_sig}:",
        '        greeting = current_app.config["GREETING"]',
    ]
    if translations:
        lines += [
            '        locale = current_app.config.get("GREETING_LOCALE")',
            "        if locale:",
            "            greeting = catalog(locale).get(greeting, greeting)",
        ]
    lines += ['        return f"{greeting}, {name}!"', ""]
    return "\n".join(lines)


def _tests_code(module: str, *, translations: bool = False) -> str:
    text = f'''\
from flask import Flask

from {module} import Greeter


def test_greet() -> None:
    app = Flask(__name__)
    greeter = Greeter(app)
    with app.app_context():
        assert greeter.greet("World") == "Hello, World!"


def test_init_app_later() -> None:
    app = Flask(__name__)
    app.config["GREETING"] = "Hi"
    greeter = Greeter()
    greeter.init_app(app)
    assert app.extensions["{module}"] is greeter
    with app.app_context():
        assert greeter.greet("you") == "Hi, you!"
'''
    if translations:
        text += """

def test_translated() -> None:
    app = Flask(__name__)
    app.config["GREETING_LOCALE"] = "fr"
    greeter = Greeter(app)
    with app.app_context():
        assert greeter.greet("Monde") == "Bonjour, Monde!"
"""
    return text


GITIGNORE = """\
.idea/
.vscode/
__pycache__/
dist/
.coverage*
htmlcov/
.tox/
docs/_build/
"""

RST_CONF = """\
project = "{title}"
extensions = []
exclude_patterns = ["_build"]
"""

MD_CONF = """\
project = "{title}"
extensions = ["myst_parser"]
exclude_patterns = ["_build"]
"""


def _rst_docs(title: str, *, changes: str | None, license_file: str) -> dict[str, str]:
    """Multi-page reStructuredText docs: an index with a toctree, usage, changes, licence."""
    pages = ["usage"]
    files = {
        "docs/conf.py": RST_CONF.format(title=title),
        "docs/usage.rst": "Usage\n=====\n\nCreate ``Greeter(app)`` and call ``greet``.\n",
        "docs/license.rst": (
            f"BSD-3-Clause License\n====================\n\n"
            f".. literalinclude:: ../{license_file}\n    :language: text\n"
        ),
    }
    if changes is not None:
        pages.append("changes")
        files["docs/changes.rst"] = f"Changes\n=======\n\n.. include:: ../{changes}\n"
    pages.append("license")
    toctree = "\n".join(f"    {page}" for page in pages)
    underline = "=" * len(title)
    files["docs/index.rst"] = (
        f"{title}\n{underline}\n\nGreets people by name.\n\n.. toctree::\n\n{toctree}\n"
    )
    return files


def _md_docs(title: str, *, changes: str, license_file: str, license_name: str) -> dict[str, str]:
    return {
        "docs/conf.py": MD_CONF.format(title=title),
        "docs/index.md": (
            f"# {title}\n\nGreets people by name.\n\n"
            "```{toctree}\n:hidden:\n\nusage\nchanges\nlicense\n```\n"
        ),
        "docs/usage.md": "# Usage\n\nCreate `Greeter(app)` and call `greet`.\n",
        "docs/changes.md": f"# Changes\n\n```{{include}} ../{changes}\n```\n",
        "docs/license.md": (
            f"# {license_name} License\n\n```{{literalinclude}} ../{license_file}\n"
            ":language: text\n```\n"
        ),
    }


def _workflow(*, runner: str, services: str = "", apt: str = "") -> str:
    """The project's own tests workflow, in the unpinned style of the older repositories."""
    text = """\
name: Tests
on:
  push:
    branches: [main]
  pull_request:
jobs:
  tests:
    runs-on: ubuntu-latest
"""
    text += services
    text += """\
    strategy:
      fail-fast: false
      matrix:
        python: ['3.13', '3.12', '3.11']
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: ${{ matrix.python }}
"""
    text += apt
    text += f"      - run: {runner}\n"
    return text


def _flit_pyproject(
    *,
    dist: str,
    module: str,
    description: str,
    license: str,
    license_file: str,
    readme: str,
    requires_python: str,
    typed: bool,
    extra: str = "",
) -> str:
    typing = '    "Typing :: Typed",\n' if typed else ""
    return f"""\
[project]
name = "{dist}"
version = "1.0.0"
description = "{description}"
readme = "{readme}"
license = "{license}"
license-files = ["{license_file}"]
authors = [{{ name = "Original Author" }}]
maintainers = [{{ name = "Pallets Ecosystem", email = "contact@palletsprojects.com" }}]
classifiers = [
    "Development Status :: 5 - Production/Stable",
    "Framework :: Flask",
    "Programming Language :: Python",
{typing}]
requires-python = "{requires_python}"
dependencies = ["flask>=3.0"]

[project.urls]
Source = "https://github.com/pallets-eco/{dist.lower()}/"
{extra}
[build-system]
requires = ["flit_core>=3.11,<4"]
build-backend = "flit_core.buildapi"

[tool.flit.module]
name = "{module}"

[tool.pytest.ini_options]
testpaths = ["tests"]
filterwarnings = ["error"]
"""


def _rst_changes(underline: str = "-") -> str:
    return (
        f"Version 1.1.0\n{underline * 13}\n\nUnreleased\n\n-   Start the next feature release.\n\n"
        f"Version 1.0.0\n{underline * 13}\n\nReleased 2025-06-01\n\n-   First release.\n"
    )


MD_CHANGES = (
    "## Version 1.1.0\n\nUnreleased\n\n-   Start the next feature release.\n\n"
    "## Version 1.0.0\n\nReleased 2025-06-01\n\n-   First release.\n"
)

TOX_INI = """\
[tox]
envlist = py3{13,12,11},style,docs
skip_missing_interpreters = true

[testenv]
deps = -r requirements/tests.in
commands = pytest -v --tb=short --basetemp={envtmpdir} {posargs}

[testenv:docs]
deps = -r requirements/docs.in
commands = sphinx-build -W -b html docs docs/_build/html
"""


def _grouped() -> AdoptionFixture:
    module, title = "flask_grouped", "Flask-Grouped"
    extra = """
[dependency-groups]
dev = ["ruff"]
docs = ["sphinx"]
tests = ["coverage", "pytest"]
typing = ["mypy"]

[tool.uv]
default-groups = ["dev", "tests", "typing"]

[tool.tox]
env_list = ["py3.13", "py3.12", "py3.11", "docs"]

[tool.tox.env_run_base]
runner = "uv-venv-lock-runner"
package = "wheel"
dependency_groups = ["tests"]
commands = [["pytest", "-v", "--tb=short", "--basetemp={env_tmp_dir}"]]

[tool.tox.env.docs]
dependency_groups = ["docs"]
commands = [["sphinx-build", "-E", "-W", "-b", "html", "docs", "docs/_build/html"]]
"""
    files = {
        "pyproject.toml": _flit_pyproject(
            dist=title,
            module=module,
            description="Greets people, grouped the uv way.",
            license="BSD-3-Clause",
            license_file="LICENSE.txt",
            readme="README.md",
            requires_python=">=3.11",
            typed=True,
            extra=extra,
        ),
        "README.md": f"# {title}\n\nGreets people by name.\n",
        "LICENSE.txt": BSD_3.format(year="2024", holder="Pallets"),
        "CHANGES.rst": _rst_changes(),
        ".gitignore": GITIGNORE + ".venv/\n",
        f"src/{module}/__init__.py": _module_code(module, title, typed=True),
        f"src/{module}/py.typed": "",
        f"tests/test_{module}.py": _tests_code(module),
        ".github/workflows/tests.yaml": _workflow(
            runner="uv run --locked tox run -e py${{ matrix.python }}"
        ),
        **_rst_docs(title, changes="CHANGES.rst", license_file="LICENSE.txt"),
    }
    return AdoptionFixture(
        name="flask-grouped",
        module=module,
        branch="main",
        files=files,
        tags=("v1.0.0",),
        uv_lock=True,
        test_requirements=("coverage", "pytest"),
        shapes=("uv generation", "dependency groups", "tox config", "stricter requires-python"),
        entry={
            "pypi": title,
            "module": module,
            "description": "Greets people, grouped the uv way.",
            "branch": "main",
            "changelog": "CHANGES.rst",
            "python": ["3.11", "3.12", "3.13"],
            "generation": "uv",
            "tag-style": "vX.Y.Z",
            "typed": True,
            "readme": "README.md",
            "license-file": "LICENSE.txt",
            "build-backend": "flit_core",
            "docs-layout": "multi",
            "vars": {"docs_format": "rst"},
            "tests": {"dependencies": ["coverage", "pytest"]},
        },
    )


def _pip_tools_requirements(tests: str, docs: str = "sphinx\n") -> dict[str, str]:
    return {
        "requirements/dev.in": "-r docs.in\n-r tests.in\n-r typing.in\npre-commit\ntox\n",
        "requirements/docs.in": docs,
        "requirements/tests.in": tests,
        "requirements/typing.in": "mypy\n",
    }


def _mitlike() -> AdoptionFixture:
    module, title = "flask_mitlike", "Flask-MITLike"
    files = {
        "pyproject.toml": _flit_pyproject(
            dist=title,
            module=module,
            description="Greets people under the MIT licence.",
            license="MIT",
            license_file="LICENSE.txt",
            readme="README.md",
            requires_python=">=3.10",
            typed=True,
        ),
        "README.md": f"# {title}\n\nGreets people by name.\n",
        "LICENSE.txt": MIT.format(year="2023", holder="Original Author"),
        "CHANGES.md": MD_CHANGES,
        ".gitignore": GITIGNORE,
        "tox.ini": TOX_INI,
        **_pip_tools_requirements("pytest\nblinker\n", docs="myst-parser\nsphinx\n"),
        f"src/{module}/__init__.py": _module_code(module, title, typed=True),
        f"src/{module}/py.typed": "",
        f"tests/test_{module}.py": _tests_code(module),
        ".github/workflows/tests.yaml": _workflow(
            runner="pip install tox && tox run -e py${{ matrix.python }}"
        ),
        **_md_docs(title, changes="CHANGES.md", license_file="LICENSE.txt", license_name="MIT"),
    }
    return AdoptionFixture(
        name="flask-mitlike",
        module=module,
        branch="main",
        files=files,
        tags=("1.0.0",),
        test_requirements=("pytest", "blinker"),
        shapes=("MIT licence in LICENSE.txt", "tox.ini"),
        entry={
            "pypi": title,
            "module": module,
            "description": "Greets people under the MIT licence.",
            "branch": "main",
            "changelog": "CHANGES.md",
            "generation": "pip-tools",
            "tag-style": "X.Y.Z",
            "typed": True,
            "readme": "README.md",
            "license-file": "LICENSE.txt",
            "build-backend": "flit_core",
            "docs-layout": "multi",
            "vars": {"license": "MIT"},
            "tests": {"dependencies": ["pytest", "blinker"]},
        },
    )


def _rstfiles() -> AdoptionFixture:
    module, title = "flask_rstfiles", "Flask-RSTFiles"
    files = {
        "pyproject.toml": _flit_pyproject(
            dist=title,
            module=module,
            description="Greets people, documented in reStructuredText.",
            license="BSD-3-Clause",
            license_file="LICENSE.rst",
            readme="README.rst",
            requires_python=">=3.10",
            typed=True,
        ),
        "README.rst": f"{title}\n{'=' * len(title)}\n\nGreets people by name.\n",
        "LICENSE.rst": BSD_3.format(year="2010", holder="Original Author"),
        "CHANGES.rst": _rst_changes(),
        ".gitignore": GITIGNORE,
        **_pip_tools_requirements("pytest\n"),
        f"src/{module}/__init__.py": _module_code(module, title, typed=True),
        f"src/{module}/py.typed": "",
        f"tests/test_{module}.py": _tests_code(module),
        ".github/workflows/tests.yaml": _workflow(
            runner="pip install -r requirements/tests.in -e . && pytest"
        ).replace("branches: [main]", "branches: [master]"),
        **_rst_docs(title, changes="CHANGES.rst", license_file="LICENSE.rst"),
    }
    return AdoptionFixture(
        name="flask-rstfiles",
        module=module,
        branch="master",
        files=files,
        tags=("1.0.0",),
        shapes=("README.rst + LICENSE.rst", "default branch not main"),
        entry={
            "pypi": title,
            "module": module,
            "description": "Greets people, documented in reStructuredText.",
            "branch": "master",
            "changelog": "CHANGES.rst",
            "generation": "pip-tools",
            "tag-style": "X.Y.Z",
            "typed": True,
            "readme": "README.rst",
            "license-file": "LICENSE.rst",
            "build-backend": "flit_core",
            "docs-layout": "multi",
            "vars": {"docs_format": "rst"},
            "tests": {"dependencies": ["pytest"]},
        },
    )


HATCH_HOOK = '''\
"""Compile the translations (``messages.po``) into ``messages.json`` at build time."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

ENTRY = re.compile(r'^msgid "(.*)"\\nmsgstr "(.*)"$', re.MULTILINE)


class CompileTranslations(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root, "src", "flask_hooked", "translations")
        for po in sorted(root.glob("*/LC_MESSAGES/messages.po")):
            text = po.read_text("utf-8")
            messages = {k: v for k, v in ENTRY.findall(text) if k}
            target = po.with_suffix(".json")
            target.write_text(json.dumps(messages, sort_keys=True) + "\\n", "utf-8")
'''


def _hooked() -> AdoptionFixture:
    module, title = "flask_hooked", "Flask-Hooked"
    pyproject = f"""\
[project]
name = "{title}"
version = "1.0.0"
description = "Greets people in their own language."
readme = "README.md"
license = "BSD-3-Clause"
license-files = ["LICENSE.txt"]
authors = [{{ name = "Original Author" }}]
classifiers = [
    "Development Status :: 4 - Beta",
    "Framework :: Flask",
    "Programming Language :: Python",
]
requires-python = ">=3.10"
dependencies = ["flask>=3.0"]

[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[tool.hatch.build]
artifacts = ["src/{module}/translations/*/LC_MESSAGES/messages.json"]

[tool.hatch.build.hooks.custom]
path = "hatch_build.py"

[tool.hatch.build.targets.wheel]
packages = ["src/{module}"]

[tool.pytest.ini_options]
testpaths = ["tests"]
filterwarnings = ["error"]
"""
    files = {
        "pyproject.toml": pyproject,
        "hatch_build.py": HATCH_HOOK,
        "README.md": f"# {title}\n\nGreets people by name, in their own language.\n",
        "LICENSE.txt": BSD_3.format(year="2019", holder="Original Author"),
        "CHANGES.rst": _rst_changes(),
        ".gitignore": GITIGNORE + f"src/{module}/translations/*/LC_MESSAGES/*.json\n",
        **_pip_tools_requirements("pytest\n"),
        f"src/{module}/__init__.py": _module_code(module, title, typed=False, translations=True),
        f"src/{module}/translations/fr/LC_MESSAGES/messages.po": (
            'msgid ""\nmsgstr ""\n\nmsgid "Hello"\nmsgstr "Bonjour"\n'
        ),
        f"src/{module}/translations/de/LC_MESSAGES/messages.po": (
            'msgid ""\nmsgstr ""\n\nmsgid "Hello"\nmsgstr "Hallo"\n'
        ),
        f"tests/test_{module}.py": _tests_code(module, translations=True),
        ".github/workflows/tests.yaml": _workflow(
            runner="pip install -r requirements/tests.in . && pytest"
        ),
        # One page holds all the docs (flask-babel's shape): no toctree.
        "docs/conf.py": RST_CONF.format(title=title),
        "docs/index.rst": (
            f"{title}\n{'=' * len(title)}\n\nGreets people in their own language.\n\n"
            "Usage\n-----\n\nCreate ``Greeter(app)``, set ``GREETING_LOCALE``.\n\n"
            "Translations\n------------\n\nFrench and German are built in.\n"
        ),
    }
    return AdoptionFixture(
        name="flask-hooked",
        module=module,
        branch="main",
        files=files,
        tags=("v1.0.0",),
        artifacts=(
            f"{module}/translations/de/LC_MESSAGES/messages.json",
            f"{module}/translations/fr/LC_MESSAGES/messages.json",
        ),
        shapes=("hatchling build hook with untracked artifacts", "single-page docs", "untyped"),
        entry={
            "pypi": title,
            "module": module,
            "description": "Greets people in their own language.",
            "branch": "main",
            "changelog": "CHANGES.rst",
            "generation": "pip-tools",
            "tag-style": "vX.Y.Z",
            "typed": False,
            "readme": "README.md",
            "license-file": "LICENSE.txt",
            "build-backend": "hatchling",
            "docs-layout": "single",
            "vars": {"docs_format": "rst"},
            "tests": {"dependencies": ["pytest"]},
        },
    )


SERVICES = """\
    services:
      redis:
        image: redis:7-alpine
        ports:
          - 6379:6379
      memcached:
        image: memcached:1.6
        ports:
          - 11211:11211
"""

APT = """\
      - name: Install libmemcached
        run: |
          sudo apt-get update
          sudo apt-get install -y libmemcached-dev
"""


def _services() -> AdoptionFixture:
    module, title = "flask_services", "Flask-Services"
    files = {
        "pyproject.toml": _flit_pyproject(
            dist=title,
            module=module,
            description="Greets people, with caches beside it in CI.",
            license="BSD-3-Clause",
            license_file="LICENSE.txt",
            readme="README.md",
            requires_python=">=3.10",
            typed=True,
        ),
        "README.md": f"# {title}\n\nGreets people by name.\n",
        "LICENSE.txt": BSD_3.format(year="2016", holder="Original Author"),
        "CHANGES.rst": _rst_changes(),
        ".gitignore": GITIGNORE,
        "tox.ini": TOX_INI.split("\n[testenv:docs]")[0].replace(",docs", ""),
        **_pip_tools_requirements("pytest\nredis\n"),
        f"src/{module}/__init__.py": _module_code(module, title, typed=True),
        f"src/{module}/py.typed": "",
        f"tests/test_{module}.py": _tests_code(module)
        + "\n\ndef test_redis_client_importable() -> None:\n    import redis\n\n"
        + '    assert redis.Redis(host="localhost", port=6379).connection_pool\n',
        ".github/workflows/tests.yaml": _workflow(
            runner="pip install tox && tox run -e py${{ matrix.python }}",
            services=SERVICES,
            apt=APT,
        ),
    }
    return AdoptionFixture(
        name="flask-services",
        module=module,
        branch="main",
        files=files,
        tags=("1.0.0",),
        has_docs=False,
        test_requirements=("pytest", "redis"),
        shapes=("CI services redis + memcached", "apt package", "no docs"),
        entry={
            "pypi": title,
            "module": module,
            "description": "Greets people, with caches beside it in CI.",
            "branch": "main",
            "changelog": "CHANGES.rst",
            "generation": "pip-tools",
            "tag-style": "X.Y.Z",
            "typed": True,
            "readme": "README.md",
            "license-file": "LICENSE.txt",
            "build-backend": "flit_core",
            "docs-layout": "none",
            "tests": {
                "dependencies": ["pytest", "redis"],
                "apt": ["libmemcached-dev"],
                "services": {
                    "redis": {"image": "redis:7-alpine", "port": 6379},
                    "memcached": {"image": "memcached:1.6", "port": 11211},
                },
            },
        },
    )


def _docschanges() -> AdoptionFixture:
    module, title = "flask_docschanges", "Flask-DocsChanges"
    docs = _rst_docs(title, changes=None, license_file="LICENSE.txt")
    docs["docs/index.rst"] = docs["docs/index.rst"].replace(
        "    usage\n", "    usage\n    changelog\n"
    )
    docs["docs/changelog.rst"] = "Changes\n=======\n\n" + _rst_changes()
    files = {
        "pyproject.toml": _flit_pyproject(
            dist=title,
            module=module,
            description="Greets people, its changes kept in the docs.",
            license="BSD-3-Clause",
            license_file="LICENSE.txt",
            readme="README.md",
            requires_python=">=3.10",
            typed=True,
        ),
        "README.md": f"# {title}\n\nGreets people by name.\n",
        "LICENSE.txt": BSD_3.format(year="2012", holder="Original Author"),
        ".gitignore": GITIGNORE,
        **_pip_tools_requirements("pytest\n"),
        f"src/{module}/__init__.py": _module_code(module, title, typed=True),
        f"src/{module}/py.typed": "",
        f"tests/test_{module}.py": _tests_code(module),
        ".github/workflows/tests.yaml": _workflow(
            runner="pip install -r requirements/tests.in -e . && pytest"
        ),
        **docs,
    }
    return AdoptionFixture(
        name="flask-docschanges",
        module=module,
        branch="main",
        files=files,
        tags=("v1.0.0",),
        shapes=("docs/changelog.rst",),
        entry={
            "pypi": title,
            "module": module,
            "description": "Greets people, its changes kept in the docs.",
            "branch": "main",
            "changelog": "docs/changelog.rst",
            "generation": "pip-tools",
            "tag-style": "vX.Y.Z",
            "typed": True,
            "readme": "README.md",
            "license-file": "LICENSE.txt",
            "build-backend": "flit_core",
            "docs-layout": "multi",
            "vars": {"docs_format": "rst"},
            "tests": {"dependencies": ["pytest"]},
        },
    )


def _quiet() -> AdoptionFixture:
    module, title = "flask_quiet", "Flask-Quiet"
    extra = '\n[project.optional-dependencies]\ntests = ["pytest"]\n'
    files = {
        "pyproject.toml": _flit_pyproject(
            dist=title,
            module=module,
            description="Greets people; release notes live on GitHub.",
            license="BSD-3-Clause",
            license_file="LICENSE.txt",
            readme="README.md",
            requires_python=">=3.10",
            typed=False,
            extra=extra,
        ),
        "README.md": f"# {title}\n\nGreets people by name. Release notes: GitHub releases.\n",
        "LICENSE.txt": BSD_3.format(year="2015", holder="Original Author"),
        ".gitignore": GITIGNORE,
        f"src/{module}/__init__.py": _module_code(module, title, typed=False),
        f"tests/test_{module}.py": _tests_code(module),
        ".github/workflows/tests.yaml": _workflow(runner="pip install -e .[tests] && pytest"),
    }
    return AdoptionFixture(
        name="flask-quiet",
        module=module,
        branch="main",
        files=files,
        tags=("1.0.0",),
        has_docs=False,
        shapes=("no changelog", "untyped", "test dependencies in optional-dependencies"),
        entry={
            "pypi": title,
            "module": module,
            "description": "Greets people; release notes live on GitHub.",
            "branch": "main",
            "changelog": "",
            "generation": "pip-tools",
            "tag-style": "X.Y.Z",
            "typed": False,
            "readme": "README.md",
            "license-file": "LICENSE.txt",
            "build-backend": "flit_core",
            "docs-layout": "none",
            "tests": {"dependencies": ["pytest"]},
        },
    )


FIXTURES: dict[str, AdoptionFixture] = {
    f.name: f
    for f in (
        _grouped(),
        _mitlike(),
        _rstfiles(),
        _hooked(),
        _services(),
        _docschanges(),
        _quiet(),
    )
}


def local_index_url() -> str | None:
    """The package index pip on this machine uses, for ``uv lock`` (None: uv's default)."""
    for variable in ("PIP_INDEX_URL", "UV_INDEX_URL"):
        if os.environ.get(variable):
            return os.environ[variable]
    out = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True
    ).stdout
    for line in out.splitlines():
        key, _, value = line.partition("=")
        if key.endswith(("index-url", "extra-index-url")) and value.strip("'\""):
            first = value.strip("'\"").split()[0]
            return first
    return None


def _uv_lock(work: Path, index_url: str | None) -> None:
    uv = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("UV_")}
    command = [uv, "lock", "--python", sys.executable, "--no-python-downloads"]
    if index_url:
        command += ["--index-url", index_url]
    subprocess.run(command, cwd=work, env=env, check=True, capture_output=True, text=True)


def make_fixture(tmp: Path, name: str, *, index_url: str | None = None) -> FixtureRepo:
    """Write fixture ``name`` under ``tmp``: ``remotes/<name>.git`` and a clone ``repos/<name>``.

    History: the release commit (version 1.0.0) carrying the fixture's tags, then the
    commit opening the next version (1.1.0.dev). ``index_url`` is where ``uv lock``
    resolves a uv-generation fixture (default: this machine's pip index).
    """
    fixture = FIXTURES[name]
    work = tmp / "repos" / name
    work.mkdir(parents=True)
    git("init", "-q", "-b", fixture.branch, cwd=work)
    write_files(work, fixture.files)
    if fixture.uv_lock:
        _uv_lock(work, index_url or local_index_url())
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", "Release version 1.0.0", cwd=work)
    for tag in fixture.tags:
        git("tag", "-a", tag, "-m", f"release version {tag}", cwd=work)
    pyproject = work / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace('version = "1.0.0"', 'version = "1.1.0.dev"')
    )
    git("commit", "-q", "-am", "Start version 1.1.0", cwd=work)
    remote = tmp / "remotes" / f"{name}.git"
    remote.parent.mkdir(parents=True, exist_ok=True)
    git("clone", "-q", "--bare", str(work), str(remote), cwd=tmp)
    git("remote", "add", "origin", str(remote), cwd=work)
    git("fetch", "-q", "origin", cwd=work)
    git("branch", "-q", "--set-upstream-to", f"origin/{fixture.branch}", cwd=work)
    return FixtureRepo(fixture=fixture, remote=remote, clone=work)


def expected_entry(name: str, remote: Path) -> dict[str, Any]:
    """The whole table ``eco add NAME --url REMOTE`` must write for fixture ``name``."""
    return {"url": str(remote), **FIXTURES[name].entry}


def make_adoption_ecosystem(
    tmp: Path, names: Iterable[str], *, index_url: str | None = None
) -> tuple[Path, dict[str, FixtureRepo]]:
    """A committed ecosystem (this monorepo's ``templates/``, :data:`ADOPTION_REGISTRY_HEAD`)
    registering each named fixture with the entry ``eco add`` writes for it, so a test can
    go straight to ``eco sync --adopt``. Returns the ecosystem root and the fixtures."""
    repos = {name: make_fixture(tmp, name, index_url=index_url) for name in names}
    root = tmp / "eco"
    shutil.copytree(REPO / "templates", root / "templates")
    document = tomlkit.parse(ADOPTION_REGISTRY_HEAD)
    projects = tomlkit.table(is_super_table=True)
    for name, repo in repos.items():
        projects.add(name, expected_entry(name, repo.remote))
    document.add("projects", projects)
    (root / "projects.toml").write_text(tomlkit.dumps(document))
    git("init", "-q", "-b", "main", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "-q", "-m", "ecosystem with the adoption fixtures", cwd=root)
    return root, repos
