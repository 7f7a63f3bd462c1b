"""The ecosystem's workflow policy, checked over a project's GitHub Actions files.

Rules (each finding names the file, the line and the rule):

``unpinned-action``
    Every ``uses:`` is pinned to a full 40-hex commit SHA (a tag can be moved; a SHA
    cannot). Local actions (``./``) are fine; ``docker://`` images need a digest.
``missing-permissions``
    The workflow sets ``permissions`` at the top, so no job gets the default token scope.
``publish-in-reusable-workflow``
    The PyPI upload runs in the project's own workflow: trusted publishing matches the
    *calling* workflow file, so an upload inside a ``workflow_call`` workflow fails or,
    worse, trusts the wrong file.
``id-token-outside-upload``
    ``id-token: write`` (the OIDC token PyPI trusts) is granted only to the upload job.
``upload-without-environment``
    The upload job runs under a GitHub environment, the approval gate PyPI registers.
``upload-with-token``
    Nothing uploads with a long-lived token: a ``twine upload`` (or ``uv``, ``flit``,
    ``hatch``, ``poetry``, ``pdm`` ``publish``) step given a secret, or the PyPI publish
    action given a ``password``. Trusted publishing needs no secret (zizmor's
    ``use-trusted-publishing`` audit says the same).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

SHA = re.compile(r"^[0-9a-f]{40}$")
_USES = re.compile(r"""^\s*(?:-\s+)?uses\s*:\s*["']?([^\s"'#]+)""")
PUBLISH_ACTION = "pypa/gh-action-pypi-publish"
# the upload commands that take a token; matched anywhere in a `run:` script
_UPLOAD_COMMAND = re.compile(r"\b(?:twine\s+upload|(?:uv|flit|hatch|poetry|pdm)\s+publish)\b")
_SECRET = re.compile(r"\$\{\{\s*secrets\.(\w+)")


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    rule: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "rule": self.rule, "message": self.message}


def check_workflows(files: Mapping[str, str]) -> list[Finding]:
    """Every finding over the given workflow files (path -> text), sorted."""
    findings = [f for path in sorted(files) for f in check_workflow(path, files[path])]
    return sorted(findings, key=lambda f: (f.path, f.line, f.rule))


def check_workflow(path: str, text: str) -> list[Finding]:
    lines = text.splitlines()
    findings = list(_unpinned(path, lines))
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        return findings + [Finding(path, line, "invalid-yaml", f"not valid YAML: {exc}")]
    if not isinstance(data, dict):
        return findings
    if "permissions" not in data:
        findings.append(
            Finding(
                path,
                1,
                "missing-permissions",
                "no top-level `permissions`; add `permissions: {}` and grant each job the "
                "least it needs",
            )
        )
    elif _grants_id_token(data["permissions"]):
        findings.append(
            Finding(
                path,
                _line_of(lines, r"^permissions\s*:"),
                "id-token-outside-upload",
                "`id-token: write` at the top grants every job the OIDC token; grant it "
                "only to the PyPI upload job",
            )
        )
    reusable = "workflow_call" in _triggers(data)
    jobs = data.get("jobs")
    jobs_line = _line_of(lines, r"^jobs\s*:")
    for name, job in jobs.items() if isinstance(jobs, dict) else ():
        if not isinstance(job, dict):
            continue
        line = _line_of(lines, rf"^\s+{re.escape(str(name))}\s*:", after=jobs_line)
        uploads = _uploads(job)
        if uploads and reusable:
            findings.append(
                Finding(
                    path,
                    line,
                    "publish-in-reusable-workflow",
                    f"job {name!r} uploads to PyPI inside a reusable workflow; PyPI's trusted "
                    "publishing matches the caller's workflow, so the upload job belongs in "
                    "the project's own publish workflow",
                )
            )
        if uploads and not job.get("environment"):
            findings.append(
                Finding(
                    path,
                    line,
                    "upload-without-environment",
                    f"job {name!r} uploads to PyPI without an `environment`; run it under "
                    "the protected environment registered on PyPI",
                )
            )
        for command, secret in _token_uploads(job):
            findings.append(
                Finding(
                    path,
                    _line_of(lines, rf".*{re.escape(command)}", after=line),
                    "upload-with-token",
                    f"job {name!r} uploads with `{command}` and the secret {secret}; "
                    f"publish with {PUBLISH_ACTION} and `id-token: write` (PyPI trusted "
                    "publishing) and delete the token",
                )
            )
        if not uploads and _grants_id_token(job.get("permissions")):
            findings.append(
                Finding(
                    path,
                    line,
                    "id-token-outside-upload",
                    f"job {name!r} has `id-token: write` but does not upload to PyPI; only "
                    "the upload job gets the OIDC token",
                )
            )
    return findings


def _unpinned(path: str, lines: list[str]) -> Iterator[Finding]:
    for number, line in enumerate(lines, start=1):
        match = _USES.match(line)
        if not match:
            continue
        target = match.group(1)
        if target.startswith("./"):
            continue
        if target.startswith("docker://"):
            if "@sha256:" not in target:
                yield Finding(
                    path, number, "unpinned-action", f"{target}: pin the image by its digest"
                )
            continue
        _, _, ref = target.partition("@")
        if not SHA.match(ref):
            yield Finding(
                path,
                number,
                "unpinned-action",
                f"{target}: pin to a full commit SHA with the version as a comment "
                "(`@<40-hex sha> # vX.Y.Z`)",
            )


def _triggers(data: Mapping[Any, Any]) -> set[str]:
    on = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true
    if isinstance(on, str):
        return {on}
    if isinstance(on, list):
        return {str(t) for t in on}
    if isinstance(on, dict):
        return {str(t) for t in on}
    return set()


def _uploads(job: Mapping[str, Any]) -> bool:
    steps = job.get("steps")
    if not isinstance(steps, list):
        return False
    return any(
        isinstance(step, dict) and str(step.get("uses", "")).startswith(PUBLISH_ACTION)
        for step in steps
    )


def _token_uploads(job: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """``(command, secret)`` for each step that uploads to an index with a secret."""
    steps = job.get("steps")
    for step in steps if isinstance(steps, list) else ():
        if not isinstance(step, dict):
            continue
        given = " ".join(str(v) for v in (job.get("env"), step.get("env"), step.get("with")))
        if str(step.get("uses", "")).startswith(PUBLISH_ACTION):
            inputs = step.get("with")
            password = inputs.get("password") if isinstance(inputs, dict) else None
            secret = _SECRET.search(str(password)) if password else None
            if secret:
                yield "password:", secret.group(1)
            continue
        script = str(step.get("run", ""))
        command = _UPLOAD_COMMAND.search(script)
        secret = _SECRET.search(f"{script} {given}")
        if command and secret:
            yield command.group(0), secret.group(1)


def _grants_id_token(permissions: Any) -> bool:
    if permissions == "write-all":
        return True
    return isinstance(permissions, dict) and permissions.get("id-token") == "write"


def _line_of(lines: list[str], pattern: str, *, after: int = 0) -> int:
    """The first line (1-based) after line ``after`` matching ``pattern``, else 1."""
    regex = re.compile(pattern)
    found = (n for n, line in enumerate(lines, start=1) if n > after and regex.match(line))
    return next(found, 1)
