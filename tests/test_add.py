"""``eco add``: each adoption fixture gets exactly the registry entry its repository states."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomlkit
import yaml
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from eco.adopt.fact_cache import CACHE_FILE
from eco.adopt.fact_cache import cache_key
from eco.adopt.fact_cache import Found
from eco.adopt.fact_cache import load
from eco.adopt.fact_cache import store
from eco.adopt.facts import derive
from eco.adopt.facts import PYPROJECT_TABLES
from eco.adopt.source import Source
from eco.adopt.toml_paths import loads_tables
from eco.registry import load_registry
from tests.adoption_fixtures import ADOPTION_REGISTRY_HEAD
from tests.adoption_fixtures import BSD_3
from tests.adoption_fixtures import expected_entry
from tests.adoption_fixtures import FIXTURES
from tests.adoption_fixtures import make_fixture
from tests.adoption_fixtures import MIT
from tests.helpers import git
from tests.helpers import REPO
from tests.helpers import run_eco
from tests.helpers import write_files
from tests.hostile import canary_environment
from tests.hostile import canary_findings
from tests.hostile import HostileProject
from tests.hostile import Proofs

SUPPORTED = ("3.10", "3.11", "3.12", "3.13")
# Keys the fact reader looks at, at any depth, so random shapes reach its code.
_KEYS = [
    "project",
    "tool",
    "build-system",
    "dependency-groups",
    "hatch",
    "build",
    "hooks",
    "targets",
    "version",
    "source",
    "metadata",
    "flit",
    "module",
    "name",
    "requires",
    "build-backend",
    "license",
    "license-files",
    "readme",
    "file",
    "text",
    "classifiers",
    "requires-python",
    "optional-dependencies",
    "tests",
    "test",
    "include-group",
    "tox",
    "env_run_base",
    "deps",
    "setuptools",
    "ext-modules",
    "jobs",
    "services",
    "steps",
    "image",
    "ports",
    "uses",
    "with",
    "run",
    "description",
]


def _ecosystem(tmp_path: Path, extra: str = "") -> Path:
    root = tmp_path / "eco"
    root.mkdir()
    (root / "projects.toml").write_text(
        "# The registry; comments survive eco add.\n" + ADOPTION_REGISTRY_HEAD + extra
    )
    return root


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_add_writes_the_expected_entry(name: str, tmp_path: Path) -> None:
    repo = make_fixture(tmp_path, name)
    root = _ecosystem(tmp_path)
    before = (root / "projects.toml").read_text()
    result = run_eco("add", name, "--url", str(repo.remote), cwd=root)
    assert result.returncode == 0, result.stderr
    text = (root / "projects.toml").read_text()
    assert text.startswith(before)  # the rest of the file untouched, comments included
    entry = tomllib.loads(text)["projects"][name]
    assert entry == expected_entry(name, repo.remote)
    # The diff shown is the text written.
    assert f"+[projects.{name}]" in result.stdout
    assert f"added [projects.{name}]" in result.stdout
    # And the registry loads it with these facts.
    listed = run_eco("list", "--format", "json", cwd=root)
    assert listed.returncode == 0, listed.stderr


def test_dry_run_writes_nothing_and_json(tmp_path: Path) -> None:
    repo = make_fixture(tmp_path, "flask-hooked")
    root = _ecosystem(tmp_path)
    before = (root / "projects.toml").read_text()
    relative = os.path.relpath(repo.remote, root)  # a local path is recorded absolute
    result = run_eco("add", "flask-hooked", "--url", relative, "-n", cwd=root)
    assert f'+url = "{repo.remote}"' in result.stdout
    assert result.returncode == 0, result.stderr
    assert (root / "projects.toml").read_text() == before
    assert '+build-backend = "hatchling"' in result.stdout
    assert "kept: build backend hatchling, for hatch build hooks (custom)" in result.stdout
    assert "dry run: projects.toml not written" in result.stdout
    out = run_eco(
        "add", "flask-hooked", "--url", str(repo.remote), "-n", "--format", "json", cwd=root
    )
    data = json.loads(out.stdout)
    assert data["version"] == 1 and data["written"] is False
    assert data["entry"]["build-backend"] == "hatchling"
    assert '+build-backend = "hatchling"' in data["diff"]
    assert data["kept-backend-for"] == [
        "hatch build hooks (custom)",
        "[tool.hatch.build] artifacts",
    ]
    assert (root / "projects.toml").read_text() == before


def test_bad_input_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    repo = make_fixture(tmp_path, "flask-quiet")
    root = _ecosystem(tmp_path, '\n[projects.taken]\nrepo = "pallets-eco/taken"\n')
    before = (root / "projects.toml").read_text()
    cases = {
        ("taken", "--url", str(repo.remote)): "a project named 'taken' is already registered",
        ("other", "--repo", "pallets-eco/Taken"): "pallets-eco/Taken is already registered",
        ("other", "--url", str(tmp_path / "missing.git")): "cannot reach the repository",
        ("Bad Name", "--url", str(repo.remote)): "NAME 'Bad Name': expected lower-case",
        ("other",): "give exactly one of --repo OWNER/NAME or --url URL",
        ("other", "--repo", "not a repo"): "--repo 'not a repo': expected",
    }
    for args, message in cases.items():
        result = run_eco("add", *args, cwd=root)
        assert result.returncode == 2, (args, result.stderr)
        errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
        assert len(errors) == 1 and message in errors[0], result.stderr
        assert "Traceback" not in result.stderr
    assert (root / "projects.toml").read_text() == before


def test_notes_say_what_was_assumed(tmp_path: Path) -> None:
    """No release tags, a generation that cannot be told: reported, not guessed silently."""
    repo = make_fixture(tmp_path, "flask-quiet")
    for tag in FIXTURES["flask-quiet"].tags:
        git("push", "-q", str(repo.remote), f":refs/tags/{tag}", cwd=repo.clone)
    root = _ecosystem(tmp_path)
    result = run_eco("add", "flask-quiet", "--url", str(repo.remote), cwd=root)
    assert result.returncode == 0, result.stderr
    assert "note: tag style: no release tags yet; X.Y.Z (the standard) recorded" in result.stdout
    assert "note: generation: no uv.lock, [dependency-groups] or requirements/*.in" in (
        result.stdout
    )


def _source(files: dict[str, str]) -> Source:
    listing: dict[str, list[str]] = {}
    for path in files:
        parts = path.split("/")
        for depth in range(len(parts)):
            folder = "/".join(parts[:depth])
            name = parts[depth] + ("/" if depth < len(parts) - 1 else "")
            listing.setdefault(folder, [])
            if name not in listing[folder]:
                listing[folder].append(name)
    return Source("0" * 40, files, {k: tuple(sorted(v)) for k, v in listing.items()})


PYPROJECT = """\
[project]
name = "Flask-Thing"
description = "A thing."
license = "BSD-3-Clause"
requires-python = ">=3.8"
[build-system]
requires = ["setuptools", "setuptools-scm"]
build-backend = "setuptools.build_meta"
[tool.setuptools_scm]
[tool.rye]
dev-dependencies = ["pytest"]
"""

WORKFLOW = """\
jobs:
  test:
    runs-on: ubuntu-latest
    services:
      search:
        image: elasticsearch:8.3.3
        ports: ["9200:9200"]
      db:
        image: postgres:16
        ports: ["5433:5432"]
    steps:
      - uses: hoverkraft-tech/compose-action@v2.0.1
      - uses: supercharge/mongodb-github-action@v1.9.0
        with:
          mongodb-version: '5.0'
      - run: sudo apt-get install -y --no-install-recommends libpq-dev ${{ matrix.pkg }}
