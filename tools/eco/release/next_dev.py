"""``eco release --next-dev``: open the next version after a release.

On a ``start-A.B.C`` branch from the base, one commit "start version A.B.C": the version
becomes ``A.B.C.dev`` and the changelog gets a new ``Version A.B.C`` / ``Unreleased``
section at the top. The branch is pushed (and on GitHub proposed as a pull request), so
the base branch itself only changes through review, like every other change.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

import click

from eco.git.run import git
from eco.release import changelog
from eco.release import pyproject_version as pv
from eco.release.checkout import Target
from eco.release.git import commit_changes
from eco.release.git import identity_env
from eco.release.git import read_file
from eco.release.git import remote_refs
from eco.release.preflight import check_checkout
from eco.release.preflight import check_up_to_date
from eco.release.steps import GitHubSide
from eco.release.steps import ReleaseRefused
from eco.release.steps import STABLE


def following(version: str, base: str, project_branch: str) -> str:
    """The next version: a fix (A.B.C+1) on ``stable``, a feature (A.B+1.0) elsewhere."""
    release = pv.parse(version).release + (0, 0)
    major, minor, micro = release[0], release[1], release[2]
    if base == STABLE and base != project_branch:
        return f"{major}.{minor}.{micro + 1}"
    return f"{major}.{minor + 1}.0"


def run(
    target: Target,
    version: str | None,
    *,
    base: str | None,
    github: GitHubSide | None,
    dry_run: bool,
    say: Callable[[str], None] = click.echo,
) -> None:
    """Open the next version; each line of what is done (or would be) goes to ``say``."""
    repo, project = target.repo, target.project
    problems: list[str] = []
    if target.workspace:
        base = base or project.branch
        base_commit = git("rev-parse", "-q", "--verify", f"origin/{base}", cwd=repo, check=False)
        if not base_commit:
            raise ReleaseRefused(f"the remote has no branch {base!r}")
    else:
        current = git("branch", "--show-current", cwd=repo) or None
        base = base or current or project.branch
        base_commit = git("rev-parse", "HEAD", cwd=repo)
    source = pv.locate(lambda path: read_file(repo, base_commit, path))
    current_version = source.version
    url, env = github.push_target() if github else ("origin", {})
    if pv.is_dev(current_version):
        released = pv.release_of(current_version)
        hint = "--next-dev follows a release"
        if remote_refs(repo, [f"refs/tags/{project.tag(released)}"], url, env):
            hint = (
                f"{released} is tagged on origin, but its release branch is not merged into "
                f"{base} yet: merge release-{released} (with a merge commit) first"
            )
        raise ReleaseRefused(
            f"{source.path} on {base}: version is still {current_version}, a development "
            f"version; {hint}"
        )
    version = version or following(current_version, base, project.branch)
    pv.normal(version, "the next version")
    if not target.workspace:
        if check_checkout(repo, current, base, version, problems):
            remote = remote_refs(repo, [f"refs/heads/{base}"], url, env).get(f"refs/heads/{base}")
            check_up_to_date(repo, base, base_commit, remote, problems)
    branch = f"start-{version}"
    exists = git("rev-parse", "-q", "--verify", f"refs/heads/{branch}", cwd=repo, check=False)
    if exists or remote_refs(repo, [f"refs/heads/{branch}"], url, env):
        problems.append(f"branch {branch} already exists: version {version} is already opened")
    new = {source.path: source.with_version(f"{version}.dev")}
    if project.has_changelog:
        text = read_file(repo, base_commit, project.changelog)
        try:
            new[project.changelog] = changelog.open_section(
                text, project.changelog_format, version, project.changelog
            )
        except changelog.ChangelogError as exc:
            problems.append(exc.message)
    if problems:
        lines = "\n".join(f"  - {p}" for p in problems)
        raise ReleaseRefused(
            f"opening {project.name} {version} refused; nothing was changed:\n{lines}"
        )
    message = f"start version {version}"
    say(f"open {project.name} {version}.dev on {branch} from {base} ({base_commit[:12]})")
    if dry_run:
        say("dry run: nothing is changed; the steps would be:")
        say(f"    git branch {branch} {base_commit[:12]}")
        for path, content in new.items():
            old = read_file(repo, base_commit, path)
            for line in difflib.unified_diff(
                old.splitlines(keepends=True),
                content.splitlines(keepends=True),
                f"a/{path}",
                f"b/{path}",
            ):
                say(f"    {line.rstrip()}")
        say(f"    git commit -m {message!r}  # on the branch, without a checkout")
        say(f"    git push origin {branch}")
        if github is not None:
            say(f"    POST /repos/{project.repo}/pulls head={branch} base={base}")
        return
    commit = commit_changes(
        repo,
        branch=branch,
        base=base_commit,
        changes={path: content.encode() for path, content in new.items()},
        message=message,
        env=identity_env(repo),
    )
    say(f"[ok]   commit: {commit[:12]} {message!r} on {branch}")
    git(
        "push",
        "--quiet",
        "--no-verify",
        url,
        f"refs/heads/{branch}:refs/heads/{branch}",
        cwd=repo,
        env=env,
    )
    say(f"[ok]   push: {branch} to origin")
    if github is not None:
        body = _BODY if project.has_changelog else _BODY_NO_CHANGELOG
        say(f"[ok]   pull request: {github.open_pull(branch, base, message, body)}")
    else:
        say(f"next: merge {branch} into {base} (no GitHub forge: open the pull request by hand)")


_BODY = "Opens the next version: `.dev` in the version and a new `Unreleased` changelog section.\n"
_BODY_NO_CHANGELOG = "Opens the next version: `.dev` in the version.\n"
