"""The command frame: lazy command loading, `eco --help` without importing commands, and
`eco check`/`eco sync` without the forge unless they publish."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from eco.cli import cli
from eco.cli import EcoGroup
from tests.helpers import REPO
from tests.sync_fixtures import edit_template
from tests.sync_fixtures import make_fixture_ecosystem
from tests.sync_fixtures import make_synced_project


def test_help_lists_every_command_without_importing_them() -> None:
    code = (
        "import sys\n"
        "from eco.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('eco.commands.'))\n"
        "heavy = [m for m in ('github', 'sigstore', 'pypi_attestations') if m in sys.modules]\n"
        "print('LOADED', loaded, heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(REPO / "tools"), "PATH": ""},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "LOADED [] []" in result.stdout
    assert "  sync " in result.stdout and "  verify " in result.stdout


def test_lazy_short_help_is_the_commands_own() -> None:
    """What `eco --help` shows from the docstring equals click's short help of the
    imported command, for every command."""
    lazy = CliRunner().invoke(cli, ["--help"], terminal_width=100).output
    group = cli
    assert isinstance(group, EcoGroup)
    ctx = click.Context(group)
    width = click.HelpFormatter(width=100).width
    limit = width - 6 - max(len(n) for n in group.list_commands(ctx))
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        line = f"  {name.ljust(max(len(n) for n in group.list_commands(ctx)))}  "
        assert line + command.get_short_help_str(limit) in lazy, name


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["synk"])
    assert result.exit_code == 2
    assert "No such command 'synk'" in result.output


IMPORTS_AT_EXIT = """\
import atexit, runpy, sys
def report():
    heavy = sorted(m for m in ("github", "eco.forge") if m in sys.modules)
    print("HEAVY", heavy, file=sys.stderr)
atexit.register(report)
sys.argv = ["eco", *sys.argv[1:]]
runpy.run_module("eco", run_name="__main__", alter_sys=True)
"""


@pytest.mark.parametrize(
    "args", [("check",), ("sync", "--dry-run"), ("sync",)], ids=["check", "dry-run", "sync"]
)
def test_check_and_sync_without_push_import_no_forge(tmp_path: Path, args: tuple[str, ...]) -> None:
    """Without --push neither PyGithub nor the forge is imported: start-up stays small."""
    eco = make_fixture_ecosystem(tmp_path)
    make_synced_project(eco, tmp_path, "alpha")
    edit_template(eco, ".editorconfig", "indent_size = 4", "indent_size = 2")  # sync commits
    result = subprocess.run(
        [sys.executable, "-c", IMPORTS_AT_EXIT, "--root", str(eco.root), *args],
        env={**os.environ, "PYTHONPATH": str(REPO / "tools")},
        capture_output=True,
        text=True,
    )
    assert result.returncode in (0, 1), result.stderr
    assert "HEAVY []" in result.stderr, result.stderr[-2000:]
    if args == ("sync",):
        assert "committed eco/sync" in result.stdout  # the real work was done


def test_push_option_offers_the_forges_kinds() -> None:
    """The --forge choices, spelled without importing the forge, are the forge's own."""
    from eco.commands.publishing import KINDS
    from eco.forge import KINDS as FORGE_KINDS

    assert KINDS == FORGE_KINDS
