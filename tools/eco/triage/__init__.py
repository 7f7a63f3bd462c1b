"""Triage across every managed repository: fetch, queues, metrics, output.

Data flows one way: :mod:`~eco.triage.fetch` turns GitHub's list endpoints (through the
ETag cache of :mod:`eco.forge.github_cache`) into the plain data classes of
:mod:`~eco.triage.model`; :mod:`~eco.triage.queues` and :mod:`~eco.triage.metrics` are
pure functions over them; :mod:`~eco.triage.report` assembles one report per project;
:mod:`~eco.triage.output` and :mod:`~eco.triage.dashboard` render it. Nothing here closes
anything: closing is :mod:`~eco.triage.close`, a human command with a reason.
"""
