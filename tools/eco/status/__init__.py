"""``eco status``: one row per project, one cell per aspect, from the other capabilities.

Open :mod:`eco.status.model` first (cells, rows, the aspects and the command that
explains each), then :mod:`eco.status.collect` (each cell read on its own: one that
cannot be read says why, the others are still shown) and :mod:`eco.status.render`
(text, JSON, Markdown and one self-contained HTML page).

This capability reads several others on purpose (docs/maintainer/architecture.md):
sync (drift, workflow policy), settings, release (changelog), python (support policy).
"""
