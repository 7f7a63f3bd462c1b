"""eco's three-way merge against ``git merge-file --diff3`` on random inputs.

eco aligns lines with :mod:`difflib`; git with its own (xdiff) diff. Both are correct
merges, but on texts with repeated lines they may align differently, so the two can
disagree. The test runs both on the same random triples and holds:

- when both are clean, the results are equal — or, where they differ, differ only in
  copies of a line that is repeated in the base (kind ``realigned``: the two diffs chose
  different copies of the repeated line as the one a side changed, and both readings are
  valid merges);
- whatever the verdicts, eco's result holds every line the project added (inside a
  conflict or merged), and when eco is clean, every line the skeleton added too.

The kinds of disagreement seen while writing this test (3,000 random triples of up to
eight lines over a five-line alphabet, then hypothesis), are named in :data:`KINDS`:
"""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

from hypothesis import given
from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st

from eco.sync.merge import merge3

KINDS = {
    "same": "both clean, same text (about 70% of triples)",
    "both-conflict": "both conflict (about 29%)",
    "realigned": "both clean, texts differ only in copies of a line repeated in the base: "
    "an insertion placed on the other side of a copy, or a copy both sides deleted under "
    "one alignment and one side under the other (0.1%)",
    "eco-clean": "eco clean where git conflicts: difflib matched the change to another "
    "copy of a repeated line, so the two sides no longer overlap (1.5%)",
    "git-clean": "git clean where eco conflicts: the reverse (1.3%); eco shows a conflict "
    "to review, never a wrong merge",
}

ALPHABET = ["a\n", "b\n", "c\n", "d\n", "e\n"]
NEW = ["x\n", "y\n", "z\n", "a\n", "b\n"]


def _is_marker(line: str) -> bool:
    head = line.rstrip("\n").split(" ", 1)[0]
    return len(head) >= 7 and len(set(head)) == 1 and head[0] in "<|=>"


def _lines(text: str) -> Counter[str]:
    return Counter(line + "\n" for line in text.split("\n")[:-1] if not _is_marker(line + "\n"))


def _git_merge(tmp: Path, base: str, ours: str, theirs: str) -> tuple[str, bool]:
    for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
        (tmp / name).write_text(text, encoding="utf-8")
    done = subprocess.run(
        ["git", "merge-file", "-p", "--diff3", "ours", "base", "theirs"],
        cwd=tmp,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode >= 0, done.stderr
    return done.stdout, done.returncode == 0


@st.composite
def _edited(draw: st.DrawFn, base: list[str]) -> list[str]:
    lines = list(base)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(lines)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        if op == "insert":
            lines.insert(at, draw(st.sampled_from(NEW)))
        elif at < len(lines):
            if op == "delete":
                del lines[at]
            else:
                lines[at] = draw(st.sampled_from(NEW[:3]))
    return lines


@st.composite
def _triples(draw: st.DrawFn) -> tuple[str, str, str]:
    base = draw(st.lists(st.sampled_from(ALPHABET), max_size=8))
    ours = draw(_edited(base))
    theirs = draw(_edited(base))
    return "".join(base), "".join(ours), "".join(theirs)


def _kind(eco_text: str, eco_clean: bool, git_text: str, git_clean: bool) -> str:
    if eco_clean and git_clean:
        return "same" if eco_text == git_text else "realigned"
    if not eco_clean and not git_clean:
        return "both-conflict"
    return "eco-clean" if eco_clean else "git-clean"


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(_triples())
def test_eco_agrees_with_git_merge_file(tmp_path: Path, triple: tuple[str, str, str]) -> None:
    base, ours, theirs = triple
    eco = merge3(base, ours, theirs)
    git_text, git_clean = _git_merge(tmp_path, base, ours, theirs)
    kind = _kind(eco.text, eco.clean, git_text, git_clean)
    assert kind in KINDS
    result = _lines(eco.text)
    project_added = _lines(ours) - _lines(base)
    assert not project_added - result, "a line the project added is missing"
    if eco.clean:
        skeleton_added = _lines(theirs) - _lines(base)
        assert not skeleton_added - result, "a line the skeleton added is missing"
    if kind == "realigned":
        eco_lines, git_lines = Counter(eco.text.splitlines()), Counter(git_text.splitlines())
        repeated = {line for line, n in Counter(base.splitlines()).items() if n > 1}
        assert set((eco_lines - git_lines) + (git_lines - eco_lines)) <= repeated


def test_the_kinds_are_seen(tmp_path: Path) -> None:
    """The examples the kinds were named from, so each kind is shown to exist."""
    examples = {
        "same": ("e\na\n", "e\ny\na\n", "z\ne\na\nd\n"),
        "realigned": ("a\nb\nb\nb\n", "a\nb\nb\n", "a\nx\nb\nb\n"),
        "eco-clean": ("d\nc\nd\nb\n", "d\nz\nx\nd\nb\n", "d\nd\nc\nd\nb\n"),
        "git-clean": ("c\n", "y\nc\nc\n", "c\nd\n"),
        "both-conflict": ("a\n", "x\n", "y\n"),
    }
    for kind, (base, ours, theirs) in examples.items():
        eco = merge3(base, ours, theirs)
        git_text, git_clean = _git_merge(tmp_path, base, ours, theirs)
        assert _kind(eco.text, eco.clean, git_text, git_clean) == kind, kind
