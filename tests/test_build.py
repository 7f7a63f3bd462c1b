"""``eco build``: real builds with ``python -m build``, twine and check-wheel-contents."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from eco.release import build as builder
from tests.helpers import git
from tests.helpers import make_ecosystem
from tests.helpers import run_eco
from tests.release_project import make_project

pytestmark = pytest.mark.slow


def test_build_is_reproducible_and_clean(tmp_path: Path) -> None:
    _bare, clone = make_project(tmp_path, "build-good")
    (clone / "untracked.txt").write_text("never in the sdist\n")
    # An older build left in the output folder is named (an upload of out/* would take it).
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "build_good-1.1.0.tar.gz").write_bytes(b"old")
    (tmp_path / "out" / "build_good-1.1.0.tar.gz.publish.attestation").write_bytes(b"{}")
    result = run_eco("build", "--path", str(clone), "--outdir", str(tmp_path / "out"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        f"warning: {tmp_path / 'out'} also holds build_good-1.1.0.tar.gz, not from this build"
    ) in result.stderr
    for old in (tmp_path / "out").glob("*1.1.0*"):
        old.unlink()
    epoch = git("log", "-1", "--pretty=%ct", cwd=clone)
    assert f"SOURCE_DATE_EPOCH={epoch}" in result.stdout
    for name in (
        "twine check --strict",
        "check-wheel-contents",
        "sdist files tracked by git",
        "reproducible (two builds, same SHA-256)",
    ):
        assert f"ok      {name}" in result.stdout
    built = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert built == ["build_good-1.2.0.dev0-py3-none-any.whl", "build_good-1.2.0.dev0.tar.gz"]
    # The printed hashes are the files' real hashes; the untracked file stayed out.
    for path in (tmp_path / "out").iterdir():
        assert f"{builder.sha256(path)}  {path}" in result.stdout
    members = builder.sdist_members(tmp_path / "out" / "build_good-1.2.0.dev0.tar.gz")
    assert "untracked.txt" not in members
    assert "CHANGES.rst" in members and "tests/test_nothing.py" in members
    # A third build, this time in-process, gives the same bytes again.
    report = builder.build(clone, tmp_path / "again", twice=False)
    assert {p.name: builder.sha256(p) for p in report.dists} == {
        p.name: builder.sha256(p) for p in (tmp_path / "out").iterdir()
    }


def test_build_reports_failed_checks(tmp_path: Path) -> None:
    # No readme (twine --strict warns about the missing long description) and two
    # identical modules in the wheel (check-wheel-contents W002).
    _bare, clone = make_project(tmp_path, "build-bad")
    text = (clone / "pyproject.toml").read_text().replace('readme = "README.md"\n', "")
    (clone / "pyproject.toml").write_text(text)
    same = "VALUE = 'the same text in two files'\n"
    (clone / "src/build_bad/one.py").write_text(same)
    (clone / "src/build_bad/two.py").write_text(same)
    git("add", "-A", cwd=clone)
    git("commit", "-qm", "break it", cwd=clone)
    result = run_eco("build", "--path", str(clone), "--once")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "failed  twine check --strict" in result.stdout
    assert "long_description" in result.stdout
    assert "failed  check-wheel-contents" in result.stdout
    assert "W002" in result.stdout
    # Without a readme in the metadata, flit leaves README.md out of the sdist.
    assert "failed  sdist files tracked by git" in result.stdout
    assert "are not in build_bad-1.2.0.dev0.tar.gz: README.md" in result.stdout
    assert "reproducible" not in result.stdout
    assert "build: 3 check(s) failed" in result.stderr
    assert (clone / "dist").is_dir()


def test_build_failure_is_an_error(tmp_path: Path) -> None:
    _bare, clone = make_project(tmp_path, "build-broken")
    (clone / "pyproject.toml").write_text(
        (clone / "pyproject.toml").read_text().replace('name = "build_broken"', 'name = "nope"')
    )
    git("commit", "-qam", "wrong module", cwd=clone)
    result = run_eco("build", "--path", str(clone), "--once")
    assert result.returncode == 2
    assert "error: python -m build failed" in result.stderr
    assert "Traceback" not in result.stderr


def _tar(path: Path, files: dict[str, bytes]) -> None:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"pkg-1.0/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def test_sdist_check_names_untracked_files(tmp_path: Path) -> None:
    _bare, clone = make_project(tmp_path, "sdist-check")
    sdist = tmp_path / "pkg-1.0.tar.gz"
    everything = {name: b"x" for name in git("ls-files", cwd=clone).split()}
    _tar(sdist, {"PKG-INFO": b"x", **everything, "secret.env": b"TOKEN=1"})
    check = builder.sdist_check([sdist], clone)
    assert not check.ok
    assert check.detail == "1 file(s) in pkg-1.0.tar.gz are not in git ls-files: secret.env"
    _tar(sdist, {"PKG-INFO": b"x", **everything})
    assert builder.sdist_check([sdist], clone).ok
    # What setuptools writes into its sdists is not a stray file either.
    egg = {f"src/sdist_check.egg-info/{n}": b"x" for n in ("PKG-INFO", "SOURCES.txt")}
    _tar(sdist, {"PKG-INFO": b"x", "setup.cfg": b"x", **everything, **egg})
    assert builder.sdist_check([sdist], clone).ok


def test_build_reports_a_tracked_file_missing_from_the_sdist(tmp_path: Path) -> None:
    _bare, clone = make_project(tmp_path, "sdist-missing")
    for name in ("examples/app.py", "docs/_build/index.html", ".github/workflows/x.yaml"):
        (clone / name).parent.mkdir(parents=True, exist_ok=True)
        (clone / name).write_text("x = 1\n")
    pyproject = clone / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'exclude = ["docs/_build/"]\n')
    git("add", "-A", cwd=clone)
    git("commit", "-qm", "an example the sdist leaves out", cwd=clone)
    result = run_eco("build", "--path", str(clone), "--once", "--outdir", str(tmp_path / "o"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "failed  sdist files tracked by git" in result.stdout
    # Only the example: dotfiles never ship, docs/_build/ is excluded on purpose.
    assert (
        "        1 file(s) tracked by git are not in sdist_missing-1.2.0.dev0.tar.gz: "
        "examples/app.py (add them to [tool.flit.sdist] include, or exclude them)"
    ) in result.stdout.splitlines()


def test_reproducible_check_names_differing_files(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for folder, data in (("a", b"one"), ("b", b"two")):
        (tmp_path / folder / "x-1.0.tar.gz").write_bytes(data)
        (tmp_path / folder / "x-1.0-py3-none-any.whl").write_bytes(b"same")
    check = builder.reproducible_check(
        builder.distributions(tmp_path / "a"), builder.distributions(tmp_path / "b")
    )
    assert not check.ok
    assert check.detail == "the two builds differ: x-1.0.tar.gz"


def test_build_a_tag_of_a_registered_project(tmp_path: Path) -> None:
    """From eco's workspace clone (cloned without tags): the tag is fetched to build it."""
    bare, clone = make_project(tmp_path, "build-ws")
    git("tag", "-a", "1.2.0", "-m", "release version 1.2.0", cwd=clone)
    git("push", "-q", "origin", "1.2.0", cwd=clone)
    eco = make_ecosystem(tmp_path, f'\n[projects.build-ws]\nurl = "{bare}"\n')
    out = tmp_path / "out"
    result = run_eco(
        "--root",
        str(eco.root),
        "build",
        "build-ws",
        "--rev",
        "1.2.0",
        "--once",
        "--outdir",
        str(out),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    commit = git("rev-parse", "1.2.0^{commit}", cwd=clone)
    assert f"commit {commit}" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == [
        "build_ws-1.2.0.dev0-py3-none-any.whl",
        "build_ws-1.2.0.dev0.tar.gz",
    ]
    unknown = run_eco("--root", str(eco.root), "build", "build-ws", "--rev", "9.9.9", "--once")
    assert unknown.returncode == 2
    assert "9.9.9" in unknown.stderr and "Traceback" not in unknown.stderr
