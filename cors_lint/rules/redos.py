"""Patterns that backtrack catastrophically on attacker input: CRS112 for
origin patterns (flask-cors ``origins``, ``CORS_ORIGINS``, hand-written
origin checks), CRS203 for resource patterns (matched against the path).

CRS111 is left to the origin-engine work (issue 14), so the origin family
continues at CRS112; the resource family continues at CRS203.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Optional, Set, Tuple

from cors_lint.evaluate.values import Known, Pattern, Span, python_string
from cors_lint.findings import Finding, Severity
from cors_lint.model import flaskcors, redos
from cors_lint.model.origins import origin_entries
from cors_lint.model.policy import Policy
from cors_lint.rules.base import Rule, example_app

if TYPE_CHECKING:  # model.checks loads libcst, which --explain must not
    from cors_lint.model.checks import OriginCheck


def _confirmed(source: str, flags: int, limit: int, start: str = "") -> Optional[redos.Confirmed]:
    if not redos.suspicious(source, flags):
        return None
    return redos.confirm(source, flags, limit, start)


def _regex_checks(checks: "Tuple[OriginCheck, ...]") -> "Iterator[OriginCheck]":
    for check in checks:
        if check.kind == "regex" and check.pattern is not None:
            yield check
        yield from _regex_checks(check.parts)


def check_origin_redos(policy: Policy) -> Iterator[Finding]:
    seen: Set[Tuple[Span, str]] = set()
    for registration in policy.active:
        for scope in registration.scopes:
            entries = origin_entries(scope.setting("origins"))
            for entry in entries if isinstance(entries, list) else []:
                if not entry.is_regex or entry.is_wildcard or (entry.where, entry.text) in seen:
                    continue
                seen.add((entry.where, entry.text))
                confirmed = _confirmed(entry.text, entry.regex_flags, redos.ORIGIN_LIMIT)
                if confirmed:
                    yield ORIGIN_REDOS.finding(
                        entry.where,
                        f"Origin regex {entry.shown()} backtracks catastrophically: flask-cors runs re.match on the "
                        f"request's Origin header, and an attacker's Origin of {confirmed.length:,} characters (the "
                        "witness) takes it more than 0.1 s, a time that grows faster than the length, so a few such "
                        "requests tie up the server's workers.",
                        witness=confirmed.witness,
                    )
    for function in policy.handwritten:
        for reflection in function.reflections:
            for check in _regex_checks(reflection.checks):
                source, flags, mode = check.pattern  # type: ignore[misc]
                confirmed = _confirmed(source, flags, redos.ORIGIN_LIMIT)
                if confirmed:
                    yield ORIGIN_REDOS.finding(
                        reflection.where,
                        f"The origin check {check.text} in {function.function}() backtracks catastrophically: an "
                        f"attacker's Origin of {confirmed.length:,} characters (the witness) takes re.{mode} more "
                        "than 0.1 s, a time that grows faster than the length, so a few such requests tie up the "
                        "server's workers.",
                        witness=confirmed.witness,
                    )


def check_resource_redos(policy: Policy) -> Iterator[Finding]:
    seen: Set[Span] = set()
    for registration in policy.active:
        for scope in registration.scopes:
            resource = scope.resource
            if not isinstance(resource, Known) or resource.where in seen:
                continue
            seen.add(resource.where)
            if isinstance(resource.value, Pattern):
                source, flags, shown = resource.value.source, resource.value.flags, f"re.compile({python_string(resource.value.source)})"
            elif isinstance(resource.value, str) and flaskcors.probably_regex(resource.value):
                # flask-cors compiles resource strings case-sensitively.
                source, flags, shown = resource.value, 0, python_string(resource.value)
            else:
                continue
            confirmed = _confirmed(source, flags, redos.PATH_LIMIT, "/")
            if confirmed:
                yield RESOURCE_REDOS.finding(
                    resource.where,
                    f"Resource pattern {shown} backtracks catastrophically: flask-cors runs re.match on every "
                    f"request's path, and a path of {confirmed.length:,} characters (the witness) takes it more than "
                    "0.1 s, a time that grows faster than the length, so a few such requests tie up the server's "
                    "workers.",
                    witness=confirmed.witness,
                )


_WHY = (
    "Python's `re` backtracks: when a pattern can match the same text in many ways (a quantifier inside a "
    "quantifier, alternatives that overlap, two `.*` that share characters) and the match finally fails, it tries "
    "them all, and their number grows exponentially or polynomially with the input. The input here is chosen by "
    "the attacker and matched on every request, before the application's own code runs, and `re` cannot be "
    "interrupted: each such request pins a worker for seconds or forever (a denial of service)."
)
_HOW = (
    "A structural screen picks patterns with nested or adjacent quantifiers over overlapping characters or "
    "ambiguous alternations under a repetition; for those, attack strings are matched with `re.match` in a child "
    "process with a hard time limit, at doubling lengths up to the length limit (8,000 characters for an Origin, "
    "4,000 for a path). It is reported only when one "
    "match takes more than 0.1 s of CPU time and the time grew super-linearly with the length; the witness is "
    "the attack string (shortened in text output, complete in JSON and SARIF)."
)

ORIGIN_REDOS = Rule(
    code="CRS112",
    name="origin-regex-redos",
    severity=Severity.ERROR,
    summary="Origin regex that backtracks catastrophically on an attacker's Origin header (ReDoS).",
    what=(
        "Finds origin patterns (`origins`, `CORS_ORIGINS`, `re.match` checks of a hand-written Origin) for which an "
        "Origin header under 8 KiB makes `re.match` run for more than 0.1 s, a time that grows faster than the "
        "header's length. " + _HOW
    ),
    why=_WHY,
    bad=example_app('CORS(app, origins=[r"^https://([a-z0-9]+)+\\.example\\.com$"])\n'),
    good=example_app('CORS(app, origins=[r"^https://[a-z0-9]+\\.example\\.com$"])\n'),
    fix=(
        "Write an anchored pattern in which every character can be matched one way only (`[a-z0-9-]+` once, not "
        "`([a-z0-9]+)+`; no `.*` next to another `.*`), or better, list the exact origins."
    ),
    check=check_origin_redos,
)

RESOURCE_REDOS = Rule(
    code="CRS203",
    name="resource-regex-redos",
    severity=Severity.ERROR,
    summary="Resource pattern that backtracks catastrophically on a request path (ReDoS).",
    what=(
        "Finds resource patterns for which a request path of at most 4,000 characters (within the default request "
        "line limits of common servers) makes `re.match` run for more than 0.1 s, a time that grows faster than "
        "the path's length. " + _HOW
    ),
    why=_WHY,
    bad=example_app('CORS(app, resources={r"/api/(\\w+/?)*$": {"origins": ["https://app.example.com"]}})\n'),
    good=example_app('CORS(app, resources={r"/api/.*": {"origins": ["https://app.example.com"]}})\n'),
    fix=(
        "Use a plain prefix such as `r\"/api/.*\"` (flask-cors's resource patterns are prefix matches), or a "
        "pattern in which every character of the path can be matched one way only."
    ),
    check=check_resource_redos,
)

RULES = (ORIGIN_REDOS, RESOURCE_REDOS)
