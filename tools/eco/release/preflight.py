"""The release pre-flight: every check, read-only, all failures reported together.

A problem refuses the release (exit 2, nothing changed) and says how to fix it; a warning
(a deprecation due for removal, a version already on the index when resuming) does not.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from eco import index as simple_index
from eco.deprecations.own import due
from eco.errors import EcoError
from eco.git.run import git
from eco.release import changelog
from eco.release import pyproject_version as pv
from eco.release.git import export_tree
from eco.release.git import is_ancestor
from eco.release.git import remote_refs
from eco.release.steps import eco_command
from eco.release.steps import Release
from eco.release.steps import ReleaseRefused
from eco.release.steps import STABLE


@dataclass
class Preflight:
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def preflight(
    release: Release,
    *,
    resume: bool,
    dry_run: bool = False,
    allow_empty: bool = False,
    progress: Callable[[str], None] = lambda _line: None,
) -> Preflight:
    """Every check, read-only; ``problems`` refuse the release, ``warnings`` do not.

    In a dry run an unreachable package index is a warning (the rehearsal works offline);
    a real release refuses to go on without knowing the version is not published yet.
    An ``Unreleased`` section with no entries refuses the release (its notes would be
    empty) unless ``allow_empty``, when it is a warning. ``progress`` is told each check
    that asks the network as it starts.
    """
    result = Preflight()
    problems, repo = result.problems, release.repo
    on_base = True
    if not release.target.workspace:
        on_base = check_checkout(
            release.repo, release.current_branch, release.base, release.version, result.problems
        )
        if release.github is None and not check_origin(release, problems):
            return result  # nowhere to compare with or push to: the rest would only fail
    wanted = [
        f"refs/heads/{release.base}",
        f"refs/tags/{release.tag}",
        f"refs/tags/{release.other_tag}",
        f"refs/heads/{release.branch}",
    ]
    progress("pre-flight: asking origin for the branch and the tag")
    remote = remote_refs(repo, wanted, *release.remote())
    remote_base = remote.get(f"refs/heads/{release.base}")
    if not release.target.workspace and on_base:  # another branch: comparing would mislead
        check_up_to_date(release.repo, release.base, release.base_commit, remote_base, problems)
    _check_tag_and_branch(release, remote, resume, result)
    progress(f"pre-flight: asking {release.index_url} whether {release.version} is published")
    _check_index(release, resume, result, dry_run=dry_run)
    _check_changelog(release, result, allow_empty=allow_empty)
    _check_version(release, problems)
    if pv.parse(release.version).micro == 0:
        progress("pre-flight: looking for deprecations due for removal")
        _check_deprecations(release, result)
    if release.github is not None:  # without it, the command says GitHub is skipped, once
        progress(f"pre-flight: asking GitHub for CI on {release.base_commit[:12]}")
        state = release.github.ci_state(release.base_commit)
        if state:
            problems.append(state)
        else:
            result.notes.append(f"CI is green on {release.base_commit[:12]}")
    return result


def check_checkout(
    repo: Path, current: str | None, base: str, version: str, problems: list[str]
) -> bool:
    """A maintainer's checkout: a clean working tree on the right branch (False when it is
    on another branch: then its HEAD says nothing about ``base`` and is not compared)."""
    status = git("status", "--porcelain", "--untracked-files=normal", cwd=repo)
    if status:
        listed = ", ".join(line[3:] for line in status.splitlines()[:5])
        more = " ..." if len(status.splitlines()) > 5 else ""
        problems.append(
            f"the working tree has uncommitted changes: {listed}{more}; commit or stash them"
        )
    if current == base:
        return True
    kind = "fix release A.B.x" if base == STABLE else "feature release A.B.0"
    if current is None:
        where, other = "a detached HEAD", ""
    else:
        where, other = repr(current), f" (or pass --base {current} to release from {current})"
    problems.append(
        f"{version} (a {kind}) is released from {base!r}, and this checkout is on {where}: "
        f"git switch {base}{other}"
    )
    return False


_GITHUB_SLUG = re.compile(r"github\.com[:/]+([^/]+/[^/]+?)(?:\.git)?/*$", re.IGNORECASE)


def check_origin(release: Release, problems: list[str]) -> bool:
    """A maintainer's checkout pushes to its ``origin`` (without the GitHub forge): it
    must exist, and be the project's repository rather than a fork, where the tag would
    start no publish workflow. False when it is not usable (then it is not even asked)."""
    url = git("remote", "get-url", "origin", cwd=release.repo, check=False)
    if not url:
        problems.append(
            "the checkout has no remote 'origin', where the release branch and tag are "
            "pushed: git remote add origin URL-OF-THE-PROJECT"
        )
        return False
    expected = release.target.project.repo
    match = _GITHUB_SLUG.search(url)
    if expected and match and match.group(1).lower() != expected.lower():
        problems.append(
            f"origin is {url}, not the project's repository {expected}: the tag would start "
            f"no publish workflow there; git remote set-url origin "
            f"https://github.com/{expected}.git (or use --forge github)"
        )
        return False
    return True


def check_up_to_date(
    repo: Path, base: str, head: str, remote_base: str | None, problems: list[str]
) -> None:
    """HEAD is exactly what origin has for ``base``: nothing to pull, nothing unpushed."""
    if remote_base is None:
        problems.append(f"origin has no branch {base!r}; push it first")
    elif remote_base != head:
        if not is_ancestor(repo, remote_base, head):
            problems.append(
                f"the checkout is behind origin/{base} (origin at {remote_base[:12]}, "
                f"HEAD at {head[:12]}); git pull first"
            )
        else:
            count = git("rev-list", "--count", f"{remote_base}..{head}", cwd=repo)
            problems.append(
                f"HEAD has {count} commit(s) not on origin/{base}; push them "
                "(or merge their pull request) before releasing"
            )


def _check_tag_and_branch(
    release: Release, remote: dict[str, str], resume: bool, result: Preflight
) -> None:
    _check_other_style(release, remote, result)
    tag_ref = f"refs/tags/{release.tag}"
    local_tag = release.local_ref(tag_ref)
    remote_tag = remote.get(tag_ref)
    local_branch = release.release_commit()
    remote_branch = remote.get(f"refs/heads/{release.branch}")
    if not resume:
        where = [w for w, sha in (("locally", local_tag), ("on origin", remote_tag)) if sha]
        resume_hint = f"continue it with: {eco_command(release, '--resume')}"
        if (local_tag or remote_tag) and not (local_branch or remote_branch):
            # No release branch: not a release eco began, so --resume has nothing to finish.
            mistake = "" if remote_tag else f" (a tag made by mistake: git tag -d {release.tag})"
            result.problems.append(
                f"tag {release.tag} already exists ({' and '.join(where)}) and no "
                f"{release.branch} branch: {release.version} was released without eco, or its "
                f"release is finished; release another version{mistake}"
            )
        elif remote_tag:
            result.problems.append(
                f"tag {release.tag} already exists ({' and '.join(where)}): "
                f"{release.version} was released or is being released; to finish its "
                f"remaining steps (pull request, draft release), {resume_hint}"
            )
        elif local_tag:
            result.problems.append(
                f"tag {release.tag} already exists locally, not on origin: a release of "
                f"{release.version} stopped before its push; {resume_hint} "
                f"(or start over: git tag -d {release.tag} && git branch -D {release.branch}, "
                f"in {release.repo})"
            )
        elif local_branch or remote_branch:
            result.problems.append(
                f"branch {release.branch} already exists: a release of {release.version} is "
                f"under way; {resume_hint}"
            )
        return
    ours = local_branch or remote_branch
    remote_commit = remote.get(f"{tag_ref}^{{}}", remote_tag)
    start_over = (
        f"start over: git tag -d {release.tag} && git branch -D {release.branch} "
        f"(in {release.repo}), then run eco release again"
    )
    if local_tag and local_tag != ours and remote_commit in (None, local_tag):
        result.problems.append(
            f"--resume: the local tag {release.tag} points at {local_tag[:12]}, not at the "
            f"head of {release.branch} ({(ours or 'missing')[:12]}): the branch moved after "
            f"the tag was made; "
            + (
                f"the tag is on origin too, so the release stands at {local_tag[:12]}: "
                f"reset {release.branch} to it (git branch -f {release.branch} "
                f"{local_tag[:12]}) and resume"
                if remote_commit
                else f"nothing was pushed: {start_over}"
            )
        )
    if remote_commit and remote_commit != ours and remote_commit != local_tag:
        result.problems.append(
            f"--resume: origin's tag {release.tag} points at {remote_commit[:12]}, not at the "
            f"head of {release.branch} ({(ours or 'missing')[:12]}): {release.version} was "
            "tagged from another checkout; a published tag is never moved: fetch it "
            f"(git fetch origin tag {release.tag}) and compare before going on"
        )
    if local_branch and remote_branch and local_branch != remote_branch:
        result.problems.append(
            f"--resume: {release.branch} differs locally ({local_branch[:12]}) and on origin "
            f"({remote_branch[:12]}): one has commits the other lacks; make them the same "
            f"(push the local one, or git branch -f {release.branch} origin/{release.branch}) "
            "and resume"
        )
    known = ours and git("cat-file", "-t", ours, cwd=release.repo, check=False) == "commit"
    if ours and not known:
        result.notes.append(f"{release.branch} is on origin only: it will be fetched")
    elif ours and not is_ancestor(release.repo, release.base_commit, ours):
        start = git("rev-parse", "-q", "--verify", f"{ours}^", cwd=release.repo, check=False)
        if start and is_ancestor(release.repo, start, release.base_commit):
            result.problems.append(
                f"--resume: {release.base} moved on since the release of {release.version} "
                f"began ({release.branch} starts from {start[:12]}, {release.base} is now at "
                f"{release.base_commit[:12]}); to release {release.base} as it is now, "
                + (
                    start_over
                    if not remote_commit
                    else f"release the next version: {release.tag} is already on origin"
                )
            )
        else:
            result.problems.append(
                f"--resume: {release.branch} does not start from a commit of {release.base} "
                f"({release.base_commit[:12]}): it was made from another branch; {start_over}"
            )


def _check_other_style(release: Release, remote: dict[str, str], result: Preflight) -> None:
    """``v1.2.0`` where the project's style says ``1.2.0`` (or the reverse): the version is
    tagged already, and a second tag beside it would start a second publish workflow."""
    ref = f"refs/tags/{release.other_tag}"
    places = (("locally", release.local_ref(ref)), ("on origin", remote.get(ref)))
    where = [place for place, sha in places if sha]
    if where:
        style = release.target.project.tag_style
        result.problems.append(
            f"tag {release.other_tag} already exists ({' and '.join(where)}): "
            f"{release.version} is tagged in the other style than the project's (tag-style "
            f"{style!r} would tag it {release.tag}); set tag-style in projects.toml to the "
            "style the project uses"
        )


def _check_index(release: Release, resume: bool, result: Preflight, *, dry_run: bool) -> None:
    name = release.target.project.pypi
    try:
        files = simple_index.project_files(release.index_url, name)
    except simple_index.PackageIndexError as exc:
        if not dry_run:
            raise
        result.warnings.append(f"{exc.message}; NOT CHECKED whether {release.version} is published")
        return
    wanted = pv.parse(release.version)
    found = [f.filename for f in files or [] if f.version == wanted]
    if found:
        message = (
            f"{name} {release.version} is already on the index {release.index_url} "
            f"({', '.join(found)})"
        )
        (result.warnings if resume else result.problems).append(message)
    elif files is None:
        result.notes.append(f"{name} is not on {release.index_url} yet: this is its first release")


def _check_changelog(release: Release, result: Preflight, *, allow_empty: bool) -> None:
    project, problems = release.target.project, result.problems
    where = release.changelog_path
    if not project.has_changelog:
        result.notes.append("no changelog: write the release notes on GitHub")
        text = None
    else:
        try:
            text = release.read(where)
        except EcoError:
            problems.append(
                f"{where}: not found in {release.base}; a project that keeps no changelog "
                'says changelog = "" in projects.toml (release notes on GitHub only)'
            )
            text = None
    if text is not None:
        try:
            section = changelog.check_release(
                text, project.changelog_format, release.changelog_version, where
            )
        except changelog.ChangelogError as exc:
            problems.append(exc.message)
        else:
            body = changelog.section_text(text, project.changelog_format, section.version, where)
            if not body:
                assert section.status_line is not None
                empty = (
                    f"{where}:{section.status_line + 1}: Version {section.version} has no "
                    f"entries under {changelog.UNRELEASED!r}: the release notes would be empty"
                )
                if allow_empty:
                    result.warnings.append(f"{empty} (--allow-empty)")
                else:
                    problems.append(f"{empty}; write the changes there, or pass --allow-empty")


def _check_version(release: Release, problems: list[str]) -> None:
    try:
        source = pv.locate(release.read)
    except EcoError as exc:
        problems.append(exc.message)
        return
    version = source.version
    pv.parse(version, f"{source.path} version")
    if not pv.can_release(version, release.version):
        problems.append(
            f"{source.path}: version is {version}, which releases as {pv.release_of(version)}, "
            f"not {release.version}"
        )


def _check_deprecations(release: Release, result: Preflight) -> None:
    """A feature release may remove what the last one deprecated: list what is due."""
    with tempfile.TemporaryDirectory(prefix="eco-release-src-") as tmp:
        if release.target.workspace:
            export_tree(release.repo, release.base_commit, Path(tmp))
            root = Path(tmp)
        else:
            root = release.repo  # clean and at the base commit (checked above)
        found = due(root, release.version)
    for item in found:
        state = item.state(release.version)
        result.warnings.append(
            f"{item.path}:{item.line}: {item.category} {state} for removal in "
            f"{release.version}: {item.message!r}"
        )


def refuse(release: Release, result: Preflight) -> None:
    if result.problems:
        lines = "\n".join(f"  - {p}" for p in result.problems)
        raise ReleaseRefused(
            f"release of {release.target.project.name} {release.version} refused; "
            f"nothing was changed:\n{lines}"
        )
