"""``eco build``: real builds with ``python -m build``, twine and check-wheel-contents."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from eco.release import build as builder
from eco.release import published
from eco.release import sdist_rules
from tests.helpers import git
from tests.helpers import make_bare_repo
from tests.helpers import make_ecosystem
from tests.helpers import run_eco
from tests.package_index import make_wheel
from tests.package_index import PackageIndex
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


# Issue 18, point 2: files the build backend declares are not strays.

HATCH_PYPROJECT = """\
[project]
name = "hatch-babel"
version = "2.0.0"
description = "A hatchling project whose build hook compiles its translations."
readme = "README.md"
license = "BSD-3-Clause"
requires-python = ">=3.11"

[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[tool.hatch.build]
artifacts = ["src/hatch_babel/translations/*/LC_MESSAGES/*.mo"]
exclude = ["docs/_build"]

[tool.hatch.build.hooks.custom]
"""

# A stand-in for Babel's compile step: each .po becomes its .mo beside it (git ignores them).
HATCH_HOOK = """\
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version, build_data):
        for po in Path(self.root, "src").rglob("*.po"):
            po.with_suffix(".mo").write_bytes(b"compiled " + po.read_bytes())
"""


def test_hatch_artifacts_built_by_a_hook_are_not_strays(tmp_path: Path) -> None:
    """flask-babel's shape: compiled .mo files declared in [tool.hatch.build] artifacts,
    built by the project's hook, ignored by git, shipped in the sdist on purpose."""
    files = {
        "pyproject.toml": HATCH_PYPROJECT,
        "hatch_build.py": HATCH_HOOK,
        ".gitignore": "*.mo\ndist/\n",
        "README.md": "# hatch-babel\n",
        "LICENSE.txt": "BSD-3-Clause\n",
        "src/hatch_babel/__init__.py": '"""Translations."""\n',
        "docs/index.md": "# Docs\n",
    }
    for lang in ("de", "fr", "ja"):
        files[f"src/hatch_babel/translations/{lang}/LC_MESSAGES/messages.po"] = (
            f'msgid ""\n# {lang}\n'
        )
    bare = make_bare_repo(tmp_path, "hatch-babel", files)
    clone = tmp_path / "hatch-babel"
    git("clone", "-q", str(bare), str(clone), cwd=tmp_path)
    report = builder.build(clone, tmp_path / "out", twice=False)
    sdist = next(d for d in report.dists if d.name.endswith(".tar.gz"))
    members = builder.sdist_members(sdist)
    assert "src/hatch_babel/translations/fr/LC_MESSAGES/messages.mo" in members
    [check] = [c for c in report.checks if c.name == "sdist files tracked by git"]
    assert check.ok, check.detail
    assert check.detail.endswith("(3 declared build artefacts)")


def test_declared_excludes_and_artefacts_of_each_backend(tmp_path: Path) -> None:
    """hatch exclude/artifacts, flit sdist exclude/include, setuptools' MANIFEST.in: what a
    backend declares it leaves out or builds in is neither missing nor stray."""
    _bare, clone = make_project(tmp_path, "sdist-rules")
    (clone / "docs/_build").mkdir(parents=True)
    (clone / "docs/_build/index.html").write_text("x")
    (clone / "docs/index.md").write_text("x")
    git("add", "-A", cwd=clone)
    git("commit", "-qm", "docs", cwd=clone)
    tracked = git("ls-files", cwd=clone).split()
    sdist = tmp_path / "pkg-1.0.tar.gz"
    shipped = {n: b"x" for n in tracked if not n.startswith("docs/")}
    generated = {"src/sdist_rules/_version.py": b"x", "src/sdist_rules/l/fr.mo": b"x"}
    _tar(sdist, {"PKG-INFO": b"x", **shipped, **generated})
    check = builder.sdist_check([sdist], clone)
    assert not check.ok  # flit, nothing declared: both strays and the docs are named
    assert "2 file(s) in pkg-1.0.tar.gz are not in git ls-files" in check.detail
    assert "docs/_build/index.html, docs/index.md" in check.detail
    pyproject = (clone / "pyproject.toml").read_text()
    flit_backend = 'requires = ["flit_core>=3.11,<4"]\nbuild-backend = "flit_core.buildapi"'

    def backend(requires: str, name: str) -> str:
        return pyproject.replace(
            flit_backend, f'requires = ["{requires}"]\nbuild-backend = "{name}"'
        )

    hatch = backend("hatchling", "hatchling.build").split("[tool.flit")[0]
    layouts = {
        "hatch": hatch + '[tool.hatch.build.targets.sdist]\nexclude = ["/docs"]\n'
        'artifacts = ["_version.py", "*.mo"]\n',
        "flit": pyproject.replace('include = ["tests/", "CHANGES.rst"]', 'include = ["src/"]')
        + 'exclude = ["docs/"]\n',
    }
    for kind, text in layouts.items():
        (clone / "pyproject.toml").write_text(text)
        check = builder.sdist_check([sdist], clone)
        if kind == "flit":  # flit includes files; it cannot declare generated ones
            assert check.detail.startswith("2 file(s) in pkg-1.0.tar.gz are not in git ls-files")
            assert "docs/" not in check.detail  # excluded on purpose
        else:
            assert check.ok, (kind, check.detail)
    setuptools = backend("setuptools>=77", "setuptools.build_meta")
    (clone / "pyproject.toml").write_text(setuptools.split("[tool.flit")[0])
    (clone / "MANIFEST.in").write_text(
        "graft src\nrecursive-include src *.mo\ninclude src/sdist_rules/_version.py\n"
        "prune docs\nglobal-exclude *.pyc\n"
    )
    check = builder.sdist_check([sdist], clone)
    assert check.ok, check.detail


