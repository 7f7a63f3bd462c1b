"""A pytest plugin eco loads into a project's test run (never into eco's own process): it
appends every warning pytest records, as one JSON line, to the file named by
``ECO_TEST_WARNINGS``. eco copies this file next to the run as ``eco_test_warnings.py``
and loads it with ``-p eco_test_warnings``; it imports nothing from eco.
"""

from __future__ import annotations

import json
import os
import warnings


def pytest_warning_recorded(
    warning_message: warnings.WarningMessage, when: str, nodeid: str, location: object
) -> None:
    target = os.environ.get("ECO_TEST_WARNINGS")
    if not target:
        return
    record = {
        "category": warning_message.category.__name__,
        "message": str(warning_message.message),
        "filename": str(warning_message.filename),
        "lineno": warning_message.lineno,
        "nodeid": nodeid,
        "when": when,
    }
    with open(target, "a", encoding="utf-8") as out:
        out.write(json.dumps(record) + "\n")
