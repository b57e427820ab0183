"""Rules about CORS headers written by hand (CRS401-CRS406).

Checks on the reflected Origin are decided from the set of origins they let
through when it can be computed (``model.language``), by running them as
written on candidate origins otherwise (marked ``proof: heuristic``)."""

from __future__ import annotations

from typing import Iterator

from cors_lint.findings import Finding, Severity
from cors_lint.model import witness as witnesses
from cors_lint.model.language import verdicts
from cors_lint.model.policy import Policy
from cors_lint.rules.base import Rule

HEADER_EXAMPLE = "from flask import Flask, request\n\napp = Flask(__name__)\nALLOWED = {\"https://app.example.com\"}\n\n\n"


def hook_example(*lines: str) -> str:
    """A rule example: an after_request hook whose body is ``lines``."""
    body = "".join(f"    {line}\n" for line in lines)
    return HEADER_EXAMPLE + "@app.after_request\ndef add_cors(response):\n" + body + "    return response\n"


def _severity(credentials: bool) -> Severity:
    return Severity.ERROR if credentials else Severity.WARNING


def _and_credentials(credentials: bool) -> str:
    return " and sends Access-Control-Allow-Credentials: true" if credentials else ""


def _with(credentials: bool) -> str:
    return " with Access-Control-Allow-Credentials: true" if credentials else ""


def check_unchecked_reflection(policy: Policy) -> Iterator[Finding]:
    for function in policy.handwritten:
        for reflection in function.reflections:
            if all(check.kind == "present" for check in reflection.checks):
                yield UNCHECKED_REFLECTION.finding(
                    reflection.where,
                    f"{function.function}() copies the request's Origin into Access-Control-Allow-Origin without "
                    f"checking it{_and_credentials(function.credentials)}, so every website is allowed",
                    witness=witnesses.UNRELATED_ORIGINS[0],
                    severity=_severity(function.credentials),
                )


UNCHECKED_REFLECTION = Rule(
    code="CRS401",
    name="reflected-origin",
    severity=Severity.WARNING,
    summary="The request Origin is reflected into Access-Control-Allow-Origin without a check (error with credentials).",
    what="Finds `Access-Control-Allow-Origin` set to the request's `Origin` header with no check of its value on the way.",
    why=(
        "Echoing the Origin is `*` that also works with credentials: any website a user visits can call the API with "
        "the user's cookies and read the answer. It is the most common hand-written CORS bug."
    ),
    bad=hook_example(
        'response.headers["Access-Control-Allow-Origin"] = request.headers.get("Origin", "")',
        'response.headers["Access-Control-Allow-Credentials"] = "true"',
    ),
    good=hook_example(
        'origin = request.headers.get("Origin")',
        "if origin in ALLOWED:",
        '    response.headers["Access-Control-Allow-Origin"] = origin',
        '    response.headers["Vary"] = "Origin"',
    ),
    fix="Reflect the Origin only when it is in an exact allowlist (`if origin in ALLOWED:`), and add `Vary: Origin`.",
    check=check_unchecked_reflection,
)


def check_weak_origin_check(policy: Policy) -> Iterator[Finding]:
    trust = None
    for function in policy.handwritten:
        for reflection in function.reflections:
            checks = [check for check in reflection.checks if check.kind != "present"]
            if not checks or any(check.is_exact for check in checks):
                continue
            trust = trust or verdicts.policy_trust(policy)
            verdict = verdicts.checks_verdict(reflection.checks, trust, witnesses.check_candidates(reflection.checks))
            witness = verdict.witness
            if verdict.proof == verdicts.HEURISTIC:
                witness = witnesses.check_witness(reflection.checks, trust)
            if witness:
                shown = " and ".join(check.text for check in checks)
                yield WEAK_ORIGIN_CHECK.finding(
                    reflection.where,
                    f"{function.function}() reflects the request's Origin after a check an attacker can pass "
                    f"({shown}): {witness} gets through{_with(function.credentials)}",
                    witness=witness,
                    severity=_severity(function.credentials),
                    proof=verdict.proof,
                )


