"""Compare what a repository has with what ``settings.toml`` asks: pure functions.

Each setting is one :class:`Finding`: ``expected``, ``different`` (with both values) or
``unreadable`` (with the reason). A difference where the repository is *stricter* than
the file (more rules, fewer bypasses, a security feature on the file leaves off) is
marked so, and :mod:`eco.settings.apply` keeps it unless asked to loosen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eco.settings.model import RulesetSpec
from eco.settings.model import Settings
from eco.settings.read import Current
from eco.settings.read import Unreadable

EXPECTED = "expected"
DIFFERENT = "different"
UNREADABLE = "unreadable"


@dataclass(frozen=True)
class Finding:
    key: str  # e.g. "environment.reviewers"
    state: str  # expected | different | unreadable
    expected: Any
    actual: Any  # the value read, or None when unreadable
    reason: str = ""  # why it could not be read
    stricter: bool = False  # the repository is stricter than the file

    def as_json(self) -> dict[str, Any]:
        out = {"setting": self.key, "state": self.state, "expected": self.expected}
        out["actual"] = self.actual
        if self.reason:
            out["reason"] = self.reason
        if self.stricter:
            out["stricter"] = True
        return out


def expected_values(settings: Settings) -> dict[str, Any]:
    """The file's value of every setting, in the form :mod:`eco.settings.read` gives."""
    env = settings.environment
    return {
        "features.issues": settings.features["issues"],
        "features.discussions": settings.features["discussions"],
        "features.wiki": settings.features["wiki"],
        "security.secret-scanning": settings.security["secret-scanning"],
        "security.push-protection": settings.security["push-protection"],
        "security.private-vulnerability-reporting": settings.security[
            "private-vulnerability-reporting"
        ],
        "actions.default-workflow-permissions": settings.workflow_permissions,
        "actions.can-approve-pull-request-reviews": settings.can_approve_reviews,
        "environment.reviewers": list(env.reviewers),
        "environment.deployment": [f"tag:{env.tag_pattern}"],
        "environment.admin-bypass": env.admin_bypass,
        "branch-ruleset": ruleset_value(settings.branch_ruleset),
        "tag-ruleset": ruleset_value(settings.tag_ruleset),
    }


def ruleset_value(spec: RulesetSpec) -> dict[str, Any]:
    return {
        "target": spec.target,
        "enforcement": "active",
        "include": sorted(spec.include),
        "rules": sorted(spec.rules),
        "bypass": sorted(spec.bypass),
    }


def stricter(key: str, expected: Any, actual: Any) -> bool:
    """Whether ``actual`` is stricter than ``expected`` (never loosened without asking)."""
    if key.startswith("security.") or key == "environment.deployment":
        return key.startswith("security.") and actual is True and expected is False
    if key == "actions.default-workflow-permissions":
        return bool(actual == "read" and expected == "write")
    if key in ("actions.can-approve-pull-request-reviews", "environment.admin-bypass"):
        return actual is False and expected is True
    if key.endswith("-ruleset") and isinstance(actual, dict):
        return (
            actual["enforcement"] == "active"
            and actual["target"] == expected["target"]
            and set(actual["include"]) >= set(expected["include"])
            and set(actual["rules"]) >= set(expected["rules"])
            and set(actual["bypass"]) <= set(expected["bypass"])
        )
    return False


def compare(settings: Settings, current: Current) -> list[Finding]:
    """One finding per setting, in the file's order."""
    found = []
    for key, want in expected_values(settings).items():
        have = current.values[key]
        if isinstance(have, Unreadable):
            found.append(Finding(key, UNREADABLE, want, None, reason=have.reason))
        elif have == want:
            found.append(Finding(key, EXPECTED, want, have))
        else:
            found.append(Finding(key, DIFFERENT, want, have, stricter=stricter(key, want, have)))
    return found


def show(value: Any) -> str:
    """A value as one short line of text."""
    if value is None:
        return "missing"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    if isinstance(value, dict):
        parts = [f"{k}={show(v)}" for k, v in value.items()]
        return "; ".join(parts)
    return str(value)
