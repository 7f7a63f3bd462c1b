"""One module per command; each exposes ``command``, picked up by :mod:`eco.cli`."""
