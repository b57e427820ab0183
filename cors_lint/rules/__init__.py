"""The rule registry: every rule, in code order."""

from __future__ import annotations

from typing import Dict, Sequence, Tuple

from cors_lint.rules import config, environment, headers, options, origins, parse, redos, resources, unknowns, versions
from cors_lint.rules.base import Rule

ALL_RULES: Tuple[Rule, ...] = tuple(
    sorted(parse.RULES + origins.RULES + resources.RULES + config.RULES + options.RULES + headers.RULES + environment.RULES + unknowns.RULES + redos.RULES + versions.RULES, key=lambda rule: rule.code)
)
RULES_BY_CODE: Dict[str, Rule] = {rule.code: rule for rule in ALL_RULES}
# Findings about the file itself: a broken file must never pass for a clean one.
ALWAYS_REPORTED = frozenset({"CRS001", "CRS002", "CRS003"})


def is_reported(code: str, select: Sequence[str] = (), ignore: Sequence[str] = (), extend_select: Sequence[str] = ()) -> bool:
    """ruff's selection for one code. ``select`` replaces the default set
    (every rule not opt-in) and may name opt-in rules, by code or by any
    prefix (``CRS`` or ``ALL`` select every rule); ``extend_select`` adds to
    ``select`` or to the default set; ``ignore`` removes. The most specific
    prefix decides, ``ignore`` on a tie. CRS001-CRS003 (the file was not
    analysed) are reported unless ignored explicitly."""
    ignored = max((len(prefix) for prefix in ignore if code.startswith(prefix)), default=-1)
    if code in ALWAYS_REPORTED:
        return ignored < 0
    selected = max((len(prefix) for prefix in (*select, *extend_select) if code.startswith(prefix)), default=-1)
    if not select:
        rule = RULES_BY_CODE.get(code)
        if rule is None or rule.enabled_by_default:
            selected = max(selected, 0)  # the default set, less specific than any prefix
    return selected >= 0 and selected > ignored


def selected_codes(select: Sequence[str], extend_select: Sequence[str], ignore: Sequence[str]) -> Tuple[str, ...]:
    """The codes a selection reports, spelt out (for ``select`` in the engine)."""
    return tuple(rule.code for rule in ALL_RULES if is_reported(rule.code, select, ignore, extend_select))


__all__ = ["ALL_RULES", "ALWAYS_REPORTED", "RULES_BY_CODE", "Rule", "is_reported", "selected_codes"]
