"""The standard skeleton as data: manifest, rendering, ``eco init`` and the ``.eco.toml`` state.

Open :mod:`~eco.skeleton.render` first: it renders ``templates/skeleton/`` for one project
(the manifest of :mod:`~eco.skeleton.manifest` says how each file is owned).
:mod:`~eco.skeleton.state` reads and writes the state a project carries (the skeleton
revision last applied); :mod:`~eco.skeleton.init` creates a brand-new extension.
A service: sync and init use it; it uses only git and the core.
"""
