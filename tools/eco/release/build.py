"""Build a project's distributions locally exactly as its publish workflow does.

The workflow checks out the tag, sets ``SOURCE_DATE_EPOCH`` to the commit's time and runs
``python -m build``. Here the same happens from a clean checkout of one commit (never
from the working tree, so an untracked file cannot sneak into the sdist), twice, and the
results are checked the way a maintainer would before uploading:

- ``twine check --strict`` on the distributions only (``*.attestation`` files and other
  strays next to them make twine fail for the wrong reason);
- ``check-wheel-contents`` on the wheel;
- every file of the sdist is tracked by git (``git ls-files`` at that commit) or declared a
  build artefact by the backend, and every tracked file is in it unless the backend
  excludes it (:mod:`~eco.release.sdist_rules`);
- the two builds are byte-identical (same SHA-256 per file): the build is reproducible;
- for a release already on the index, the backend is pinned to the version its wheel
  names and every file is compared with the index's SHA-256 (:mod:`~eco.release.published`).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from eco.errors import EcoError
from eco.git.run import git
from eco.output import step
from eco.release import sdist_rules as sdist_rules_lib
from eco.release.published import Published
from eco.secrets import clean_env
from eco.secrets import scrub

# Files a build backend writes into an sdist that git does not track.
GENERATED_SDIST_FILES = frozenset({"PKG-INFO", "setup.cfg"})


class BuildError(EcoError):
    """The build itself failed (the backend's output is in the message)."""


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""


@dataclass
class BuildReport:
    commit: str
    epoch: int
    dists: list[Path] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)


def sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def commit_epoch(repo: Path, rev: str = "HEAD") -> int:
    """``git log -1 --pretty=%ct REV``: the time the workflow gives ``SOURCE_DATE_EPOCH``."""
    return int(git("log", "-1", "--pretty=%ct", rev, cwd=repo))


def fetch_tag(repo: Path, rev: str) -> None:
    """Workspace clones are fetched without tags: fetch ``rev`` if it is a tag of origin."""
    if git("rev-parse", "-q", "--verify", f"{rev}^{{commit}}", cwd=repo, check=False):
        return
    ref = f"refs/tags/{rev}"
    if git("ls-remote", "origin", ref, cwd=repo):
        git("fetch", "--quiet", "--no-tags", "origin", f"+{ref}:{ref}", cwd=repo)


def tag_of(repo: Path, rev: str, styled: str, *, fetch: bool) -> str:
    """``rev`` as given if it is a tag, else ``styled`` (the project's tag of that version,
    ``1.2.0`` -> ``v1.2.0``) if that is one; ``fetch``: ask origin first (eco's
    workspace clones have no tags)."""
    for candidate in dict.fromkeys([rev, styled]):
        if fetch:
            fetch_tag(repo, candidate)
        if git("rev-parse", "-q", "--verify", f"refs/tags/{candidate}", cwd=repo, check=False):
            return candidate
    return rev


def export_commit(repo: Path, commit: str, dest: Path) -> None:
    """A clean checkout of ``commit`` at ``dest`` (a local clone; ``repo`` is not touched)."""
    git("clone", "--quiet", "--shared", "--no-checkout", str(repo), str(dest))
    git("-c", "advice.detachedHead=false", "checkout", "--quiet", commit, cwd=dest)


def build_env(epoch: int, constraint: Path | None = None) -> dict[str, str]:
    """The environment of ``python -m build``: the commit's epoch, no credentials
    (:func:`eco.secrets.clean_env`: the build runs the project's code, which a pull
    request can change), and the backend pin as a pip constraint."""
    env = clean_env()
    env["SOURCE_DATE_EPOCH"] = str(epoch)
    if constraint is not None:  # read by the pip that fills build's isolated environment
        env["PIP_CONSTRAINT"] = " ".join(filter(None, [env.get("PIP_CONSTRAINT"), str(constraint)]))
    return env


def run_build(source: Path, outdir: Path, epoch: int, constraint: Path | None = None) -> list[Path]:
    """``python -m build`` (sdist, then the wheel from the sdist) with the commit's epoch."""
    env = build_env(epoch, constraint)
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(outdir), str(source)],
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise BuildError(scrub(f"python -m build failed for {source}:\n{tail}"))
    return distributions(outdir)


