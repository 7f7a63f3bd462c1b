"""``eco init``: a new project from the skeleton, committed, optionally registered."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

import pytest

from eco.registry import load_registry
from eco.skeleton.state import parse_state
from tests.helpers import Ecosystem
from tests.helpers import git
from tests.helpers import make_ecosystem
from tests.helpers import run_eco

BIN = Path(sys.executable).parent
COMMENTED = """
# Managed projects, one table each. (This comment must survive --register.)
[projects.existing]
url = "/nowhere/existing"   # kept as written
"""


@pytest.fixture
def eco(tmp_path: Path) -> Ecosystem:
    return make_ecosystem(tmp_path, COMMENTED)


def _init(eco: Ecosystem, *args: str) -> subprocess.CompletedProcess[str]:
    return run_eco("--root", str(eco.root), "init", *args)


def test_init_creates_a_committed_project(eco: Ecosystem, tmp_path: Path) -> None:
    target = tmp_path / "projects" / "flask-demo"
    result = _init(eco, "flask-demo", "--path", str(target), "--description", "A demo.")
    assert result.returncode == 0, result.stderr
    assert "created flask-demo" in result.stdout
    # One commit on main holding everything; nothing left uncommitted.
    assert git("branch", "--show-current", cwd=target) == "main"
    assert git("rev-list", "--count", "HEAD", cwd=target) == "1"
    assert git("status", "--porcelain", "--untracked-files=all", cwd=target) == ""
    tracked = set(git("ls-files", cwd=target).splitlines())
    assert {
        "pyproject.toml",
        "noxfile.py",
        "src/flask_demo/__init__.py",
        "src/flask_demo/py.typed",
        "tests/test_flask_demo.py",
        "CHANGES.md",
        "docs/conf.py",
        "docs/index.md",
        ".eco.toml",
    } <= tracked
    pyproject = tomllib.loads((target / "pyproject.toml").read_text())
    assert pyproject["project"]["version"] == "0.1.0.dev"
    assert pyproject["project"]["description"] == "A demo."
    assert pyproject["tool"]["flit"]["module"]["name"] == "flask_demo"
    changes = (target / "CHANGES.md").read_text()
    assert changes.startswith("## Version 0.1.0\n\nUnreleased\n")
    # The sync state: the ecosystem's commit and the seeded files written.
    state = parse_state((target / ".eco.toml").read_text())
    assert state.template_revision == git("rev-parse", "HEAD", cwd=eco.root)
    assert state.seeded == ("CHANGES.md", "LICENSE.txt", "README.md", "docs/index.md")
    # Not registered without --register: the registry is untouched.
    assert "flask-demo" not in (eco.root / "projects.toml").read_text()


def test_register_adds_the_project_and_keeps_comments(eco: Ecosystem, tmp_path: Path) -> None:
    before = (eco.root / "projects.toml").read_text()
    target = tmp_path / "flask-demo"
    result = _init(eco, "flask-demo", "--path", str(target), "--module", "demo_ext", "--register")
    assert result.returncode == 0, result.stderr
    after = (eco.root / "projects.toml").read_text()
    assert after.startswith(before), "the existing text, comments and layout are kept"
    registry = load_registry(eco.root / "projects.toml")
    project = registry.projects["flask-demo"]
    assert project.url == str(target.resolve())
    assert project.module == "demo_ext"
    assert (target / "src" / "demo_ext" / "__init__.py").is_file()
    # eco list sees it, and the workspace clones it from the recorded path.
    listed = run_eco("--root", str(eco.root), "list", "--format", "json")
    assert '"flask-demo"' in listed.stdout


def test_register_refuses_a_registered_name(eco: Ecosystem, tmp_path: Path) -> None:
    before = (eco.root / "projects.toml").read_text()
    result = _init(eco, "existing", "--path", str(tmp_path / "again"), "--register")
    assert result.returncode == 2
    assert "'existing' is already registered" in result.stderr
    assert (eco.root / "projects.toml").read_text() == before
    assert not (tmp_path / "again").exists()


def test_a_registered_name_uses_its_registry_entry(tmp_path: Path) -> None:
    eco = make_ecosystem(
        tmp_path,
        '[projects.flask-known]\nurl = "/x"\npypi = "Flask-Known"\n'
        'changelog = "docs/changes.rst"\npython = ["3.12", "3.13"]\n'
        'vars = { docs_format = "rst" }\n',
    )
    target = tmp_path / "known"
    result = _init(eco, "flask-known", "--path", str(target), "--description", "Known.")
    assert result.returncode == 0, result.stderr
    pyproject = tomllib.loads((target / "pyproject.toml").read_text())
    assert pyproject["project"]["name"] == "Flask-Known"
    assert pyproject["project"]["requires-python"] == ">=3.12"
    assert pyproject["project"]["description"] == "Known."
    assert (target / "docs" / "changes.rst").read_text().startswith("Version 0.1.0\n")
    assert (target / "docs" / "index.rst").is_file()
    assert not (target / "CHANGES.rst").exists()


def test_refuses_a_non_empty_folder(eco: Ecosystem, tmp_path: Path) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine\n")
    result = _init(eco, "busy", "--path", str(target))
    assert result.returncode == 2
    assert "not empty" in result.stderr
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]


def test_an_empty_existing_folder_is_fine(eco: Ecosystem, tmp_path: Path) -> None:
    target = tmp_path / "empty"
    target.mkdir()
    result = _init(eco, "empty-ext", "--path", str(target), "--changelog", "CHANGES.rst")
    assert result.returncode == 0, result.stderr
    assert (target / "CHANGES.rst").read_text().startswith("Version 0.1.0\n-------------\n")
    assert (target / "docs" / "changes.rst").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("Bad_Name",), "NAME 'Bad_Name': invalid"),
        (("ok", "--module", "not-a-module"), "--module 'not-a-module': invalid"),
        (("ok", "--changelog", "CHANGES.txt"), "expected a .rst or .md file"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    eco: Ecosystem, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    target = tmp_path / "target"
    result = _init(eco, *args, "--path", str(target))
    assert result.returncode == 2
    assert message in result.stderr
    assert not target.exists()


def test_outside_git_the_revision_is_empty(tmp_path: Path) -> None:
    eco = make_ecosystem(tmp_path)
    subprocess.run(["rm", "-rf", str(eco.root / ".git")], check=True)
    target = tmp_path / "plain"
    result = _init(eco, "plain", "--path", str(target))
    assert result.returncode == 0, result.stderr
    assert parse_state((target / ".eco.toml").read_text()).template_revision == ""


def test_uncommitted_templates_warn(eco: Ecosystem, tmp_path: Path) -> None:
    with (eco.root / "templates" / "skeleton" / ".gitignore").open("a") as f:
        f.write("local/\n")
    result = _init(eco, "warned", "--path", str(tmp_path / "warned"))
    assert result.returncode == 0, result.stderr
    assert "templates/ has uncommitted changes" in result.stderr


# The acceptance checks: the real tools on a project made by `eco init flask-demo`.


@pytest.fixture(scope="module")
def flask_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("acceptance")
    eco = make_ecosystem(tmp)
    target = tmp / "flask-demo"
    result = _init(eco, "flask-demo", "--path", str(target))
    assert result.returncode == 0, result.stderr
    return target


def _tool(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True)


def test_generated_code_passes_its_own_linters(flask_demo: Path) -> None:
    for args in (
        ("ruff", "check", "--no-fix", "--no-cache", "."),
        ("ruff", "format", "--check", "--no-cache", "."),
        ("validate-pyproject", "pyproject.toml"),
        ("pre-commit", "validate-config", ".pre-commit-config.yaml"),
        ("mypy", "--cache-dir", str(flask_demo.parent / "mypy-cache")),  # strict, from pyproject
    ):
        result = _tool(str(BIN / args[0]), *args[1:], cwd=flask_demo)
        assert result.returncode == 0, (args, result.stdout, result.stderr)


@pytest.mark.slow
def test_generated_project_builds_and_passes_twine(flask_demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build = _tool(sys.executable, "-m", "build", "--outdir", str(out), ".", cwd=flask_demo)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    dists = sorted(p.name for p in out.iterdir())
    assert dists == ["flask_demo-0.1.0.dev0-py3-none-any.whl", "flask_demo-0.1.0.dev0.tar.gz"]
    twine = _tool(str(BIN / "twine"), "check", "--strict", *map(str, out.iterdir()), cwd=out)
    assert twine.returncode == 0, twine.stdout + twine.stderr
    assert twine.stdout.count("PASSED") == 2
    wheel = _tool(str(BIN / "check-wheel-contents"), str(out / dists[0]), cwd=out)
    assert wheel.returncode == 0, wheel.stdout + wheel.stderr
    with tarfile.open(out / dists[1]) as sdist:
        names = {name.partition("/")[2] for name in sdist.getnames()}
    assert {
        "CHANGES.md",
        "LICENSE.txt",
        "noxfile.py",
        "docs/conf.py",
        "requirements/tests.in",
        "tests/test_flask_demo.py",
        "src/flask_demo/py.typed",
    } <= names


@pytest.mark.slow
def test_generated_nox_tests_session_passes(flask_demo: Path) -> None:
    """The project's own tests session on the oldest supported Python, from the index."""
    registry = load_registry(flask_demo.parent / "eco" / "projects.toml")
    python = registry.ecosystem.python[0]
    result = _tool(str(BIN / "nox"), "-s", f"tests-{python}", cwd=flask_demo)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-5000:]
    assert "2 passed" in output


