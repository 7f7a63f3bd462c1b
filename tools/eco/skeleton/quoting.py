"""Write a value into YAML, TOML or Python source so that it stays one value.

These are the template filters for every value that comes from the registry:
``{{ chat_url | yaml }}``, ``{{ description | toml }}``, ``{{ branch | pyrepr }}``. For
an ordinary value each writes what a hand-written file would hold (a plain YAML scalar
stays plain, a string is double-quoted in TOML and Python, so renderings do not change);
anything else is escaped, so a newline, a quote or a backslash in a value can never end
it early and add keys, list items or code after it.
"""

from __future__ import annotations

import datetime
import functools
import math
import re
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from eco.errors import TemplateError

_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
    "\b": "\\b",
    "\f": "\\f",
}
# Characters written as \\uXXXX: control characters everywhere; in YAML also what it
# reads as a line break (NEL, LS, PS) or refuses (the C1 range, BOM, non-characters).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_YAML_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")
# A YAML plain scalar that reads back as the same string in block and flow context.
_YAML_PLAIN = re.compile(r"[A-Za-z0-9_./][A-Za-z0-9_./:+~@=?&%-]*")


def _quoted(text: str, unsafe: re.Pattern[str]) -> str:
    """A double-quoted string with JSON's escapes, valid in TOML, YAML and Python."""
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif unsafe.match(char):
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _number(value: float, inf: str, nan: str) -> str:
    if math.isnan(value):
        return nan
    if math.isinf(value):
        return inf if value > 0 else f"-{inf}"
    return repr(value)


def _sequence(value: Any, item: Callable[[Any], str]) -> str:
    return "[" + ", ".join(item(v) for v in value) + "]"


def _refuse(value: Any, language: str) -> TemplateError:
    return TemplateError(
        f"a template variable holds {type(value).__name__} {value!r}, which cannot be "
        f"written as {language}; use a string, number, boolean, list or table"
    )


def toml_value(value: Any) -> str:
    """A TOML value (``|toml``): strings double-quoted and escaped."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number(value, "inf", "nan")
    if isinstance(value, str):
        return _quoted(value, _CONTROL)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return _sequence(value, toml_value)
    if isinstance(value, Mapping):
        pairs = (f"{_quoted(str(k), _CONTROL)} = {toml_value(v)}" for k, v in value.items())
        return "{ " + ", ".join(pairs) + " }" if value else "{}"
    raise _refuse(value, "TOML")


def python_value(value: Any) -> str:
    """A Python literal (``|pyrepr``): strings double-quoted, as ruff formats them."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number(value, 'float("inf")', 'float("nan")')
    if isinstance(value, str):
        return _quoted(value, _CONTROL)
    if isinstance(value, (datetime.date, datetime.time)):
        return _quoted(value.isoformat(), _CONTROL)
    if isinstance(value, (list, tuple)):
        return _sequence(value, python_value)
    if isinstance(value, Mapping):
        pairs = (f"{python_value(str(k))}: {python_value(v)}" for k, v in value.items())
        return "{" + ", ".join(pairs) + "}"
    raise _refuse(value, "Python")


def yaml_value(value: Any) -> str:
    """A YAML scalar or flow collection (``|yaml``): a string stays plain when YAML
    reads it back as the same string (``main``, a URL), else it is double-quoted
    (``"3.13"``, which plain would be a number)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number(value, ".inf", ".nan")
    if isinstance(value, str):
        if _YAML_PLAIN.fullmatch(value) and not value.endswith(":") and _reads_back(value):
            return value
        return _quoted(value, _YAML_UNSAFE)
    if isinstance(value, (datetime.date, datetime.time)):
        return _quoted(value.isoformat(), _YAML_UNSAFE)
    if isinstance(value, (list, tuple)):
        return _sequence(value, yaml_value)
    if isinstance(value, Mapping):
        pairs = (f"{yaml_value(str(k))}: {yaml_value(v)}" for k, v in value.items())
        return "{" + ", ".join(pairs) + "}"
    raise _refuse(value, "YAML")


@functools.lru_cache(maxsize=4096)  # pure, and the same values recur in every project
def _reads_back(text: str) -> bool:
    import yaml  # only for the rare string that might not read back as itself

    try:
        return bool(yaml.safe_load(text) == text and yaml.safe_load(f"[{text}]") == [text])
    except yaml.YAMLError:
        return False


FILTERS: dict[str, Callable[[Any], str]] = {
    "toml": toml_value,
    "yaml": yaml_value,
    "pyrepr": python_value,
}