WEAK_ORIGIN_CHECK = Rule(
    code="CRS402",
    name="weak-origin-check",
    severity=Severity.WARNING,
    summary="The reflected Origin is checked with endswith/startswith/substring/a loose regex (error with credentials).",
    what=(
        "Finds reflections of the request's Origin guarded by a check that a crafted origin passes: `endswith`, "
        "`startswith`, a substring `in`, or a regex that is unanchored or has an unescaped dot."
    ),
    why=(
        "`origin.endswith(\"example.com\")` accepts `https://attackerexample.com`; `startswith(\"https://app.example.com\")` "
        "accepts `https://app.example.com.attacker.example`. Attackers register such names for a few dollars."
    ),
    bad=hook_example(
        'origin = request.headers.get("Origin", "")',
        'if origin.endswith("example.com"):',
        '    response.headers["Access-Control-Allow-Origin"] = origin',
        '    response.headers["Vary"] = "Origin"',
    ),
    good=hook_example(
        'origin = request.headers.get("Origin", "")',
        "if origin in ALLOWED:",
        '    response.headers["Access-Control-Allow-Origin"] = origin',
        '    response.headers["Vary"] = "Origin"',
    ),
    fix="Compare with an exact allowlist (`origin in {\"https://app.example.com\"}`) or a fully anchored, escaped regex.",
    check=check_weak_origin_check,
)


def check_wildcard_with_credentials(policy: Policy) -> Iterator[Finding]:
    for function in policy.handwritten:
        if function.wildcard is not None and function.credentials:
            yield WILDCARD_WITH_CREDENTIALS.finding(
                function.wildcard,
                f"{function.function}() sends Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: "
                "true: browsers refuse this combination, and the usual next 'fix' is to reflect the Origin",
            )


WILDCARD_WITH_CREDENTIALS = Rule(
    code="CRS403",
    name="wildcard-with-credentials",
    severity=Severity.WARNING,
    summary="`Access-Control-Allow-Origin: *` written together with `Access-Control-Allow-Credentials: true`.",
    what="Finds functions that write both `Access-Control-Allow-Origin: *` and `Access-Control-Allow-Credentials: true`.",
    why=(
        "Browsers reject credentialed responses with `*`, so the front end breaks; the change that 'fixes' it is "
        "usually reflecting the Origin, which opens the API to every site (CRS401)."
    ),
    bad=hook_example(
        'response.headers["Access-Control-Allow-Origin"] = "*"',
        'response.headers["Access-Control-Allow-Credentials"] = "true"',
    ),
    good=hook_example(
        'response.headers["Access-Control-Allow-Origin"] = "https://app.example.com"',
        'response.headers["Access-Control-Allow-Credentials"] = "true"',
    ),
    fix="Name the one origin that needs credentials, or drop credentials for a public API.",
    check=check_wildcard_with_credentials,
)


def check_missing_vary(policy: Policy) -> Iterator[Finding]:
    for function in policy.handwritten:
        if function.reflections and not function.vary_origin:
            yield MISSING_VARY.finding(
                function.reflections[0].where,
                f"{function.function}() sets Access-Control-Allow-Origin from the request but never sends "
                "Vary: Origin: a shared cache can serve one origin's answer to another",
            )


MISSING_VARY = Rule(
    code="CRS404",
    name="missing-vary-origin",
    severity=Severity.WARNING,
    summary="A per-request Access-Control-Allow-Origin without `Vary: Origin`.",
    what="Finds functions that write the request's Origin into Access-Control-Allow-Origin and write no `Vary: Origin`.",
    why=(
        "When the answer depends on the Origin header, caches must know: without `Vary: Origin` a CDN or proxy can "
        "give the response for one origin (with its Access-Control-Allow-Origin) to requests from another."
    ),
    bad=hook_example(
        'origin = request.headers.get("Origin")',
        "if origin in ALLOWED:",
        '    response.headers["Access-Control-Allow-Origin"] = origin',
    ),
    good=hook_example(
        'origin = request.headers.get("Origin")',
        "if origin in ALLOWED:",
        '    response.headers["Access-Control-Allow-Origin"] = origin',
        '    response.headers.add("Vary", "Origin")',
    ),
    fix="Add `Vary: Origin` wherever the allowed origin is chosen per request.",
    check=check_missing_vary,
)


