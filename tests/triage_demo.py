"""Try eco triage with no token and no network: the test GitHub server, seeded, and eco.

From the root of this repository (with eco installed)::

    python -m tests.triage_demo                          # eco triage --no-members
    python -m tests.triage_demo triage --format html -o /tmp/triage.html
    python -m tests.triage_demo triage close flask-caching#5 --reason "Duplicate of #1." \\
        --as not_planned --apply
    python -m tests.triage_demo labels sync
    python -m tests.triage_demo --serve                  # keep it running; try by hand

Each run starts the local GitHub API server of the test suite (``tests/github_server``)
on a free port, seeds two repositories (``pallets-eco/flask-caching`` and
``pallets-eco/flask-mail``) with issues, pull requests, comments and reviews at fixed
times before now, writes a scratch ecosystem naming them in a temporary folder, and runs
``eco ARGS...`` there with ``ECO_GITHUB_API_URL`` pointing at the server and a made-up
token the server accepts. Nothing reaches GitHub; every run starts from the same state.
The test suite runs it and compares its output with docs/maintainer/triage.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from tests.github_server.core import GitHubServer
from tests.github_server.state import Label
from tests.github_server.state import State
from tests.helpers import make_ecosystem
from tests.helpers import REPO
from tests.triage_seed import DAY
from tests.triage_seed import HOUR
from tests.triage_seed import Said
from tests.triage_seed import Seed
from tests.triage_seed import seed

# not a secret: the local server accepts any token
TOKEN = "ghp_" + "0" * 36
MAINTAINER = "davidism"

PROJECTS = """
[projects.flask-caching]
repo = "pallets-eco/flask-caching"

[projects.flask-mail]
repo = "pallets-eco/flask-mail"
"""

# Times in seconds before now; answers from MAINTAINER, the rest from contributors.
CACHING = [
    Seed("Redis backend ignores key_prefix on delete_many", "alice", -6 * DAY),
    Seed(
        "Support Python 3.14",
        "bob",
        -12 * DAY,
        [Said(MAINTAINER, -11 * DAY), Said("bob", -9 * DAY)],
        labels=["typing"],
    ),
    Seed("Add type hints to the memoize decorator", "carol", -4 * DAY, pull=True),
    Seed(
        "Cache.clear() fails with FileSystemCache",
        "dan",
        -10 * DAY,
        [Said(MAINTAINER, -9 * DAY), Said("erin", -2 * DAY)],
        labels=["filesystem"],
        closed_at=-9 * DAY,
    ),
    Seed("Redis backend ignores key_prefix in delete_many", "frank", -1 * DAY),
    Seed(
        "Memcached timeout of zero",
        "gina",
        -8 * DAY,
        [Said(MAINTAINER, -7 * DAY)],
        labels=["memcached"],
        closed_at=-6 * DAY,
    ),
]
MAIL = [
    Seed(
        "Attachments lose their filename",
        "hank",
        -8 * DAY,
        [Said(MAINTAINER, -8 * DAY + 2 * HOUR)],
        labels=["attachments"],
    ),
    Seed(
        "Document MAIL_USE_SSL",
        "ivy",
        -5 * DAY,
        [Said(MAINTAINER, -5 * DAY + 20 * HOUR, "APPROVED")],
        pull=True,
    ),
]


class Demo:
    """The seeded server and the scratch ecosystem, until :meth:`stop`."""

    def __init__(self, folder: Path) -> None:
        self.server = GitHubServer(State(folder / "github")).start()
        state = self.server.state
        now = int(state.now())
        # the clock stands still: list pages keep their ETags between runs
        state.now = lambda: float(now)  # type: ignore[method-assign]
        seed(state, state.create_repo("pallets-eco", "flask-caching"), now, CACHING)
        mail = state.create_repo("pallets-eco", "flask-mail")
        seed(state, mail, now, MAIL)
        # an old name of labels.toml's "docs": labels sync renames it in place
        mail.labels["documentation"] = Label(state.new_id(), "documentation", "d4c5f9")
        eco = make_ecosystem(folder, PROJECTS, copy=())
        registry = (eco.root / "projects.toml").read_text()
        eco.write_registry(
            registry.replace("[ecosystem]\n", f'[ecosystem]\nmaintainers = ["{MAINTAINER}"]\n')
        )
        (eco.root / "labels.toml").write_text((REPO / "labels.toml").read_text())
        eco.commit("the demo's ecosystem")
        self.root = eco.root
        self.env = {
            "ECO_GITHUB_API_URL": self.server.url,
            "GITHUB_TOKEN": TOKEN,
            "ECO_WORKSPACE": str(folder / "workspace"),
        }

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``eco ARGS...`` in the scratch ecosystem, against the server."""
        return subprocess.run(
            [sys.executable, "-m", "eco", *args],
            cwd=self.root,
            env={**os.environ, "PYTHONPATH": str(REPO / "tools"), **self.env},
            capture_output=True,
            text=True,
        )

    def stop(self) -> None:
        self.server.stop()


def main(argv: list[str]) -> int:
    args = argv or ["triage", "--no-members"]
    with tempfile.TemporaryDirectory(prefix="eco-triage-demo.") as folder:
        demo = Demo(Path(folder))
        try:
            if args == ["--serve"]:
                exports = " ".join(f"{k}={v}" for k, v in demo.env.items())
                print(f"cd {demo.root} && export {exports}")
                print("then run eco triage --no-members, eco labels sync, ...; Ctrl-C stops")
                try:
                    threading.Event().wait()
                except KeyboardInterrupt:
                    return 0
            result = demo.run(*args)
            sys.stdout.write(result.stdout)
            sys.stderr.write(result.stderr)
            return result.returncode
        finally:
            demo.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
