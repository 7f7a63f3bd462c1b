"""The git a release needs: read files of a commit, ask the remote, commit without a checkout.

The release commit is written with plumbing (a temporary index, ``commit-tree``,
``update-ref`` checking the old value), so neither the maintainer's working tree nor
eco's workspace clone changes, and a failure leaves every ref where it was. Commits and
tags carry the maintainer's git identity (``user.name``/``user.email`` of the repository),
not eco's.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable
from collections.abc import Mapping
from pathlib import Path

from eco.errors import GitError
from eco.git.run import git
from eco.git.run import git_bytes
from eco.git.run import git_env

ZERO = "0" * 40


def read_file(repo: Path, ref: str, path: str) -> str:
    """``path`` as committed at ``ref`` (text); a missing file raises :class:`GitError`."""
    try:
        return git_bytes("show", f"{ref}:{path}", cwd=repo).decode("utf-8")
    except GitError:
        raise GitError(f"{path}: not found at {ref} in {repo}") from None


def remote_refs(
    repo: Path,
    refs: Iterable[str],
    remote: str = "origin",
    env: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """What ``remote`` has for ``refs`` (one ``git ls-remote``; read-only, no fetch).

    An annotated tag maps to the tag object, and ``"<ref>^{}"`` to its commit."""
    wanted = list(refs)
    patterns = wanted + [f"{ref}^{{}}" for ref in wanted if ref.startswith("refs/tags/")]
    out = git("ls-remote", remote, *patterns, cwd=repo, env=env)
    found = {}
    for line in out.splitlines():
        sha, _, ref = line.partition("\t")
        if ref.removesuffix("^{}") in wanted:
            found[ref] = sha  # an annotated tag also comes peeled, as "refs/tags/X^{}"
    return found


def is_ancestor(repo: Path, ancestor: str, commit: str) -> bool:
    """Whether ``ancestor`` is in ``commit``'s history (False if it is not even known)."""
    if git("cat-file", "-t", ancestor, cwd=repo, check=False) != "commit":
        return False
    proc = subprocess.run(
        ["git", "merge-base", "--is-ancestor", ancestor, commit],
        cwd=repo,
        env=git_env(),
        capture_output=True,
    )
    return proc.returncode == 0


def identity_env(repo: Path) -> dict[str, str]:
    """The maintainer's git identity for commits and tags, when the repository has one."""
    env = {}
    for key, names in (("user.name", ("NAME",)), ("user.email", ("EMAIL",))):
        value = git("config", "--get", key, cwd=repo, check=False)
        if value:
            for name in names:
                env[f"GIT_AUTHOR_{name}"] = value
                env[f"GIT_COMMITTER_{name}"] = value
    return env


def commit_changes(
    repo: Path,
    *,
    branch: str,
    base: str,
    changes: Mapping[str, bytes],
    message: str,
    env: Mapping[str, str] | None = None,
) -> str:
    """Point ``branch`` (new, or already on ``base``) at one commit of ``changes`` on ``base``."""
    ref = f"refs/heads/{branch}"
    old = git("rev-parse", "-q", "--verify", ref, cwd=repo, check=False) or ZERO
    with tempfile.TemporaryDirectory(prefix="eco-release-") as tmp:
        index = {**(env or {}), "GIT_INDEX_FILE": str(Path(tmp) / "index")}
        git("read-tree", f"{base}^{{tree}}", cwd=repo, env=index)
        entries = []
        for number, (path, content) in enumerate(sorted(changes.items())):
            blob_file = Path(tmp) / f"blob-{number}"
            blob_file.write_bytes(content)
            blob = git("hash-object", "-w", "--no-filters", str(blob_file), cwd=repo)
            mode = _mode(repo, base, path)
            entries.append(f"{mode} {blob}\t{path}\0")
        git("update-index", "-z", "--index-info", cwd=repo, env=index, input="".join(entries))
        tree = git("write-tree", cwd=repo, env=index)
    commit = git("commit-tree", tree, "-p", base, "-F", "-", cwd=repo, env=env, input=message)
    git("update-ref", "-m", f"eco: {message}", ref, commit, old, cwd=repo)
    return commit


def _mode(repo: Path, base: str, path: str) -> str:
    out = git("ls-tree", base, "--", path, cwd=repo)
    return out.split()[0] if out else "100644"


def export_tree(repo: Path, commit: str, dest: Path) -> None:
    """The files of ``commit`` under ``dest`` (``git archive``; no checkout, no refs)."""
    archive = git_bytes("archive", "--format=tar", commit, cwd=repo)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        try:
            tar.extractall(dest, filter="data")
        except tarfile.FilterError as exc:  # a link out of the project, an absolute path
            member = exc.tarinfo
            what = (
                f"is a link pointing outside the project ({member.linkname})"
                if member.issym() or member.islnk()
                else f"cannot be exported safely ({exc})"
            )
            raise GitError(
                f"{repo}: {member.name} at {commit[:12]} {what}; eco does not follow it: "
                "remove it, or make it point inside the project"
            ) from None
