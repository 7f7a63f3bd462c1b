"""Repository settings as code: ``settings.toml`` against each repository on GitHub.

Open :mod:`eco.settings.model` first (the file and its validation), then
:mod:`eco.settings.read` (what a repository has, through PyGithub's requester),
:mod:`eco.settings.compare` (expected / different / could not read), :mod:`eco.settings.apply`
(write only the differences, never loosening a stricter setting unless asked) and
:mod:`eco.settings.publisher` (the trusted-publisher checklist GitHub's API cannot set).
"""
