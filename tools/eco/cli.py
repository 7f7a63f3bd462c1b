"""The command line: parse options, call the library, print. Nothing else lives here.

Each command is a module in :mod:`eco.commands` exposing ``command`` (a click command or
group); the group below picks them all up, so adding a command never edits this file.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any

import click

import eco.commands
from eco import __version__
from eco.context import Context
from eco.errors import EcoError
from eco.secrets import scrub


class EcoGroup(click.Group):
    """Loads commands from :mod:`eco.commands`; turns :class:`EcoError` into exit 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for info in sorted(pkgutil.iter_modules(eco.commands.__path__), key=lambda m: m.name):
            module = importlib.import_module(f"eco.commands.{info.name}")
            command = getattr(module, "command", None)
            if isinstance(command, click.Command):
                self.add_command(command)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except EcoError as exc:
            click.echo(f"error: {scrub(exc.message)}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=EcoGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="eco")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    help="The ecosystem root (the folder holding projects.toml). "
    "Default: found by walking up from the current directory.",
)
@click.option(
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="ECO_WORKSPACE",
    help="Where project clones are kept. Default: $ECO_WORKSPACE or the user cache folder.",
)
@click.pass_context
def cli(ctx: click.Context, root: Path | None, workspace: Path | None) -> None:
    """eco keeps an ecosystem of Python projects identical: one skeleton, synced into
    every project as pull requests, one release process, one triage inbox.
    """
    ctx.obj = Context(root, workspace)


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="eco")


if __name__ == "__main__":  # pragma: no cover
    main()
