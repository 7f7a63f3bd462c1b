"""The Python files of a project's branch, read from its workspace clone in two git calls."""

from __future__ import annotations

from pathlib import Path

from eco.deprecations.own import package_paths
from eco.deprecations.scan import Source
from eco.gitread import list_files
from eco.gitread import read_texts


def git_sources(repo: Path, ref: str, *, package_only: bool = False) -> list[Source]:
    """Every ``*.py`` file at ``ref`` (only package code with ``package_only``)."""
    paths = [p for p in list_files(repo, ref) if p.endswith(".py")]
    if package_only:
        paths = package_paths(paths)
    texts = read_texts(repo, ref, paths)
    return [Source(path, text) for path, text in texts.items() if text is not None]
