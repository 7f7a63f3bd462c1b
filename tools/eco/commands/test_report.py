"""``eco test-report``: merge the JSON reports of several ``eco test`` runs into one."""

from __future__ import annotations

import json
from pathlib import Path

import click

from eco import output
from eco.commands.options import emit_json
from eco.commands.options import format_option
from eco.ecosystem_ci.report import fails
from eco.ecosystem_ci.report import markdown
from eco.ecosystem_ci.report import merge
from eco.ecosystem_ci.report import text
from eco.errors import EcoError


@click.command("test-report")
@click.argument("reports", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@format_option()
def command(reports: tuple[Path, ...], fmt: str) -> None:
    """Merge the JSON reports of eco test (one per project, as the ecosystem CI workflow's
    matrix jobs write them) into one report. Exit status 1 when a merged project failed
    the run, as eco test itself would have; 2 on a file that is not such a report.
    """
    docs = []
    for path in reports:
        try:
            docs.append(json.loads(path.read_text(encoding="utf-8")))
        except OSError as exc:
            raise EcoError(f"{path}: cannot read: {exc.strerror}") from None
        except ValueError as exc:
            raise EcoError(f"{path}: not JSON: {exc}") from None
    doc = merge(docs, [str(p) for p in reports])
    if fmt == "json":
        emit_json({key: value for key, value in doc.items() if key != "version"})
    elif fmt == "markdown":
        output.echo(markdown(doc), nl=False)
    else:
        output.echo(text(doc))
    raise SystemExit(1 if fails(doc) else 0)