@pytest.mark.slow
@pytest.mark.parametrize(
    ("docs_format", "changelog"),
    [("md", "CHANGES.md"), ("md", "CHANGES.rst"), ("rst", "CHANGES.md")],
)
def test_generated_docs_build_with_warnings_as_errors(
    tmp_path: Path, docs_format: str, changelog: str
) -> None:
    """The project's own docs session: Sphinx from the index, -W, both toolchains.

    Intersphinx is switched off after rendering: its inventories live on hosts other than
    the package index, which tests may not reach.
    """
    eco = make_ecosystem(tmp_path)
    registry = (eco.root / "projects.toml").read_text()
    eco.write_registry(registry.replace('docs_format = "md"', f'docs_format = "{docs_format}"'))
    eco.commit("docs format")
    target = tmp_path / "flask-docs"
    result = _init(eco, "flask-docs", "--path", str(target), "--changelog", changelog)
    assert result.returncode == 0, result.stderr
    with (target / "docs" / "conf.py").open("a") as f:
        f.write("intersphinx_mapping = {}\n")
    docs = _tool(str(BIN / "nox"), "-s", "docs", cwd=target)
    assert docs.returncode == 0, (docs.stdout + docs.stderr)[-5000:]
    html = (target / "docs" / "_build" / "dirhtml" / "changes" / "index.html").read_text()
    assert "Version 0.1.0" in html and "Unreleased" in html


