"""The changelog reader/writer, on hand-made text and on the real Pallets changelogs."""

from __future__ import annotations

import difflib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eco.release import changelog
from eco.release.changelog import ChangelogError
from tests.helpers import shared_data
from tests.outside_data import facts
from tests.outside_data import origin

DAY = date(2026, 11, 21)

RST = """\
Version 1.1.0
-------------

Unreleased

-   Add ``thing``. :issue:`12`
-   Fix it. :pr:`13`


Version 1.0.0
-------------

Released 2026-01-02

-   First release.
"""

MD = """\
## Version 0.2.0

Unreleased

-   Add `thing`. {issue}`12`

## Version 0.1.0

Released 2025-01-02

-   First release.
"""


def changed_lines(before: str, after: str) -> list[str]:
    """The ``-``/``+`` lines of a unified diff: exactly what a change touched."""
    diff = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), n=0
    )
    return [
        line.rstrip("\n")
        for line in diff
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


@pytest.mark.parametrize(("text", "fmt"), [(RST, "rst"), (MD, "md")])
def test_parse_sections(text: str, fmt: str) -> None:
    parsed = changelog.parse(text, fmt)
    assert [s.version for s in parsed.sections] == (
        ["1.1.0", "1.0.0"] if fmt == "rst" else ["0.2.0", "0.1.0"]
    )
    assert [s.unreleased for s in parsed.sections] == [True, False]
    assert parsed.sections[1].released == date(2026 if fmt == "rst" else 2025, 1, 2)


def test_stamp_changes_one_line_rst() -> None:
    after = changelog.stamp_release(RST, "rst", "1.1.0", DAY)
    assert changed_lines(RST, after) == ["-Unreleased", "+Released 2026-11-21"]
    assert changelog.is_stamped(after, "rst", "1.1.0")
    assert not changelog.is_stamped(RST, "rst", "1.1.0")


def test_stamp_keeps_crlf_line_endings() -> None:
    crlf = MD.replace("\n", "\r\n")
    after = changelog.stamp_release(crlf, "md", "0.2.0", DAY)
    assert after == crlf.replace("\r\nUnreleased\r\n", "\r\nReleased 2026-11-21\r\n")


def test_version_compared_as_pep440() -> None:
    text = RST.replace("Version 1.1.0\n-------------", "Version 1.1\n-----------")
    after = changelog.stamp_release(text, "rst", "1.1.0", DAY)
    assert changed_lines(text, after) == ["-Unreleased", "+Released 2026-11-21"]


def test_refuses_without_unreleased() -> None:
    released = MD.replace("Unreleased", "Released 2025-05-05")
    with pytest.raises(ChangelogError, match=r"CHANGES.md: no 'Unreleased' section.*0\.2\.0"):
        changelog.stamp_release(released, "md", "0.2.1", DAY, where="CHANGES.md")


def test_refuses_two_unreleased() -> None:
    two = MD.replace("Released 2025-01-02", "Unreleased")
    with pytest.raises(ChangelogError) as info:
        changelog.stamp_release(two, "md", "0.2.0", DAY, where="CHANGES.md")
    assert "2 'Unreleased' sections" in str(info.value)
    assert "Version 0.2.0 (CHANGES.md:1), Version 0.1.0 (CHANGES.md:7)" in str(info.value)


def test_refuses_other_version() -> None:
    with pytest.raises(ChangelogError, match=r"CHANGES.rst:1: .* is for Version 1.1.0, not 1.0.1"):
        changelog.stamp_release(RST, "rst", "1.0.1", DAY, where="CHANGES.rst")


def test_open_section_rst_and_md() -> None:
    released = changelog.stamp_release(RST, "rst", "1.1.0", DAY)
    opened = changelog.open_section(released, "rst", "1.2.0")
    assert opened.startswith("Version 1.2.0\n-------------\n\nUnreleased\n\n\nVersion 1.1.0\n")
    assert changed_lines(released, opened) == [
        "+Version 1.2.0",
        "+-------------",
        "+",
        "+Unreleased",
        "+",
        "+",
    ]
    md = changelog.open_section(changelog.stamp_release(MD, "md", "0.2.0", DAY), "md", "0.2.1")
    assert md.startswith("## Version 0.2.1\n\nUnreleased\n\n## Version 0.2.0\n\nReleased")
    assert [s.version for s in changelog.parse(md, "md").unreleased()] == ["0.2.1"]


def test_open_section_refuses_while_unreleased() -> None:
    with pytest.raises(ChangelogError, match="still 'Unreleased'"):
        changelog.open_section(RST, "rst", "1.2.0")


def test_section_text_and_markdown_notes() -> None:
    body = changelog.section_text(RST, "rst", "1.1.0")
    assert body == "-   Add ``thing``. :issue:`12`\n-   Fix it. :pr:`13`"
    assert changelog.to_markdown(body) == "-   Add `thing`. #12\n-   Fix it. #13"
    assert changelog.to_markdown("x {issue}`37` :ghsa:`68rp-wp8r-4726`") == (
        "x #37 GHSA-68rp-wp8r-4726"
    )


# The real changelogs: stamping changes exactly the intended line and nothing else.


def test_real_flask_changelog_stamp() -> None:
    path = shared_data("changelogs", "flask-CHANGES.rst")
    expected = facts("changelogs/flask-CHANGES.rst", path)
    text = path.read_text()
    parsed = changelog.parse(text, "rst", path.name)
    assert len(parsed.sections) == expected["sections"], origin(path)
    assert [s.version for s in parsed.unreleased()] == expected["unreleased"]
    # Old sections with 'Released on ...' and codenames are still read as released.
    assert all(s.released is not None for s in parsed.sections[1:])
    version = "3.2.0"
    if not expected["unreleased"]:  # a released changelog (an sdist's): open 3.2.0 first
        opened = changelog.open_section(text, "rst", version, where=path.name)
        assert changed_lines(text, opened) == [
            "+Version 3.2.0",
            "+-------------",
            "+",
            "+Unreleased",
            "+",
            "+",
        ]
        text = opened
    after = changelog.stamp_release(text, "rst", version, DAY, where=path.name)
    assert changed_lines(text, after) == ["-Unreleased", "+Released 2026-11-21"]
    # Only the status line differs; every other line is the same, byte for byte.
    before_lines, after_lines = text.splitlines(True), after.splitlines(True)
    assert len(before_lines) == len(after_lines)
    assert [
        i for i, (a, b) in enumerate(zip(before_lines, after_lines, strict=True)) if a != b
    ] == [3]
    with pytest.raises(ChangelogError, match="for Version 3.2.0, not 3.1.4"):
        changelog.stamp_release(text, "rst", "3.1.4", DAY, where=path.name)


@pytest.mark.parametrize("name", ["flask-sqlalchemy-lite-CHANGES.md", "flask-mail-CHANGES.md"])
def test_real_markdown_changelogs(name: str) -> None:
    path = shared_data("changelogs", name)
    expected = facts(f"changelogs/{name}", path)
    top, count = expected["top"], expected["sections"]
    name = path.name
    text = path.read_text()
    parsed = changelog.parse(text, "md", name)
    assert parsed.sections[0].version == top
    assert len(parsed.sections) == count
    assert not parsed.unreleased()
    # Every section is released: a release is refused, naming the newest section, or the
    # very line that says the version asked for is already out.
    with pytest.raises(ChangelogError, match=rf"no 'Unreleased' section.*Version {top}"):
        changelog.stamp_release(text, "md", "99.0.0", DAY, where=name)
    with pytest.raises(ChangelogError, match=rf"{name}:\d+: Version {top} is already released"):
        changelog.stamp_release(text, "md", top, DAY, where=name)
    # Open the next version: only the new section's lines are added, at the top.
    nxt = top.rsplit(".", 1)[0] + "." + str(int(top.rsplit(".", 1)[1]) + 1)
    opened = changelog.open_section(text, "md", nxt, where=name)
    assert changed_lines(text, opened) == [f"+## Version {nxt}", "+", "+Unreleased", "+"]
    assert opened.endswith(text)
    # Stamping that release then changes exactly its status line.
    stamped = changelog.stamp_release(opened, "md", nxt, DAY, where=name)
    assert changed_lines(opened, stamped) == ["-Unreleased", "+Released 2026-11-21"]
    assert stamped.endswith(text)


def test_other_header_styles() -> None:
    rst = "Version 2.0.0\n=============\n\nUnreleased\n\n-   x\n"
    assert changelog.stamp_release(rst, "rst", "2.0.0", DAY).splitlines()[3] == (
        "Released 2026-11-21"
    )
    md = "# Changelog\n\n### Version 2.0.0\n\nUnreleased\n"
    assert changelog.parse(md, "md").sections[0].version == "2.0.0"
    # A line of dashes under text that is not a version header is not a section.
    assert changelog.parse("Notes\n-----\n\nUnreleased\n", "rst").sections == ()
    # The new section goes below a title, above the newest version.
    opened = changelog.open_section(md.replace("Unreleased", "Released 2025-01-01"), "md", "2.1.0")
    assert opened.startswith("# Changelog\n\n### Version 2.1.0\n\nUnreleased\n\n### Version 2.0.0")
    released = rst.replace("Unreleased", "Released 2025-01-01")
    assert changelog.open_section(released, "rst", "2.1.0").startswith(
        "Version 2.1.0\n=============\n\nUnreleased\n\n\nVersion 2.0.0\n"
    )


_entries = st.lists(
    st.text(
        alphabet=st.characters(codec="utf-8", blacklist_characters="\r\n"),
        max_size=40,
    ).map(lambda t: "-   " + t.strip()),
    max_size=4,
)


@given(
    fmt=st.sampled_from(["rst", "md"]),
    released=st.lists(st.tuples(st.integers(0, 30), _entries), max_size=5),
    pending=_entries,
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_stamping_changes_only_the_status_line(
    fmt: str, released: list[tuple[int, list[str]]], pending: list[str], newline: str
) -> None:
    """Whatever the sections and entries, a release rewrites one line and nothing else."""

    def section(version: str, status: str, entries: list[str]) -> list[str]:
        header = (
            [f"Version {version}", "-" * (8 + len(version))]
            if fmt == "rst"
            else [f"## Version {version}"]
        )
        return [*header, "", status, "", *entries, ""]

    lines = section("9.0.0", "Unreleased", pending)
    for number, (minor, entries) in enumerate(released):
        lines += section(f"8.{minor}.{number}", "Released 2020-01-01", entries)
    text = newline.join(lines) + newline
    stamped = changelog.stamp_release(text, fmt, "9.0.0", DAY)
    before, after = text.split(newline), stamped.split(newline)
    assert len(before) == len(after)
    differ = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert differ == [3 if fmt == "rst" else 2]
    assert after[differ[0]] == "Released 2026-11-21"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # flask-caching's CHANGES.rst: the newest section has entries but no status line.
        (
            "Changelog\n=========\n\nVersion 2.0.0\n-------------\n\n- A change.\n",
            "CHANGES.rst:7: Version 2.0.0 (CHANGES.rst:4) has no status line, its first line "
            "is an entry; add a line 'Unreleased' above it",
        ),
        # flask-wtf's docs/changes.rst: the new entries sit above the first version header.
        (
            "Changes\n=======\n\n- A change.\n\nVersion 1.2.2\n-------------\n\n"
            "Released 2024-10-20\n",
            "CHANGES.rst:4: entries above the first 'Version X' header; put them under a new "
            "'Version 2.0.0' header with 'Unreleased'",
        ),
        # A title with an overline above the sections is not taken for entries.
        (
            "-------\nChanges\n-------\n\nVersion 1.9.0\n-------------\n\nReleased 2024-10-20\n",
            "CHANGES.rst: no 'Unreleased' section; the newest, Version 1.9.0 (CHANGES.rst:5)",
        ),
        # A date placeholder instead of Unreleased: the line to change is named.
        (
            "Version 2.0.0\n-------------\n\nReleased 2026-XX-XX\n\n-   A change.\n",
            "CHANGES.rst:4: Version 2.0.0 says 'Released 2026-XX-XX'; write exactly "
            "'Unreleased' there",
        ),
        (
            "Version 2.0.0\n-------------\n\nReleased 2026-01-01\n",
            "CHANGES.rst:4: Version 2.0.0 is already released: 'Released 2026-01-01'",
        ),
        ("Version 2.0.0\n-------------\n", "CHANGES.rst: Version 2.0.0 (CHANGES.rst:1) is empty"),
    ],
)
def test_refusals_name_the_line_to_change(text: str, message: str) -> None:
    with pytest.raises(ChangelogError) as info:
        changelog.stamp_release(text, "rst", "2.0.0", DAY, where="CHANGES.rst")
    assert info.value.message.startswith(message), info.value.message


