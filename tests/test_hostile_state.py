"""Issue 17, findings 4, 5 and 6: the state file and every path eco writes.

- 4: ``.eco.toml`` is written by a TOML serializer, so any seeded path round-trips, and a
  state holding something other than paths is refused, never rewritten as invalid TOML;
- 5: every path a flag, the registry or a template supplies is relative and inside the
  project, checked before anything is written, and every path a commit claims is in it;
- 6: a folder where ``.eco.toml`` goes is the project's: a failure, never replaced.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from eco.errors import EcoError
from eco.errors import GitError
from eco.git.branch import commit_files
from eco.skeleton.state import format_state
from eco.skeleton.state import parse_state
from eco.skeleton.state import State
from tests.helpers import Ecosystem
from tests.helpers import git
from tests.helpers import make_ecosystem
from tests.helpers import refs
from tests.helpers import run_eco
from tests.helpers import write_files
from tests.hostile import HostileProject
from tests.hostile import Proofs
from tests.sync_fixtures import clone_of
from tests.sync_fixtures import eco_cli
from tests.sync_fixtures import make_fixture_ecosystem
from tests.sync_fixtures import make_synced_project
from tests.sync_fixtures import show
from tests.sync_fixtures import SYNC

HOSTILE_PATHS = ('notes/say "hi".md', "notes/back\\slash.md", "notes/tab\there.md", "é.md")


@pytest.fixture
def eco(tmp_path: Path) -> Ecosystem:
    return make_fixture_ecosystem(tmp_path)


@pytest.fixture
def remote(eco: Ecosystem, tmp_path: Path) -> Path:
    return make_synced_project(eco, tmp_path, "alpha")


@pytest.fixture
def hostile(remote: Path, tmp_path: Path) -> HostileProject:
    return HostileProject.clone(remote, tmp_path, Proofs(tmp_path / "proofs"))


# -- finding 4 ---------------------------------------------------------------------------


def test_state_round_trips_any_path() -> None:
    state = State("a" * 40, tuple(sorted(HOSTILE_PATHS)))
    text = format_state(state)
    assert tomllib.loads(text)["seeded"] == sorted(HOSTILE_PATHS)
    assert parse_state(text) == state


def test_the_state_text_of_ordinary_paths_is_unchanged() -> None:
    state = State("a" * 40, ("CHANGES.md", "README.md"))
    assert format_state(state) == (
        "# Written by eco: the skeleton revision last applied to this project.\n"
        f'template-revision = "{"a" * 40}"\n'
        'seeded = ["CHANGES.md", "README.md"]\n'
    )


@pytest.mark.parametrize(
    "text",
    [
        'template-revision = ""\nseeded = [1]\n',
        "template-revision = \"\"\nseeded = ['x', { a = 'q\"' }]\n",
        "template-revision = 7\nseeded = []\n",
        'template-revision = ""\nseeded = "README.md"\n',
    ],
)
def test_a_state_that_is_not_paths_is_refused(text: str) -> None:
    with pytest.raises(EcoError) as raised:
        parse_state(text, where="alpha: .eco.toml")
    message = str(raised.value)
    assert message.startswith("alpha: .eco.toml: expected ")
    assert "\n" not in message


def test_a_seeded_path_with_quotes_is_committed_as_valid_toml(
    eco: Ecosystem, remote: Path, tmp_path: Path
) -> None:
    manifest = eco.root / "templates" / "manifest.toml"
    manifest.write_text(
        manifest.read_text()
        + '\n[[file]]\npath = \'notes/say "hi" there.md\'\ntemplate = "notes.md"\n'
        'mode = "seeded"\n'
    )
    write_files(eco.root / "templates" / "skeleton", {"notes.md": "# Notes\n"})
    eco.commit("a seeded file with quotes in its name")
    synced = eco_cli(eco, "sync", "--push")
    assert synced.exit_code == 0, synced.output
    state = show(remote, "eco/sync", ".eco.toml")
    assert 'notes/say "hi" there.md' in tomllib.loads(state)["seeded"]
    git("push", "-q", str(remote), "refs/heads/eco/sync:refs/heads/main", cwd=clone_of("alpha"))
    checked = eco_cli(eco, "check")
    assert checked.exit_code == 0, checked.output


# -- finding 5 ---------------------------------------------------------------------------


@pytest.mark.parametrize("registered", [True, False])
@pytest.mark.parametrize("changelog", ["../../X.md", "{outside}/X.md", "docs/../../X.md"])
def test_init_refuses_a_changelog_outside_the_project(
    tmp_path: Path, changelog: str, registered: bool
) -> None:
    bare_eco = make_ecosystem(
        tmp_path, '\n[projects.flask-x]\nurl = "/nowhere"\n' if registered else ""
    )
    outside = tmp_path / "outside"
    outside.mkdir()
    changelog = changelog.format(outside=outside)
    target = tmp_path / "projects" / "deep" / "flask-x"
    result = run_eco(
        "--root", str(bare_eco.root), "init", "flask-x", "--path", str(target),
        "--changelog", changelog,
    )  # fmt: skip
    assert result.returncode == 2, result.stdout
    assert result.stderr.startswith(f"error: --changelog {changelog!r}: ")
    assert "inside the project" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not target.exists()
    assert list(outside.iterdir()) == []
    assert not (tmp_path / "projects" / "X.md").exists()
    assert not (tmp_path / "X.md").exists()


def escaping_manifest(eco: Ecosystem, path: str) -> None:
    manifest = eco.root / "templates" / "manifest.toml"
    manifest.write_text(
        manifest.read_text()
        + f'\n[[file]]\npath = "{path}"\ntemplate = "notes.md"\nmode = "seeded"\n'
    )
    write_files(eco.root / "templates" / "skeleton", {"notes.md": "# Notes\n"})
    registry = (eco.root / "projects.toml").read_text()
    eco.write_registry(registry.replace("[defaults]\n", '[defaults]\nnotes = "../escape.md"\n'))
    eco.commit("a file whose path leaves the project")


def test_a_rendered_path_outside_the_project_fails_that_project(
    eco: Ecosystem, remote: Path, tmp_path: Path
) -> None:
    escaping_manifest(eco, "{{ notes }}")
    before = refs(remote)
    synced = eco_cli(eco, "sync", "--push")
    assert synced.exit_code == 1
    assert "new, committed" not in synced.output
    assert (
        "templates/manifest.toml (notes.md): path '{{ notes }}' renders to '../escape.md': "
        "expected a relative path inside the project"
    ) in synced.output
    assert refs(remote) == before
    assert SYNC not in refs(clone_of("alpha"))
    assert not (tmp_path / "escape.md").exists()
    checked = eco_cli(eco, "check", "--format", "json")
    assert checked.exit_code == 2
    (entry,) = json.loads(checked.stdout)["projects"]
    assert "renders to '../escape.md'" in entry["error"]


@pytest.mark.parametrize("path", ["../x.md", "/abs/x.md", "a/../../x.md", ".git/config", "a//b"])
def test_a_commit_never_claims_a_path_it_does_not_hold(tmp_path: Path, path: str) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git("init", "-q", "-b", "main", cwd=repo)
    write_files(repo, {"README.md": "# repo\n"})
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "initial", cwd=repo)
    base = git("rev-parse", "HEAD", cwd=repo)
    with pytest.raises(GitError) as raised:
        commit_files(
            repo,
            branch="eco/sync",
            base=base,
            changes={path: b"outside\n", "notes.md": b"inside\n"},
            message="eco sync: test",
        )
    assert path in str(raised.value)
    assert git("for-each-ref", "refs/heads/eco", cwd=repo) == ""


# -- finding 6 ---------------------------------------------------------------------------


def test_a_folder_named_eco_toml_is_never_replaced(
    eco: Ecosystem, hostile: HostileProject, tmp_path: Path
) -> None:
    hostile.folder_at(".eco.toml")
    hostile.push()
    adopted = eco_cli(eco, "sync", "--adopt", "--push")
    assert adopted.exit_code == 1
    assert (
        "alpha: .eco.toml is a folder in the project; eco records its sync state in a file "
        "of that name: rename the folder, then sync again"
    ) in adopted.output
    assert SYNC not in refs(clone_of("alpha"))
    assert show(hostile.remote, "main", ".eco.toml/keep") == "the project's own"
    checked = eco_cli(eco, "check", "--format", "json")
    assert checked.exit_code == 2
    (entry,) = json.loads(checked.stdout)["projects"]
    assert "alpha: .eco.toml is a folder in the project" in entry["error"]
