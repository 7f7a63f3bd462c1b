"""A small skeleton and projects made from it, for the sync and check tests.

The real ``templates/`` is exercised too (see ``test_sync_real.py``); this one is small
enough that a test can say exactly which line changed where.
"""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner
from click.testing import Result

from eco.cli import cli
from eco.registry import load_registry
from eco.skeleton.render import render_project
from eco.skeleton.state import format_state
from eco.skeleton.state import State
from tests.helpers import Ecosystem
from tests.helpers import git
from tests.helpers import make_bare_repo
from tests.helpers import make_ecosystem
from tests.helpers import write_files

MANIFEST = """\
[[file]]
path = ".editorconfig"
mode = "owned"

[[file]]
path = "pyproject.toml"
mode = "merged"

[[file]]
path = "docs/index.md"
mode = "seeded"

[[file]]
path = ".github/workflows/tests.yaml"
mode = "owned"

[[file]]
path = "src/{{ module }}/__init__.py"
template = "init.py"
mode = "init"

[[retired]]
path = "tox.ini"
reason = "nox replaced tox"

[[retired]]
path = ".github/workflows/provenance.yaml"
reason = "PyPI attestations replace the SLSA provenance job"
contains = "slsa-github-generator"
"""

TEMPLATES = {
    "manifest.toml": MANIFEST,
    "skeleton/.editorconfig": "root = true\n\n[*]\nindent_style = space\nindent_size = 4\n",
    "skeleton/pyproject.toml": (
        '[project]\nname = "{{ pypi }}"\nversion = "0.1.0.dev"\n'
        'description = "{{ description }}"\nrequires-python = ">={{ min_python }}"\n'
        "dependencies = []\n\n"
        '[tool.pytest.ini_options]\ntestpaths = ["tests"]\nfilterwarnings = ["error"]\n\n'
        "[tool.ruff]\nline-length = 88\n"
    ),
    "skeleton/docs/index.md": "# {{ project }}\n\nWelcome.\n",
    "skeleton/.github/workflows/tests.yaml": (
        "name: tests\non: [push]\npermissions: {}\njobs:\n  tests:\n"
        "    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n"
        "        with:\n          persist-credentials: false\n"
    ),
    "skeleton/init.py": '"""{{ description }}"""\n',
}


def project_entry(name: str, remotes: Path) -> str:
    url = remotes / f"{name}.git"
    return f'\n[projects.{name}]\nurl = "{url}"\ndescription = "The {name} extension."\n'


def make_fixture_ecosystem(tmp: Path, names: tuple[str, ...] = ("alpha",)) -> Ecosystem:
    """A scratch ecosystem with the small skeleton and ``names`` registered."""
    remotes = tmp / "remotes"
    eco = make_ecosystem(tmp, "".join(project_entry(n, remotes) for n in names), copy=())
    write_files(eco.root / "templates", TEMPLATES)
    eco.commit("small skeleton")
    return eco


def make_synced_project(
    eco: Ecosystem,
    tmp: Path,
    name: str,
    *,
    extra: dict[str, str] | None = None,
    state: bool = True,
) -> Path:
    """A bare remote holding ``name`` exactly as the skeleton renders it now (plus
    ``extra`` files), with ``.eco.toml`` recording the ecosystem's head."""
    registry = load_registry(eco.root / "projects.toml")
    project = registry.projects[name]
    rendering = render_project(
        project, registry.ecosystem, eco.root / "templates", include_init=True
    )
    files = {path: f.content for path, f in rendering.files.items()}
    if state:
        revision = git("rev-parse", "HEAD", cwd=eco.root)
        seeded = tuple(p for p, f in rendering.files.items() if f.mode == "seeded")
        files[".eco.toml"] = format_state(State(revision, seeded))
    files.update(extra or {})
    return make_bare_repo(tmp, name, files)


def push_to(bare: Path, tmp: Path, files: dict[str, str | None], message: str = "edit") -> str:
    """Commit ``files`` (``None`` deletes) on the remote's main branch, as a maintainer."""
    work = tmp / "maintainer" / bare.stem
    if not work.exists():
        git("clone", "-q", str(bare), str(work), cwd=tmp)
    git("pull", "-q", "--ff-only", cwd=work)
    for path, content in files.items():
        if content is None:
            (work / path).unlink()
        else:
            write_files(work, {path: content})
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", message, cwd=work)
    git("push", "-q", "origin", "HEAD:main", cwd=work)
    return git("rev-parse", "HEAD", cwd=work)


def show(bare_or_clone: Path, ref: str, path: str) -> str:
    return git("show", f"{ref}:{path}", cwd=bare_or_clone)


SYNC = "refs/heads/eco/sync"


def eco_cli(eco: Ecosystem, *args: str) -> Result:
    """``eco --root ECO ARGS`` in this process (exceptions propagate)."""
    return CliRunner().invoke(cli, ["--root", str(eco.root), *args], catch_exceptions=False)


def clone_of(name: str) -> Path:
    """The workspace clone of project ``name``."""
    return Path(os.environ["ECO_WORKSPACE"]) / name


def edit_template(eco: Ecosystem, path: str, old: str, new: str) -> str:
    """Replace ``old`` (which must be there) in skeleton file ``path``; commit; the revision."""
    file = eco.root / "templates" / "skeleton" / path
    text = file.read_text()
    assert old in text
    file.write_text(text.replace(old, new))
    return eco.commit(f"skeleton: {path}")
