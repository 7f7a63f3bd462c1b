"""The command-line convention (docs/maintainer/command-line.md), held over the click tree.

Every command is loaded and checked: the options its kind requires, one spelling per
idea, global options after the command name, help text in plain words. A new command
that does not follow the convention fails here with what to change.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from eco.cli import cli
from eco.commands.options import DAY
from eco.commands.options import FORMATS

# Commands that write nothing by default (beside eco's own cache of clones), so they
# need neither -n/--dry-run nor --apply. Every other command must have one of them.
READ_ONLY = {
    "build": "writes only its own output, the distributions, to --outdir",
    "check": "reports; keeps what it found of the registry facts in eco's workspace cache",
    "deprecations due": "reports",
    "deprecations scan": "reports; --open-issues is the opt-in write",
    "fetch": "updates eco's workspace cache only",
    "list": "reports",
    "pins check": "reports",
    "prs": "reports",
    "python status": "reports",
    "settings check": "reports",
    "settings publisher": "reports",
    "status": "reports; --output writes the file asked for",
    "test": "writes only its own cache of sources and environments",
    "test-report": "reports",
    "triage report": "reports; --output writes the file asked for",
    "verify": "reports",
}
# Commands that change what other people see at once: dry by default, --apply writes.
SHARED_STATE = {"labels sync", "settings apply", "triage close"}

# (command, option) pairs that look like another idea's spelling but are not.
NOT_A_PROJECT_SELECTION = {
    ("verify", "--project"): "names the registry entry whose publisher a local DIST must have",
}
GLOBAL_FLAGS = ("--root", "--workspace", "--color", "--quiet", "-q")


def _walk(
    command: click.Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, click.Command]]:
    yield " ".join(path), command
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None, (path, name)
            yield from _walk(sub, (*path, name))


ALL = dict(_walk(cli))
LEAVES = {name: c for name, c in ALL.items() if name and not isinstance(c, click.Group)}


def _options(command: click.Command) -> dict[str, click.Option]:
    return {opt: p for p in command.params if isinstance(p, click.Option) for opt in p.opts}


def test_every_command_is_classified() -> None:
    unclassified = [
        name
        for name, command in LEAVES.items()
        if name not in READ_ONLY
        and "--dry-run" not in _options(command)
        and "--apply" not in _options(command)
    ]
    assert unclassified == [], (
        "a command that writes by default takes -n/--dry-run (options.dry_run_option), one "
        "that changes what others see at once takes --apply (options.apply_option); a "
        "command that writes nothing goes into READ_ONLY here, with why"
    )


@pytest.mark.parametrize("name", sorted(LEAVES))
def test_dry_run_and_apply(name: str) -> None:
    options = _options(LEAVES[name])
    if name in SHARED_STATE:
        assert "--apply" in options and "--dry-run" not in options
        help_text = LEAVES[name].help or ""
        assert "--apply" in help_text.split("\n\n")[0], "the help's first paragraph says so"
    else:
        assert "--apply" not in options, "--apply is only for state others see at once"
    if "--dry-run" in options:
        option = options["--dry-run"]
        assert option.opts == ["-n", "--dry-run"] and option.is_flag
        assert option.name == "dry_run"


@pytest.mark.parametrize("name", sorted(LEAVES))
def test_format(name: str) -> None:
    option = _options(LEAVES[name]).get("--format")
    assert option is not None, "every command reports: --format (options.format_option)"
    assert isinstance(option.type, click.Choice)
    assert tuple(option.type.choices)[:3] == FORMATS and option.default == "text"


@pytest.mark.parametrize("name", sorted(LEAVES))
def test_projects_are_positional(name: str) -> None:
    command = LEAVES[name]
    if "--jobs" in _options(command):  # a multi-project command: PROJECT... selects
        assert any(p.name == "projects" for p in command.params if isinstance(p, click.Argument))
    for param in command.params:
        if isinstance(param, click.Argument) and param.name == "projects":
            assert param.nargs == -1 and param.metavar == "[PROJECT]..."
        if isinstance(param, click.Option) and (name, "--project") not in NOT_A_PROJECT_SELECTION:
            assert not {"-p", "--project", "--projects"} & set(param.opts), param.opts


def _kind(option: click.Option) -> str:
    if isinstance(option.type, click.Choice):
        return f"one of {sorted(option.type.choices)}"
    if isinstance(option.type, click.Path):
        return "a path"  # a file or a folder: each command says which, and checks it
    return "a flag" if option.is_flag else option.type.name


# The same spelling for two ideas, on purpose: `eco --version` is click's, and
# `deprecations due --version NEXT` is the version whose removals are due.
SAME_SPELLING = {"--version"}


def test_one_spelling_per_idea() -> None:
    """Each option name (what the code receives) is spelled the same on every command,
    and each spelling takes one kind of value everywhere."""
    spellings: dict[str, set[tuple[str, ...]]] = {}
    meanings: dict[str, set[str]] = {}
    for name, command in ALL.items():
        for param in command.params:
            if not isinstance(param, click.Option) or param.name is None:
                continue
            if (name, param.opts[-1]) in NOT_A_PROJECT_SELECTION:
                continue
            key = "dry_run" if param.name == "dry_run" else param.name
            spellings.setdefault(key, set()).add(tuple(sorted(param.opts + param.secondary_opts)))
            for opt in param.opts:
                if opt not in SAME_SPELLING and opt != "--format":  # test_format: its own
                    meanings.setdefault(opt, set()).add(_kind(param))
    assert {k: v for k, v in spellings.items() if len(v) > 1} == {}
    assert {k: v for k, v in meanings.items() if len(v) > 1} == {}


def test_dates_and_index_urls_are_one_type() -> None:
    for name, command in ALL.items():
        options = _options(command)
        assert "--today" not in options, name
        for flag in ("--date", "--since"):
            if flag in options:
                assert options[flag].type is DAY, (name, flag)
        if "--index-url" in options:
            option = options["--index-url"]
            assert option.metavar == "URL" and option.type == click.STRING, name


@pytest.mark.parametrize("name", sorted(ALL))
def test_global_options_after_the_command(name: str) -> None:
    options = _options(ALL[name])
    assert all(flag in options for flag in GLOBAL_FLAGS), name


@pytest.mark.parametrize("name", sorted(ALL))
def test_help_is_plain_words(name: str) -> None:
    command = ALL[name]
    texts = [command.help or "", command.short_help or ""]
    texts += [p.help or "" for p in command.params if isinstance(p, click.Option)]
    for text in texts:
        assert "`" not in text, f"{name}: reStructuredText or Markdown quoting in help: {text!r}"
    result = CliRunner().invoke(cli, [*name.split(), "--help"])
    assert result.exit_code == 0 and "`" not in result.output, result.output


def test_root_after_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``eco list --root DIR`` is ``eco --root DIR list``, from any current folder."""
    root = Path(__file__).resolve().parent.parent
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ECO_WORKSPACE", str(tmp_path / "workspace"))
    before = runner.invoke(cli, ["--root", str(root), "list", "--format", "json"])
    after = runner.invoke(cli, ["list", "--format", "json", "--root", str(root)])
    outside = runner.invoke(cli, ["list"])
    assert before.exit_code == 0 and after.exit_code == 0, after.output
    assert before.output == after.output and '"version": 1' in after.output
    assert outside.exit_code == 2


def test_completion_of_project_names(tmp_path: Path) -> None:
    """The PROJECT argument completes from the registry found from the current folder;
    outside an ecosystem it completes nothing, quietly."""
    from eco.commands.options import complete_project

    root = Path(__file__).resolve().parent.parent
    command = LEAVES["check"]
    ctx = click.Context(command, info_name="check", parent=click.Context(cli))
    ctx.parent.params = {"root": str(root)}  # type: ignore[union-attr]
    param = next(p for p in command.params if p.name == "projects")
    names = [item.value for item in complete_project(ctx, param, "flask-")]
    assert names and all(n.startswith("flask-") for n in names)
    ctx.parent.params = {"root": str(tmp_path)}  # type: ignore[union-attr]
    assert complete_project(ctx, param, "") == []
