"""``eco pins``: every ``uses:`` of the ecosystem's workflows pinned to a SHA with its tag.

Open :mod:`~eco.pins.uses` first: parsing, checking and updating pinned lines.
:mod:`~eco.pins.action_tags` lists an action's release tags (PyGithub, loaded only then);
:mod:`~eco.pins.workflows_ref` checks ``[ecosystem] workflows-ref``, the monorepo commit
every caller pins.
"""
