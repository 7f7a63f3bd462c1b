"""The Pallets release, as steps that can be checked, previewed, repeated and resumed.

Policy (pallets/website): ``main`` carries the next feature release ``A.B.0``, ``stable``
the fixes ``A.B.x``. A release is a ``release-A.B.C`` branch holding one commit, "release
version A.B.C", that drops ``.dev`` from the version and dates the changelog's
``Unreleased`` section; the annotated tag ``A.B.C`` ("release version A.B.C") on it, or
``vA.B.C`` in a project whose tag style says so (:meth:`eco.registry.Project.tag`), is
pushed, and the project's publish workflow builds, attests and uploads once a maintainer
approves its ``publish`` environment. The branch is merged back with a merge commit.

Every git write goes through plumbing on refs (no working tree, no index is touched) and
every step first looks whether it is already done, so running the release again, or
``--resume`` after a failure, continues where it stopped and never does a step twice.
The checks made before any step are in :mod:`eco.release.preflight`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

from eco.errors import EcoError
from eco.git.run import git
from eco.release import changelog
from eco.release import pyproject_version as pv
from eco.release.checkout import Target
from eco.release.git import commit_changes
from eco.release.git import identity_env
from eco.release.git import read_file
from eco.release.git import remote_refs

PYPROJECT = "pyproject.toml"
STABLE = "stable"


# The standard opening of Pallets release notes, by kind of release.
FEATURE_INTRO = (
    "This is the {name} {version} feature release. A feature release may include new "
    "features, remove previously deprecated code, add new deprecations, or introduce "
    "potentially breaking changes. Test with warnings treated as errors to adapt to "
    "deprecation warnings early, and pin your dependencies to control upgrades."
)
FIX_INTRO = (
    "This is the {name} {version} fix release, which fixes bugs but does not otherwise "
    "change behavior and should not result in breaking changes compared to the latest "
    "feature release."
)


PRERELEASE_INTRO = (
    "This is {name} {version}, a pre-release of the {final} {kind} release. Install it with "
    "`pip install --pre {name}`, test your project against it, and report problems before "
    "the final release."
)


class ReleaseRefused(EcoError):
    """A pre-flight check failed: nothing was changed (exit 2)."""


class StepFailed(EcoError):
    """A step failed after the pre-flight: say what is done and how to continue."""

    def __init__(self, release: Release, step: str, finished: list[str], cause: EcoError) -> None:
        done = f"done in this run: {', '.join(finished)}" if finished else "nothing was done"
        super().__init__(
            f"{cause.message}\n"
            f"release of {release.target.project.name} {release.version} stopped at step "
            f"{step!r} ({done}). Fix the cause above, then continue with:\n"
            f"  {eco_command(release, '--resume')}"
        )


@dataclass(frozen=True)
class Step:
    """One step: ``done()`` looks whether it already happened (read-only), ``preview()``
    gives the diff, commands or API calls it makes, ``run()`` does it and says what it did."""

    name: str
    done: Callable[[], bool]
    preview: Callable[[], tuple[str, ...]]
    run: Callable[[], str]
    quiet: bool = False  # not worth a line when there is nothing to do


class GitHubSide(Protocol):
    """The GitHub half of a release (see :mod:`eco.release.github`)."""

    def ci_state(self, sha: str) -> str | None:
        """A problem when CI is not green on ``sha``, else ``None``."""
        ...

    def push_target(self) -> tuple[str, dict[str, str]]:
        """Where to push the branch and tag, and the environment carrying the token."""
        ...

    def steps(self, release: Release) -> list[Step]:
        """The pull request and the draft release."""
        ...

    def open_pull(self, branch: str, base: str, title: str, body: str) -> str:
        """Open (or update) the pull request of ``branch``; returns its URL."""
        ...


def expected_base(target: Target, version: str) -> str:
    """``main`` (the project's branch) for ``A.B.0``, ``stable`` for a fix ``A.B.x``."""
    micro = pv.parse(version).micro
    return target.project.branch if micro == 0 else STABLE


@dataclass
class Release:
    """One release of one project; build it with :func:`prepare`."""

    target: Target
    version: str
    base: str
    base_commit: str
    day: date
    index_url: str
    github: GitHubSide | None
    current_branch: str | None  # --path: the checked-out branch; workspace: None
    _remote: tuple[str, dict[str, str]] | None = None

    @property
    def repo(self) -> Path:
        return self.target.repo

    @property
    def tag(self) -> str:
        """The tag in the project's style: ``1.2.0``, or ``v1.2.0``."""
        return self.target.project.tag(self.version)

    @property
    def other_tag(self) -> str:
        """The tag in the other style: if it exists, the version is already tagged."""
        return self.version if self.tag != self.version else f"v{self.version}"

    @property
    def branch(self) -> str:
        return f"release-{self.version}"

    @property
    def message(self) -> str:
        return f"release version {self.version}"

    @property
    def changelog_path(self) -> str:
        return self.target.project.changelog

    def read(self, path: str, ref: str | None = None) -> str:
        return read_file(self.repo, ref or self.base_commit, path)

    # what the release commit contains

    def new_files(self) -> dict[str, str]:
        """The version, and the changelog dated; a pre-release (``3.2.0rc1``) changes the
        version only: its changes stay under ``Unreleased`` until the final release."""
        project = self.target.project
        source = pv.locate(self.read)
        files = {source.path: source.with_version(self.version)}
        if project.has_changelog and self.changelog_version == self.version:
            files[self.changelog_path] = changelog.stamp_release(
                self.read(self.changelog_path),
                project.changelog_format,
                self.version,
                self.day,
                self.changelog_path,
            )
        return files

    @property
    def prerelease_of(self) -> str | None:
        return pv.prerelease_of(self.version)

    @property
    def changelog_version(self) -> str:
        """The changelog section this release belongs to: its own, or for a pre-release
        (``3.2.0rc1``) without a section of its own, the final release's (``3.2.0``)."""
        if self.prerelease_of is None or not self.target.project.has_changelog:
            return self.version
        try:
            text = self.read(self.changelog_path)
        except EcoError:
            return self.prerelease_of  # the pre-flight reports the missing file
        own = changelog.parse(text, self.target.project.changelog_format).find(self.version)
        return self.version if own is not None else self.prerelease_of

    def diff(self) -> list[str]:
        out: list[str] = []
        for path, new in self.new_files().items():
            old = self.read(path)
            out += [
                line.rstrip("\n")
                for line in difflib.unified_diff(
                    old.splitlines(keepends=True),
                    new.splitlines(keepends=True),
                    f"a/{path}",
                    f"b/{path}",
                )
            ]
        return out

    def notes(self) -> str:
        """The release notes: the changelog section, as GitHub Markdown (a project without
        a changelog gets the opening and the links; its notes are written on GitHub)."""
        project = self.target.project
        body = ""
        if project.has_changelog:
            body = changelog.section_text(
                self.read(self.changelog_path), project.changelog_format, self.changelog_version
            )
        feature = pv.parse(self.version).micro == 0
        intro = FEATURE_INTRO if feature else FIX_INTRO
        if self.prerelease_of is not None:
            intro = PRERELEASE_INTRO.replace("{kind}", "feature" if feature else "fix")
        head = intro.format(name=project.pypi, version=self.version, final=self.prerelease_of)
        links = [f"PyPI: https://pypi.org/project/{project.pypi}/{self.version}/"]
        docs = project.vars.get("docs_url")
        if isinstance(docs, str) and docs:
            anchor = "version-" + self.changelog_version.replace(".", "-")
            links.append(f"Changes: {docs.rstrip('/')}/page/changes/#{anchor}")
        parts = [head, "\n".join(links)] + ([changelog.to_markdown(body)] if body else [])
        return "\n\n".join(parts) + "\n"

    # state read from git

    def local_ref(self, ref: str) -> str | None:
        out = git("rev-parse", "-q", "--verify", f"{ref}^{{commit}}", cwd=self.repo, check=False)
        return out or None

    def remote(self) -> tuple[str, dict[str, str]]:
        """Where origin is (the URL and the environment carrying a token, on GitHub)."""
        if self.github is not None:
            if self._remote is None:
                self._remote = self.github.push_target()
            return self._remote
        return "origin", {}

    def release_commit(self) -> str | None:
        return self.local_ref(f"refs/heads/{self.branch}")


def prepare(
    target: Target,
    version: str | None,
    *,
    day: date,
    index_url: str,
    github: GitHubSide | None,
    base: str | None = None,
) -> Release:
    """Work out version, base branch and base commit (read-only)."""
    repo = target.repo
    if target.workspace:
        current = None
    else:
        current = git("branch", "--show-current", cwd=repo) or None
    head_ref = "HEAD" if not target.workspace else f"origin/{base or target.project.branch}"
    if version is None:
        at = pv.locate(lambda path: read_file(repo, head_ref, path))
        version = pv.release_of(at.version)
    pv.normal(version, "the version to release")
    if base is None:
        base = expected_base(target, version)
    if target.workspace:
        ref = f"refs/remotes/origin/{base}"
        base_commit = git("rev-parse", "-q", "--verify", ref, cwd=repo, check=False)
        if not base_commit:
            raise ReleaseRefused(
                f"release of {target.project.name} {version} refused: the remote has no "
                f"branch {base!r} (a {'feature' if base != STABLE else 'fix'} release is "
                f"made from it); pass --base BRANCH to use another"
            )
    else:
        base_commit = git("rev-parse", "HEAD", cwd=repo)
    return Release(
        target=target,
        version=version,
        base=base,
        base_commit=base_commit,
        day=day,
        index_url=index_url,
        github=github,
        current_branch=current,
    )


# the steps


def steps(release: Release) -> list[Step]:
    return [
        _fetch_step(release),
        _commit_step(release),
        _tag_step(release),
        _push_step(release),
        *_github_steps(release),
    ]


def _fetch_step(release: Release) -> Step:
    """A release begun elsewhere (another checkout, another maintainer): take its branch
    and tag from origin rather than making a second, different release commit."""
    refs = [f"refs/heads/{release.branch}", f"refs/tags/{release.tag}"]

    def missing() -> list[str]:
        remote = remote_refs(release.repo, refs, *release.remote())
        return [ref for ref in refs if ref in remote and _ref_object(release, ref) is None]

    def run() -> str:
        wanted = missing()
        url, env = release.remote()
        git(
            "fetch",
            "--quiet",
            "--no-tags",
            url,
            *[f"{r}:{r}" for r in wanted],
            cwd=release.repo,
            env=env,
        )
        return "fetched " + " and ".join(r.split("/", 2)[2] for r in wanted) + " from origin"

    def preview() -> tuple[str, ...]:
        return (f"git fetch origin {release.branch} {release.tag}",)

    return Step("fetch", lambda: not missing(), preview, run, quiet=True)


def _commit_step(release: Release) -> Step:
    def done() -> bool:
        head = release.release_commit()
        if head is None:
            return False
        project = release.target.project
        if not project.has_changelog or release.changelog_version != release.version:
            # no changelog, or a pre-release: the version only
            return pv.locate(lambda path: release.read(path, head)).version == release.version
        return changelog.is_stamped(
            release.read(release.changelog_path, head),
            release.target.project.changelog_format,
            release.version,
        )

    def run() -> str:
        changes = {path: text.encode() for path, text in release.new_files().items()}
        commit = commit_changes(
            release.repo,
            branch=release.branch,
            base=release.base_commit,
            changes=changes,
            message=release.message,
            env=identity_env(release.repo),
        )
        return f"committed {commit[:12]} {release.message!r} on {release.branch}"

    def preview() -> tuple[str, ...]:
        return (
            f"git branch {release.branch} {release.base_commit[:12]}",
            *release.diff(),
            f"git commit -m {release.message!r} -- {' '.join(release.new_files())}"
            "  # on the branch, without a checkout",
        )

    return Step("commit", done, preview, run)


def _tag_step(release: Release) -> Step:
    def done() -> bool:
        tag = release.local_ref(f"refs/tags/{release.tag}")
        return tag is not None and tag == release.release_commit()

    def run() -> str:
        commit = release.release_commit()
        assert commit is not None
        git(
            "tag",
            "-a",
            release.tag,
            "-m",
            release.message,
            commit,
            cwd=release.repo,
            env=identity_env(release.repo),
        )
        return f"tagged {commit[:12]} as {release.tag} ({release.message!r})"

    def preview() -> tuple[str, ...]:
        return (f"git tag -a {release.tag} -m {release.message!r} {release.branch}",)

    return Step("tag", done, preview, run)


def _push_step(release: Release) -> Step:
    refs = [f"refs/heads/{release.branch}", f"refs/tags/{release.tag}"]

    def done() -> bool:
        remote = remote_refs(release.repo, refs, *release.remote())
        return all(
            (local := _ref_object(release, ref)) is not None and remote.get(ref) == local
            for ref in refs
        )

    def run() -> str:
        url, env = release.remote()
        pairs = [f"{r}:{r}" for r in refs]
        git("push", "--atomic", "--quiet", "--no-verify", url, *pairs, cwd=release.repo, env=env)
        return f"pushed {release.branch} and tag {release.tag} to origin"

    def preview() -> tuple[str, ...]:
        return (f"git push --atomic origin {release.branch} {release.tag}",)

    return Step("push", done, preview, run)


def _ref_object(release: Release, ref: str) -> str | None:
    """The object a ref names as ``ls-remote`` shows it (a tag object for an annotated tag)."""
    out = git("rev-parse", "-q", "--verify", ref, cwd=release.repo, check=False)
    return out or None


def _github_steps(release: Release) -> list[Step]:
    return release.github.steps(release) if release.github is not None else []


def eco_command(release: Release, *extra: str, version: bool = True) -> str:
    """The ``eco release`` command line that works on this release again, the way it was
    selected (workspace clone or ``--path``), with ``--base`` when it is not the default."""
    target = release.target
    words = ["eco", "release"]
    words += [target.project.name] if target.workspace else ["--path", str(target.repo)]
    if version:
        words.append(release.version)
        if release.base != expected_base(target, release.version):
            words += ["--base", release.base]
    elif target.workspace and release.base != target.project.branch:
        words += ["--base", release.base]  # --next-dev opens from the project's branch
    return " ".join([*words, *extra])


def next_steps(release: Release) -> list[str]:
    lines = [
        f"the publish workflow runs for tag {release.tag}: approve its 'publish' environment",
        f"then merge {release.branch} into {release.base} with a merge commit",
        f"then open the next version: {eco_command(release, '--next-dev', version=False)}",
    ]
    if release.github is None:
        lines.insert(
            0,
            "no GitHub forge: open the pull request and the draft release by hand "
            + (
                "(notes: the changelog section)"
                if release.target.project.has_changelog
                else "(notes: written there, the project keeps no changelog)"
            ),
        )
    return lines
