"""The command line: parse options, call the library, print. Nothing else lives here.

Each command is a module in :mod:`eco.commands` exposing ``command`` (a click command or
group); the group below picks them all up, so adding a command never edits this file.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path
from typing import Any

import click

import eco.commands
from eco import __version__
from eco import output
from eco.context import Context
from eco.errors import EcoError
from eco.secrets import scrub


class EcoGroup(click.Group):
    """Commands from :mod:`eco.commands`, imported only when used; :class:`EcoError` → exit 2.

    A command's name is its module's name (``list_`` → ``list``); importing one command
    does not import the others, so ``eco list`` never pays for PyGithub or sigstore.
    """

    _NOT_COMMANDS = frozenset({"options", "publishing"})

    def _modules(self) -> dict[str, str]:
        return {
            info.name.rstrip("_").replace("_", "-"): info.name
            for info in pkgutil.iter_modules(eco.commands.__path__)
            if not info.name.startswith("_") and info.name not in self._NOT_COMMANDS
        }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._modules()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is not None:
            return found
        module_name = self._modules().get(cmd_name)
        if module_name is None:
            return None
        module = importlib.import_module(f"eco.commands.{module_name}")
        command = getattr(module, "command", None)
        if not isinstance(command, click.Command):
            raise TypeError(f"eco.commands.{module_name} defines no click command 'command'")
        add_global_options(command)
        self.add_command(command, cmd_name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``eco --help`` without importing every command: the short
        help of a command not loaded yet comes from its docstring, read with ``ast``."""
        limit = formatter.width - 6 - max(len(name) for name in self.list_commands(ctx))
        rows = []
        for name in self.list_commands(ctx):
            loaded = self.commands.get(name)
            if loaded is not None:
                rows.append((name, loaded.get_short_help_str(limit)))
            else:
                rows.append((name, _short_help(self._modules()[name], limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except EcoError as exc:
            output.echo(f"error: {scrub(exc.message)}", err=True)
            ctx.exit(exc.exit_code)


def _short_help(module_name: str, limit: int) -> str:
    """The first sentence of the ``command`` function's docstring in a command module."""
    path = Path(eco.commands.__path__[0]) / f"{module_name}.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "command":
            # click's own shortening, on a command that is never run
            return click.Command(module_name, help=ast.get_docstring(node)).get_short_help_str(
                limit
            )
    return ""


# --- the global options -----------------------------------------------------------------

ROOT_HELP = (
    "The ecosystem root (the folder holding projects.toml). "
    "Default: found by walking up from the current directory."
)
WORKSPACE_HELP = "Where project clones are kept. Default: $ECO_WORKSPACE or the user cache folder."
COLOR_HELP = "Colour: auto (only on a terminal, and not when NO_COLOR is set), always or never."
QUIET_HELP = "No progress lines on stderr; results and errors are still printed."


def global_options(*, on_group: bool) -> list[click.Option]:
    """``--root``, ``--workspace``, ``--color``, ``-q/--quiet``: on the ``eco`` group, and
    (``on_group=False``) on every command, so ``eco sync --root X`` works as
    ``eco --root X sync`` does. On a command they only override what was given before."""
    path = click.Path(file_okay=False, path_type=Path)
    if on_group:
        return [
            click.Option(["--root"], type=path, help=ROOT_HELP),
            click.Option(["--workspace"], type=path, envvar="ECO_WORKSPACE", help=WORKSPACE_HELP),
            click.Option(
                ["--color"], type=click.Choice(output.COLORS), default="auto", help=COLOR_HELP
            ),
            click.Option(["-q", "--quiet"], is_flag=True, help=QUIET_HELP),
        ]
    return [
        click.Option(["--root"], type=path, expose_value=False, callback=_set_root, help=ROOT_HELP),
        click.Option(
            ["--workspace"],
            type=path,
            expose_value=False,
            callback=_set_workspace,
            help=WORKSPACE_HELP,
        ),
        click.Option(
            ["--color"],
            type=click.Choice(output.COLORS),
            default=None,
            expose_value=False,
            callback=_set_color,
            help=COLOR_HELP,
        ),
        click.Option(
            ["-q", "--quiet"],
            is_flag=True,
            default=None,
            expose_value=False,
            callback=_set_quiet,
            help=QUIET_HELP,
        ),
    ]


GLOBAL_NAMES = ("root", "workspace", "color", "quiet")


def add_global_options(command: click.Command) -> None:
    """Give ``command`` (and, for a group, each of its commands) the global options."""
    names = {p.name for p in command.params}
    if not names.intersection(GLOBAL_NAMES):
        command.params.extend(global_options(on_group=False))
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            add_global_options(sub)


def _context(ctx: click.Context) -> Context | None:
    return ctx.find_object(Context)


def _set_root(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    found = _context(ctx)
    if value is not None and found is not None:
        found.override(root=value)


def _set_workspace(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    found = _context(ctx)
    if value is not None and found is not None:
        found.override(workspace=value)


def _set_color(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        output.configure(color=value)


def _set_quiet(ctx: click.Context, param: click.Parameter, value: bool | None) -> None:
    if value:
        output.configure(quiet=True)


@click.group(
    cls=EcoGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    params=global_options(on_group=True),
)
@click.version_option(__version__, prog_name="eco")
@click.pass_context
def cli(
    ctx: click.Context, root: Path | None, workspace: Path | None, color: str, quiet: bool
) -> None:
    """eco keeps an ecosystem of Python projects identical: one skeleton, synced into
    every project as pull requests, one release process, one triage inbox.

    The global options may also be given after the command (eco sync --root DIR).
    """
    output.reset()
    output.configure(color=color, quiet=quiet)
    ctx.obj = Context(root, workspace)
    ctx.call_on_close(ctx.obj.close)


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="eco")


if __name__ == "__main__":  # pragma: no cover
    main()