"""


def test_facts_from_a_contradicting_project() -> None:
    """MIT text under a BSD claim, an unknown service, a setuptools-scm backend."""
    source = _source(
        {
            "pyproject.toml": PYPROJECT,
            "LICENSE": MIT.format(year="2020", holder="Someone"),
            "README.rst": "Thing\n=====\n",
            "src/flask_thing/__init__.py": "",
            ".github/workflows/ci.yml": WORKFLOW,
            "docs/index.rst": "Thing\n=====\n",
            "docs/changes.rst": ".. include:: ../CHANGES\n",
            "CHANGES": "1.0\n---\n",
        }
    )
    facts = derive(
        source,
        branch="develop",
        tags=("v1.0", "v1.1", "0.9"),
        supported=SUPPORTED,
        default_generation="uv",
        name="flask-thing",
    )
    assert facts.license == "MIT" and facts.license_file == "LICENSE"
    assert facts.readme == "README.rst" and facts.module == "flask_thing"
    assert facts.build_backend == "setuptools"
    assert facts.backend_kept_for == (
        "build requirements setuptools-scm",
        "setuptools-scm versions",
    )
    assert facts.tag_style == "vX.Y.Z" and facts.generation == "uv"
    assert facts.python == SUPPORTED
    assert facts.docs_layout == "single" and facts.docs_pages == {"changelog": "docs/changes.rst"}
    assert facts.changelog == ""
    assert [(s.name, s.image, s.port) for s in facts.services] == [
        ("postgres", "postgres:16", 5433),
        ("mongodb", "mongo:5.0", 27017),
    ]
    assert facts.apt == ("libpq-dev",)
    notes = "\n".join(facts.notes)
    for expected in (
        "licence: LICENSE is the MIT text but pyproject.toml says 'BSD-3-Clause'",
        "service search (elasticsearch:8.3.3) is not one the shared tests workflow can start",
        "mongodb is started by the action supercharge/mongodb-github-action",
        "apt package ${{ matrix.pkg }} is an expression; kept out",
        "requires-python '>=3.8' allows Pythons older than the ecosystem's 3.10",
        "changelog CHANGES has no .rst or .md extension",
        "tag style: 2 of 3 release tags start with v",
        "generation: no uv.lock",
        "services are started by docker compose (hoverkraft-tech/compose-action)",
        "[tool.rye] found: rye is not a generation eco manages",
    ):
        assert expected in notes


def _checked_ecosystem(tmp_path: Path, entries: str) -> Path:
    """An ecosystem with the real skeleton, committed, for ``eco check``."""
    root = tmp_path / "eco"
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "projects.toml").write_text(ADOPTION_REGISTRY_HEAD + entries)
    git("init", "-q", "-b", "main", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "-q", "-m", "ecosystem", cwd=root)
    return root


@pytest.mark.slow
def test_check_names_the_facts_a_hand_written_entry_gets_wrong(tmp_path: Path) -> None:
    """A licence the text contradicts fails that project (exit 2), the others still run;
    every other wrong fact is drift naming the fact."""
    mit = make_fixture(tmp_path, "flask-mitlike")
    grouped = make_fixture(tmp_path, "flask-grouped")
    hooked = make_fixture(tmp_path, "flask-hooked")
    root = _checked_ecosystem(
        tmp_path,
        f'\n[projects.flask-mitlike]\nurl = "{mit.remote}"\n'
        f'\n[projects.flask-grouped]\nurl = "{grouped.remote}"\nchangelog = "CHANGES.md"\n',
    )
    result = run_eco("check", "flask-mitlike", "flask-grouped", cwd=root)
    assert result.returncode == 2, result.stdout + result.stderr
    assert (
        "failed flask-mitlike: licence: projects.toml says BSD-3-Clause "
        "(vars.license) but LICENSE.txt is the MIT text" in result.stderr
    )
    for line in (
        'generation: projects.toml says "pip-tools", the repository says "uv"',
        "python: projects.toml says 3.10, 3.11, 3.12, 3.13, the repository says "
        "requires-python >=3.11 (excludes 3.10)",
        'changelog: projects.toml says "CHANGES.md", the repository says "CHANGES.rst"',
        'vars.docs_format: projects.toml says "md", the repository says "rst"',
    ):
        assert f"  fact          {line}" in result.stdout, result.stdout
    data = json.loads(run_eco("check", "flask-grouped", "--format", "json", cwd=root).stdout)
    facts = {f["fact"]: f for f in data["projects"][0]["facts"]}
    assert facts["generation"] == {
        "fact": "generation",
        "registry": '"pip-tools"',
        "repository": '"uv"',
    }
    # The entry eco add writes contradicts nothing.
    added = run_eco("add", "flask-hooked", "--url", str(hooked.remote), cwd=root)
    assert added.returncode == 0, added.stderr
    git("commit", "-q", "-am", "add flask-hooked", cwd=root)
    result = run_eco("check", "flask-hooked", cwd=root)
    assert result.returncode == 1, result.stderr  # drift: not adopted yet
    assert "flask-hooked: drift" in result.stdout
    assert "  fact " not in result.stdout


@pytest.mark.slow
def test_check_remembers_facts_by_tree_and_entry(tmp_path: Path) -> None:
    """A second check of the same tree with the same entry reads the answer eco kept in
    its clone; a changed entry or a changed repository is read again, never answered
    from the old key."""
    mit = make_fixture(tmp_path, "flask-mitlike")
    entry = f'\n[projects.flask-mitlike]\nurl = "{mit.remote}"\n'
    root = _checked_ecosystem(tmp_path, entry)
    kept = tmp_path / "workspace" / "flask-mitlike" / ".git" / CACHE_FILE
    error = "licence: projects.toml says BSD-3-Clause (vars.license) but LICENSE.txt is the MIT"
    first = run_eco("check", "flask-mitlike", cwd=root)
    assert first.returncode == 2 and error in first.stderr, first.stderr
    answer = json.loads(kept.read_text())
    assert error in answer["license_error"]
    second = run_eco("check", "flask-mitlike", "--no-fetch", cwd=root)
    assert (second.returncode, second.stdout) == (2, first.stdout)
    assert _failures(second.stderr) == _failures(first.stderr) != []
    # A kept answer is used: planted under the same key, it is what check reports.
    kept.write_text(json.dumps({**answer, "license_error": "planted by the test"}))
    planted = run_eco("check", "flask-mitlike", "--no-fetch", cwd=root)
    assert "failed flask-mitlike: planted by the test" in planted.stderr
    # The entry corrected: another key, the facts are read again.
    (root / "projects.toml").write_text(
        (root / "projects.toml").read_text() + 'vars = { license = "MIT" }\n'
    )
    git("commit", "-q", "-am", "flask-mitlike is MIT", cwd=root)
    fixed = run_eco("check", "flask-mitlike", "--no-fetch", cwd=root)
    assert "licence" not in fixed.stderr and "planted" not in fixed.stderr, fixed.stderr
    assert fixed.returncode == 1, fixed.stderr  # drift only: not adopted yet
    assert json.loads(kept.read_text())["license_error"] == ""
    # The repository changed (the licence text is BSD now): its tree is another key.
    (mit.clone / "LICENSE.txt").write_text(BSD_3)
    git("commit", "-q", "-am", "relicense", cwd=mit.clone)
    git("push", "-q", "origin", "HEAD", cwd=mit.clone)
    changed = run_eco("check", "flask-mitlike", cwd=root)
    assert changed.returncode == 2, changed.stderr
    assert "projects.toml says MIT (vars.license) but LICENSE.txt is the BSD-3-Clause" in (
        changed.stderr
    )
    # An unreadable kept file is a miss, not an error.
    kept.write_text("{not json")
    again = run_eco("check", "flask-mitlike", "--no-fetch", cwd=root)
    assert (again.returncode, _failures(again.stderr)) == (2, _failures(changed.stderr))


def _failures(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("  failed ")]


def test_fact_cache_keys_and_files(tmp_path: Path) -> None:
    registry_file = tmp_path / "projects.toml"
    registry_file.write_text(ADOPTION_REGISTRY_HEAD + '\n[projects.flask-x]\nurl = "/nowhere"\n')
    registry = load_registry(registry_file)
    registry_file.unlink()
    project, ecosystem = registry.projects["flask-x"], registry.ecosystem
    key = cache_key(project, ecosystem, "a" * 40, True)
    assert key == cache_key(project, ecosystem, "a" * 40, True)
    others = {
        cache_key(project, ecosystem, "b" * 40, True),
        cache_key(project, ecosystem, "a" * 40, False),
        cache_key(dataclasses.replace(project, typed=False), ecosystem, "a" * 40, True),
        cache_key(project, dataclasses.replace(ecosystem, generation="uv"), "a" * 40, True),
    }
    assert key not in others and len(others) == 4
    found = Found("", (("generation", '"pip-tools"', '"uv"'),))
    store(tmp_path, key, found)  # no .git folder: not a clone eco made, nothing kept
    assert list(tmp_path.iterdir()) == []
    (tmp_path / ".git").mkdir()
    store(tmp_path, key, found)
    assert load(tmp_path, key) == found
    assert load(tmp_path, "0" * 64) is None
    assert [p.name for p in (tmp_path / ".git").iterdir()] == [CACHE_FILE]
    for broken in (
        "",
        "[]",
        json.dumps({"key": key}),
        json.dumps({"key": key, "license_error": "", "contradictions": [[1]]}),
    ):
        (tmp_path / ".git" / CACHE_FILE).write_text(broken)
        assert load(tmp_path, key) is None, broken


def test_values_the_registry_refuses_are_left_out_with_a_note(tmp_path: Path) -> None:
    """The repository is written by contributors: a hostile value never reaches the entry."""
    repo = make_fixture(tmp_path, "flask-services")
    pyproject = repo.clone / "pyproject.toml"
    text = pyproject.read_text()
    text = text.replace('name = "Flask-Services"', 'name = "Flask Services\\n[evil]"')
    text = text.replace('name = "flask_services"', 'name = "../../etc"')
    pyproject.write_text(text)
    workflow = repo.clone / ".github/workflows/tests.yaml"
    workflow.write_text(workflow.read_text().replace("redis:7-alpine", "redis:7;rm -rf /"))
    git("commit", "-q", "-am", "hostile", cwd=repo.clone)
    git("push", "-q", "origin", "main", cwd=repo.clone)
    root = _ecosystem(tmp_path)
    result = run_eco("add", "flask-services", "--url", str(repo.remote), cwd=root)
    assert result.returncode == 0, result.stderr
    entry = tomllib.loads((root / "projects.toml").read_text())["projects"]["flask-services"]
    assert "pypi" not in entry and "module" not in entry
    assert set(entry["tests"]["services"]) == {"memcached"}
    assert "note: pypi: the project says 'Flask Services\\n[evil]', which the registry refuses" in (
        result.stdout
    )
    assert "note: module: the project says '../../etc'" in result.stdout
    assert "service redis has an image eco cannot read ('redis:7;rm -rf /')" in result.stdout


_VALUES = st.recursive(
    st.one_of(st.text(max_size=8), st.integers(), st.booleans()),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(_KEYS), inner, max_size=3),
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(
    pyproject=st.dictionaries(st.sampled_from(_KEYS), _VALUES, max_size=4),
    workflow=st.dictionaries(st.sampled_from(_KEYS), _VALUES, max_size=3),
)
def test_facts_never_raise_on_any_shape(
    pyproject: dict[str, Any], workflow: dict[str, Any]
) -> None:
    """A contributor can give any key any shape: facts are read or noted, never a crash."""
    source = _source(
        {
            "pyproject.toml": tomlkit.dumps(pyproject),
            ".github/workflows/x.yaml": yaml.safe_dump(workflow),
            "tox.ini": "[testenv]\ndeps = pytest\n",
        }
    )
    facts = derive(
        source,
        branch="main",
        tags=(),
        supported=SUPPORTED,
        default_generation="pip-tools",
        name="x",
    )
    assert facts.generation in ("pip-tools", "uv")


def test_eco_add_runs_nothing_of_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Build hooks, setup.py, conftest.py, docs/conf.py and a licence that is a symbolic
    link out of the project: eco add reads them as text through git and runs none."""
    canary_environment(monkeypatch)
    repo = make_fixture(tmp_path, "flask-hooked")
    proofs = Proofs(tmp_path / "proofs")
    hostile = HostileProject.clone(repo.remote, tmp_path, proofs)
    write_files(
        hostile.work,
        {
            "hatch_build.py": proofs.python("hatch_build") + "\n",
            "setup.py": proofs.python("setup_py") + "\n",
            "conftest.py": proofs.python("conftest") + "\n",
            "docs/conf.py": proofs.python("docs_conf") + "\n",
            "noxfile.py": proofs.python("noxfile") + "\n",
        },
    )
    hostile.symlink_out("LICENSE.txt")
    hostile.invalid_utf8("README.md")
    hostile.push()
    root = _ecosystem(tmp_path)
    result = run_eco("add", "flask-hooked", "--url", str(repo.remote), cwd=root)
    assert result.returncode == 0, result.stderr
    assert proofs.ran() == []
    assert canary_findings(tmp_path / "workspace", tmp_path / "remotes", root) == []
    assert (hostile.outside / "secret.txt").read_text() == "outside the project\n"
    # The symbolic link is not followed: its target path is not a licence text.
    assert "note: licence: LICENSE.txt is a symbolic link; eco does not follow it" in result.stdout
    entry = tomllib.loads((root / "projects.toml").read_text())["projects"]["flask-hooked"]
    assert "license" not in entry.get("vars", {})  # pyproject's BSD-3-Clause is the default
    assert entry["build-backend"] == "hatchling"