def distributions(folder: Path) -> list[Path]:
    """The sdists and wheels in ``folder``, nothing else (no ``.attestation`` files)."""
    return sorted(
        p for p in folder.iterdir() if p.is_file() and p.name.endswith((".tar.gz", ".whl"))
    )


def _tool(args: Sequence[str], name: str) -> Check:
    proc = subprocess.run(
        [sys.executable, "-m", *args], env=clean_env(), capture_output=True, text=True
    )
    output = (proc.stdout + proc.stderr).strip()
    if proc.returncode == 0:
        return Check(name, True)
    return Check(name, False, "\n".join(output.splitlines()[-10:]))


def twine_check(dists: Sequence[Path]) -> Check:
    return _tool(["twine", "check", "--strict", *map(str, dists)], "twine check --strict")


def wheel_contents_check(dists: Sequence[Path]) -> Check:
    wheels = [str(d) for d in dists if d.name.endswith(".whl")]
    if not wheels:
        return Check("check-wheel-contents", False, "no wheel was built")
    return _tool(["check_wheel_contents", *wheels], "check-wheel-contents")


def sdist_members(sdist: Path) -> list[str]:
    """The sdist's files, relative to its top folder (``name-version/``)."""
    with tarfile.open(sdist) as archive:
        names = [m.name for m in archive.getmembers() if m.isfile()]
    return sorted(name.split("/", 1)[1] for name in names if "/" in name)


def generated(name: str) -> bool:
    """A file the build backend writes into the sdist: ``PKG-INFO``, and setuptools'
    ``setup.cfg`` and ``*.egg-info/`` folder."""
    return name in GENERATED_SDIST_FILES or any(
        part.endswith(".egg-info") for part in name.split("/")[:-1]
    )


def _listed(names: Sequence[str]) -> str:
    return ", ".join(names[:10]) + (" ..." if len(names) > 10 else "")


