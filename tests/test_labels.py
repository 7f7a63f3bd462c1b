"""labels.toml and the label sync plan (pure): one table of cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from eco.forge.ratelimit import WriteSpacer
from eco.triage.labels import apply
from eco.triage.labels import Change
from eco.triage.labels import Label
from eco.triage.labels import LabelsError
from eco.triage.labels import LabelSpec
from eco.triage.labels import load_labels
from eco.triage.labels import plan
from tests.github_server.clock import FakeClock
from tests.helpers import REPO

DOCS = LabelSpec("docs", "0075ca", "Documentation", ("documentation", "doc"))
TYPING = LabelSpec("typing", "3572a5", "Type annotations")
SPECS = [DOCS, TYPING]


def summary(changes: list[Change]) -> list[tuple[str, str, str | None]]:
    return [(c.action, c.name, c.spec.name if c.spec else None) for c in changes]


PLAN_CASES = [
    ("empty repository", [], False, [("create", "docs", "docs"), ("create", "typing", "typing")]),
    (
        "already right",
        [Label("docs", "0075ca", "Documentation"), Label("typing", "3572a5", "Type annotations")],
        False,
        [],
    ),
    (
        "colour, description and case differ",
        [Label("Docs", "0075CA", "Documentation"), Label("typing", "ffffff", "")],
        False,
        [("update", "Docs", "docs"), ("update", "typing", "typing")],
    ),
    (
        "alias renamed, not recreated",
        [Label("documentation", "d4c5f9", "old"), Label("typing", "3572a5", "Type annotations")],
        False,
        [("rename", "documentation", "docs")],
    ),
    (
        "name and alias both exist",
        [
            Label("docs", "0075ca", "Documentation"),
            Label("doc", "0075ca", ""),
            Label("typing", "3572a5", "Type annotations"),
        ],
        True,
        [("conflict", "doc", "docs")],
    ),
    (
        "two aliases: one rename, one conflict",
        [
            Label("documentation", "0075ca", ""),
            Label("doc", "0075ca", ""),
            Label("typing", "3572a5", "Type annotations"),
        ],
        False,
        [("rename", "documentation", "docs"), ("conflict", "doc", "docs")],  # aliases in order
    ),
    (
        "a repository's own label is kept",
        [
            Label("docs", "0075ca", "Documentation"),
            Label("typing", "3572a5", "Type annotations"),
            Label("redis", "aaaaaa", ""),
        ],
        False,
        [("extra", "redis", None)],
    ),
    (
        "pruned only when asked",
        [
            Label("docs", "0075ca", "Documentation"),
            Label("typing", "3572a5", "Type annotations"),
            Label("bug", "d73a4a", ""),
        ],
        True,
        [("delete", "bug", None)],
    ),
]


@pytest.mark.parametrize(
    ("case", "existing", "prune", "expected"), PLAN_CASES, ids=[c[0] for c in PLAN_CASES]
)
def test_plan(
    case: str, existing: list[Label], prune: bool, expected: list[tuple[str, str, str | None]]
) -> None:
    assert summary(plan(SPECS, existing, prune=prune)) == expected


def test_renames_come_before_creates_and_deletes_last() -> None:
    existing = [Label("zzz", "000000"), Label("doc", "0075ca", "Documentation")]
    actions = [c.action for c in plan(SPECS, existing, prune=True)]
    assert actions == ["rename", "create", "delete"]


def test_apply_spaces_writes_and_skips_reports() -> None:
    clock = FakeClock()
    sent: list[tuple[str, str, float]] = []

    def send(method: str, path: str, body: object) -> None:
        sent.append((method, path, clock.now()))

    changes = plan(SPECS, [Label("doc", "000000"), Label("a b/c", "111111")], prune=True)
    done = apply("o/r", changes, send, WriteSpacer(clock).wait)
    assert [c.action for c in done] == ["rename", "create", "delete"]
    assert [(m, p) for m, p, _ in sent] == [
        ("PATCH", "/repos/o/r/labels/doc"),
        ("POST", "/repos/o/r/labels"),
        ("DELETE", "/repos/o/r/labels/a%20b%2Fc"),
    ]
    times = [t for _, _, t in sent]
    assert all(b - a >= 1.0 for a, b in zip(times, times[1:], strict=False))
    assert clock.sleeps == [1.0, 1.0]


def test_the_shipped_labels_load() -> None:
    specs = load_labels(REPO / "labels.toml")
    names = [s.name for s in specs]
    assert "docs" in names and len(names) == len(set(names))
    assert not {"bug", "feature", "enhancement"} & {n.lower() for n in names}  # components only


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[[label]]\nname = 'x'\ncolor = '#00ff00'\n",
            ":3: label[0].color: expected six hex digits",
        ),
        (
            "[[label]]\nname = 'x'\ncolor = '00ff00'\nalias = []\n",
            ":4: label[0].alias: unknown key",
        ),
        (
            "[[label]]\nname = 'docs'\ncolor = '00ff00'\n\n"
            "[[label]]\nname = 'x'\ncolor = '00ff00'\naliases = ['Docs']\n",
            ":8: label[1].aliases: 'Docs' is already used by label 'docs'",
        ),
        ("[[label]]\ncolor = '00ff00'\n", ":1: label[0]: expected a non-empty name"),
        ("[labels]\n", "unknown key 'labels'"),
        ("[[label]\n", "invalid TOML"),
    ],
)
def test_bad_definitions(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "labels.toml"
    path.write_text(text)
    with pytest.raises(LabelsError) as info:
        load_labels(path)
    assert message in str(info.value) and str(path) in str(info.value)


def test_a_missing_file_says_what_to_create(tmp_path: Path) -> None:
    with pytest.raises(LabelsError) as raised:
        load_labels(tmp_path / "labels.toml")
    message = str(raised.value)
    assert message.startswith(f"{tmp_path / 'labels.toml'}: not found; create it")
    assert "[[label]]" in message and "copy labels.toml from the eco repository" in message
