"""git, run the same way everywhere: a fixed identity, no user configuration, secrets scrubbed.

Open :mod:`~eco.git.run` first. :mod:`~eco.git.files` reads many files of a commit in one
``git cat-file --batch`` process; :mod:`~eco.git.branch` writes a commit onto a branch
with plumbing, away from any working tree. Part of the core: the workspace clones with it.
"""