def sdist_rules(source: Path) -> sdist_rules_lib.SdistRules:
    """What the checkout's build backend declares about its sdist (see :mod:`sdist_rules`)."""

    def text(name: str) -> str | None:
        try:
            return (source / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    return sdist_rules_lib.read(text("pyproject.toml") or "", text("MANIFEST.in"))


def is_dotfile(path: str) -> bool:
    """Dotfiles and dot-folders (``.github/``, ``.gitignore``) never ship."""
    return any(part.startswith(".") for part in path.split("/"))


def sdist_check(dists: Sequence[Path], source: Path) -> Check:
    """The sdist against ``git ls-files``, both ways: nothing untracked gets in unless the
    backend declares it a build artefact, and no tracked file is left out unless it is a
    dotfile or the backend excludes it."""
    sdists = [d for d in dists if d.name.endswith(".tar.gz")]
    if not sdists:
        return Check("sdist files tracked by git", False, "no sdist was built")
    tracked = set(git("ls-files", "-z", cwd=source).split("\0")) - {""}
    members = sdist_members(sdists[0])
    rules = sdist_rules(source)
    untracked = [name for name in members if name not in tracked and not generated(name)]
    declared = [name for name in untracked if rules.is_built_in(name)]
    stray = [name for name in untracked if not rules.is_built_in(name)]
    inside = set(members)
    missing = sorted(
        name for name in tracked - inside if not is_dotfile(name) and not rules.is_left_out(name)
    )
    problems = []
    if stray:
        problems.append(
            f"{len(stray)} file(s) in {sdists[0].name} are not in git ls-files: {_listed(stray)}"
        )
    if missing:
        problems.append(
            f"{len(missing)} file(s) tracked by git are not in {sdists[0].name}: "
            f"{_listed(missing)} (add them to {rules.hint})"
        )
    if problems:
        return Check("sdist files tracked by git", False, "\n".join(problems))
    artefacts = f" ({len(declared)} declared build artefacts)" if declared else ""
    return Check("sdist files tracked by git", True, f"{len(members)} files{artefacts}")


def reproducible_check(first: Sequence[Path], second: Sequence[Path]) -> Check:
    one = {p.name: sha256(p) for p in first}
    two = {p.name: sha256(p) for p in second}
    if one == two:
        return Check("reproducible (two builds, same SHA-256)", True)
    differ = sorted(name for name in one.keys() | two.keys() if one.get(name) != two.get(name))
    return Check(
        "reproducible (two builds, same SHA-256)",
        False,
        "the two builds differ: " + ", ".join(differ),
    )


def published_check(built: dict[str, str], release: Published, pin: str | None) -> Check:
    """Each built file against the index's SHA-256 of the same file, saying why one that
    cannot be pinned (an sdist records no generator) may differ. Fails when a wheel
    differs: its backend was pinned, so only the source or the build can explain it."""
    name = "same SHA-256 as the index"
    lines, wheel_differs = [], False
    for filename, digest in sorted(built.items()):
        if filename not in release.hashes:
            lines.append(f"{filename}: not on the index")
            continue
        theirs = release.hashes[filename]
        if theirs is None:
            lines.append(f"{filename}: the index gives no SHA-256 to compare with")
        elif theirs == digest:
            lines.append(f"{filename}: matches the index")
        elif filename.endswith(".whl"):
            wheel_differs = True
            backend = pin or "an unpinned backend"
            lines.append(f"{filename}: DIFFERS from the index, built with {backend}")
        elif pin:
            lines.append(
                f"{filename}: differs from the index; an sdist records no generator, so it "
                f"was rebuilt with the wheel's {pin}, right only if the workflow built both "
                "in one run"
            )
        else:
            lines.append(
                f"{filename}: differs from the index; the backend version that built it is "
                f"unknown ({release.why_not})"
            )
    return Check(name, not wheel_differs, "\n".join(lines))


def build(
    repo: Path,
    outdir: Path,
    *,
    rev: str = "HEAD",
    twice: bool = True,
    published: Published | None = None,
) -> BuildReport:
    """Build ``rev`` of ``repo`` into ``outdir`` and run every check; never raises on a
    failed check (see :attr:`BuildReport.ok`), only when the build itself fails.

    With ``published`` (the release on the index), the backend is pinned to the version
    its wheel names and each file is compared with the index's. Each long step says it
    is starting (:func:`eco.output.step`)."""
    commit = git("rev-parse", "--verify", f"{rev}^{{commit}}", cwd=repo)
    epoch = commit_epoch(repo, commit)
    report = BuildReport(commit=commit, epoch=epoch)
    pin = published.pin if published else None
    if published is not None:
        if pin:
            report.notes.append(
                f"backend: {pin}, as the published wheel's WHEEL names it "
                f"(Generator: {published.generator})"
            )
        else:
            report.notes.append(f"backend: not pinned, {published.why_not}")
    with tempfile.TemporaryDirectory(prefix="eco-build-") as scratch:
        tmp = Path(scratch)
        constraint = None
        if pin:
            constraint = tmp / "backend-constraint.txt"
            constraint.write_text(pin + "\n", encoding="utf-8")
        source = tmp / "src"
        export_commit(repo, commit, source)
        backend = f", {pin}" if pin else ""
        with step(f"python -m build (commit {commit[:12]}, SOURCE_DATE_EPOCH={epoch}{backend})"):
            first = run_build(source, tmp / "first", epoch, constraint)
        with step("twine check --strict"):
            report.checks.append(twine_check(first))
        with step("check-wheel-contents"):
            report.checks.append(wheel_contents_check(first))
        report.checks.append(sdist_check(first, source))
        if twice:
            # A second, independent checkout: nothing cached by the first build is reused.
            again = tmp / "src-again"
            export_commit(repo, commit, again)
            with step("second build, to compare (--once skips it)"):
                second = run_build(again, tmp / "second", epoch, constraint)
            report.checks.append(reproducible_check(first, second))
        if published is not None:
            built = {dist.name: sha256(dist) for dist in first}
            report.checks.append(published_check(built, published, pin))
        outdir.mkdir(parents=True, exist_ok=True)
        for dist in first:
            target = outdir / dist.name
            shutil.copyfile(dist, target)
            report.dists.append(target)
            report.hashes[dist.name] = sha256(target)
    return report
