"""Which licence a project is under: from its licence text first, its metadata second.

The text is what binds; ``pyproject.toml`` may say otherwise (an old ``license = {text =
...}``, a classifier) and adoption must not rewrite an MIT project's metadata to
BSD-3-Clause. Texts are recognised by the sentences that make each licence what it is,
compared with whitespace and punctuation folded away.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# SPDX id -> sentences that must all appear in the folded text; checked in this order.
_TEXTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Apache-2.0",
        ("apache license", "version 2.0", "grant of patent license"),
    ),
    (
        "BSD-3-Clause",
        (
            "redistribution and use in source and binary forms with or without modification "
            "are permitted",
            "neither the name of",
            "may be used to endorse or promote products derived from this software",
        ),
    ),
    (
        "BSD-2-Clause",
        (
            "redistribution and use in source and binary forms with or without modification "
            "are permitted",
            "this software is provided by the copyright holders and contributors as is",
        ),
    ),
    (
        "MIT",
        (
            "permission is hereby granted free of charge to any person obtaining a copy",
            "the above copyright notice and this permission notice shall be included",
        ),
    ),
)

_CLASSIFIERS = {
    "License :: OSI Approved :: MIT License": "MIT",
    "License :: OSI Approved :: BSD License": "BSD",  # not one SPDX id: never decisive
    "License :: OSI Approved :: Apache Software License": "Apache-2.0",
}


def _fold(text: str) -> str:
    return re.sub(r"[^a-z0-9.]+", " ", text.lower().replace("\u2019", "'")).strip()


def identify(text: str) -> str | None:
    """The SPDX id of a licence text (MIT, BSD-3-Clause, BSD-2-Clause, Apache-2.0), or None."""
    folded = _fold(text)
    for spdx, sentences in _TEXTS:
        if all(_fold(sentence) in folded for sentence in sentences):
            return spdx
    return None


def declared(project: Mapping[str, Any]) -> str | None:
    """The licence ``[project]`` states: an SPDX ``license`` string, ``{text = ...}``, or
    a classifier naming one licence; None when it says nothing usable."""
    value = project.get("license")
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, dict) and isinstance(value.get("text"), str):
        text = value["text"].strip()
        return identify(text) or (text if re.fullmatch(r"[A-Za-z0-9.+-]+", text) else None)
    classifiers = project.get("classifiers", [])
    if isinstance(classifiers, list):
        for classifier in classifiers:
            spdx = _CLASSIFIERS.get(str(classifier))
            if spdx and spdx != "BSD":
                return spdx
    return None
