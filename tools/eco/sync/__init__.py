"""``eco sync`` and ``eco check``: the skeleton merged into every project, drift reported.

Open :mod:`~eco.sync.plan` first: it classifies every file of a project (new, unchanged,
updated, merged, conflict, removed, opted-out; on adoption replaced, kept, not-added)
with the pure three-way merges of :mod:`~eco.sync.merge` (text) and
:mod:`~eco.sync.merge_toml` (key by key, by ownership), against the base rendered from
the monorepo's history by :mod:`~eco.sync.snapshot`; :mod:`~eco.sync.adopt` says what a
replaced file had and why a workflow is kept.
:mod:`~eco.sync.project` runs a plan on a workspace clone and commits it to ``eco/sync``;
:mod:`~eco.sync.report` and :mod:`~eco.sync.check_report` print the results;
:mod:`~eco.sync.policy` checks a project's workflows against the ecosystem's policy.
"""
