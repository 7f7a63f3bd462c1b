"""``[ecosystem] workflows-ref``: the commit of the monorepo that every caller pins.

Each project's workflow callers read
``uses: OWNER/REPO/.github/workflows/NAME.yaml@<workflows-ref>``. The ref is a commit of
this monorepo whose ``.github/workflows/`` holds every reusable workflow the callers
name. It is bumped by ``eco pins workflows-ref`` after a change to ``workflows/`` lands
on the main branch (the bumping commit cannot name itself: it names the commit before),
and rolled out to the projects by ``eco sync``.
"""

from __future__ import annotations

import re
from pathlib import Path

import tomlkit

from eco.errors import EcoError
from eco.errors import GitError
from eco.git.files import ObjectReader
from eco.git.run import git
from eco.pins.uses import Problem
from eco.pins.uses import SCANNED_DIRS
from eco.pins.uses import scanned_files
from eco.root import REGISTRY_FILE

_CALLER_RE = re.compile(r"/\.github/workflows/([A-Za-z0-9_.-]+\.ya?ml)@\{\{\s*workflows_ref\s*\}\}")


def called_workflows(root: Path) -> list[str]:
    """The reusable workflows the templates call at ``{{ workflows_ref }}``."""
    names: set[str] = set()
    for path in scanned_files(root):
        if path.is_relative_to(root / SCANNED_DIRS[-1]):
            try:
                names.update(_CALLER_RE.findall(path.read_text(encoding="utf-8")))
            except UnicodeDecodeError:
                continue
    return sorted(names)


def is_git_repo(root: Path) -> bool:
    return git("rev-parse", "--is-inside-work-tree", cwd=root, check=False) == "true"


def resolve(root: Path, rev: str) -> str:
    """The full commit SHA of ``rev`` in the monorepo."""
    try:
        return git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", cwd=root)
    except GitError:
        raise EcoError(f"{rev!r} is not a commit of the monorepo at {root}") from None


def check_ref(root: Path, ref: str) -> tuple[list[Problem], list[str]]:
    """Problems with the ref (missing, unknown, lacking a workflow) and notes (behind)."""
    where = f"{REGISTRY_FILE} [ecosystem] workflows-ref"
    names = called_workflows(root)
    if not names:
        return [], []
    if not ref:
        return [Problem(where, "not set; run eco pins workflows-ref")], []
    if not is_git_repo(root):
        return [], [f"{where}: not verified ({root} is not a git repository)"]
    paths = [f".github/workflows/{name}" for name in names]
    with ObjectReader(root) as reader:  # one git process for the ref and every file
        if reader.get(f"{ref}^{{commit}}") is None:
            return [Problem(where, f"{ref} is not a commit of this repository's history")], []
        at_ref = reader.read(ref, paths).files
    lacking = [path for path in paths if path not in at_ref]
    notes: list[str] = []
    for name, path in zip(names, paths, strict=True):
        current = root / "workflows" / name
        if path in at_ref and current.exists() and current.read_bytes() != at_ref[path]:
            notes.append(
                f"workflows/{name} changed since {ref[:12]}; "
                "bump the ref with eco pins workflows-ref once the change is on main"
            )
    problems = (
        [Problem(where, f"{ref[:12]} lacks {', '.join(lacking)}, which the callers call")]
        if lacking
        else []
    )
    return problems, notes


def set_ref(root: Path, sha: str) -> tuple[str, str, str]:
    """The registry's text with ``workflows-ref = sha``: (old ref, old text, new text).

    Comments and formatting of ``projects.toml`` are kept (tomlkit).
    """
    path = root / REGISTRY_FILE
    old_text = path.read_text(encoding="utf-8")
    doc = tomlkit.parse(old_text)
    ecosystem = doc.get("ecosystem")
    if not isinstance(ecosystem, dict):
        raise EcoError(f"{path}: missing the [ecosystem] table")
    old = str(ecosystem.get("workflows-ref", ""))
    ecosystem["workflows-ref"] = sha
    return old, old_text, tomlkit.dumps(doc)
