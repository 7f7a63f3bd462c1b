"""``eco migrate``: move a project between the pip-tools and the uv generation.

Open :mod:`~eco.migrate.convert` first: the conversion of the project's dependency files,
pure functions over text (``requirements/*.in`` <-> ``[dependency-groups]``, every
dependency carried across). :mod:`~eco.migrate.project` lays that conversion over the
project's sync plan for the new generation and commits it on the sync branch, as a sync
does; :mod:`~eco.migrate.registry_edit` changes the project's ``generation`` in
``projects.toml`` with tomlkit, its formatting kept.
"""
