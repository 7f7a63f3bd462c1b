"""What eco prints (docs/maintainer/command-line.md): one vocabulary of statuses in text,
JSON and Markdown; identical failures grouped and said once; progress on stderr and
-q; colour only on a terminal, NO_COLOR and --color honoured; the pager; completion.

A real terminal is a pseudo-terminal (``pty``) the real command line runs on.
"""

from __future__ import annotations

import io
import json
import os
import pty
import re
import selectors
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from eco import output
from eco.errors import EcoError
from eco.output import STATUSES
from eco.parallel import grouped_failures
from eco.parallel import run_each
from eco.parallel import summary_lines
from eco.registry import load_registry
from eco.registry import Project
from eco.tables import table
from tests.helpers import Ecosystem
from tests.helpers import REGISTRY_HEAD
from tests.helpers import REPO
from tests.helpers import run_eco
from tests.sync_fixtures import make_fixture_ecosystem
from tests.sync_fixtures import make_synced_project
from tests.sync_fixtures import push_to

ESCAPE = "\x1b["
GONE = ("gone-a", "gone-b", "gone-c")


@pytest.fixture
def eco(tmp_path: Path) -> Ecosystem:
    """alpha in sync, beta drifting (a local edit of a file the skeleton owns), and three
    projects whose remotes do not exist: the same failure three times."""
    eco = make_fixture_ecosystem(tmp_path, ("alpha", "beta", *GONE))
    make_synced_project(eco, tmp_path, "alpha")
    beta = make_synced_project(eco, tmp_path, "beta")
    push_to(beta, tmp_path, {".editorconfig": "root = true\n# a local edit\n"})
    return eco


