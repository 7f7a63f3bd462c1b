"""``eco release`` with real git repositories and the local package index (pypiserver)."""

from __future__ import annotations

import difflib
import json
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from eco.release.checkout import infer_project
from eco.release.checkout import Target
from eco.release.steps import prepare
from tests.helpers import git
from tests.helpers import make_bare_repo
from tests.helpers import make_ecosystem
from tests.helpers import refs
from tests.helpers import run_eco
from tests.package_index import PackageIndex
from tests.release_project import CHANGES
from tests.release_project import make_project
from tests.release_project import project_files

pytestmark = pytest.mark.slow

DAY = "2026-11-21"


@dataclass
class Project:
    name: str
    bare: Path
    clone: Path
    index: PackageIndex

    def release(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run_eco(
            "release",
            "--path",
            str(self.clone),
            "--date",
            DAY,
            "--index-url",
            self.index.url,
            "--forge",
            "local",
            *args,
        )

    def snapshot(self) -> tuple[str, str, str, list[str]]:
        """Everything a refused or dry run must leave as it was."""
        status = git("status", "--porcelain", "--untracked-files=all", cwd=self.clone)
        return refs(self.clone), refs(self.bare), status, self.index.versions(self.name)


def project(tmp_path: Path, index: PackageIndex, name: str, **kwargs: str) -> Project:
    bare, clone = make_project(tmp_path, name, **kwargs)
    return Project(name, bare, clone, index)


def changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_release_then_build_upload_and_refuse_again(
    tmp_path: Path, package_index: PackageIndex
) -> None:
    p = project(tmp_path, package_index, "rel-flow")
    result = p.release()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "pre-flight: ok" in result.stdout
    # Said once, after the pre-flight: no CI check and no GitHub steps.
    assert [line for line in result.stdout.splitlines() if "CI" in line] == [
        "  GitHub: skipped (local forge): no CI check, pull request or draft release"
    ]
    assert "GitHub: skipped (local forge)" in result.stdout
    assert "[ok]   push: pushed release-1.2.0 and tag 1.2.0 to origin" in result.stdout
    # The remote has the release branch: one commit on main, exactly two lines changed.
    main = git("rev-parse", "main", cwd=p.bare)
    head = git("rev-parse", "release-1.2.0", cwd=p.bare)
    assert git("rev-parse", f"{head}^", cwd=p.bare) == main
    assert git("log", "-1", "--format=%s", head, cwd=p.bare) == "release version 1.2.0"
    assert git("diff", "--name-only", main, head, cwd=p.bare).split() == [
        "CHANGES.rst",
        "pyproject.toml",
    ]
    for path, lines in (
        ("pyproject.toml", ['-version = "1.2.0.dev"', '+version = "1.2.0"']),
        ("CHANGES.rst", ["-Unreleased", f"+Released {DAY}"]),
    ):
        old = git("show", f"{main}:{path}", cwd=p.bare)
        new = git("show", f"{head}:{path}", cwd=p.bare)
        assert changed_lines(old, new) == lines
    # An annotated tag on that commit, with the Pallets message.
    assert git("cat-file", "-t", "1.2.0", cwd=p.bare) == "tag"
    assert git("rev-parse", "1.2.0^{commit}", cwd=p.bare) == head
    assert git("tag", "-l", "--format=%(contents:subject)", "1.2.0", cwd=p.bare) == (
        "release version 1.2.0"
    )
    # The maintainer's checkout did not move: still main, clean, nothing rewritten.
    assert git("branch", "--show-current", cwd=p.clone) == "main"
    assert git("status", "--porcelain", cwd=p.clone) == ""
    # Build the tag as the workflow does: reproducible, twine --strict, then upload.
    out = tmp_path / "dist"
    built = run_eco("build", "--path", str(p.clone), "--rev", "1.2.0", "--outdir", str(out))
    assert built.returncode == 0, built.stdout + built.stderr
    assert "ok      reproducible (two builds, same SHA-256)" in built.stdout
    assert "ok      twine check --strict" in built.stdout
    dists = sorted(out.iterdir())
    assert [d.name for d in dists] == ["rel_flow-1.2.0-py3-none-any.whl", "rel_flow-1.2.0.tar.gz"]
    package_index.upload(*dists)
    assert package_index.versions("rel-flow") == ["1.2.0"]
    # A second release of 1.2.0 is refused: the tag exists and the index has the files.
    before = p.snapshot()
    again = p.release()
    assert again.returncode == 2
    assert "release of rel-flow 1.2.0 refused; nothing was changed" in again.stderr
    assert "tag 1.2.0 already exists (locally and on origin)" in again.stderr
    [tag_line] = [line for line in again.stderr.splitlines() if "tag 1.2.0" in line]
    assert "continue it with: eco release --path " in tag_line
    assert tag_line.endswith(" 1.2.0 --resume")
    assert f"rel-flow 1.2.0 is already on the index {package_index.url}" in again.stderr
    assert p.snapshot() == before
    # Running it again with --resume finds every step done.
    resumed = p.release("--resume")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "warning: rel-flow 1.2.0 is already on the index" in resumed.stdout
    for step in ("commit", "tag", "push"):
        assert f"[done] {step}: already done" in resumed.stdout
    assert p.snapshot() == before


def _refused(p: Project, *args: str) -> str:
    before = p.snapshot()
    result = p.release(*args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert p.snapshot() == before
    assert "nothing was changed" in result.stderr
    return result.stderr


def test_refuses_a_dirty_tree(tmp_path: Path, package_index: PackageIndex) -> None:
    p = project(tmp_path, package_index, "rel-dirty")
    (p.clone / "README.md").write_text("changed\n")
    assert "the working tree has uncommitted changes: README.md" in _refused(p)


def test_refuses_the_wrong_branch(tmp_path: Path, package_index: PackageIndex) -> None:
    p = project(tmp_path, package_index, "rel-branch")
    git("switch", "-q", "-c", "topic", cwd=p.clone)
    message = _refused(p)
    assert (
        "1.2.0 (a feature release A.B.0) is released from 'main', and this checkout is on "
        "'topic': git switch main (or pass --base topic to release from topic)"
    ) in message
    git("switch", "-q", "main", cwd=p.clone)
    # A fix release is made from stable.
    message = _refused(p, "1.2.1")
    assert "1.2.1 (a fix release A.B.x) is released from 'stable'" in message


def test_refuses_behind_the_remote(tmp_path: Path, package_index: PackageIndex) -> None:
    p = project(tmp_path, package_index, "rel-behind")
    other = tmp_path / "other"
    git("clone", "-q", str(p.bare), str(other), cwd=tmp_path)
    (other / "NEW.txt").write_text("new\n")
    git("add", "NEW.txt", cwd=other)
    git("commit", "-qm", "new", cwd=other)
    git("push", "-q", "origin", "main", cwd=other)
    remote = git("rev-parse", "main", cwd=other)
    assert f"the checkout is behind origin/main (origin at {remote[:12]}" in _refused(p)


def test_refuses_unpushed_commits(tmp_path: Path, package_index: PackageIndex) -> None:
    p = project(tmp_path, package_index, "rel-ahead")
    git("commit", "-q", "--allow-empty", "-m", "local only", cwd=p.clone)
    assert "HEAD has 1 commit(s) not on origin/main" in _refused(p)


def test_refuses_an_existing_tag(tmp_path: Path, package_index: PackageIndex) -> None:
    p = project(tmp_path, package_index, "rel-tag")
    git("tag", "1.2.0", cwd=p.clone)
    message = _refused(p)
    assert "tag 1.2.0 already exists (locally) and no release-1.2.0 branch" in message
    assert "release another version (a tag made by mistake: git tag -d 1.2.0)" in message
    assert "--resume" not in message


def test_refuses_a_version_on_the_index(tmp_path: Path, package_index: PackageIndex) -> None:
    p = project(tmp_path, package_index, "rel-indexed")
    package_index.add("rel-indexed", "1.2.0")
    message = _refused(p)
    assert (
        f"rel-indexed 1.2.0 is already on the index {package_index.url} "
        "(rel_indexed-1.2.0-py3-none-any.whl)"
    ) in message


def test_refuses_without_unreleased(tmp_path: Path, package_index: PackageIndex) -> None:
    released = "Version 1.2.0\n-------------\n\nReleased 2026-01-01\n\n-   Done.\n"
    p = project(tmp_path, package_index, "rel-none", **{"CHANGES.rst": released})
    message = _refused(p)
    assert "CHANGES.rst:4: Version 1.2.0 is already released: 'Released 2026-01-01'" in message


def test_refuses_two_unreleased(tmp_path: Path, package_index: PackageIndex) -> None:
    two = "Version 1.3.0\n-------------\n\nUnreleased\n\n\n" + CHANGES["rst"].format(
        release="1.2.0", line="-" * 13
    )
    p = project(tmp_path, package_index, "rel-two", **{"CHANGES.rst": two})
    message = _refused(p)
    assert "CHANGES.rst: 2 'Unreleased' sections: Version 1.3.0 (CHANGES.rst:1), " in message
    assert "Version 1.2.0 (CHANGES.rst:7); expected exactly one" in message


def test_refuses_a_version_mismatch(tmp_path: Path, package_index: PackageIndex) -> None:
    changes = CHANGES["rst"].format(release="1.3.0", line="-" * 13)
    p = project(tmp_path, package_index, "rel-mismatch", **{"CHANGES.rst": changes})
    message = _refused(p, "1.3.0")
    assert "pyproject.toml: version is 1.2.0.dev, which releases as 1.2.0, not 1.3.0" in message
    assert "CHANGES.rst" not in message  # the changelog is right for 1.3.0
    # "v1.2.0" parses as 1.2.0, but would become the tag and the version line as written.
    before = p.snapshot()
    prefixed = p.release("v1.2.0")
    assert prefixed.returncode == 2
    assert "error: the version to release 'v1.2.0' is not written in its normal form: use " in (
        prefixed.stderr
    )
    assert p.snapshot() == before


def test_dry_run_changes_nothing(tmp_path: Path, package_index: PackageIndex) -> None:
    p = project(tmp_path, package_index, "rel-dry", fmt="md")
    before = p.snapshot()
    result = p.release("--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert p.snapshot() == before
    out = result.stdout
    assert "dry run: nothing is changed; the steps would be:" in out
    for line in (
        "    --- a/pyproject.toml",
        '    -version = "1.2.0.dev"',
        '    +version = "1.2.0"',
        "    --- a/CHANGES.md",
        "    -Unreleased",
        f"    +Released {DAY}",
        "    git tag -a 1.2.0 -m 'release version 1.2.0' release-1.2.0",
        "    git push --atomic origin release-1.2.0 1.2.0",
    ):
        assert line in out.splitlines()
    # And a refused dry run is refused like the real one.
    git("tag", "1.2.0", cwd=p.clone)
    assert "tag 1.2.0 already exists" in _refused(p, "--dry-run")


def test_unreachable_index_warns_in_a_dry_run_and_refuses_a_release(
    tmp_path: Path, package_index: PackageIndex
) -> None:
    """Offline, the rehearsal still runs; the real release will not guess."""
    p = project(tmp_path, package_index, "rel-offline")
    nowhere = "http://127.0.0.1:9/simple"  # the discard port: connection refused
    before = p.snapshot()
    dry = p.release("--dry-run", "--index-url", nowhere)
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "cannot reach the package index" in dry.stdout + dry.stderr
    assert "NOT CHECKED whether 1.2.0 is published" in dry.stdout + dry.stderr
    assert p.snapshot() == before
    real = p.release("--index-url", nowhere)
    assert real.returncode == 2
    assert "cannot reach the package index" in real.stderr
    assert "Traceback" not in real.stderr
    assert p.snapshot() == before


def test_resume_after_a_failed_push(tmp_path: Path, package_index: PackageIndex) -> None:
    p = project(tmp_path, package_index, "rel-resume")
    # The remote refuses pushes for now: the release stops after commit and tag.
    hook = p.bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'remote: closed for maintenance' >&2\nexit 1\n")
    hook.chmod(0o755)
    first = p.release()
    assert first.returncode == 2
    assert "closed for maintenance" in first.stderr
    # The failure says what was done and the exact command that continues the release.
    resume = f"  eco release --path {p.clone} 1.2.0 --resume"
    assert (
        "release of rel-resume 1.2.0 stopped at step 'push' (done in this run: commit, tag)"
        in first.stderr
    )
    assert resume in first.stderr.splitlines()
    assert "Traceback" not in first.stderr
    assert git("rev-parse", "release-1.2.0", cwd=p.clone)
    assert git("tag", "-l", "1.2.0", cwd=p.bare) == ""
    # Without --resume the half-made release is named; with it, only the push is left.
    plain = p.release()
    assert plain.returncode == 2
    assert "tag 1.2.0 already exists locally, not on origin: a release of 1.2.0 stopped" in (
        plain.stderr
    )
    assert f"continue it with: {resume.strip()}" in plain.stderr
    assert "start over: git tag -d 1.2.0 && git branch -D release-1.2.0" in plain.stderr
    hook.unlink()
    resumed = p.release("--resume")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "[done] commit: already done" in resumed.stdout
    assert "[done] tag: already done" in resumed.stdout
    assert "[ok]   push: pushed release-1.2.0 and tag 1.2.0" in resumed.stdout
    assert git("rev-parse", "1.2.0^{commit}", cwd=p.bare) == git(
        "rev-parse", "release-1.2.0", cwd=p.clone
    )


def test_next_dev_opens_the_following_version(tmp_path: Path, package_index: PackageIndex) -> None:
    p = project(tmp_path, package_index, "rel-next")
    assert p.release().returncode == 0
    # Merge the release into main (with a merge commit), as the policy says.
    git("fetch", "-q", "origin", cwd=p.clone)
    git("merge", "-q", "--no-ff", "-m", "Merge release-1.2.0", "origin/release-1.2.0", cwd=p.clone)
    git("push", "-q", "origin", "main", cwd=p.clone)
    before = refs(p.bare)
    dry = p.release("--next-dev", "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert '    +version = "1.3.0.dev"' in dry.stdout.splitlines()
    assert refs(p.bare) == before
    result = p.release("--next-dev")
    assert result.returncode == 0, result.stdout + result.stderr
    assert refs(p.bare) != before
    head = git("rev-parse", "start-1.3.0", cwd=p.bare)
    assert git("log", "-1", "--format=%s", head, cwd=p.bare) == "start version 1.3.0"
    changes = git("show", f"{head}:CHANGES.rst", cwd=p.bare)
    assert changes.startswith("Version 1.3.0\n-------------\n\nUnreleased\n\n\nVersion 1.2.0\n")
    assert 'version = "1.3.0.dev"' in git("show", f"{head}:pyproject.toml", cwd=p.bare)
    # Once opened, opening it again is refused.
    again = p.release("--next-dev")
    assert again.returncode == 2
    assert "branch start-1.3.0 already exists" in again.stderr


def test_next_dev_refuses_a_development_version(
    tmp_path: Path, package_index: PackageIndex
) -> None:
    p = project(tmp_path, package_index, "rel-next-early")
    before = p.snapshot()
    result = p.release("--next-dev")
    assert result.returncode == 2
    assert "pyproject.toml on main: version is still 1.2.0.dev, a development version; " in (
        result.stderr
    )
    assert p.snapshot() == before
    # Released but not merged back yet: that is what it says.
    assert p.release().returncode == 0
    before = p.snapshot()
    early = p.release("--next-dev")
    assert early.returncode == 2
    assert (
        "1.2.0 is tagged on origin, but its release branch is not merged into main yet: "
        "merge release-1.2.0 (with a merge commit) first"
    ) in early.stderr
    assert p.snapshot() == before


def test_path_checkout_is_matched_to_its_registered_project(
    tmp_path: Path, package_index: PackageIndex
) -> None:
    p = project(tmp_path, package_index, "rel-match")
    eco = make_ecosystem(tmp_path, f'\n[projects.matched]\npypi = "Rel_Match"\nurl = "{p.bare}"\n')
    result = run_eco(
        "--root",
        str(eco.root),
        "release",
        "--path",
        str(p.clone),
        "--dry-run",
        "--index-url",
        package_index.url,
        "--forge",
        "local",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("release matched 1.2.0 from main")
    assert "then open the next version" not in result.stdout  # a dry run stops at the plan


def test_resume_from_another_checkout(tmp_path: Path, package_index: PackageIndex) -> None:
    """A release begun in one checkout is finished from another: its branch is fetched,
    not made a second time."""
    p = project(tmp_path, package_index, "rel-elsewhere")
    assert p.release().returncode == 0
    other = Project(p.name, p.bare, tmp_path / "second", package_index)
    # A clone of main alone: the release's commit and tag are only on origin.
    url = f"file://{p.bare}"  # through the transport: only what main needs is copied
    git("clone", "-q", "--single-branch", "--no-tags", url, str(other.clone), cwd=tmp_path)
    refused = other.release()
    assert refused.returncode == 2
    assert "tag 1.2.0 already exists (on origin)" in refused.stderr
    before = refs(p.bare)
    resumed = other.release("--resume")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "note: release-1.2.0 is on origin only: it will be fetched" in resumed.stdout
    assert "[ok]   fetch: fetched release-1.2.0 and 1.2.0 from origin" in resumed.stdout
    for step in ("commit", "tag", "push"):
        assert f"[done] {step}: already done" in resumed.stdout
    assert refs(p.bare) == before
    assert git("rev-parse", "release-1.2.0", cwd=other.clone) == git(
        "rev-parse", "release-1.2.0", cwd=p.bare
    )


def test_flit_dynamic_version_in_the_package(tmp_path: Path, package_index: PackageIndex) -> None:
    """``dynamic = ["version"]``: the version is ``__version__`` in the package, which the
    release and --next-dev rewrite instead of pyproject.toml (untouched)."""
    p = project(tmp_path, package_index, "rel-dyn")
    pyproject = p.clone / "pyproject.toml"
    text = pyproject.read_text().replace('version = "1.2.0.dev"', 'dynamic = ["version"]')
    pyproject.write_text(text)
    init = p.clone / "src/rel_dyn/__init__.py"
    init.write_text('"""A test project."""\n\n__version__ = "1.2.0.dev"\n')
    git("commit", "-qam", "version in the package", cwd=p.clone)
    git("push", "-q", "origin", "main", cwd=p.clone)
    # A version argument that disagrees with the package is refused, naming the file.
    assert "src/rel_dyn/__init__.py: version is 1.2.0.dev, which releases as 1.2.0, not 1.3.0" in (
        _refused(p, "1.3.0")
    )
    result = p.release()
    assert result.returncode == 0, result.stdout + result.stderr
    main = git("rev-parse", "main", cwd=p.bare)
    head = git("rev-parse", "release-1.2.0", cwd=p.bare)
    assert git("diff", "--name-only", main, head, cwd=p.bare).split() == [
        "CHANGES.rst",
        "src/rel_dyn/__init__.py",
    ]
    old = git("show", f"{main}:src/rel_dyn/__init__.py", cwd=p.bare)
    new = git("show", f"{head}:src/rel_dyn/__init__.py", cwd=p.bare)
    assert changed_lines(old, new) == ['-__version__ = "1.2.0.dev"', '+__version__ = "1.2.0"']
    # flit reads that line: the tag builds as 1.2.0.
    out = tmp_path / "dist"
    built = run_eco(
        "build", "--path", str(p.clone), "--rev", "1.2.0", "--once", "--outdir", str(out)
    )
    assert built.returncode == 0, built.stdout + built.stderr
    assert "rel_dyn-1.2.0.tar.gz" in [d.name for d in out.iterdir()]
    # Merged back, the next version is opened in the same line.
    git("fetch", "-q", "origin", cwd=p.clone)
    git("merge", "-q", "--no-ff", "-m", "Merge release-1.2.0", "origin/release-1.2.0", cwd=p.clone)
    git("push", "-q", "origin", "main", cwd=p.clone)
    opened = p.release("--next-dev")
    assert opened.returncode == 0, opened.stdout + opened.stderr
    start = git("show", "start-1.3.0:src/rel_dyn/__init__.py", cwd=p.bare)
    assert '__version__ = "1.3.0.dev"' in start.splitlines()
    assert git("show", "start-1.3.0:pyproject.toml", cwd=p.bare) == text.rstrip("\n")


def test_a_pre_release_then_the_final_release(tmp_path: Path, package_index: PackageIndex) -> None:
    """``1.2.0rc1`` from ``1.2.0.dev``: the version only, the changes stay Unreleased under
    Version 1.2.0; merged back, ``1.2.0`` then dates the changelog."""
    p = project(tmp_path, package_index, "rel-rc")
    rc = p.release("1.2.0rc1")
    assert rc.returncode == 0, rc.stdout + rc.stderr
    main = git("rev-parse", "main", cwd=p.bare)
    head = git("rev-parse", "release-1.2.0rc1", cwd=p.bare)
    assert git("diff", "--name-only", main, head, cwd=p.bare).split() == ["pyproject.toml"]
    assert git("rev-parse", "1.2.0rc1^{commit}", cwd=p.bare) == head
    assert 'version = "1.2.0rc1"' in git("show", f"{head}:pyproject.toml", cwd=p.bare)
    git("fetch", "-q", "origin", cwd=p.clone)
    git("merge", "-q", "--no-ff", "-m", "Merge rc1", "origin/release-1.2.0rc1", cwd=p.clone)
    git("push", "-q", "origin", "main", cwd=p.clone)
    # Its notes (the draft release on GitHub) say what it is, over Version 1.2.0's changes.
    target = Target(infer_project(p.clone), p.clone, None, workspace=False)
    notes = prepare(target, "1.2.0rc2", day=date(2026, 11, 21), index_url="", github=None).notes()
    assert notes.startswith("This is rel-rc 1.2.0rc2, a pre-release of the 1.2.0 feature release.")
    assert notes.endswith("\n\n-   A change. #1\n")
    # Going back to an earlier pre-release is refused, naming the file.
    assert "pyproject.toml: version is 1.2.0rc1, which releases as 1.2.0rc1, not 1.2.0b1" in (
        _refused(p, "1.2.0b1")
    )
    final = p.release("1.2.0")
    assert final.returncode == 0, final.stdout + final.stderr
    main = git("rev-parse", "main", cwd=p.bare)
    head = git("rev-parse", "release-1.2.0", cwd=p.bare)
    old = git("show", f"{main}:CHANGES.rst", cwd=p.bare)
    assert changed_lines(old, git("show", f"{head}:CHANGES.rst", cwd=p.bare)) == [
        "-Unreleased",
        f"+Released {DAY}",
    ]
    assert 'version = "1.2.0"' in git("show", f"{head}:pyproject.toml", cwd=p.bare)


def test_a_pre_release_with_its_own_changelog_section(
    tmp_path: Path, package_index: PackageIndex
) -> None:
    """A changelog that gives the pre-release its own section ("Version 2.0.0rc1") has that
    section dated, like a final release."""
    changes = CHANGES["rst"].format(release="1.2.0rc1", line="-" * 16)
    p = project(tmp_path, package_index, "rel-rc-own", **{"CHANGES.rst": changes})
    result = p.release("1.2.0rc1")
    assert result.returncode == 0, result.stdout + result.stderr
    main = git("rev-parse", "main", cwd=p.bare)
    head = git("rev-parse", "release-1.2.0rc1", cwd=p.bare)
    old = git("show", f"{main}:CHANGES.rst", cwd=p.bare)
    assert changed_lines(old, git("show", f"{head}:CHANGES.rst", cwd=p.bare)) == [
        "-Unreleased",
        f"+Released {DAY}",
    ]
    again = p.release("1.2.0rc1", "--resume")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "[done] commit: already done" in again.stdout


def test_refuses_a_checkout_without_the_projects_origin(
    tmp_path: Path, package_index: PackageIndex
) -> None:
    """From a maintainer's checkout, git-only: origin must be the project's repository
    (a tag pushed to a fork starts no publish workflow), and must exist."""
    p = project(tmp_path, package_index, "rel-fork")
    eco = make_ecosystem(
        tmp_path, f'\n[projects.rel-fork]\nrepo = "pallets-eco/rel-fork"\nurl = "{p.bare}"\n'
    )

    def release() -> subprocess.CompletedProcess[str]:
        return run_eco(
            "--root",
            str(eco.root),
            "release",
            "--path",
            str(p.clone),
            "--forge",
            "local",
            "--index-url",
            package_index.url,
        )

    git("remote", "set-url", "origin", "git@github.com:someone/rel-fork.git", cwd=p.clone)
    before = p.snapshot()
    fork = release()
    assert fork.returncode == 2, fork.stdout + fork.stderr
    assert (
        "origin is git@github.com:someone/rel-fork.git, not the project's repository "
        "pallets-eco/rel-fork: the tag would start no publish workflow there"
    ) in fork.stderr
    git("remote", "remove", "origin", cwd=p.clone)
    none = release()
    assert none.returncode == 2, none.stdout + none.stderr
    assert "the checkout has no remote 'origin'" in none.stderr
    assert "Traceback" not in fork.stderr + none.stderr
    assert (refs(p.bare), p.index.versions(p.name)) == (before[1], before[3])


# Issue 18: what a trial on the real pallets-eco repositories found.


def test_an_empty_unreleased_section_is_refused_unless_allowed(
    tmp_path: Path, package_index: PackageIndex
) -> None:
    """Point 10: the release notes would be empty; say so, and release with --allow-empty."""
    empty = "Version 1.2.0\n-------------\n\nUnreleased\n\n\nVersion 1.1.0\n-------------\n\n"
    empty += "Released 2026-01-01\n\n-   An old change.\n"
    p = project(tmp_path, package_index, "rel-empty", **{"CHANGES.rst": empty})
    message = _refused(p)
    assert (
        "CHANGES.rst:4: Version 1.2.0 has no entries under 'Unreleased': the release notes "
        "would be empty; write the changes there, or pass --allow-empty"
    ) in message
    allowed = p.release("--allow-empty")
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert "warning: CHANGES.rst:4: Version 1.2.0 has no entries under 'Unreleased'" in (
        allowed.stdout
    )
    assert git("tag", "-l", "1.2.0", cwd=p.bare) == "1.2.0"


def test_a_tag_made_by_hand_is_not_offered_resume(
    tmp_path: Path, package_index: PackageIndex
) -> None:
    """Point 8: a release made long ago without eco has a tag but no release-X branch;
    --resume cannot finish anything there, so it is not suggested."""
    p = project(tmp_path, package_index, "rel-old-tag")
    git("tag", "-a", "1.2.0", "-m", "by hand", cwd=p.clone)
    git("push", "-q", "origin", "1.2.0", cwd=p.clone)
    message = _refused(p)
    [line] = [line for line in message.splitlines() if line.startswith("  - tag 1.2.0")]
    assert "--resume" not in message
    assert line == (
        "  - tag 1.2.0 already exists (locally and on origin) and no release-1.2.0 branch: "
        "1.2.0 was released without eco, or its release is finished; release another version"
    )


def test_the_wrong_branch_is_the_one_problem_named(
    tmp_path: Path, package_index: PackageIndex
) -> None:
    """Point 6: a checkout on another branch than the release's is told which branch the
    release needs, without advice computed against the wrong branch (push, pull)."""
    p = project(tmp_path, package_index, "rel-wrong")
    # stable is behind main by one commit; the checkout is on main.
    git("push", "-q", "origin", "main:stable", cwd=p.clone)
    (p.clone / "NEW.txt").write_text("new\n")
    git("add", "NEW.txt", cwd=p.clone)
    git("commit", "-qm", "new on main", cwd=p.clone)
    git("push", "-q", "origin", "main", cwd=p.clone)
    message = _refused(p, "1.2.1")
    assert (
        "  - 1.2.1 (a fix release A.B.x) is released from 'stable', and this checkout is on "
        "'main': git switch stable (or pass --base main to release from main)"
    ) in message.splitlines()
    assert "push them" not in message and "git pull" not in message
    # A branch of its own, behind main: the same, and its commit is not called main's.
    git("switch", "-q", "-c", "development", "HEAD~1", cwd=p.clone)
    before = p.snapshot()
    result = p.release()
    assert result.returncode == 2
    assert p.snapshot() == before
    head = git("rev-parse", "HEAD", cwd=p.clone)[:12]
    assert result.stdout.splitlines()[0] == (
        f"release rel-wrong 1.2.0 from main; the checkout {p.clone} is on development ({head})"
    )
    assert (
        "  - 1.2.0 (a feature release A.B.0) is released from 'main', and this checkout is on "
        "'development': git switch main (or pass --base development to release from development)"
    ) in result.stderr.splitlines()
    assert "behind origin/main" not in result.stderr


def test_outside_the_registry_the_projects_branch_is_origins_default(
    tmp_path: Path, package_index: PackageIndex
) -> None:
    """Point 6: a project whose default branch is 'development' releases from it."""
    bare = make_bare_repo(tmp_path, "rel-devel", project_files("rel-devel"), branch="development")
    clone = tmp_path / "checkouts" / "rel-devel"
    git("clone", "-q", str(bare), str(clone), cwd=tmp_path)
    p = Project("rel-devel", bare, clone, package_index)
    result = p.release("--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("release rel-devel 1.2.0 from development (")


def test_tags_in_the_v_style_are_seen_and_followed(
    tmp_path: Path, package_index: PackageIndex
) -> None:
    """Point 9: outside the registry, a project whose tags are vX.Y.Z is tagged v1.2.0
    (not 1.2.0 beside it); its existing v-tag is seen by the pre-flight; resume follows."""
    p = project(tmp_path, package_index, "rel-vtags")
    git("tag", "-a", "v1.1.0", "-m", "release version 1.1.0", cwd=p.clone)
    git("push", "-q", "origin", "v1.1.0", cwd=p.clone)
    dry = p.release("--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "    git tag -a v1.2.0 -m 'release version 1.2.0' release-1.2.0" in dry.stdout
    assert "    git push --atomic origin release-1.2.0 v1.2.0" in dry.stdout
    hook = p.bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    stopped = p.release()
    assert stopped.returncode == 2
    assert "[ok]   tag: tagged " in stopped.stdout and " as v1.2.0 " in stopped.stdout
    refused = p.release()
    assert "tag v1.2.0 already exists locally, not on origin" in refused.stderr
    hook.unlink()
    resumed = p.release("--resume")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "[ok]   push: pushed release-1.2.0 and tag v1.2.0 to origin" in resumed.stdout
    assert "the publish workflow runs for tag v1.2.0" in resumed.stdout
    assert git("tag", "-l", cwd=p.bare).split() == ["v1.1.0", "v1.2.0"]
    assert git("rev-parse", "v1.2.0^{commit}", cwd=p.bare) == git(
        "rev-parse", "release-1.2.0", cwd=p.bare
    )
    # eco build --rev 1.2.0 builds the tag v1.2.0.
    out = tmp_path / "dist"
    built = run_eco(
        "build", "--path", str(p.clone), "--rev", "1.2.0", "--once", "--outdir", str(out)
    )
    assert built.returncode == 0, built.stdout + built.stderr
    commit = git("rev-parse", "v1.2.0^{commit}", cwd=p.clone)
    assert f"commit {commit}," in built.stdout
    assert "rel_vtags-1.2.0.tar.gz" in [d.name for d in out.iterdir()]


def test_a_tag_in_the_other_style_is_an_existing_release(
    tmp_path: Path, package_index: PackageIndex
) -> None:
    """Point 9: the registry says X.Y.Z, but v1.2.0 was tagged: 1.2.0 is not released again
    as a second tag beside it."""
    p = project(tmp_path, package_index, "rel-other-style")
    git("tag", "-a", "v1.2.0", "-m", "by hand", cwd=p.clone)
    git("push", "-q", "origin", "v1.2.0", cwd=p.clone)
    eco = make_ecosystem(tmp_path, f'\n[projects.rel-other-style]\nurl = "{p.bare}"\n')
    before = p.snapshot()
    result = run_eco(
        "--root",
        str(eco.root),
        "release",
        "--path",
        str(p.clone),
        "--forge",
        "local",
        "--index-url",
        package_index.url,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert (
        "tag v1.2.0 already exists (locally and on origin): 1.2.0 is tagged in the other "
        "style than the project's (tag-style 'X.Y.Z' would tag it 1.2.0); set tag-style in "
        "projects.toml to the style the project uses"
    ) in result.stderr
    assert p.snapshot() == before


def test_a_project_without_a_changelog(tmp_path: Path, package_index: PackageIndex) -> None:
    """A registered project with changelog = "" (release notes on GitHub only): the release
    commit changes the version alone, and --next-dev opens the next version alone."""
    p = project(tmp_path, package_index, "rel-nolog")
    git("rm", "-q", "CHANGES.rst", cwd=p.clone)
    git("commit", "-qm", "no changelog", cwd=p.clone)
    git("push", "-q", "origin", "main", cwd=p.clone)
    eco = make_ecosystem(tmp_path, f'\n[projects.rel-nolog]\nchangelog = ""\nurl = "{p.bare}"\n')

    def release(*args: str) -> subprocess.CompletedProcess[str]:
        return run_eco(
            "--root",
            str(eco.root),
            "release",
            "--path",
            str(p.clone),
            "--forge",
            "local",
            "--index-url",
            package_index.url,
            *args,
        )

    result = release()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "note: no changelog: write the release notes on GitHub" in result.stdout
    main = git("rev-parse", "main", cwd=p.bare)
    head = git("rev-parse", "release-1.2.0", cwd=p.bare)
    assert git("diff", "--name-only", main, head, cwd=p.bare).split() == ["pyproject.toml"]
    git("fetch", "-q", "origin", cwd=p.clone)
    git("merge", "-q", "--no-ff", "-m", "Merge release-1.2.0", "origin/release-1.2.0", cwd=p.clone)
    git("push", "-q", "origin", "main", cwd=p.clone)
    opened = release("--next-dev")
    assert opened.returncode == 0, opened.stdout + opened.stderr
    start = git("rev-parse", "start-1.3.0", cwd=p.bare)
    assert git("diff", "--name-only", "main", start, cwd=p.bare).split() == ["pyproject.toml"]


def test_progress_lines_on_stderr(tmp_path: Path, package_index: PackageIndex) -> None:
    """Long single steps say what they are doing, on stderr, before doing it; -q silences
    them."""
    p = project(tmp_path, package_index, "rel-progress")
    result = p.release("--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr.splitlines() == [
        "pre-flight checks ...",
        "pre-flight: asking origin for the branch and the tag",
        f"pre-flight: asking {package_index.url} whether 1.2.0 is published",
        "pre-flight: looking for deprecations due for removal",
    ]
    built = run_eco("build", "--path", str(p.clone), "--outdir", str(tmp_path / "out"))
    assert built.returncode == 0, built.stdout + built.stderr
    head = git("rev-parse", "HEAD", cwd=p.clone)
    epoch = git("log", "-1", "--pretty=%ct", cwd=p.clone)
    assert built.stderr.splitlines() == [
        f"building rel-progress at HEAD ({p.clone})",
        f"python -m build (commit {head[:12]}, SOURCE_DATE_EPOCH={epoch}) ...",
        "twine check --strict ...",
        "check-wheel-contents ...",
        "second build, to compare (--once skips it) ...",
    ]
    quiet = run_eco(
        "-q", "build", "--path", str(p.clone), "--once", "--outdir", str(tmp_path / "q")
    )
    assert quiet.returncode == 0, quiet.stdout + quiet.stderr
    assert quiet.stderr == ""


def test_json_report_keeps_its_format_version(tmp_path: Path, package_index: PackageIndex) -> None:
    """The release's own version must not overwrite the report's "version": 1."""
    p = project(tmp_path, package_index, "rel-json")
    result = p.release("--dry-run", "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert (data["version"], data["release"], data["dry_run"]) == (1, "1.2.0", True)


def test_a_keep_a_changelog_checkout_is_refused_saying_what_eco_reads(
    tmp_path: Path, package_index: PackageIndex
) -> None:
    """Point 5, end to end: a checkout outside the registry with a Keep-a-Changelog
    CHANGELOG.md (0.8.0 long released) is refused naming the format, not its entries."""
    keep = "# Changelog\n\n## [Unreleased]\n\n## [0.8.0] - 2024-03-26\n\n- A thing.\n"
    p = project(tmp_path, package_index, "rel-kac", version="0.8.1.dev", **{"CHANGELOG.md": keep})
    git("rm", "-q", "CHANGES.rst", cwd=p.clone)
    git("commit", "-qm", "Keep a Changelog", cwd=p.clone)
    git("push", "-q", "origin", "main", cwd=p.clone)
    message = _refused(p, "--base", "main")
    assert "CHANGELOG.md: no 'Version X' section found; eco reads the Pallets format" in message
    assert "CHANGELOG.md:3: '## [Unreleased]' looks like Keep a Changelog" in message
    assert "entries above" not in message


def test_next_dev_refuses_to_bury_an_undated_section(
    tmp_path: Path, package_index: PackageIndex
) -> None:
    """Point 7, end to end: nothing is opened above a section that was never dated."""
    undated = "Version 1.2.0\n-------------\n\n-   Never released.\n"
    p = project(tmp_path, package_index, "rel-undated", version="1.2.0", **{"CHANGES.rst": undated})
    message = _refused(p, "--next-dev")
    assert "CHANGES.rst:1: Version 1.2.0 has no status line" in message
    assert "opening 1.3.0 above it would bury them" in message
