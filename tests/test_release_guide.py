"""Every example of ``docs/maintainer/release.md`` runs as written, in order.

Each ``console`` block's ``$ ...`` commands run in a sandbox shaped like the page's
world: a home folder with the monorepo at ``~/src/eco`` (a scratch registry whose index
is the local package index, standing for PyPI), a maintainer's checkout
``~/src/flask-demo`` of a real git remote, and ``~/Downloads`` holding the real
pypi-attestations sdist, its provenance as PyPI served it (``../shared/data``) and that
provenance's attestation as a Sigstore bundle. The ``--package`` example reads a local
PEP 740 mirror of that sdist and its provenance (``--index-url`` added to its command
line): PyPI may be unreachable, or mirrored without provenance, where the tests run.
What a person does by hand between two commands (edit a file, merge a pull request, the
publish workflow's upload) is done by ``BEFORE`` and ``AFTER``.

For each command: the exit status the page implies (an ``error:`` line: 2, a ``failed``
row: 1, else 0), and every output line the page shows is in the real output, once
commit ids, hashes, dates and the build backend's version are set aside. ``eco verify``
without ``--offline`` runs with no route to sigstore (a closed local port as HTTPS
proxy), so the page's "could not check" example is the same on every machine.

To update the page from real runs: ``ECO_GUIDE_TRANSCRIPT=FILE pytest
tests/test_release_guide.py`` writes each command and its whole output to FILE.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import pytest
from pypi_attestations import Provenance

from tests.helpers import git
from tests.helpers import make_bare_repo
from tests.helpers import make_ecosystem
from tests.helpers import REPO
from tests.helpers import shared_data
from tests.package_index import PackageIndex
from tests.release_project import project_files
from tests.test_verify import closed_port
from tests.test_verify import download
from tests.test_verify import SDIST
from tests.test_verify import SDIST_SHA256
from tests.test_verify import serve

pytestmark = pytest.mark.slow

PAGE = REPO / "docs" / "maintainer" / "release.md"
PYPI = "https://pypi.org/simple"


@dataclass
class Example:
    command: str
    shown: list[str] = field(default_factory=list)  # the output lines the page shows

    @property
    def status(self) -> int:
        if any(line.startswith("error:") for line in self.shown):
            return 2
        if any(re.match(r"\S+\s+failed\s", line) for line in self.shown):
            return 1  # a report row that failed
        return 0


def examples(page: str) -> list[Example]:
    """The ``$`` commands of every ``console`` block, with the lines shown after each."""
    found: list[Example] = []
    for block in re.findall(r"^```console\n(.*?)^```", page, re.MULTILINE | re.DOTALL):
        lines = block.splitlines()
        current: Example | None = None  # output before a block's first command is an excerpt
        index = 0
        while index < len(lines):
            line = lines[index]
            if line.startswith("$ "):
                command = line[2:]
                while command.endswith("\\"):
                    index += 1
                    command = command[:-1].rstrip() + " " + lines[index].strip()
                current = Example(command)
                found.append(current)
            elif current is not None and line.strip():
                current.shown.append(line)
            index += 1
    return found


_HEX = re.compile(r"\b[0-9a-f]{64}\b|\b[0-9a-f]{40}\b|\b[0-9a-f]{12}\b")


def normal(line: str, box: Sandbox) -> str:
    """A line with what changes from run to run set aside; the local index is PyPI."""
    line = line.replace(str(box.home), "~").replace(box.index_url, PYPI).rstrip()
    line = _HEX.sub("<hex>", line)
    line = re.sub(r"\d{4}-\d{2}-\d{2}", "<date>", line)
    line = re.sub(r"SOURCE_DATE_EPOCH=\d+", "SOURCE_DATE_EPOCH=<n>", line)
    line = re.sub(r"flit_core==[\w.]+", "flit_core==<v>", line)
    return re.sub(r"flit \d[\w.]*", "flit <v>", line)


def shows(shown: str, output: list[str]) -> bool:
    """A line the page shows is in the output (``...`` on the page stands for anything)."""
    pattern = ".*".join(re.escape(part) for part in shown.strip().split("..."))
    return any(re.fullmatch(pattern, line.strip()) for line in output)


@dataclass
class Sandbox:
    home: Path
    index: PackageIndex
    cwd: Path
    done: dict[str, int] = field(default_factory=dict)

    @property
    def index_url(self) -> str:
        return self.index.url.rstrip("/")

    @property
    def demo(self) -> Path:
        return self.home / "src" / "flask-demo"

    def env(self, command: str) -> dict[str, str]:
        shim = self.home / "bin"
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("ECO_WORKSPACE", "XDG_CACHE_HOME", "XDG_DATA_HOME")
            and not k.lower().endswith("_proxy")
        }
        env.update(
            HOME=str(self.home),
            PATH=f"{shim}{os.pathsep}{env['PATH']}",
            PYTHONPATH=str(REPO / "tools"),
        )
        if command.startswith("eco verify") and "--offline" not in command:
            # no route to sigstore's TUF repository (HTTPS only: the local index is HTTP)
            proxy = f"http://127.0.0.1:{closed_port()}"
            env.update(HTTPS_PROXY=proxy, https_proxy=proxy, NO_PROXY="", no_proxy="")
        return env


def make_sandbox(tmp_path: Path, index: PackageIndex, pytestconfig: pytest.Config) -> Sandbox:
    home = tmp_path / "home"
    (home / "bin").mkdir(parents=True)
    shim = home / "bin" / "eco"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m eco "$@"\n')
    shim.chmod(0o755)
    remotes = tmp_path / "remotes-of"
    demo = make_bare_repo(remotes, "flask-demo", project_files("flask-demo", fmt="md"))
    extra = make_bare_repo(
        remotes, "flask-extra", project_files("flask-extra", version="0.3.0.dev", fmt="md")
    )
    eco = make_ecosystem(
        home / "src",
        f"""
