"""The command frame: lazy command loading, and `eco --help` without importing commands."""

from __future__ import annotations

import subprocess
import sys

import click
from click.testing import CliRunner

from eco.cli import cli
from eco.cli import EcoGroup
from tests.helpers import REPO


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
