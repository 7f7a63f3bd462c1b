"""The GitHub half of a release, through the forge's client (auth, retries, clock).

- pre-flight: CI green on the commit being released (combined status + check runs);
- the push of the branch and tag, authenticated through one command's environment;
- the release pull request ``release-A.B.C`` -> base (opened once, updated after);
- the draft GitHub release of the tag, its notes the changelog section (created once).

API calls: pre-flight 2 ``GET``; the pull request 1 ``GET`` (+1 ``POST``/``PATCH`` when it
changes); the draft 1 ``GET`` (+1 ``POST``). A repeated run writes nothing.
"""

from __future__ import annotations

from pathlib import Path

from github.GitRelease import GitRelease
from github.Repository import Repository

from eco.forge import GitHubForge
from eco.forge import PublishRequest
from eco.forge.pulls import summarize_checks
from eco.registry import Project
from eco.release.steps import Release
from eco.release.steps import Step


class GitHubRelease:
    """Implements :class:`eco.release.steps.GitHubSide` for one project on GitHub."""

    def __init__(self, forge: GitHubForge, project: Project, repo: Path) -> None:
        assert project.repo is not None
        self.forge = forge
        self.project = project
        self.full = project.repo
        self.owner = self.full.split("/")[0]
        self.local = repo
        self._repo: Repository | None = None

    def repository(self) -> Repository:
        if self._repo is None:
            client = self.forge.call(self.full, lambda: self.forge.client(self.owner))
            self._repo = client.get_repo(self.full, lazy=True)
        return self._repo

    # pre-flight

    def ci_state(self, sha: str) -> str | None:
        repo = self.repository()
        where = f"{self.full} checks on {sha[:12]}"
        commit = repo.get_commit(sha)
        combined = self.forge.call(where, commit.get_combined_status)
        runs = self.forge.call(where, lambda: list(commit.get_check_runs()))
        states = [s.state for s in combined.statuses]
        states += [r.conclusion or r.status for r in runs]
        summary = summarize_checks(states)
        if summary == "passing":
            return None
        if summary == "none":
            return f"CI has not reported on {sha[:12]} yet; wait for the tests workflow"
        bad = [f"{s.context} ({s.state})" for s in combined.statuses if s.state != "success"]
        bad += [
            f"{r.name} ({r.conclusion or r.status})"
            for r in runs
            if (r.conclusion or r.status) not in ("success", "skipped", "neutral")
        ]
        return f"CI is {summary} on {sha[:12]}: {', '.join(bad)}"

    # the push

    def push_target(self) -> tuple[str, dict[str, str]]:
        """The URL and the one-command environment that carry the token to git."""
        return self.forge.push_target(self.full)

    # the pull request and the draft release

    def open_pull(self, branch: str, base: str, title: str, body: str) -> str:
        request = PublishRequest(self.project, self.local, branch, base, title, body)
        result = self.forge.publish(request)
        return f"{result.action} {result.url}"

    def steps(self, release: Release) -> list[Step]:
        title = f"Release {release.version}"
        body = release.notes() + MERGE_NOTE
        head = f"{self.owner}:{release.branch}"

        def pull_done() -> bool:
            repo = self.repository()
            found = self.forge.call(
                f"{self.full} pull requests",
                lambda: list(repo.get_pulls(state="open", head=head, base=release.base)),
            )
            return any(p.title == title and (p.body or "") == body for p in found)

        def pull_preview() -> tuple[str, ...]:
            return (
                f"POST /repos/{self.full}/pulls head={release.branch} base={release.base} "
                f"title={title!r} (or PATCH the open one)",
                *[f"    | {line}" for line in body.splitlines()],
            )

        def release_done() -> bool:
            return self._draft(release.tag) is not None

        def create_release() -> str:
            self.forge.spacer.wait()
            repo = self.repository()
            created = self.forge.call(
                f"{self.full} releases",
                lambda: repo.create_git_release(
                    release.tag,
                    release.version,
                    release.notes(),
                    draft=True,
                    prerelease=release.prerelease_of is not None,
                ),
            )
            return f"draft release {created.name} created: {created.html_url}"

        def release_preview() -> tuple[str, ...]:
            return (
                f"POST /repos/{self.full}/releases tag_name={release.tag} "
                f"name={release.version} draft=true"
                + (" prerelease=true" if release.prerelease_of is not None else ""),
                *[f"    | {line}" for line in release.notes().splitlines()],
            )

        return [
            Step(
                "pull request",
                pull_done,
                pull_preview,
                lambda: "pull request " + self.open_pull(release.branch, release.base, title, body),
            ),
            Step("draft release", release_done, release_preview, create_release),
        ]

    def _draft(self, tag: str) -> GitRelease | None:
        repo = self.repository()
        releases = self.forge.call(f"{self.full} releases", lambda: list(repo.get_releases()))
        return next((r for r in releases if r.tag_name == tag), None)


MERGE_NOTE = (
    "\n---\n\nAfter the publish workflow has uploaded the release (approve its `publish` "
    "environment), merge this pull request **with a merge commit**.\n"
)
