"""The rule registry: every rule, in code order."""

from __future__ import annotations

from typing import Dict, Sequence, Tuple

from cors_lint.findings import code_selected

from cors_lint.rules import config, environment, headers, options, origins, parse, resources, unknowns
from cors_lint.rules.base import Rule

ALL_RULES: Tuple[Rule, ...] = tuple(
    sorted(parse.RULES + origins.RULES + resources.RULES + config.RULES + options.RULES + headers.RULES + environment.RULES + unknowns.RULES, key=lambda rule: rule.code)
)
RULES_BY_CODE: Dict[str, Rule] = {rule.code: rule for rule in ALL_RULES}
# Findings about the file itself: a broken file must never pass for a clean one.
ALWAYS_REPORTED = frozenset({"CRS001", "CRS002"})


def is_reported(code: str, select: Sequence[str], ignore: Sequence[str]) -> bool:
    """``--select``/``--ignore`` for one code. CRS001 and CRS002 are reported
    unless ignored explicitly; opt-in rules only when a select prefix longer
    than ``CRS`` names them."""
    if code in ALWAYS_REPORTED:
        return code_selected(code, (), ignore)
    rule = RULES_BY_CODE.get(code)
    if rule is not None and not rule.enabled_by_default:
        named = [prefix for prefix in select if len(prefix) > len("CRS") and code.startswith(prefix)]
        return bool(named) and code_selected(code, named, ignore)
    return code_selected(code, select, ignore)

__all__ = ["ALL_RULES", "ALWAYS_REPORTED", "RULES_BY_CODE", "Rule", "is_reported"]
