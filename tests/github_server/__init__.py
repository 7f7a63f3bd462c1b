"""A local GitHub REST API for tests: state in memory, refs in real bare git repositories.

Use it through the ``github_server`` fixture (``tests/github_server/fixtures.py``)::

    pytest_plugins = ["tests.github_server.fixtures"]  # provides the fixture

    def test_something(github_server: GitHubServer) -> None:
        repo = github_server.state.create_repo("pallets", "flask", {"README.md": "# Flask\\n"})
        gh = github.Github(base_url=github_server.url, auth=github.Auth.Token("t"),
                           seconds_between_requests=None, seconds_between_writes=None)
        ...   # or: git push github_server.git_url("pallets", "flask") (a real git remote)
        assert github_server.count("GET") <= 3 and not github_server.writes()

What a test can do with the server (see ``core.GitHubServer`` and ``state.State``):

- ``server.state.create_repo(owner, name, files)`` / ``add_repo(owner, name, bare)``; the
  refs API reads and writes the bare repository, so pushes and API writes see each other.
- ``add_status``, ``add_check_run``, ``add_review``, ``merge_pull``, ``advance(seconds)``.
- ``server.count(method, path, route=, not_modified=)``, ``writes()``, ``counts()``,
  ``reset_hits()``, ``summary()``; ``rate_remaining``/``rate_reset`` for the budget.
- ``server.fail_next(n, status=403, retry_after=1, path=regex)`` (a secondary rate limit
  by default), ``server.require_token(*tokens)`` (anything else gets 401, API and git).
- Every JSON answer is checked against GitHub's schema when the fixture ends.

Add endpoints in a module of your own, ``tests/github_server/routes_<topic>.py``: every
``routes_*`` module in this package is imported when a server starts, and registers its
handlers with ``@route(METHOD, "/repos/{owner}/{repo}/...")`` (see ``core.route``).
Give each new endpoint a row in ``test_github_contract.py`` so its answers are checked
against GitHub's schemas. An endpoint the subset lacks declares ``schema=FULL``: its
answers are checked against GitHub's whole description (``schemas.full_spec``), as the
repository settings routes in ``routes_settings.py`` are.
"""

from __future__ import annotations

import importlib
import pkgutil

_loaded = False


def load_routes() -> None:
    """Import every ``routes_*`` module of this package (each registers its routes)."""
    global _loaded
    if _loaded:
        return
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("routes_"):
            importlib.import_module(f"{__name__}.{info.name}")
    _loaded = True