def _table(text: str, first: str) -> dict[str, str]:
    """``project -> status`` from the text table whose header starts with ``first``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(first))
    rows = {}
    for line in lines[start + 2 :]:
        if not line.strip():
            break
        cells = re.split(r"\s{2,}", line)
        rows[cells[0]] = cells[1]
    return rows


def _markdown(text: str) -> dict[str, str]:
    rows = {}
    for line in text.splitlines():
        cells = [c.strip().strip("*") for c in line.strip("|").split("|")]
        if len(cells) >= 2 and cells[0] in ("alpha", "beta", *GONE):
            rows[cells[0]] = cells[1]
    return rows


def _progress(stderr: str, label: str) -> dict[str, str]:
    found = re.findall(rf"^\[\d+/\d+\] {label}: (\S+) (.+) \(\d+\.\d+s\)$", stderr, re.M)
    return dict(found)


def test_one_vocabulary_across_text_json_markdown_and_progress(eco: Ecosystem) -> None:
    expected = {"alpha": "in sync", "beta": "drift", **dict.fromkeys(GONE, "failed")}
    text = run_eco("check", cwd=eco.root)
    data = json.loads(run_eco("check", "--format", "json", cwd=eco.root).stdout)
    markdown = run_eco("check", "--format", "markdown", cwd=eco.root).stdout
    assert text.returncode == 2, text.stderr
    assert _table(text.stdout, "project ") == expected
    assert {p["name"]: p["status"] for p in data["projects"]} == expected
    assert _markdown(markdown) == expected
    assert _progress(text.stderr, "check") == expected
    assert "check: 1 in sync, 1 drift, 3 failed" in text.stderr
    assert set(expected.values()) <= set(STATUSES)

    # sync says the same words: its progress, its JSON and its closing count agree.
    sync = run_eco("sync", "--dry-run", "alpha", "beta", "gone-a", cwd=eco.root)
    sync_json = json.loads(
        run_eco("sync", "-n", "--format", "json", "alpha", "beta", "gone-a", cwd=eco.root).stdout
    )
    words = {p["name"]: p["status"] for p in sync_json["projects"]}
    assert words == {"alpha": "in sync", "beta": "conflict", "gone-a": "failed"}
    assert _progress(sync.stderr, "sync") == words
    assert "sync: 1 in sync, 1 conflict, 1 failed" in sync.stderr
    assert set(words.values()) <= set(STATUSES)


def test_identical_failures_are_said_once_with_their_projects(eco: Ecosystem) -> None:
    result = run_eco("check", "alpha", *GONE, cwd=eco.root)
    failed = [line for line in result.stderr.splitlines() if line.startswith("  failed")]
    assert len(failed) == 1, result.stderr
    assert failed[0].startswith("  failed 3 projects (gone-a, gone-b, gone-c): ")
    assert "<project>" in failed[0]  # each project's own path, named once for all
    # Not again on stdout: the table says failed, the reason is in the list.
    assert "does not exist" not in result.stdout and "gone-a.git" not in result.stdout
    assert result.stderr.count("does not exist") == 1


def test_quiet_silences_progress_not_results(eco: Ecosystem) -> None:
    loud = run_eco("check", cwd=eco.root)
    quiet = run_eco("check", "-q", cwd=eco.root)
    assert "[1/5] check: " in loud.stderr and "check: 5 projects" in loud.stderr
    assert "[1/5]" not in quiet.stderr and "5 projects" not in quiet.stderr
    assert quiet.stdout == loud.stdout
    assert "check: 1 in sync, 1 drift, 3 failed" in quiet.stderr
    assert "  failed 3 projects" in quiet.stderr


def _on_terminal(
    args: list[str], cwd: Path, env: dict[str, str], stdout_tty: bool = True
) -> tuple[str, str]:
    """Run eco with stdin and stderr (and stdout) on pseudo-terminals; what each got."""
    masters, slaves = [], []
    for _ in range(3):
        master, slave = pty.openpty()
        masters.append(master)
        slaves.append(slave)
    stdout = slaves[1] if stdout_tty else subprocess.PIPE
    proc = subprocess.Popen(
        [sys.executable, "-m", "eco", *args],
        stdin=slaves[0],
        stdout=stdout,
        stderr=slaves[2],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO / "tools"), **env},
    )
    for slave in slaves:
        os.close(slave)
    got = {1: b"", 2: b""}
    selector = selectors.DefaultSelector()
    selector.register(masters[2], selectors.EVENT_READ, 2)
    if stdout_tty:
        selector.register(masters[1], selectors.EVENT_READ, 1)
    else:
        assert proc.stdout is not None
        selector.register(proc.stdout, selectors.EVENT_READ, 1)
    while selector.get_map():
        for key, _ in selector.select(timeout=60):
            fd = key.fd
            try:
                data = os.read(fd, 65536)
            except OSError:  # EIO: the terminal's other side is closed
                data = b""
            if not data:
                selector.unregister(fd)
                continue
            got[key.data] += data
    proc.wait(timeout=60)
    for master in masters:
        os.close(master)

    def text(raw: bytes) -> str:
        return raw.decode().replace("\r\n", "\n")

    return text(got[1]), text(got[2])


def test_colour_only_on_a_terminal_and_never_with_no_color(eco: Ecosystem) -> None:
    env = {"NO_COLOR": "", "TERM": "xterm"}
    piped = run_eco("check", cwd=eco.root, env=env)
    assert ESCAPE not in piped.stdout and ESCAPE not in piped.stderr

    out, err = _on_terminal(["check"], eco.root, env)
    assert ESCAPE in out and ESCAPE in err  # the status words, in the table and progress
    assert re.search(r"\x1b\[[0-9;]*m\s*drift", out)

    out, err = _on_terminal(["check"], eco.root, {**env, "NO_COLOR": "1"})
    assert ESCAPE not in out and ESCAPE not in err
    assert "drift" in out

    out, err = _on_terminal(["check", "--color", "never"], eco.root, env)
    assert ESCAPE not in out + err

    # stdout piped, stderr a terminal: each stream decides for itself.
    out, err = _on_terminal(["check"], eco.root, env, stdout_tty=False)
    assert ESCAPE not in out and ESCAPE in err


def test_color_always_colours_a_pipe_and_beats_no_color(eco: Ecosystem) -> None:
    for args in (["--color", "always", "check"], ["check", "--color", "always"]):
        result = run_eco(*args, cwd=eco.root, env={"NO_COLOR": "1"})
        assert ESCAPE in result.stdout and ESCAPE in result.stderr, args
    data = run_eco("check", "--color", "always", "--format", "json", cwd=eco.root).stdout
    assert json.loads(data)["projects"][1]["status"] == "drift"  # JSON is never coloured


def test_long_diff_goes_through_the_pager_on_a_terminal_only(
    eco: Ecosystem, tmp_path: Path
) -> None:
    paged = tmp_path / "paged.txt"
    pager = tmp_path / "pager"
    pager.write_text(f"#!/bin/sh\ncat > {paged}\n")
    pager.chmod(0o755)
    env = {"PAGER": str(pager), "LINES": "5", "COLUMNS": "100", "NO_COLOR": ""}
    out, _ = _on_terminal(["sync", "--dry-run", "beta"], eco.root, env)
    assert "+++ b/.editorconfig" in paged.read_text() and "+++" not in out
    paged.unlink()
    out, _ = _on_terminal(["sync", "--dry-run", "--no-pager", "beta"], eco.root, env)
    assert not paged.exists() and "+++ b/.editorconfig" in out
    piped = run_eco("sync", "--dry-run", "beta", cwd=eco.root, env=env)
    assert not paged.exists() and "+++ b/.editorconfig" in piped.stdout


def test_project_names_complete_from_the_registry(eco: Ecosystem, tmp_path: Path) -> None:
    env = {"_ECO_COMPLETE": "bash_complete", "COMP_WORDS": "eco check g", "COMP_CWORD": "2"}
    start = time.perf_counter()
    result = run_eco(cwd=eco.root, env=env)
    elapsed = time.perf_counter() - start
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.split() == [f"plain,{name}" for name in GONE]
    assert elapsed < 5, elapsed  # no registry validation, no command's heavy imports
    after = {**env, "COMP_WORDS": "eco labels sync a", "COMP_CWORD": "3"}
    assert run_eco(cwd=eco.root, env=after).stdout.split() == ["plain,alpha"]
    outside = run_eco(cwd=tmp_path.parent, env=env)
    assert (outside.returncode, outside.stdout.strip(), outside.stderr) == (0, "", "")


def test_every_json_report_is_an_object_with_a_version(eco: Ecosystem, tmp_path: Path) -> None:
    commands = [
        ["list"],
        ["fetch", "alpha"],
        ["check", "alpha"],
        ["sync", "--dry-run", "alpha"],
        ["lock", "--dry-run", "alpha"],
        ["init", "flask-new", "--path", str(tmp_path / "new"), "--dry-run"],
    ]
    for args in commands:
        result = run_eco(*args, "--format", "json", cwd=eco.root)
        assert result.returncode == 0, (args, result.stderr)
        data = json.loads(result.stdout)
        assert isinstance(data, dict) and next(iter(data)) == "version", args
        assert isinstance(data["version"], int), args
    assert not (tmp_path / "new").exists()  # init --dry-run wrote nothing


# --- the layer itself, called as a library --------------------------------------------


@pytest.fixture
def settings() -> Iterator[None]:
    yield
    output.reset()


def test_color_for_follows_the_option_then_no_color_then_the_stream(
    settings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert output.color_for(Terminal()) and not output.color_for(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "")  # empty: not set (no-color.org)
    assert output.color_for(Terminal())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not output.color_for(Terminal())
    output.configure(color="always")
    assert output.color_for(io.StringIO())
    output.configure(color="never")
    monkeypatch.delenv("NO_COLOR")
    assert not output.color_for(Terminal())
    with pytest.raises(ValueError):
        output.configure(color="sometimes")


def test_a_coloured_cell_takes_only_its_visible_width(settings: None) -> None:
    output.configure(color="always")
    rows = [("alpha", output.status("in sync", io.StringIO())), ("beta", "drift")]
    lines = [click.unstyle(line) for line in table(["project", "status"], rows).splitlines()]
    assert lines == [
        "project  status",
        "-------  -------",
        "alpha    in sync",
        "beta     drift",
    ]


def test_steps_say_when_they_start_and_when_they_fail(
    settings: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with output.step("resolving a.in"):
        pass
    with pytest.raises(RuntimeError), output.step("resolving b.in"):
        raise RuntimeError("no")
    with output.working_on("alpha"):
        with output.step("fetching alpha", in_runs=False):
            pass  # a multi-project run's own lines cover a fetch
        with output.step("resolving c.in"):
            pass
    output.configure(quiet=True)
    with output.step("resolving d.in"):
        pass
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "resolving a.in ..."
    assert err[1] == "resolving b.in ..." and err[2].startswith("resolving b.in: failed (")
    assert err[3:] == ["alpha: resolving c.in ..."]


def test_identical_failures_group_whatever_project_they_name(tmp_path: Path) -> None:
    names = ("flask-a", "flask-b", "flask-c", "other")
    text = "".join(f'\n[projects.{n}]\nurl = "https://example.org/{n}.git"\n' for n in names)
    (tmp_path / "projects.toml").write_text(REGISTRY_HEAD + text)
    registry = load_registry(tmp_path / "projects.toml")

    def fail(project: Project) -> None:
        if project.name == "other":
            raise EcoError("a different problem")
        raise EcoError(f"git fetch {project.clone_url}: Could not resolve host: example.org")

    outcomes = run_each(registry.select(), fail, jobs=2, progress=io.StringIO())
    assert grouped_failures(outcomes) == [
        (
            ["flask-a", "flask-b", "flask-c"],
            "git fetch <project>: Could not resolve host: example.org",
        ),
        (["other"], "a different problem"),
    ]
    assert summary_lines(outcomes, "fetch")[1:] == [
        "  failed 3 projects (flask-a, flask-b, flask-c): "
        "git fetch <project>: Could not resolve host: example.org",
        "  failed other: a different problem",
    ]
