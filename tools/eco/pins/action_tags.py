"""Release tags of GitHub actions, for ``eco pins``: one listing per action repository.

PyGithub is imported only when tags are asked for, so ``eco pins check`` offline never
loads it.
"""

from __future__ import annotations

from eco.errors import EcoError
from eco.pins.uses import Tag
from eco.secrets import register
from eco.secrets import scrub

DEFAULT_API_URL = "https://api.github.com"


class GitHubTags:
    """Release tags through PyGithub: one paginated ``GET /repos/{repo}/tags`` per repo.

    The tags listing gives each tag's commit (annotated tags already peeled), so a tag
    resolves to the SHA a workflow pins without a request per tag. No retry and no
    sleeping: a rate limit or a network failure is one clear error.
    """

    def __init__(self, api_url: str = DEFAULT_API_URL, token: str | None = None) -> None:
        import github

        if token:
            register(token)
        self.api_url = api_url
        self.github = github.Github(
            base_url=api_url,
            auth=github.Auth.Token(token) if token else None,
            per_page=100,
            lazy=True,
            retry=None,
            seconds_between_requests=None,
            seconds_between_writes=None,
        )

    def tags(self, repo: str) -> list[Tag]:
        import github
        import requests

        try:
            listing = self.github.get_repo(repo).get_tags()
            return [Tag(t.name, t.commit.sha) for t in listing]
        except github.BadCredentialsException:
            raise EcoError(f"{self.api_url} refused the token (401); check GITHUB_TOKEN") from None
        except github.RateLimitExceededException:
            raise EcoError(
                f"{self.api_url}: API rate limit exceeded; set GITHUB_TOKEN or retry later"
            ) from None
        except github.UnknownObjectException:
            raise EcoError(f"{repo}: no such repository on {self.api_url} (404)") from None
        except github.GithubException as exc:
            raise EcoError(scrub(f"{repo}: GitHub answered {exc.status}: {exc.data}")) from None
        except requests.RequestException as exc:
            raise EcoError(scrub(f"cannot reach {self.api_url}: {type(exc).__name__}")) from None
