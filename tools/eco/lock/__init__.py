"""``eco lock``: pinned ``requirements/*.txt`` for every project, skipping what is current.

Open :mod:`~eco.lock.requirements` first: the layering of a project's ``.in`` files and
when each needs compiling. :mod:`~eco.lock.resolvers` holds the two backends (pip-compile,
``uv pip compile``); :mod:`~eco.lock.project` locks one workspace clone and commits the
result onto ``eco/lock``.
"""