@pytest.mark.parametrize(
    ("path", "pattern", "expected"),
    [
        (
            "src/pkg/translations/fr/LC_MESSAGES/m.mo",
            "src/pkg/translations/*/LC_MESSAGES/*.mo",
            True,
        ),
        ("src/pkg/translations/fr/m.mo", "src/pkg/translations/*/LC_MESSAGES/*.mo", False),
        ("src/pkg/deep/x.mo", "*.mo", True),
        ("docs/_build/index.html", "docs/_build", True),
        ("docs/_build/index.html", "/docs/", True),
        ("src/docs/index.md", "/docs", False),
        ("src/docs/index.md", "docs", True),
        ("src/a/b/c.py", "src/**/c.py", True),
        ("src/c.py", "src/**/c.py", True),
        ("x.py", "!x.py", False),
    ],
)
def test_sdist_patterns(path: str, pattern: str, expected: bool) -> None:
    assert sdist_rules.matches(path, pattern) is expected


def test_manifest_in_rules() -> None:
    built_in, left_out = sdist_rules.manifest_rules(
        "# comment\ninclude README.md\nrecursive-include src *.mo *.json\n"
        "global-exclude *.py[co]\nprune docs/_build\ngraft tests\nunknown x\n"
    )
    assert built_in == ("/README.md", "src/**/*.mo", "src/**/*.json", "/tests/")
    assert left_out == ("*.py[co]", "/docs/_build/")


def test_sdist_pattern_character_classes() -> None:
    assert sdist_rules.matches("src/pkg/x.pyc", "*.py[co]")
    assert not sdist_rules.matches("src/pkg/x.py", "*.py[co]")
    assert sdist_rules.matches("a1.txt", "a[0-9].txt")


def test_rebuilding_a_published_tag_pins_the_backend_of_its_wheel(
    tmp_path: Path, package_index: PackageIndex
) -> None:
    """Point 3: 1.2.0 was published built by flit_core 3.11.0; today's flit_core builds
    other bytes. Rebuilding the tag pins the backend to the version the published
    wheel's WHEEL file names, and compares each file with the index's hashes."""
    _bare, clone = make_project(tmp_path, "build-pinned", version="1.2.0")
    git("tag", "-a", "1.2.0", "-m", "release version 1.2.0", cwd=clone)
    # The publish workflow's build, back then: the same commit and epoch, flit_core 3.11.0.
    source = tmp_path / "then"
    git("clone", "-q", "--branch", "1.2.0", str(clone), str(source), cwd=tmp_path)
    constraint = tmp_path / "then.txt"
    constraint.write_text("flit_core==3.11.0\n")
    epoch = git("log", "-1", "--pretty=%ct", cwd=clone)
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch, "PIP_CONSTRAINT": str(constraint)}
    published = tmp_path / "published"
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(published), str(source)],
        env=env,
        check=True,
        capture_output=True,
    )
    package_index.publish(*published.iterdir())
    # Today's backend gives a different wheel: the pin is what makes them comparable.
    today = builder.build(clone, tmp_path / "today", rev="1.2.0", twice=False)
    wheel = "build_pinned-1.2.0-py3-none-any.whl"
    assert today.hashes[wheel] != builder.sha256(published / wheel)
    result = run_eco(
        "build",
        "--path",
        str(clone),
        "--rev",
        "1.2.0",
        "--index-url",
        package_index.url,
        "--outdir",
        str(tmp_path / "out"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        "backend: flit_core==3.11.0, as the published wheel's WHEEL names it "
        "(Generator: flit 3.11.0)"
    ) in result.stdout
    assert "ok      same SHA-256 as the index" in result.stdout
    lines = result.stdout.splitlines()
    assert f"        {wheel}: matches the index" in lines
    assert "        build_pinned-1.2.0.tar.gz: matches the index" in lines
    for name in (wheel, "build_pinned-1.2.0.tar.gz"):
        assert builder.sha256(tmp_path / "out" / name) == builder.sha256(published / name)


def test_the_build_environment_carries_no_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build runs the project's code (backend, hooks): no token reaches it; a pin is
    added to the machine's own pip constraints, not put in their place."""
    for name in ("GITHUB_TOKEN", "GH_TOKEN", "TWINE_PASSWORD", "ECO_GITHUB_APP_PRIVATE_KEY"):
        monkeypatch.setenv(name, "s3cret-value")
    monkeypatch.setenv("PIP_CONSTRAINT", "/etc/site-constraints.txt")
    env = builder.build_env(1700000000, tmp_path / "pin.txt")
    assert "s3cret-value" not in env.values()
    assert env["SOURCE_DATE_EPOCH"] == "1700000000"
    assert env["PIP_CONSTRAINT"] == f"/etc/site-constraints.txt {tmp_path / 'pin.txt'}"


@pytest.mark.parametrize(
    ("generator", "pin"),
    [
        ("flit 3.11.0", "flit_core==3.11.0"),
        ("hatchling 1.30.0", "hatchling==1.30.0"),
        ("setuptools (80.9.0)", "setuptools==80.9.0"),
        ("poetry-core 2.1.3", "poetry-core==2.1.3"),
        ("bdist_wheel (0.43.0)", None),  # the wheel package: says nothing of setuptools
        ("eco-tests", None),
    ],
)
def test_the_backend_a_wheel_names(generator: str, pin: str | None) -> None:
    assert published.backend_requirement(generator) == pin


def test_a_wheels_generator_is_read_from_its_wheel_file(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path, "gen-test", "1.0")
    assert published.wheel_generator(wheel.read_bytes()) == "eco-tests"
    assert published.wheel_generator(b"not a zip") is None
