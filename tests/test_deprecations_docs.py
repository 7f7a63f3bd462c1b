"""The examples in docs/maintainer/policies.md are real: each is run and compared."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from eco.python.releases import RELEASES_FILE
from tests.helpers import make_bare_repo
from tests.helpers import make_ecosystem
from tests.helpers import REPO
from tests.helpers import run_eco
from tests.test_deprecations_cli import USES_MARKUP
from tests.test_deprecations_cli import USES_URL_QUOTE
from tests.test_deprecations_due import PACKAGE
from tests.test_pythons_cli import ECO_PYTHONS
from tests.test_pythons_cli import project_files
from tests.test_pythons_cli import REGISTRY

PAGE = REPO / "docs" / "maintainer" / "policies.md"
EXAMPLE_RE = re.compile(r"```console\n\$ (eco [^\n]+)\n(.*?)```", re.DOTALL)
# The closing count (e.g. "python status: 2 drift, 1 in sync, 0 failed"); progress is
# silenced with -q.
NOISE_RE = re.compile(r"^[a-z ]+: (\d+ [a-z ]+, )*\d+ failed$")


def examples() -> list[tuple[str, str]]:
    return EXAMPLE_RE.findall(PAGE.read_text())


def python_ecosystem(tmp: Path) -> Path:
    make_bare_repo(tmp, "alpha", project_files(ECO_PYTHONS))
    make_bare_repo(tmp, "beta", project_files(["3.8", "3.9", "3.10", "3.11"]))
    make_bare_repo(tmp, "gamma", project_files(ECO_PYTHONS, ruff="py38"))
    eco = make_ecosystem(tmp, copy=())
    eco.write_registry(REGISTRY.format(remotes=tmp / "remotes"))
    shutil.copy(REPO / RELEASES_FILE, eco.root / RELEASES_FILE)
    eco.commit("scratch registry")
    return eco.root


def deprecations_ecosystem(tmp: Path) -> Path:
    projects = ""
    for name, files in (
        ("flask-one", USES_MARKUP),
        ("flask-two", USES_URL_QUOTE),
        ("flask-foo", PACKAGE),
    ):
        make_bare_repo(tmp, name, files)
        projects += (
            f'\n[projects.{name}]\nrepo = "pallets-eco/{name}"\nurl = "{tmp}/remotes/{name}.git"\n'
        )
    return make_ecosystem(tmp, projects, copy=()).root


def test_the_page_has_examples_of_every_command() -> None:
    commands = {" ".join(command.split()[:3]) for command, _ in examples()}
    assert commands == {
        "eco python status",
        "eco python apply",
        "eco deprecations scan",
        "eco deprecations due",
    }


@pytest.mark.parametrize(("command", "output"), examples(), ids=lambda v: v[:40])
def test_example_output_is_what_eco_prints(command: str, output: str, tmp_path: Path) -> None:
    if command.startswith("eco python"):
        root = python_ecosystem(tmp_path)
    else:
        root = deprecations_ecosystem(tmp_path)
    proc = run_eco("-q", *command.split()[1:], cwd=root)
    assert proc.returncode in (0, 1), proc.stderr
    shown = proc.stdout.splitlines()
    shown += [line for line in proc.stderr.splitlines() if not NOISE_RE.search(line)]
    assert shown == output.splitlines()
