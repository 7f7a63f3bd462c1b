"""Issue 17, acceptance 2: the hostile fixture set (tests/hostile.py) through eco check and
eco sync, with the canary token in the environment throughout.

One project carries every hostile shape at once, on the real skeleton: links out of the
clone in place of a file and of a folder, a submodule at a skeleton folder, a folder at a
retired path, a retired path that is a link, CRLF, bytes that are not UTF-8, a large
file, and Python that leaves proof if eco ever ran it. Three more projects carry a
malicious ``.eco.toml``, one a folder by that name. No piece may run, nothing outside
the projects may change, the token may land nowhere, and every project ends with a
classification or one line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eco.errors import RegistryError
from eco.registry import load_registry
from tests.helpers import Ecosystem
from tests.helpers import git
from tests.helpers import make_ecosystem
from tests.hostile import canary_environment
from tests.hostile import canary_findings
from tests.hostile import HOSTILE_REGISTRY_VALUES
from tests.hostile import HostileProject
from tests.hostile import Proofs
from tests.hostile import side_branch_template
from tests.hostile import tree_bytes
from tests.sync_fixtures import clone_of
from tests.sync_fixtures import eco_cli
from tests.sync_fixtures import edit_template
from tests.sync_fixtures import make_synced_project

NAMES = ("hostile", "ref-name", "side-branch", "empty-revision", "state-folder")


@pytest.fixture
def proofs(tmp_path: Path) -> Proofs:
    return Proofs(tmp_path / "proofs")


@pytest.fixture
def eco(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Ecosystem:
    canary_environment(monkeypatch)
    entries = "".join(
        f'\n[projects.{name}]\nurl = "{tmp_path / "remotes" / name}.git"\n' for name in NAMES
    )
    return make_ecosystem(tmp_path, entries)


@pytest.fixture
def projects(eco: Ecosystem, tmp_path: Path, proofs: Proofs) -> dict[str, HostileProject]:
    found = {}
    for name in NAMES:
        remote = make_synced_project(eco, tmp_path, name)
        found[name] = HostileProject.clone(remote, tmp_path, proofs)
    shapes = found["hostile"]
    shapes.symlink_out("docs/conf.py")
    shapes.symlink_folder_out(".github")
    shapes.submodule_at("requirements")
    shapes.folder_at("tox.ini")
    shapes.symlink_out("setup.py")
    shapes.crlf("pyproject.toml")
    shapes.invalid_utf8(".gitignore")
    shapes.huge("data/huge.txt")
    shapes.code_at("noxfile.py", "noxfile")
    shapes.code_at("conftest.py", "conftest")
    shapes.code_at("setup.cfg", "setup-cfg")  # a retired file: eco deletes it, never runs it
    found["ref-name"].revision("HEAD")
    found["side-branch"].revision(side_branch_template(eco, proofs, ".editorconfig"))
    found["empty-revision"].revision("")
    found["state-folder"].folder_at(".eco.toml")
    for project in found.values():
        project.push()
    edit_template(eco, ".editorconfig", "indent_size = 4", "indent_size = 2")
    return found


def check_json(eco: Ecosystem) -> dict[str, dict[str, object]]:
    result = eco_cli(eco, "check", "--format", "json")
    assert result.exit_code == 2, result.output  # some projects cannot be checked
    assert "Traceback" not in result.output
    return {p["name"]: p for p in json.loads(result.stdout)["projects"]}


def statuses(entry: dict[str, object]) -> dict[str, tuple[str, str]]:
    files = entry["files"]
    assert isinstance(files, list)
    return {f["path"]: (f["status"], f["reason"]) for f in files}


def test_hostile_projects_through_check_and_sync(
    eco: Ecosystem, projects: dict[str, HostileProject], proofs: Proofs, tmp_path: Path
) -> None:
    outside = projects["hostile"].outside
    before = tree_bytes(outside)

    checked = check_json(eco)
    found = statuses(checked["hostile"])
    assert found["docs/conf.py"] == ("conflict", "a symbolic link in the project")
    assert found[".github/workflows/tests.yaml"] == (
        "conflict",
        ".github is a symbolic link in the project",
    )
    assert found["requirements/tests.in"] == (
        "conflict",
        "requirements is a submodule in the project",
    )
    assert found["setup.py"] == (
        "project-owned",
        "a symbolic link in the project; eco never writes or removes links",
    )
    assert "tox.ini" not in found  # a folder there: not the retired file
    assert found["setup.cfg"][0] == "retired"
    assert found[".editorconfig"][0] == "behind"
    assert checked["ref-name"]["error"] == (
        "ref-name: .eco.toml: template-revision 'HEAD': expected the 40-hex commit id of "
        "the monorepo that eco last applied"
    )
    error = checked["side-branch"]["error"]
    assert isinstance(error, str) and "not on the monorepo's default branch" in error
    assert checked["empty-revision"]["adopted"] is False
    assert checked["state-folder"]["error"] == (
        "state-folder: .eco.toml is a folder in the project; eco records its sync state in a "
        "file of that name: rename the folder, then sync again"
    )

    synced = eco_cli(eco, "sync", "--allow-conflicts", "--push", "--forge", "local")
    assert synced.exit_code == 1
    assert "Traceback" not in synced.output
    assert "ref-name: .eco.toml: template-revision 'HEAD': expected" in synced.output
    assert "side-branch: .eco.toml: template-revision " in synced.output
    assert "empty-revision: .eco.toml records no template revision" in synced.output
    assert "state-folder: .eco.toml is a folder in the project" in synced.output
    folder = projects["state-folder"]
    assert git("rev-parse", "main:.eco.toml/keep", cwd=folder.remote) == git(
        "rev-parse", "HEAD:.eco.toml/keep", cwd=folder.work
    )
    assert git("branch", "--list", "eco/sync", cwd=folder.remote) == ""

    remote = projects["hostile"].remote
    work = projects["hostile"].work
    kept = ("docs/conf.py", ".github", "requirements", "tox.ini/keep", "setup.py", "data/huge.txt")
    for path in kept:  # links, submodule, folder, large file: each exactly as it was
        assert git("rev-parse", f"eco/sync:{path}", cwd=remote) == git(
            "rev-parse", f"HEAD:{path}", cwd=work
        )
    gitignore = git("rev-parse", "eco/sync:.gitignore", cwd=remote)
    assert gitignore == git("rev-parse", "HEAD:.gitignore", cwd=work)  # bytes kept
    changed = git("diff", "--name-only", "main", "eco/sync", cwd=remote).split()
    assert {".editorconfig", ".eco.toml", "setup.cfg"} <= set(changed)
    assert not {"docs/conf.py", ".github", "setup.py", "tox.ini"} & set(changed)

    assert proofs.ran() == []
    assert tree_bytes(outside) == before
    assert canary_findings(tmp_path / "workspace", tmp_path / "remotes", outside) == []
    assert clone_of("hostile").is_dir()


@pytest.mark.parametrize("case", sorted(HOSTILE_REGISTRY_VALUES))
def test_a_hostile_registry_stops_before_any_project(
    eco: Ecosystem, tmp_path: Path, case: str
) -> None:
    key, value = HOSTILE_REGISTRY_VALUES[case]
    text = (eco.root / "projects.toml").read_text()
    if key.startswith("ecosystem."):
        text = text.replace("[ecosystem]\n", f"[ecosystem]\n{key.split('.', 1)[1]} = {value}\n")
    elif key.startswith("vars."):
        text += f"vars = {{ {key.split('.', 1)[1]} = {value} }}\n"  # on the last project
    else:
        text += f"{key} = {value}\n"
    eco.write_registry(text)
    eco.commit("a hostile registry value")
    for command in ("check", "sync"):
        result = eco_cli(eco, command)
        assert result.exit_code == 2
        assert result.output.startswith(f"error: {eco.root / 'projects.toml'}:")
        assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "workspace" / NAMES[-1]).exists()
    with pytest.raises(RegistryError):
        load_registry(eco.root / "projects.toml")
