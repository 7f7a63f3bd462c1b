"""The project's own gates, run by the test suite so CI checks them: types, lint, docs."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from eco.cli import cli
from tests.helpers import REPO

BIN = Path(sys.executable).parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=REPO, capture_output=True, text=True)


@pytest.mark.slow
def test_mypy_strict() -> None:
    result = _run(str(BIN / "mypy"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_check_and_format() -> None:
    check = _run(str(BIN / "ruff"), "check", ".")
    assert check.returncode == 0, check.stdout
    fmt = _run(str(BIN / "ruff"), "format", "--check", ".")
    assert fmt.returncode == 0, fmt.stdout


def test_readme_test_command_is_ci() -> None:
    """`.ci/run` runs exactly the README's test command."""
    readme = (REPO / "README.md").read_text()
    commands = re.findall(r"^\$ (.+)$", readme, flags=re.M)
    ci = [
        line
        for line in (REPO / ".ci" / "run").read_text().splitlines()
        if line and not line.startswith(("#", "set ", "cd "))
    ]
    assert ci == [commands[1]], (ci, commands)


@pytest.fixture(scope="session")
def built_docs() -> Iterator[Path]:
    """The maintainer guide, built by the `docs` nox session (warnings are errors)."""
    out = REPO / "docs" / "_build" / "html"
    shutil.rmtree(out, ignore_errors=True)
    result = _run(str(BIN / "nox"), "-s", "docs")
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    yield out


@pytest.mark.slow
def test_docs_build_with_warnings_as_errors(built_docs: Path) -> None:
    assert (built_docs / "index.html").is_file()
    assert (built_docs / "architecture.html").is_file()


def _commands(
    group: click.Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, group
    if isinstance(group, click.Group):
        for name, sub in group.commands.items():
            yield from _commands(sub, (*path, name))


@pytest.mark.slow
def test_every_command_and_option_is_in_the_reference(built_docs: Path) -> None:
    html = (built_docs / "reference.html").read_text()
    text = re.sub(r"<[^>]+>", "", html)
    missing = []
    for path, command in _commands(cli):
        title = " ".join(("eco", *path))
        if path and title not in text:
            missing.append(title)
        for param in command.params:
            if isinstance(param, click.Option):
                for flag in param.opts:
                    if flag not in text:
                        missing.append(f"{title} {flag}")
    assert not missing, f"missing from docs/maintainer/reference.md: {missing}"


def test_pre_commit_config_is_valid_and_frozen() -> None:
    result = _run(str(BIN / "pre-commit"), "validate-config", ".pre-commit-config.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    revs = re.findall(r"^\s+rev: (\S+)(.*)$", (REPO / ".pre-commit-config.yaml").read_text(), re.M)
    assert revs
    for rev, comment in revs:
        assert re.fullmatch(r"[0-9a-f]{40}", rev), rev
        assert re.search(r"# frozen: v\d+\.\d+\.\d+", comment), comment
