"""Every rule's own bad example triggers it, its good example does not."""

from __future__ import annotations

import pytest

from cors_lint import lint_source
from cors_lint.findings import Severity
from cors_lint.rules import ALL_RULES

EXAMPLE_RULES = [rule for rule in ALL_RULES if rule.bad]


@pytest.mark.parametrize("rule", EXAMPLE_RULES, ids=lambda rule: rule.code)
def test_bad_example_triggers_the_rule(rule) -> None:
    trusted = rule.example_trusted_origins
    pinned = rule.example_flask_cors_version
    codes = [
        finding.code
        for finding in lint_source(rule.bad.encode(), "bad.py", select=(rule.code,), trusted_origins=trusted, flask_cors_version=pinned)
    ]
    assert rule.code in codes


@pytest.mark.parametrize("rule", EXAMPLE_RULES, ids=lambda rule: rule.code)
def test_good_example_is_clean(rule) -> None:
    trusted = rule.example_trusted_origins
    pinned = rule.example_flask_cors_version
    assert lint_source(rule.good.encode(), "good.py", trusted_origins=trusted, flask_cors_version=pinned) == []
    assert lint_source(rule.good.encode(), "good.py", select=(rule.code,), trusted_origins=trusted, flask_cors_version=pinned) == []


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_rule_metadata_is_complete(rule) -> None:
    assert rule.code.startswith("CRS") and len(rule.code) == 6
    assert rule.name == rule.name.lower() and " " not in rule.name
    assert rule.summary and rule.what and rule.why and rule.fix
    assert (rule.check is None) == (rule.code in {"CRS001", "CRS002", "CRS003"})
    assert rule.enabled_by_default or rule.severity == Severity.NOTE


def test_codes_and_names_are_unique() -> None:
    assert len({rule.code for rule in ALL_RULES}) == len(ALL_RULES)
    assert len({rule.name for rule in ALL_RULES}) == len(ALL_RULES)
