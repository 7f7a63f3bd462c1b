"""Classification of one file: every mode against every state of base, ours and theirs."""

from __future__ import annotations

import pytest

from eco.skeleton.render import RenderedFile
from eco.skeleton.render import Rendering
from eco.skeleton.state import State
from eco.sync.plan import classify
from eco.sync.plan import make_plan

BASE, THEIRS, OURS = "a\nb\nc\n", "a\nb\nc\nd\n", "z\na\nb\nc\n"


@pytest.mark.parametrize(
    ("mode", "ours", "theirs", "base", "seeded", "action", "status"),
    [
        ("owned", None, THEIRS, BASE, False, "new", "missing"),
        ("owned", THEIRS, THEIRS, BASE, False, "unchanged", "in sync"),
        ("owned", BASE, THEIRS, BASE, False, "updated", "behind"),
        ("owned", OURS, THEIRS, BASE, False, "conflict", "conflict"),
        ("owned", OURS, BASE, BASE, False, "conflict", "modified"),
        ("owned", OURS, THEIRS, None, False, "replaced", "modified"),
        ("merged", BASE, THEIRS, BASE, False, "updated", "behind"),
        ("merged", OURS, THEIRS, BASE, False, "merged", "behind"),
        ("merged", OURS, BASE, BASE, False, "unchanged", "in sync"),
        ("merged", OURS, THEIRS, None, False, "kept", "modified"),
        ("merged", THEIRS, THEIRS, None, False, "unchanged", "in sync"),
        ("seeded", None, THEIRS, BASE, False, "new", "missing"),
        ("seeded", None, THEIRS, BASE, True, "project-owned", "project-owned"),
        ("seeded", OURS, THEIRS, BASE, False, "project-owned", "project-owned"),
    ],
)
def test_classify(
    mode: str,
    ours: str | None,
    theirs: str,
    base: str | None,
    seeded: bool,
    action: str,
    status: str,
) -> None:
    plan = classify("f", mode, ours=ours, theirs=theirs, base=base, seeded_before=seeded)
    assert (plan.action, plan.check_status) == (action, status)
    if action == "merged":
        assert plan.result == "z\na\nb\nc\nd\n"
    if action == "replaced":
        assert plan.result == theirs and plan.details == ("1 line not in the standard file: `z`",)
    if action in ("unchanged", "project-owned", "kept"):
        assert plan.result == ours and not plan.changes


def test_plan_records_seeded_files_and_retires_only_marked_files() -> None:
    theirs = Rendering(
        files={
            "docs/index.md": RenderedFile("docs/index.md", "# x\n", "seeded", "t"),
            "README.md": RenderedFile("README.md", "# x\n", "seeded", "t"),
        },
        retired={"tox.ini": "nox replaced tox", "prov.yaml": "attestations"},
        retired_contains={"prov.yaml": "slsa"},
        opted_out={"setup.cfg": "flake8 config lives there"},
    )
    ours = {"README.md": "# mine\n", "tox.ini": "[tox]\n", "prov.yaml": "name: other\n"}
    plan = make_plan("p", "r2", theirs, None, ours, State("r1", ("CHANGES.md",)))
    actions = {f.path: f.action for f in plan.files}
    assert actions == {
        "README.md": "project-owned",
        "docs/index.md": "new",
        "setup.cfg": "opted-out",
        "tox.ini": "removed",
    }
    assert plan.state == State("r2", ("CHANGES.md", "README.md", "docs/index.md"))
    assert [f.path for f in plan.writes()] == ["docs/index.md", "tox.ini"]
    assert plan.previous == "r1"


def test_unresolved_markers_in_the_project_stay_a_conflict() -> None:
    marked = "a\n<<<<<<< project\nmine\n=======\nb\n>>>>>>> skeleton\nc\n"
    plan = classify("f", "merged", ours=marked, theirs=BASE, base=BASE)
    assert (plan.action, plan.check_status) == ("conflict", "conflict")
    assert plan.result == marked and not plan.changes
    quoted = "docs quote a marker:\n<<<<<<< HEAD\n"
    assert classify("f", "merged", ours=quoted, theirs=BASE, base=BASE).action == "unchanged"
