"""The rule registry: every rule, in code order."""

from __future__ import annotations

from typing import Dict, Tuple

from cors_lint.rules import options, origins, parse, resources
from cors_lint.rules.base import Rule

ALL_RULES: Tuple[Rule, ...] = tuple(
    sorted(parse.RULES + origins.RULES + resources.RULES + options.RULES, key=lambda rule: rule.code)
)
RULES_BY_CODE: Dict[str, Rule] = {rule.code: rule for rule in ALL_RULES}

__all__ = ["ALL_RULES", "RULES_BY_CODE", "Rule"]
