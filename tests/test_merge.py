"""The three-way merge: examples, then properties over random line edits (hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from eco.sync.merge import has_conflict_markers
from eco.sync.merge import merge3

BASE = "a\nb\nc\nd\ne\nf\ng\n"


def test_only_theirs_changed_takes_theirs() -> None:
    theirs = BASE.replace("b\n", "B\n")
    assert merge3(BASE, BASE, theirs).text == theirs


def test_only_ours_changed_keeps_ours() -> None:
    ours = BASE.replace("b\n", "mine\n")
    assert merge3(BASE, ours, BASE).text == ours


def test_both_sides_in_different_places_keeps_both() -> None:
    ours = BASE.replace("b\n", "mine\n")
    theirs = BASE.replace("f\n", "F\n")
    result = merge3(BASE, ours, theirs)
    assert result.clean
    assert result.text == "a\nmine\nc\nd\ne\nF\ng\n"


def test_same_change_on_both_sides_is_taken_once() -> None:
    both = BASE.replace("c\n", "C\nC2\n")
    result = merge3(BASE, both, both.replace("g\n", "G\n"))
    assert result.clean
    assert result.text == "a\nb\nC\nC2\nd\ne\nf\nG\n"


def test_overlapping_changes_conflict_with_markers() -> None:
    result = merge3(BASE, BASE.replace("d\n", "ours\n"), BASE.replace("d\n", "theirs\n"))
    assert result.conflicts == 1
    assert result.text == (
        "a\nb\nc\n<<<<<<< project\nours\n||||||| last applied skeleton\nd\n"
        "=======\ntheirs\n>>>>>>> skeleton\ne\nf\ng\n"
    )
    assert has_conflict_markers(result.text)


def test_missing_final_newline_is_kept_or_terminated_before_a_marker() -> None:
    assert merge3("a\nb", "a\nb", "a\nB").text == "a\nB"
    result = merge3("a\nb", "a\nmine", "a\ntheirs")
    assert result.text.endswith(
        "<<<<<<< project\nmine\n||||||| last applied skeleton\nb\n"
        "=======\ntheirs\n>>>>>>> skeleton\n"
    )


def test_crlf_lines_survive() -> None:
    base = "a\r\nb\r\nc\r\n"
    ours = "a\r\nmine\r\nc\r\n"
    theirs = "a\r\nb\r\nc\r\nd\r\n"
    assert merge3(base, ours, theirs).text == "a\r\nmine\r\nc\r\nd\r\n"


def test_unknown_base_marks_every_difference() -> None:
    result = merge3(None, "a\nmine\nc\n", "a\nb\nc\n")
    assert result.conflicts == 1
    assert result.text == "a\n<<<<<<< project\nmine\n=======\nb\n>>>>>>> skeleton\nc\n"
    assert merge3(None, "same\n", "same\n").text == "same\n"


def test_strict_turns_a_local_edit_into_a_conflict() -> None:
    ours = BASE.replace("b\n", "mine\n")
    result = merge3(BASE, ours, BASE.replace("f\n", "F\n"), strict=True)
    assert result.conflicts == 1
    assert "mine\n" in result.text and "F\n" in result.text
    assert merge3(BASE, BASE, BASE.replace("f\n", "F\n"), strict=True).clean


# -- properties ------------------------------------------------------------------------

_EDIT = st.tuples(st.sampled_from(["keep", "delete", "replace", "insert"]), st.integers(0, 2))


def _apply(
    base: list[str], edits: list[tuple[str, int]], side: str
) -> tuple[list[str], set[str], set[str]]:
    """Edit each base line as told; new lines are unique to this side.

    Returns the edited lines, the lines this side added and the base lines it removed.
    """
    out: list[str] = []
    added: set[str] = set()
    removed: set[str] = set()
    for index, line in enumerate(base):
        action, count = edits[index] if index < len(edits) else ("keep", 0)
        new = [f"{side}-{index}-{n}\n" for n in range(count + 1)]
        if action == "keep":
            out.append(line)
        elif action == "delete":
            removed.add(line)
        elif action == "replace":
            removed.add(line)
            out += new
            added.update(new)
        else:
            out += new + [line]
            added.update(new)
    return out, added, removed


@settings(max_examples=400, deadline=None)
@given(
    size=st.integers(0, 14),
    ours_edits=st.lists(_EDIT, max_size=14),
    theirs_edits=st.lists(_EDIT, max_size=14),
)
def test_no_project_change_is_ever_lost(
    size: int, ours_edits: list[tuple[str, int]], theirs_edits: list[tuple[str, int]]
) -> None:
    base = [f"base-{i}\n" for i in range(size)]
    ours, ours_added, ours_removed = _apply(base, ours_edits, "ours")
    theirs, theirs_added, theirs_removed = _apply(base, theirs_edits, "theirs")
    result = merge3("".join(base), "".join(ours), "".join(theirs))
    lines = result.text.splitlines(keepends=True)
    # Whatever happens, every line the project wrote is in the result (merged or in a
    # conflict hunk), in the project's order.
    assert all(line in lines for line in ours_added)
    positions = [lines.index(line) for line in ours if line in ours_added]
    assert positions == sorted(positions)
    if result.clean:
        assert not has_conflict_markers(result.text)
        # The project's deletions hold, and the skeleton's changes are all applied.
        assert not ours_removed & set(lines)
        assert all(line in lines for line in theirs_added)
        assert not theirs_removed & set(lines)
    else:
        assert has_conflict_markers(result.text)


@settings(max_examples=300, deadline=None)
@given(
    base=st.lists(st.sampled_from(["x\n", "y\n", "\n", "z"]), max_size=10),
    ours=st.lists(st.sampled_from(["x\n", "y\n", "\n", "o\n"]), max_size=10),
)
def test_one_sided_changes_are_taken_whole(base: list[str], ours: list[str]) -> None:
    b, o = "".join(base), "".join(ours)
    assert merge3(b, o, b).text == o
    assert merge3(b, b, o).text == o
    assert merge3(b, o, o).text == o
    assert merge3(None, o, o).text == o


def test_union_keeps_both_insertions_at_the_same_place() -> None:
    base = "# tests\npytest\n"
    result = merge3(base, base + "pytest-mock\n", base + "pytest-xdist\n", union=True)
    assert result.clean
    assert result.text == "# tests\npytest\npytest-mock\npytest-xdist\n"
    same = merge3(base, base + "a\n", base + "a\nb\n", union=True)
    assert same.text == base + "a\nb\n"
    # A line changed on both sides still conflicts.
    changed = merge3(base, "# tests\npytest>=8\n", "# tests\npytest>=7\n", union=True)
    assert changed.conflicts == 1


@settings(max_examples=300, deadline=None)
@given(
    size=st.integers(0, 10),
    ours_edits=st.lists(_EDIT, max_size=10),
    theirs_edits=st.lists(_EDIT, max_size=10),
)
def test_union_never_loses_a_project_line_either(
    size: int, ours_edits: list[tuple[str, int]], theirs_edits: list[tuple[str, int]]
) -> None:
    base = [f"base-{i}\n" for i in range(size)]
    ours, ours_added, _ = _apply(base, ours_edits, "ours")
    theirs, theirs_added, _ = _apply(base, theirs_edits, "theirs")
    result = merge3("".join(base), "".join(ours), "".join(theirs), union=True)
    lines = result.text.splitlines(keepends=True)
    assert all(line in lines for line in ours_added)
    if result.clean:
        assert all(line in lines for line in theirs_added)
