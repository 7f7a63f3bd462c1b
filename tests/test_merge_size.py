"""A file too large to merge is a conflict saying so: a project's repository cannot make
a sync run for minutes or take gigabytes (the key-level TOML merge, the line merge)."""

from __future__ import annotations

from eco.sync.merge_toml import merge_toml
from eco.sync.plan import classify

BASE = '[project]\nname = "demo"\nversion = "1.0.0.dev"\nrequires-python = ">=3.9"\n'
THEIRS = BASE.replace(">=3.9", ">=3.10")
# The project bumped the version on the line next to the one the skeleton changed: the
# line merge conflicts, so only the key-level merge could merge it.
OURS = BASE.replace("1.0.0.dev", "1.1.0.dev")
PADDING = "".join(f'key{n} = "{"x" * 40}"\n' for n in range(30_000))  # about 1.5 MB


def test_the_padding_is_over_the_documented_limit_of_one_megabyte() -> None:
    assert len(PADDING.encode()) > 1_000_000


def test_a_small_file_still_merges_key_by_key() -> None:
    padded = OURS + "\n[tool.data]\n" + "".join(PADDING.splitlines(keepends=True)[:40])
    plan = classify("pyproject.toml", "merged", ours=padded, theirs=THEIRS, base=BASE)
    assert plan.action == "merged"
    assert plan.result is not None and ">=3.10" in plan.result and "1.1.0.dev" in plan.result


def test_a_huge_toml_file_is_a_conflict_with_the_reason() -> None:
    huge = OURS + "\n[tool.data]\n" + PADDING
    plan = classify("pyproject.toml", "merged", ours=huge, theirs=THEIRS, base=BASE)
    assert plan.action == "conflict"
    assert plan.check_status == "conflict"
    assert plan.result == huge  # left as the project has it
    assert "too large to merge" in plan.reason
    assert "1 MB" in plan.reason
    assert merge_toml(BASE, huge, THEIRS) is None


def test_a_huge_text_file_is_a_conflict_with_the_reason() -> None:
    base = "root = true\n"
    huge = base + PADDING
    plan = classify(".gitignore", "merged", ours=huge, theirs=base + "*.pyc\n", base=base)
    assert plan.action == "conflict"
    assert plan.result == huge
    assert "too large to merge" in plan.reason


def test_a_huge_file_needing_no_merge_is_not_refused() -> None:
    huge = BASE + "\n[tool.data]\n" + PADDING
    assert classify("pyproject.toml", "merged", ours=huge, theirs=huge, base=BASE).action == (
        "unchanged"
    )
    assert classify("pyproject.toml", "merged", ours=BASE, theirs=huge, base=BASE).action == (
        "updated"
    )
