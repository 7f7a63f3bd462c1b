"""``eco release``, ``eco build`` and ``eco verify``: the Pallets release process.

Open :mod:`~eco.release.steps` first: the ordered steps of a release, from the checks of
:mod:`~eco.release.preflight` to the tag and the draft GitHub release
(:mod:`~eco.release.github`). :mod:`~eco.release.changelog` and
:mod:`~eco.release.pyproject_version` are pure edits of the two files a release stamps;
:mod:`~eco.release.build` builds distributions as the publish workflow does (with
:mod:`~eco.release.sdist_rules`, what a backend declares about its sdist, and
:mod:`~eco.release.published`, a release as the index has it, to rebuild it comparably);
:mod:`~eco.release.verify` checks PyPI provenance. The one edge to another capability:
the pre-flight asks :mod:`eco.deprecations` which deprecations are due.
"""
