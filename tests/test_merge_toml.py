"""The key-level TOML merge that resolves what the line merge cannot in pyproject.toml."""

from __future__ import annotations

import tomllib

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from eco.sync.merge import merge3
from eco.sync.merge_toml import merge_toml
from eco.sync.plan import classify

BASE = """\
[project]
name = "demo"
version = "0.1.0.dev"
requires-python = ">=3.10"
dependencies = []

[tool.ruff]
line-length = 88
"""


def test_neighbouring_keys_changed_on_both_sides_merge() -> None:
    ours = BASE.replace('version = "0.1.0.dev"', 'version = "0.2.0.dev"  # next')
    theirs = BASE.replace(">=3.10", ">=3.11")
    assert not merge3(BASE, ours, theirs).clean  # adjacent lines: diff3 gives up
    merged = merge_toml(BASE, ours, theirs)
    assert merged == ours.replace(">=3.10", ">=3.11")


def test_project_tables_stay_and_skeleton_tables_arrive() -> None:
    ours = BASE.replace("dependencies = []", 'dependencies = ["flask>=3"]') + (
        "\n# our own tool\n[tool.mytool]\nflag = true\n"
    )
    theirs = BASE.replace("line-length = 88", "line-length = 100") + (
        '\n[tool.coverage.run]\nbranch = true\nsource = ["demo", "tests"]\n'
    )
    merged = merge_toml(BASE, ours, theirs)
    assert merged is not None
    data = tomllib.loads(merged)
    assert data["project"]["dependencies"] == ["flask>=3"]
    assert data["tool"]["ruff"]["line-length"] == 100
    assert data["tool"]["mytool"] == {"flag": True}
    assert data["tool"]["coverage"]["run"] == {"branch": True, "source": ["demo", "tests"]}
    assert "# our own tool\n" in merged


def test_a_key_the_skeleton_removed_goes_unless_the_project_changed_it() -> None:
    theirs = BASE.replace('requires-python = ">=3.10"\n', "")
    ours = BASE.replace("0.1.0.dev", "0.2.0.dev")
    merged = merge_toml(BASE, ours, theirs)
    assert merged is not None and "requires-python" not in merged
    kept = BASE.replace(">=3.10", ">=3.9")
    assert merge_toml(BASE, kept, theirs) is None


def test_same_key_changed_differently_is_still_a_conflict() -> None:
    ours = BASE.replace("line-length = 88", "line-length = 120")
    theirs = BASE.replace("line-length = 88", "line-length = 100")
    assert merge_toml(BASE, ours, theirs) is None
    # A comment the project wrote on a key the skeleton changes counts as an edit.
    commented = BASE.replace("line-length = 88", "line-length = 88  # ours")
    assert merge_toml(BASE, commented, theirs) is None
    assert merge_toml(BASE, "not = [toml", theirs) is None


def test_classify_uses_it_for_merged_toml_files_only() -> None:
    ours = BASE.replace("0.1.0.dev", "0.2.0.dev")
    theirs = BASE.replace(">=3.10", ">=3.11")
    merged = classify("pyproject.toml", "merged", ours=ours, theirs=theirs, base=BASE)
    assert merged.action == "merged"
    assert merged.result == ours.replace(">=3.10", ">=3.11")
    assert classify("other.cfg", "merged", ours=ours, theirs=theirs, base=BASE).action == (
        "conflict"
    )
    assert classify("pyproject.toml", "owned", ours=ours, theirs=theirs, base=BASE).action == (
        "conflict"
    )


_EDITS = st.dictionaries(
    st.sampled_from([f"k{i}" for i in range(8)]), st.one_of(st.none(), st.integers(0, 3))
)


def _doc(values: dict[str, int]) -> str:
    return "[t]\n" + "".join(f"{k} = {v}\n" for k, v in sorted(values.items()))


def _edit(base: dict[str, int], edits: dict[str, int | None]) -> dict[str, int]:
    out = dict(base)
    for key, value in edits.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


@settings(max_examples=200, deadline=None)
@given(
    base=st.dictionaries(st.sampled_from([f"k{i}" for i in range(8)]), st.integers(0, 3)),
    ours_edits=_EDITS,
    theirs_edits=_EDITS,
)
def test_every_project_key_change_survives(
    base: dict[str, int], ours_edits: dict[str, int | None], theirs_edits: dict[str, int | None]
) -> None:
    ours, theirs = _edit(base, ours_edits), _edit(base, theirs_edits)
    merged = merge_toml(_doc(base), _doc(ours), _doc(theirs))
    if merged is None:
        return
    result = tomllib.loads(merged).get("t", {})
    for key in set(base) | set(ours) | set(theirs):
        if ours.get(key) != base.get(key):
            assert result.get(key) == ours.get(key)
        elif theirs.get(key) != base.get(key):
            assert result.get(key) == theirs.get(key)
        else:
            assert result.get(key) == base.get(key)
