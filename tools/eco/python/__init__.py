"""``eco python``: supported Python versions kept in line with the ecosystem's policy.

Open :mod:`~eco.python.releases` first: CPython's release and end-of-life dates and the
policy evaluated over them. :mod:`~eco.python.places` reads every place a project names
its Pythons; :mod:`~eco.python.status` compares them with the policy;
:mod:`~eco.python.apply` updates the registry.
"""