def test_a_failed_commit_leaves_no_half_written_project(eco: Ecosystem, tmp_path: Path) -> None:
    """A git hook that refuses the commit: eco init reports it and removes what it wrote."""
    hooks = tmp_path / "git-template" / "hooks"
    hooks.mkdir(parents=True)
    (hooks / "pre-commit").write_text("#!/bin/sh\necho 'refused by policy' >&2\nexit 1\n")
    (hooks / "pre-commit").chmod(0o755)
    config = tmp_path / "gitconfig"
    config.write_text(f"[init]\n\ttemplateDir = {hooks.parent}\n")
    before = (eco.root / "projects.toml").read_text()
    target = tmp_path / "refused"
    result = run_eco(
        "--root",
        str(eco.root),
        "init",
        "refused",
        "--path",
        str(target),
        "--register",
        env={"GIT_CONFIG_GLOBAL": str(config)},
    )
    assert result.returncode == 2
    assert "refused by policy" in result.stderr
    assert not target.exists()
    assert (eco.root / "projects.toml").read_text() == before


@pytest.mark.parametrize("where", ["a-file/flask-demo", "a-file"])
def test_init_where_no_folder_can_be_made_is_one_error_line(
    eco: Ecosystem, tmp_path: Path, where: str
) -> None:
    (tmp_path / "a-file").write_text("not a folder\n")
    result = _init(eco, "flask-demo", "--path", str(tmp_path / where))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {tmp_path / where}: ")
    if where == "a-file":
        assert "is a file" in line
    assert (tmp_path / "a-file").read_text() == "not a folder\n"
