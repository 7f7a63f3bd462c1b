"""``eco test``: every project's own test suite against an upstream candidate.

Open :mod:`~eco.ecosystem_ci.project` first: one project end to end (its source at its
branch, a baseline and a candidate environment, the suite under each, the verdict).
Beside it, one job per module: :mod:`~eco.ecosystem_ci.against` reads ``--against``,
:mod:`~eco.ecosystem_ci.requirements` a project's test requirements in either
generation, :mod:`~eco.ecosystem_ci.environments` makes and caches the uv environments,
:mod:`~eco.ecosystem_ci.suite` runs pytest and reads its JUnit XML,
:mod:`~eco.ecosystem_ci.verdict` compares the two runs (pure), and
:mod:`~eco.ecosystem_ci.report` prints text, JSON and Markdown.
"""
