"""Rules about CORS headers written by hand (CRS401-CRS405)."""

from __future__ import annotations

from typing import Iterator

from cors_lint.findings import Finding, Severity
from cors_lint.model import witness as witnesses
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
    for function in policy.handwritten:
        for reflection in function.reflections:
            checks = [check for check in reflection.checks if check.kind != "present"]
            if not checks or any(check.is_exact for check in checks):
                continue
            witness = witnesses.check_witness(reflection.checks)
            if witness:
                shown = " and ".join(check.text for check in checks)
                yield WEAK_ORIGIN_CHECK.finding(
                    reflection.where,
                    f"{function.function}() reflects the request's Origin after a check an attacker can pass "
                    f"({shown}): {witness} gets through{_with(function.credentials)}",
                    witness=witness,
                    severity=_severity(function.credentials),
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

RULES = (UNCHECKED_REFLECTION, WEAK_ORIGIN_CHECK, WILDCARD_WITH_CREDENTIALS, MISSING_VARY, HANDWRITTEN_WILDCARD)
