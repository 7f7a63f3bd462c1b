"""Adoption: read an existing extension's own facts into its registry entry (``eco add``).

Open ``add`` first: it reaches the project (its remote's default branch and tags, the
workspace clone), has ``facts`` derive every fact from the files of that branch — read
with ``git cat-file``, never by running the project's code — and ``entry`` write the
registry table with tomlkit. ``contradictions`` compares a registered project's facts
with what its repository says now (``eco check``).
"""