@pytest.mark.parametrize("fmt", ["rst", "md"])
def test_byte_order_mark_before_the_first_header(fmt: str) -> None:
    text = "\ufeff" + (RST if fmt == "rst" else MD)
    parsed = changelog.parse(text, fmt)
    assert parsed.sections[0].version == ("1.1.0" if fmt == "rst" else "0.2.0")
    after = changelog.stamp_release(text, fmt, parsed.sections[0].version, DAY)
    assert changed_lines(text, after) == ["-Unreleased", "+Released 2026-11-21"]
    assert after.startswith("\ufeff")


def test_a_keep_a_changelog_file_is_named_as_such() -> None:
    """Issue 18, point 5: a Keep-a-Changelog file (``## 0.8.0 - 2024-03-26``) has no
    'Version X' section at all; the refusal says so and what eco reads, not that its
    entries sit above a header it does not have."""
    text = (
        "# Changelog\n\nAll notable changes to this project are documented here.\n\n"
        "## [Unreleased]\n\n## 0.8.0 - 2024-03-26\n\n### Added\n\n- A thing.\n\n"
        "## 0.7.0 - 2023-11-02\n\n- Another thing.\n"
    )
    with pytest.raises(ChangelogError) as info:
        changelog.stamp_release(text, "md", "0.8.1", DAY, where="CHANGELOG.md")
    message = info.value.message
    assert message.startswith("CHANGELOG.md: no 'Version X' section found"), message
    assert "entries above" not in message and "0.8.1" not in message.split(";")[0]
    # It names what it found, and the format eco reads.
    assert "CHANGELOG.md:5: '## [Unreleased]' looks like Keep a Changelog" in message
    assert "'## Version X.Y.Z' followed by 'Unreleased' or 'Released YYYY-MM-DD'" in message


@pytest.mark.parametrize("fmt", ["rst", "md"])
def test_open_section_refuses_to_bury_an_undated_section(fmt: str) -> None:
    """Issue 18, point 7: the newest section has entries but no status line: opening the
    next version above it would leave those entries never dated nor released."""
    if fmt == "rst":
        text = "Version 1.2.0\n-------------\n\n-   A change.\n\n\nVersion 1.1.0\n" + (
            "-------------\n\nReleased 2025-01-01\n"
        )
    else:
        text = "## Version 1.2.0\n\n-   A change.\n\n## Version 1.1.0\n\nReleased 2025-01-01\n"
    with pytest.raises(ChangelogError) as info:
        changelog.open_section(text, fmt, "1.3.0", where=f"CHANGES.{fmt}")
    assert info.value.message == (
        f"CHANGES.{fmt}:1: Version 1.2.0 has no status line ('Unreleased' or 'Released "
        "YYYY-MM-DD'): its entries were never released; opening 1.3.0 above it would bury "
        "them. Release 1.2.0 first, or date its section by hand"
    )
