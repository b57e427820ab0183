"""CRS502: what cors-lint could not decide, for users who want to see its
blind spots. Opt-in: reported only with ``--select CRS502`` (or ``CRS5``)."""

from __future__ import annotations

from typing import Iterator, Set

from cors_lint.evaluate.values import Span, Unknown, first_unknown
from cors_lint.findings import Finding, Severity
from cors_lint.model.origins import origin_entries
from cors_lint.model.policy import Policy
from cors_lint.rules.base import Rule, example_app

# The options whose value decides which origins get in, and with what.
DECIDING_OPTIONS = ("origins", "supports_credentials", "send_wildcard", "resources")


def check_undecided(policy: Policy) -> Iterator[Finding]:
    reported: Set[Span] = set()
    looked_at: Set[int] = set()  # the scopes of one registration share values (resources): each is walked once
    for registration in policy.registrations:
        for scope in registration.scopes:
            for name in DECIDING_OPTIONS:
                value = scope.setting(name).value
                if id(value) in looked_at:
                    continue
                looked_at.add(id(value))
                unknown = first_unknown(value)
                if isinstance(unknown, Unknown) and unknown.where not in reported:
                    reported.add(unknown.where)
                    yield UNDECIDED.finding(unknown.where, f"The {name} option of {registration.label} could not be determined: {unknown.reason}")
            entries = origin_entries(scope.setting("origins"))
            for entry in entries if isinstance(entries, list) else []:
                if entry.cost_reason and entry.where not in reported:
                    reported.add(entry.where)
                    yield UNDECIDED.finding(
                        entry.where, f"origin regex {entry.shown()} was not analysed: {entry.cost_reason}"
                    )
    for function in policy.handwritten:
        for reflection in function.reflections:
            unknown = [check.text for check in reflection.checks if check.kind == "unknown"]
            if unknown:
                yield UNDECIDED.finding(
                    reflection.where,
                    f"{function.function}() reflects the request's Origin after a check cors-lint cannot evaluate "
                    f"({' and '.join(unknown)}): whether it lets attackers through was not decided",
                )


UNDECIDED = Rule(
    code="CRS502",
    name="undecided",
    severity=Severity.NOTE,
    summary="A policy value could not be determined statically (opt-in: `--select CRS502`).",
    what=(
        "Reports the origins, credentials, send_wildcard and resources values that cors-lint could not work out "
        "(a function call, an environment variable without a default, a module outside the project, a name assigned "
        "twice, a regex too costly to run), and hand-written origin checks it cannot evaluate, and why."
    ),
    why=(
        "cors-lint never guesses: where a value is unknown, the rules that need it stay silent. This rule shows "
        "those blind spots, so a reviewer knows which configurations were not checked."
    ),
    bad=example_app("CORS(app, origins=load_origins(), supports_credentials=True)\n"),
    good=example_app('CORS(app, origins=["https://app.example.com"], supports_credentials=True)\n'),
    fix="Write the policy with literals or module constants, or review the undecided values by hand.",
    check=check_undecided,
    enabled_by_default=False,
)

RULES = (UNDECIDED,)