def _restricted(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with only the tables PYPROJECT_TABLES names."""
    out: dict[str, Any] = {}
    for name in PYPROJECT_TABLES:
        *parents, last = name.split(".")
        source: Any = data
        for key in parents:
            source = source.get(key, {}) if isinstance(source, dict) else {}
        if isinstance(source, dict) and last in source:
            target = out
            for key in parents:
                target = target.setdefault(key, {})
            target[last] = source[last]
    return out


def test_only_the_tables_facts_need_are_parsed() -> None:
    """The cut at table headers gives what a full parse gives, for those tables."""
    texts = [f.files["pyproject.toml"] for f in FIXTURES.values()]
    texts.append((REPO / "pyproject.toml").read_text())
    texts.append("[tool]\nhatch.build.hooks.vcs = {}\nruff.line-length = 88\n")
    # A multi-line string holding a line that looks like a header: the whole is parsed.
    texts.append('[project]\nname = "x"\ndescription = """\n[tool.ruff]\n"""\n[tool.ruff]\n')
    for text in texts:
        parsed = loads_tables(text, PYPROJECT_TABLES)
        assert _restricted(parsed) == _restricted(tomllib.loads(text)), text
    # What is cut is really not parsed: the skeleton's tool tables stay out.
    assert (
        "ruff" not in loads_tables((REPO / "pyproject.toml").read_text(), PYPROJECT_TABLES)["tool"]
    )
