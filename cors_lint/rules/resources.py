"""Rules about which request paths a CORS policy covers (CRS201-CRS202)."""

from __future__ import annotations

import re
from typing import Callable, Iterator, Optional, Tuple

from cors_lint.evaluate.values import Known, Pattern, python_string
from cors_lint.findings import Finding, Severity
from cors_lint.model import flaskcors
from cors_lint.model import witness as witnesses
from cors_lint.model.policy import Policy, Registration, Scope
from cors_lint.model.regex import too_costly
from cors_lint.fixes import Fix, NewStrings, applicability
from cors_lint.model.narrowing import paths_narrowed
from cors_lint.rules import repairs
from cors_lint.rules.base import Rule, example_app


def _resource_patterns(policy: Policy) -> Iterator[Tuple[Registration, Scope, Known, flaskcors.PatternLike]]:
    """Every known, written resource pattern (defaults are not the author's)."""
    for registration in policy.active:
        for scope in registration.scopes:
            resource = scope.resource
            if not isinstance(resource, Known) or scope.setting("resources").is_default:
                continue
            if isinstance(resource.value, Pattern):
                if too_costly(resource.value.source, resource.value.flags):
                    continue  # CRS502
                try:
                    yield registration, scope, resource, re.compile(resource.value.source, resource.value.flags)
                except re.error:
                    continue  # CRS110
            elif isinstance(resource.value, str) and not too_costly(resource.value):
                yield registration, scope, resource, resource.value


def _shown(pattern: flaskcors.PatternLike) -> str:
    if isinstance(pattern, re.Pattern):
        return f"re.compile({python_string(pattern.pattern)})"
    return python_string(pattern)


def check_broad_resource(policy: Policy) -> Iterator[Finding]:
    for registration, scope, resource, pattern in _resource_patterns(policy):
        if not flaskcors.probably_regex(pattern):
            continue  # literal paths are compared exactly
        witness = witnesses.broader_path(pattern)
        if witness:
            yield BROAD_RESOURCE.finding(
                resource.where,
                f"resource pattern {_shown(pattern)} is a regex matched with re.match (a prefix match), so it also "
                f"covers {witness}",
                witness=witness,
                fix=_resource_fix(policy, registration, resource, repairs.path_prefix_regex, "Require the '/'"),
            )


def _resource_fix(
    policy: Policy, registration: Registration, resource: Known, repair: Callable[[str], Optional[str]], what: str
) -> Optional[Fix]:
    """The repaired resource pattern. Safe when it covers a subset of the
    paths the original covered and every route of the registration that the
    original covered still gets the policy (``model.narrowing``)."""
    if not isinstance(resource.value, str):
        return None  # a compiled pattern: the literal is inside re.compile()
    text = repair(resource.value)
    if text is None:
        return None
    # A registration absent from the model's routes answers none of them.
    routes = dict(policy.route_paths).get(registration.where, ()) if policy.route_paths is not None else None
    safe = paths_narrowed(resource.value, text, routes)
    return Fix(applicability(safe), f"{what}: {python_string(text)}", proposals=(NewStrings(resource.where, (text,)),))


BROAD_RESOURCE = Rule(
    code="CRS201",
    name="resource-broader-than-it-looks",
    severity=Severity.WARNING,
    summary="Resource pattern broader than it looks: `r\"/api/*\"` also covers `/apiary` and `/api-admin/...`.",
    what="Finds resource patterns that cover paths outside the tree they name.",
    why=(
        "Resource keys are regexes matched with `re.match`, which anchors only at the start. In `/api/*` the `*` "
        "repeats the `/`, so the pattern is `/api` followed by nothing in particular: `/api-admin/users` and "
        "`/apiary` get the CORS policy meant for `/api/`."
    ),
    bad=example_app('CORS(app, resources={r"/api/*": {"origins": ["https://app.example.com"]}})\n'),
    good=example_app('CORS(app, resources={r"/api/.*": {"origins": ["https://app.example.com"]}})\n'),
    fix="Write `r\"/api/.*\"` (the `/` is then required), and anchor with `$` where a pattern must match a whole path.",
    fixed=example_app('CORS(app, resources={r"/api/.*": {"origins": ["https://app.example.com"]}})\n'),
    fix_applicability='rewrites a trailing `/*` as `/.*`. Safe when the fixed pattern covers a subset of the paths and no route of the app that the original covered loses its policy (`/api` itself does); unsafe when the routes are not known.',
    check=check_broad_resource,
)


def _never_matches(pattern: flaskcors.PatternLike) -> Optional[str]:
    if isinstance(pattern, str) and not flaskcors.probably_regex(pattern):
        if not pattern.startswith("/"):
            return "it is compared literally with the request path, which always starts with '/'"
        return None
    source = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    body = source[1:] if source.startswith("^") else source
    first = body[:1]
    if first and (first.isalnum() or first in "_-"):
        return "a request path always starts with '/', and re.match anchors the pattern there"
    return None


def check_dead_resource(policy: Policy) -> Iterator[Finding]:
    for registration, scope, resource, pattern in _resource_patterns(policy):
        reason = _never_matches(pattern)
        if reason:
            yield DEAD_RESOURCE.finding(
                resource.where,
                f"resource pattern {_shown(pattern)} can never match a request path: {reason}",
                fix=_resource_fix(policy, registration, resource, repairs.rooted_path, "Start the pattern with '/'"),
            )


DEAD_RESOURCE = Rule(
    code="CRS202",
    name="resource-never-matches",
    severity=Severity.WARNING,
    summary="Resource pattern that can never match a request path (no leading `/`).",
    what="Finds resource patterns that no request path can match.",
    why=(
        "Flask request paths always start with `/`. A resource such as `\"api/.*\"` never applies, so the "
        "routes it was meant for fall through to the next pattern (often a permissive catch-all) or get no CORS."
    ),
    bad=example_app('CORS(app, resources={"api/.*": {"origins": ["https://app.example.com"]}})\n'),
    good=example_app('CORS(app, resources={"/api/.*": {"origins": ["https://app.example.com"]}})\n'),
    fix="Start the pattern with `/`.",
    fixed=example_app('CORS(app, resources={"/api/.*": {"origins": ["https://app.example.com"]}})\n'),
    fix_applicability='adds the leading `/`. Unsafe: the policy starts applying to routes it never reached.',
    fix_always_unsafe=True,
    check=check_dead_resource,
)

RULES = (BROAD_RESOURCE, DEAD_RESOURCE)
