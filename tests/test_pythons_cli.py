"""``eco python status`` and ``eco python apply`` on a scratch registry of real git projects."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from eco.python.releases import RELEASES_FILE
from tests.helpers import Ecosystem
from tests.helpers import make_bare_repo
from tests.helpers import make_ecosystem
from tests.helpers import REPO
from tests.helpers import run_eco

REGISTRY = """\
[ecosystem]
name = "scratch"
org = "scratch-org"
repo = "scratch-org/eco"

[ecosystem.python]
# Every project follows this list unless it sets its own.
supported = ["3.9", "3.10", "3.11", "3.12", "3.13"]  # keep sorted
policy = "eol+6months"

[defaults]
license = "BSD-3-Clause"

[projects.alpha]
url = "{remotes}/alpha.git"

[projects.beta]
url = "{remotes}/beta.git"
# beta still runs on an old Python for one more release
python = [
    "3.8",
    "3.9",
    "3.10",
    "3.11",
]

[projects.gamma]
url = "{remotes}/gamma.git"
"""


def project_files(pythons: Sequence[str], *, ruff: str | None = None) -> dict[str, str]:
    low = pythons[0]
    classifiers = "".join(f'    "Programming Language :: Python :: {v}",\n' for v in pythons)
    listed = ", ".join(f'"{v}"' for v in pythons)
    return {
        "pyproject.toml": (
            f'[project]\nname = "x"\nversion = "1.0.0.dev"\nrequires-python = ">={low}"\n'
            f"classifiers = [\n{classifiers}]\n\n"
            f'[tool.ruff]\ntarget-version = "{ruff or "py" + low.replace(".", "")}"\n\n'
            f'[tool.mypy]\npython_version = "{low}"\n'
        ),
        ".github/workflows/tests.yaml": (
            "jobs:\n  tests:\n    uses: scratch-org/eco/.github/workflows/tests.yaml@main\n"
            f"    with:\n      pythons: '[{listed}]'\n"
        ),
    }


ECO_PYTHONS = ["3.9", "3.10", "3.11", "3.12", "3.13"]


@pytest.fixture
def eco(tmp_path: Path) -> Ecosystem:
    remotes = tmp_path / "remotes"
    make_bare_repo(tmp_path, "alpha", project_files(ECO_PYTHONS))
    make_bare_repo(tmp_path, "beta", project_files(["3.8", "3.9", "3.10", "3.11"]))
    make_bare_repo(tmp_path, "gamma", project_files(ECO_PYTHONS, ruff="py38"))
    eco = make_ecosystem(tmp_path, copy=())
    eco.write_registry(REGISTRY.format(remotes=remotes))
    shutil.copy(REPO / RELEASES_FILE, eco.root / RELEASES_FILE)
    eco.commit("scratch registry")
    return eco


def status(eco: Ecosystem, today: str, *args: str) -> tuple[int, dict[str, Any]]:
    proc = run_eco("python", "status", "--date", today, "--format", "json", *args, cwd=eco.root)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def by_project(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["project"]: p for p in data["projects"]}


def test_status_apply_status(eco: Ecosystem) -> None:
    # 2026-05-01: 3.9 is past end of life + 6 months; 3.14 has been out since October.
    code, data = status(eco, "2026-05-01")
    assert code == 1
    assert [f["kind"] + " " + f["version"] for f in data["ecosystem"]] == ["drop 3.9", "add 3.14"]
    projects = by_project(data)
    alpha, beta, gamma = projects["alpha"], projects["beta"], projects["gamma"]
    assert alpha["files"] == [] and alpha["drift"] is True
    assert alpha["places"] == {
        "requires-python": ">=3.9",
        "classifiers": ECO_PYTHONS,
        "ci": ECO_PYTHONS,
        "ruff-target-version": "py39",
        "mypy-python-version": "3.9",
    }
    assert [(f["kind"], f["version"]) for f in beta["policy"]] == [
        ("drop", "3.8"),
        ("drop", "3.9"),
        ("add", "3.12"),
        ("add", "3.13"),
        ("add", "3.14"),
    ]
    assert gamma["files"] == ["ruff target-version 'py38', expected 'py39'"]

    before = (eco.root / "projects.toml").read_text()
    dry = run_eco("python", "apply", "--date", "2026-05-01", "--dry-run", cwd=eco.root)
    assert dry.returncode == 0, dry.stderr
    assert (eco.root / "projects.toml").read_text() == before
    assert dry.stdout.splitlines() == [
        "ecosystem.python.supported: 3.9-3.13 -> 3.10-3.14 (-3.9 +3.14)",
        "  projects: alpha, gamma",
        "projects.beta.python: 3.8-3.11 -> 3.10-3.14 (-3.8 -3.9 +3.12 +3.13 +3.14)",
        "  projects: beta",
        "Dry run: projects.toml not written.",
    ]

    applied = run_eco("python", "apply", "--date", "2026-05-01", cwd=eco.root)
    assert applied.returncode == 0, applied.stderr
    assert "pull request for each of 3 project(s)" in applied.stdout
    after = (eco.root / "projects.toml").read_text()
    # Only the version lists changed; comments and layout are the maintainers'.
    assert after == before.replace(
        'supported = ["3.9", "3.10", "3.11", "3.12", "3.13"]  # keep sorted',
        'supported = ["3.10", "3.11", "3.12", "3.13", "3.14"]  # keep sorted',
    ).replace(
        '    "3.8",\n    "3.9",\n    "3.10",\n    "3.11",\n',
        '    "3.10",\n    "3.11",\n    "3.12",\n    "3.13",\n    "3.14",\n',
    )

    again = run_eco("python", "apply", "--date", "2026-05-01", cwd=eco.root)
    assert (
        again.stdout.strip()
        == "projects.toml already follows the policy (eol+6months) on 2026-05-01."
    )

    # The registry follows the policy now; the projects' files are what sync will fix.
    code, data = status(eco, "2026-05-01")
    assert code == 1 and data["ecosystem"] == []
    projects = by_project(data)
    assert all(p["policy"] == [] for p in projects.values())
    assert projects["alpha"]["files"] == [
        "requires-python '>=3.9' allows 3.9 as the minimum, expected 3.10",
        "classifiers has 3.9 not supported; lacks 3.14",
        "CI matrix has 3.9 not supported; lacks 3.14",
        "ruff target-version 'py39', expected 'py310'",
        "mypy python_version '3.9', expected '3.10'",
    ]
    assert projects["beta"]["files"][0] == (
        "requires-python '>=3.8' allows 3.8 as the minimum, expected 3.10"
    )


def test_status_clean_exits_zero_and_shows_a_table(eco: Ecosystem) -> None:
    proc = run_eco("python", "status", "alpha", "--date", "2025-06-01", cwd=eco.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "Policy eol+6months on 2025-06-01; ecosystem supports 3.9-3.13."
    assert lines[2].split() == [
        "project",
        "registry",
        "requires-python",
        "classifiers",
        "CI",
        "ruff",
        "mypy",
        "status",
    ]
    assert lines[4].split() == [
        "alpha",
        "3.9-3.13",
        ">=3.9",
        "3.9-3.13",
        "3.9-3.13",
        "py39",
        "3.9",
        "in",
        "sync",
    ]


def test_status_text_names_each_fix(eco: Ecosystem) -> None:
    proc = run_eco(
        "python", "status", "gamma", "--date", "2025-11-02", "--format", "markdown", cwd=eco.root
    )
    assert proc.returncode == 1
    assert "- 3.9 reached end of life on 2025-10-31; drop it by 2026-04-30\n" in proc.stdout
    assert "- 3.14 was released on 2025-10-07 and is not supported (eco python apply)" in (
        proc.stdout
    )
    assert "- ruff target-version 'py38', expected 'py39' (eco sync)" in proc.stdout


def test_bad_policy_and_missing_dates(eco: Ecosystem) -> None:
    registry = eco.root / "projects.toml"
    registry.write_text(registry.read_text().replace("eol+6months", "whenever"))
    proc = run_eco("python", "apply", cwd=eco.root)
    assert proc.returncode == 2
    assert "ecosystem.python.policy: unknown policy 'whenever'" in proc.stderr
    (eco.root / RELEASES_FILE).unlink()
    proc = run_eco("python", "status", cwd=eco.root)
    assert proc.returncode == 2
    assert f"{RELEASES_FILE}: not found" in proc.stderr


def test_status_no_fetch_reads_the_clones_offline(eco: Ecosystem, tmp_path: Path) -> None:
    code, first = status(eco, "2025-06-01", "alpha")
    (tmp_path / "remotes").rename(tmp_path / "unreachable")  # on a train: no remote
    proc = run_eco("python", "status", "alpha", "--date", "2025-06-01", cwd=eco.root)
    assert proc.returncode == 1 and "failed alpha" in proc.stderr
    assert status(eco, "2025-06-01", "alpha", "--no-fetch") == (code, first)
