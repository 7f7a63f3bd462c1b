"""The quoting filters (eco.skeleton.quoting): an ordinary value is written as a person
would write it, anything else escaped, and every value reads back as itself."""

from __future__ import annotations

import ast
import datetime
import tomllib
from typing import Any

import pytest
import yaml

from eco.errors import TemplateError
from eco.skeleton.quoting import python_value
from eco.skeleton.quoting import toml_value
from eco.skeleton.quoting import yaml_value

AWKWARD = [
    "",
    'a "quoted" word',
    "back\\slash",
    "new\nline",
    "tab\tand\rreturn",
    "del \x7f and nul \x00",
    "next line \x85, line sep \u2028, bom \ufeff",
    "accents é ü and emoji \U0001f600",
    "key: value",
    "- item",
    "# comment",
    "[flow, list]",
    "{flow: map}",
    "&anchor *alias !tag |literal >folded",
    "'single'",
    "true",
    "null",
    "~",
    "3.13",
    "0o17",
    "2024-01-01",
    "=",
    "?",
    "@at",
    "ends with colon:",
    " leading and trailing ",
    "${{ secrets.TOKEN }}",
]


@pytest.mark.parametrize("text", AWKWARD)
def test_every_string_reads_back_as_itself(text: str) -> None:
    assert tomllib.loads(f"v = {toml_value(text)}")["v"] == text
    assert ast.literal_eval(python_value(text)) == text
    assert yaml.safe_load(f"v: {yaml_value(text)}")["v"] == text
    assert yaml.safe_load(f"v: [{yaml_value(text)}, x]")["v"] == [text, "x"]


@pytest.mark.parametrize(
    ("value", "yaml_text", "toml_text", "python_text"),
    [
        ("main", "main", '"main"', '"main"'),
        ("1.x", "1.x", '"1.x"', '"1.x"'),
        ("3.13", '"3.13"', '"3.13"', '"3.13"'),
        ("https://discord.gg/pallets", "https://discord.gg/pallets", None, None),
        ("true", '"true"', '"true"', '"true"'),
        ("a b", '"a b"', '"a b"', '"a b"'),
        (True, "true", "true", "True"),
        (3, "3", "3", "3"),
        (["3.12", "3.13"], '["3.12", "3.13"]', '["3.12", "3.13"]', '["3.12", "3.13"]'),
    ],
)
def test_ordinary_values_are_written_as_by_hand(
    value: Any, yaml_text: str, toml_text: str | None, python_text: str | None
) -> None:
    assert yaml_value(value) == yaml_text
    if toml_text is not None:
        assert toml_value(value) == toml_text
    if python_text is not None:
        assert python_value(value) == python_text


def test_tables_dates_and_the_rest() -> None:
    table = {"a b": [1, "x"], "c": {"d": False}}
    assert tomllib.loads(f"v = {toml_value(table)}")["v"] == table
    assert ast.literal_eval(python_value(table)) == table
    assert yaml.safe_load(f"v: {yaml_value(table)}")["v"] == table
    day = datetime.date(2026, 12, 2)
    assert tomllib.loads(f"v = {toml_value(day)}")["v"] == day
    assert ast.literal_eval(python_value(day)) == "2026-12-02"
    assert yaml.safe_load(f"v: {yaml_value(day)}")["v"] == "2026-12-02"
    with pytest.raises(TemplateError, match="cannot be written as TOML"):
        toml_value(object())