def check_handwritten_wildcard(policy: Policy) -> Iterator[Finding]:
    for function in policy.handwritten:
        if function.wildcard is not None and not function.credentials:
            yield HANDWRITTEN_WILDCARD.finding(
                function.wildcard,
                f"{function.function}() sends Access-Control-Allow-Origin: *: any website can read these responses",
                witness=witnesses.UNRELATED_ORIGINS[0],
            )


HANDWRITTEN_WILDCARD = Rule(
    code="CRS405",
    name="handwritten-wildcard",
    severity=Severity.WARNING,
    summary="`Access-Control-Allow-Origin: *` written by hand (the counterpart of CRS102).",
    what="Finds `Access-Control-Allow-Origin: *` written to responses by hand.",
    why=(
        "Every website can read the responses. That is right for public, unauthenticated data and wrong for anything "
        "protected by network position, a VPN or a token the page holds."
    ),
    bad=hook_example('response.headers["Access-Control-Allow-Origin"] = "*"'),
    good=hook_example('response.headers["Access-Control-Allow-Origin"] = "https://app.example.com"'),
    fix="Name the origins that need access.",
    check=check_handwritten_wildcard,
)

def check_handwritten_null(policy: Policy) -> Iterator[Finding]:
    for function in policy.handwritten:
        if function.null_origin is not None:
            yield HANDWRITTEN_NULL.finding(
                function.null_origin,
                f"{function.function}() sends Access-Control-Allow-Origin: null{_with(function.credentials)}: "
                "every sandboxed iframe and data: page is Origin null, and any website can create one",
                witness="null",
                severity=_severity(function.credentials),
                proof=verdicts.EXACT,
            )
        for reflection in function.reflections:
            checks = [check for check in reflection.checks if check.kind != "present"]
            if not checks:
                continue  # unchecked: CRS401
            verdicts_ = [check.passes("null") for check in reflection.checks]
            if all(verdict is True for verdict in verdicts_):
                shown = " and ".join(check.text for check in checks)
                yield HANDWRITTEN_NULL.finding(
                    reflection.where,
                    f"{function.function}() reflects the Origin 'null' ({shown} lets it through)"
                    f"{_with(function.credentials)}: any website can present itself as null from a sandboxed iframe",
                    witness="null",
                    severity=_severity(function.credentials),
                    proof=verdicts.proof_of_checks(reflection.checks),
                )


HANDWRITTEN_NULL = Rule(
    code="CRS406",
    name="handwritten-null-origin",
    severity=Severity.WARNING,
    summary="Hand-written code sends `Access-Control-Allow-Origin: null` or accepts the `null` origin (error with credentials).",
    what=(
        "Finds `Access-Control-Allow-Origin: null` written by hand, and reflections of the request's Origin behind a "
        "check that lets `null` through (`\"null\"` in an allowlist, `origin == \"null\"`). The counterpart of CRS103."
    ),
    why=(
        "Browsers send `Origin: null` from sandboxed iframes, `data:` URLs, `file:` pages and some redirects. An "
        "attacker's page can put its script in a sandboxed iframe, present itself as `null` and read the response."
    ),
    bad=hook_example(
        'origin = request.headers.get("Origin", "")',
        'if origin in ("https://app.example.com", "null"):',
        '    response.headers["Access-Control-Allow-Origin"] = origin',
        '    response.headers["Vary"] = "Origin"',
    ),
    good=hook_example(
        'origin = request.headers.get("Origin", "")',
        "if origin in ALLOWED:",
        '    response.headers["Access-Control-Allow-Origin"] = origin',
        '    response.headers["Vary"] = "Origin"',
    ),
    fix="Remove `null` from the allowed origins; serve local tools from a real origin (`http://localhost:3000`).",
    check=check_handwritten_null,
)

RULES = (
    UNCHECKED_REFLECTION,
    WEAK_ORIGIN_CHECK,
    WILDCARD_WITH_CREDENTIALS,
    MISSING_VARY,
    HANDWRITTEN_WILDCARD,
    HANDWRITTEN_NULL,
)