[projects.flask-demo]
repo = "pallets-eco/flask-demo"
changelog = "CHANGES.md"
url = "{demo}"

[projects.flask-extra]
repo = "pallets-eco/flask-extra"
changelog = "CHANGES.md"
url = "{extra}"
""",
    )
    eco.use_index(index.url.rstrip("/"))
    git("clone", "-q", str(demo), str(home / "src" / "flask-demo"), cwd=tmp_path)
    for project in ("flask-demo", "flask-extra"):
        # Their first release: nobody else publishes these names on the session's index.
        assert index.versions(project) == [], f"{project} is on the local index already"
    downloads = home / "Downloads"
    downloads.mkdir()
    sdist = download(pytestconfig, "pypi-attestations==0.0.19", SDIST, SDIST_SHA256)
    shutil.copyfile(sdist, downloads / SDIST)
    provenance = shared_data("attestations", f"{SDIST}.provenance")
    shutil.copyfile(provenance, downloads / provenance.name)
    attestation = Provenance.model_validate_json(provenance.read_bytes())
    bundle = attestation.attestation_bundles[0].attestations[0].to_bundle()
    (downloads / f"{SDIST}.sigstore.json").write_text(bundle.to_json())
    return Sandbox(home, index, eco.root)


# What a person does by hand between two commands: (command, its nth run) -> action.


def _edit_readme(box: Sandbox) -> None:
    (box.demo / "README.md").write_text("# flask-demo\n\nEdited, not committed.\n")


def _undo_readme(box: Sandbox) -> None:
    git("checkout", "README.md", cwd=box.demo)


def _refuse_pushes(box: Sandbox) -> None:
    hook = box.home.parent / "remotes-of" / "remotes" / "flask-extra.git" / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'rejected by policy' >&2\nexit 1\n")
    hook.chmod(0o755)


def _accept_pushes(box: Sandbox) -> None:
    hook = box.home.parent / "remotes-of" / "remotes" / "flask-extra.git" / "hooks" / "pre-receive"
    hook.unlink()


def _merge_the_release(box: Sandbox) -> None:
    git("pull", "-q", "--ff-only", cwd=box.demo)
    git("fetch", "-q", "origin", cwd=box.demo)
    git("merge", "-q", "--no-ff", "-m", "Merge release-1.2.0", "origin/release-1.2.0", cwd=box.demo)
    git("push", "-q", "origin", "main", cwd=box.demo)


def _publish(box: Sandbox) -> None:
    """The publish workflow's upload of what it built (the same build as eco's)."""
    box.index.upload(*sorted((box.cwd / "dist").iterdir()))


BEFORE: dict[tuple[str, int], Callable[[Sandbox], None]] = {
    ("eco --root ~/src/eco release --path . 1.2.1", 1): _edit_readme,
    ("eco release flask-extra", 1): _refuse_pushes,
    ("eco release flask-demo --next-dev", 1): _merge_the_release,
    ("eco build flask-demo --rev 1.2.0", 2): _publish,
}
AFTER: dict[tuple[str, int], Callable[[Sandbox], None]] = {
    ("eco --root ~/src/eco release --path . 1.2.1", 1): _undo_readme,
    ("eco release flask-extra", 1): _accept_pushes,
}


def test_every_example_of_the_release_guide_runs(
    tmp_path: Path, package_index: PackageIndex, pytestconfig: pytest.Config
) -> None:
    found = examples(PAGE.read_text())
    assert len(found) >= 18, [e.command for e in found]
    box = make_sandbox(tmp_path, package_index, pytestconfig)
    with serve(_mirror(tmp_path / "mirror", box.home / "Downloads")) as mirror:
        ran = [_run(example, box, mirror) for example in found]
    assert [command for command in ran if command]


def _mirror(folder: Path, downloads: Path) -> Path:
    """A static PEP 503 + 740 index holding the real sdist and its real provenance."""
    (folder / "simple" / "pypi-attestations").mkdir(parents=True)
    (folder / "files").mkdir()
    for name in (SDIST, f"{SDIST}.provenance"):
        shutil.copyfile(downloads / name, folder / "files" / name)
    (folder / "simple" / "pypi-attestations" / "index.html").write_text(
        f'<a href="../../files/{SDIST}#sha256={SDIST_SHA256}" '
        f'data-provenance="../../files/{SDIST}.provenance">{SDIST}</a>\n'
    )
    return folder


def _by_hand(
    actions: dict[tuple[str, int], Callable[[Sandbox], None]], command: str, nth: int, box: Sandbox
) -> None:
    action = actions.get((command, nth))
    if action is not None:
        action(box)


def _run(example: Example, box: Sandbox, mirror: str) -> str:
    """Run one example; the command it ran, or "" for a ``cd``."""
    command = example.command
    if command.startswith("cd "):
        box.cwd = Path(command[3:].replace("~", str(box.home), 1))
        assert box.cwd.is_dir(), command
        return ""
    nth = box.done[command] = box.done.get(command, 0) + 1
    _by_hand(BEFORE, command, nth, box)
    line = command
    if "--package" in command:
        line += f" --index-url {mirror}/simple"
    result = subprocess.run(
        ["bash", "-c", line],
        cwd=box.cwd,
        env=box.env(command),
        capture_output=True,
        text=True,
        timeout=600,
    )
    _by_hand(AFTER, command, nth, box)
    output = result.stdout + result.stderr
    if os.environ.get("ECO_GUIDE_TRANSCRIPT"):  # to write the page from real runs
        with open(os.environ["ECO_GUIDE_TRANSCRIPT"], "a") as transcript:
            transcript.write(f"$ {command}\n[{result.returncode}]\n{output}\n")
    where = f"$ {command}\n{output}"
    assert result.returncode == example.status, where
    assert "Traceback" not in output, where
    actual = [normal(text, box) for text in output.splitlines()]
    for shown in example.shown:
        assert shows(normal(shown, box), actual), f"not in the output: {shown!r}\n{where}"
    return command
