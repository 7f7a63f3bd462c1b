"""The pure parts of eco settings: what counts as stricter, and a ruleset never loosened."""

from __future__ import annotations

import tomllib

from eco.settings.apply import ruleset_body
from eco.settings.compare import expected_values
from eco.settings.compare import ruleset_value
from eco.settings.compare import stricter
from eco.settings.model import build
from eco.settings.model import merge
from eco.settings.model import RulesetSpec
from tests.helpers import REPO

TAGS = RulesetSpec("eco: release tags", "tag", ("refs/tags/*",), ("creation",), ("maintain",))


def test_the_monorepo_file_builds() -> None:
    table = tomllib.loads((REPO / "settings.toml").read_text())
    values = expected_values(build(table))
    assert values["environment.deployment"] == ["tag:*"]
    assert values["environment.admin-bypass"] is False
    assert values["actions.default-workflow-permissions"] == "read"


def test_an_override_replaces_one_key_only() -> None:
    base = {"features": {"issues": True, "wiki": False}, "actions": {"x": 1}}
    assert merge(base, {"features": {"wiki": True}}) == {
        "features": {"issues": True, "wiki": True},
        "actions": {"x": 1},
    }


def test_what_is_stricter() -> None:
    assert stricter("security.secret-scanning", False, True)
    assert not stricter("security.secret-scanning", True, False)
    assert stricter("actions.default-workflow-permissions", "write", "read")
    assert not stricter("actions.default-workflow-permissions", "read", "write")
    assert stricter("environment.admin-bypass", True, False)
    assert not stricter("features.wiki", False, True)
    want = ruleset_value(TAGS)
    more_rules = {**want, "rules": ["creation", "deletion"]}
    no_bypass = {**want, "bypass": []}
    more_bypass = {**want, "bypass": ["admin", "maintain"]}
    assert stricter("tag-ruleset", want, more_rules) and stricter("tag-ruleset", want, no_bypass)
    assert not stricter("tag-ruleset", want, more_bypass)
    assert not stricter("tag-ruleset", want, {**want, "enforcement": "evaluate"})


def test_a_ruleset_keeps_its_own_rules_and_grants_no_new_bypass() -> None:
    actual = {
        "rules": [{"type": "creation"}, {"type": "required_signatures"}],
        "conditions": {"ref_name": {"include": ["refs/tags/*"], "exclude": []}},
        "bypass_actors": [{"actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "always"}],
    }
    kept = ruleset_body(TAGS, actual, loosen=False)
    assert [r["type"] for r in kept["rules"]] == ["creation", "required_signatures"]
    assert kept["bypass_actors"] == []  # maintain was never granted: not added
    loose = ruleset_body(TAGS, actual, loosen=True)
    assert [r["type"] for r in loose["rules"]] == ["creation"]
    assert [a["actor_id"] for a in loose["bypass_actors"]] == [2]
    new = ruleset_body(TAGS, None, loosen=False)
    assert new["enforcement"] == "active" and new["target"] == "tag"
    assert [a["actor_id"] for a in new["bypass_actors"]] == [2]
