"""Where the ``uv`` executable is: the one installed with eco (the ``uv`` package), else
the one on ``PATH``.

Looked up once per process, under a lock: lock and eco test work in parallel threads,
and uv's finder reads ``sysconfig``, whose first use is not thread-safe on Python 3.11
(a racing thread saw ``EXE`` as None and failed its project with a TypeError).
"""

from __future__ import annotations

import functools
import shutil
import threading

_LOCK = threading.Lock()


def find_uv() -> str | None:
    """The path of ``uv``, or None when neither the package nor ``PATH`` has one."""
    with _LOCK:
        return _find()


@functools.cache
def _find() -> str | None:
    try:
        import uv

        return str(uv.find_uv_bin())
    except (ImportError, FileNotFoundError):
        return shutil.which("uv")
