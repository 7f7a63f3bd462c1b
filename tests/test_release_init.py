"""End to end: a project made by ``eco init``, released from eco's workspace clone, built
twice to the same bytes, checked by twine, uploaded to pypiserver, then refused again."""

from __future__ import annotations

import difflib
import json
import subprocess
from pathlib import Path

import pytest

from tests.helpers import Ecosystem
from tests.helpers import git
from tests.helpers import make_ecosystem
from tests.helpers import refs
from tests.helpers import run_eco
from tests.package_index import PackageIndex

pytestmark = pytest.mark.slow

NAME = "rel-init-demo"
DEPRECATED = '''

def old_name() -> None:
    """Deprecated alias."""
    import warnings

    warnings.warn(
        "'old_name' is deprecated and will be removed in Rel-Init-Demo 0.1.",
        DeprecationWarning,
        stacklevel=2,
    )
'''


def init_project(tmp_path: Path) -> tuple[Ecosystem, Path]:
    """``eco init --register``, then the project's remote is a bare copy of it."""
    eco = make_ecosystem(tmp_path)
    work = tmp_path / "work" / NAME
    made = run_eco("--root", str(eco.root), "init", NAME, "--path", str(work), "--register")
    assert made.returncode == 0, made.stdout + made.stderr
    module = work / "src" / NAME.replace("-", "_") / "__init__.py"
    module.write_text(module.read_text() + DEPRECATED)
    git("commit", "-qam", "deprecate old_name", cwd=work)
    bare = tmp_path / "remotes" / f"{NAME}.git"
    git("clone", "-q", "--bare", str(work), str(bare), cwd=tmp_path)
    text = (eco.root / "projects.toml").read_text()
    assert str(work) in text
    eco.write_registry(text.replace(str(work), str(bare)))
    eco.commit("point the project at its remote")
    return eco, bare


def eco_run(eco: Ecosystem, *args: str) -> subprocess.CompletedProcess[str]:
    return run_eco("--root", str(eco.root), *args)


def test_release_an_eco_init_project(tmp_path: Path, package_index: PackageIndex) -> None:
    eco, bare = init_project(tmp_path)
    index = ["--index-url", package_index.url, "--forge", "local"]
    before = refs(bare)
    dry = eco_run(eco, "release", NAME, "--date", "2026-11-21", "--dry-run", *index)
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert refs(bare) == before
    report = eco_run(eco, "release", NAME, "-n", "--format", "json", "--date", "2026-11-21", *index)
    data = json.loads(report.stdout)
    assert (data["version"], data["release"], data["dry_run"]) == (1, "0.1.0", True)
    assert [s["state"] for s in data["steps"]][:3] == ["todo", "todo", "todo"]
    assert refs(bare) == before
    result = eco_run(eco, "release", NAME, "--date", "2026-11-21", *index)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"release {NAME} 0.1.0 from main" in result.stdout
    assert "in the workspace clone" in result.stdout
    # A feature release lists the project's own deprecations due for removal.
    assert "warning: src/rel_init_demo/__init__.py:" in result.stdout
    assert "DeprecationWarning due for removal in 0.1.0: \"'old_name' is deprecated" in (
        result.stdout
    )
    main, head = git("rev-parse", "main", cwd=bare), git("rev-parse", "release-0.1.0", cwd=bare)
    assert git("rev-parse", "0.1.0^{commit}", cwd=bare) == head
    assert git("cat-file", "-t", "0.1.0", cwd=bare) == "tag"
    changed = {}
    for path in git("diff", "--name-only", main, head, cwd=bare).split():
        old = git("show", f"{main}:{path}", cwd=bare).splitlines()
        new = git("show", f"{head}:{path}", cwd=bare).splitlines()
        changed[path] = [
            line
            for line in difflib.unified_diff(old, new, lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))
        ]
    assert changed == {
        "CHANGES.md": ["-Unreleased", "+Released 2026-11-21"],
        "pyproject.toml": ['-version = "0.1.0.dev"', '+version = "0.1.0"'],
    }
    # Build the tag from the workspace clone as the publish workflow would, then upload.
    out = tmp_path / "dist"
    built = eco_run(eco, "build", NAME, "--rev", "0.1.0", "--outdir", str(out))
    assert built.returncode == 0, built.stdout + built.stderr
    for check in ("twine check --strict", "check-wheel-contents", "sdist files tracked by git"):
        assert f"ok      {check}" in built.stdout
    assert "ok      reproducible (two builds, same SHA-256)" in built.stdout
    dists = sorted(out.iterdir())
    assert [d.name for d in dists] == [
        "rel_init_demo-0.1.0-py3-none-any.whl",
        "rel_init_demo-0.1.0.tar.gz",
    ]
    package_index.upload(*dists)
    assert package_index.versions(NAME) == ["0.1.0"]
    # Uploaded by hand, not by the publish workflow: no provenance, so verify fails.
    checked = eco_run(
        eco, "verify", NAME, "--index-url", package_index.url, "--repository", "o/r", "--offline"
    )
    assert checked.returncode == 1, checked.stdout + checked.stderr
    rows = [line for line in checked.stdout.splitlines() if line.startswith("rel_init_demo-")]
    assert len(rows) == 2 and all("failed  no provenance" in row for row in rows), rows
    # The same release again: refused for both reasons, nothing changed.
    before = refs(bare)
    again = eco_run(eco, "release", NAME, "--date", "2026-11-21", *index)
    assert again.returncode == 2
    assert "tag 0.1.0 already exists (locally and on origin)" in again.stderr
    assert f"{NAME} 0.1.0 is already on the index" in again.stderr
    assert refs(bare) == before
