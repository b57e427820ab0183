"""CRS6xx: advisories of the flask-cors release the project pins, reported
only where the configuration makes them reachable, with a witness request.

The model (``model/exposures.py``) has compared, for every route, the
answer of each affected release the project allows with the answer of the
same release with only the advisory's fix; these rules report the
differences at the registration that answers, with the requirement as a
related location.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Iterator, List

from cors_lint.findings import Finding, Related, Severity
from cors_lint.model.policy import Policy
from cors_lint.rules.base import Rule, example_app

if TYPE_CHECKING:  # loaded only when a project pins an affected release
    from cors_lint.model.exposures import Exposure


def _granted(exposure: "Exposure") -> str:
    from cors_lint.model.exposures import grants

    gained = sorted(grants(exposure.affected, exposure.request) - grants(exposure.fixed, exposure.request))
    return " and ".join(gained)


def check_advisory(code: str):
    def check(policy: Policy) -> Iterator[Finding]:
        assessment = policy.flask_cors
        if assessment is None:
            return
        from cors_lint.model.advisories import BY_CODE, LOG

        advisory = BY_CODE[code]
        here = {registration.where for registration in policy.registrations}
        by_registration: Dict[object, List["Exposure"]] = {}
        for exposure in assessment.exposures:
            if exposure.code == code and exposure.registration in here:
                by_registration.setdefault(exposure.registration, []).append(exposure)
        pinned = assessment.pinned
        requirement = tuple(
            Related(declared.path, declared.line, declared.column, f"flask-cors requirement {declared.text or declared.specifier}")
            for declared in pinned.declared
        )
        deciding = pinned.deciding()
        if deciding is None:
            where_pinned = f"set by {pinned.override_from or 'the configuration'}"
        else:
            where_pinned = f"{'pinned' if len(pinned.versions) == 1 else 'allowed'} at {deciding.location}"
        for registration, exposures in sorted(by_registration.items(), key=lambda item: item[0]):  # type: ignore[arg-type, return-value]
            first = exposures[0]
            version = first.version
            if advisory.kind == LOG:
                shown = (
                    f"{first.request.describe()} writes a forged line into flask-cors's debug log under {version} "
                    f"(the path is logged with repr() from {advisory.fixed} on)"
                )
                severity = Severity.NOTE
            else:
                granted = _granted(first)
                shown = f"{first.request.describe()} gets {granted} under {version} and not under {advisory.fixed}"
                severity = Severity.ERROR if "Access-Control-Allow-Credentials" in granted else RULES_BY_CODE[code].severity
            finding = RULES_BY_CODE[code].finding(
                registration,  # type: ignore[arg-type]
                f"the project's flask-cors {version} ({where_pinned}) {advisory.what} ({', '.join(advisory.ids)}; fixed in "
                f"{advisory.fixed}): {shown}",
                witness=first.request.describe(),
                severity=severity,
            )
            exposes = tuple(
                sorted({Related(e.route_where.path, e.route_where.line, e.route_where.column, f"exposes {e.route}") for e in exposures})
            )
            from dataclasses import replace

            yield replace(finding, related=requirement, exposes=exposes)

    return check


# The examples: small apps whose routes the advisories are about. Each
# rule's examples run with its ``example_flask_cors_version`` pinned; the
# good example is a configuration that makes the advisory unreachable under
# that same release (upgrading, the real fix, is said under "Fix").
_APP = example_app("")
_ROUTE = '\n\n@app.route("{rule}")\ndef {view}(**_):\n    return "ok"\n'
_DECORATED_APP = "from flask import Flask\nfrom flask_cors import cross_origin\n\napp = Flask(__name__)\n"
_DECORATED_ROUTE = (
    '\n\n@app.route("{rule}")\n@cross_origin(origins="https://app.example.com")\ndef {view}(**_):\n    return "ok"\n'
)
VERSION_FIX = (
    "Upgrade flask-cors to {fixed} or later (the newest release is the safest), and pin it; "
    "until then, {workaround}."
)

PRIVATE_NETWORK = Rule(
    code="CRS601",
    name="private-network-access-allowed",
    severity=Severity.WARNING,
    summary="The pinned flask-cors answers Private Network Access preflights with `true` (CVE-2024-6221).",
    what=(
        "Fires when a flask-cors release the project allows (4.0.0 to 4.0.2) answers a preflight that carries "
        "`Access-Control-Request-Private-Network: true` with `Access-Control-Allow-Private-Network: true` on a route "
        "where 5.0.0 would not: always in 4.0.0 and 4.0.1 (the option does not exist there, and is ignored like a "
        "misspelt one), unless `allow_private_network=False` in 4.0.2."
    ),
    why=(
        "Browsers ask this before a public website may reach a server on a private network (an intranet, a "
        "router, localhost). Answering `true` lets the origins the policy accepts reach the server from a visitor's "
        "browser, past the protection."
    ),
    bad=_APP + 'CORS(app, origins="https://app.example.com")\n' + _ROUTE.format(rule="/admin", view="admin"),
    good=_APP + 'CORS(app, origins="https://app.example.com", allow_private_network=False)\n'
    + _ROUTE.format(rule="/admin", view="admin"),
    fix=VERSION_FIX.format(fixed="5.0.0", workaround="on 4.0.2 pass `allow_private_network=False` (4.0.0 and 4.0.1 cannot turn it off)"),
    check=check_advisory("CRS601"),
    example_flask_cors_version="4.0.2",
)

PLUS_DECODED = Rule(
    code="CRS602",
    name="resource-path-plus-decoded",
    severity=Severity.WARNING,
    summary="The pinned flask-cors turns `+` in the request path into a space before matching resources (CVE-2024-6844).",
    what=(
        "Fires when a flask-cors release the project allows (3.0.9 to 5.0.1) decodes the path with `unquote_plus`, "
        "and a route gets another resource's policy through it: a request whose path has a `+` is matched as if it "
        "had a space."
    ),
    why="A path is matched against a resource the developer did not mean for it, with that resource's origins and credentials.",
    bad=_APP
    + 'CORS(app, resources={"/files/a b": {"origins": "https://partner.example.com"}, '
    + 'r"/files/.*": {"origins": "https://app.example.com"}})\n'
    + _ROUTE.format(rule="/files/<name>", view="files"),
    good=_APP + 'CORS(app, resources={r"/files/.*": {"origins": "https://app.example.com"}})\n'
    + _ROUTE.format(rule="/files/<name>", view="files"),
    fix=VERSION_FIX.format(fixed="6.0.0", workaround="avoid resource patterns with spaces or `+`"),
    check=check_advisory("CRS602"),
    example_flask_cors_version="5.0.1",
)

CASE_INSENSITIVE = Rule(
    code="CRS603",
    name="resource-path-case-insensitive",
    severity=Severity.WARNING,
    summary="The pinned flask-cors matches resource paths ignoring letter case (CVE-2024-6866).",
    what=(
        "Fires when a flask-cors release the project allows (before 6.0.0) matches resource patterns ignoring case, "
        "and a route of the app gets, for some letter case of its path, a resource's policy that it does not get "
        "under 6.0.0: `GET /API/admin` answered by the policy written for `/api/.*`."
    ),
    why="A route whose path differs only in case from a resource pattern gets that resource's origins and credentials.",
    bad=_APP + 'CORS(app, resources={r"/api/.*": {"origins": "https://app.example.com"}})\n'
    + _ROUTE.format(rule="/API/admin", view="admin"),
    good=_APP + 'CORS(app, resources={r"/api/.*": {"origins": "https://app.example.com"}})\n'
    + _ROUTE.format(rule="/api/admin", view="admin"),
    fix=VERSION_FIX.format(fixed="6.0.0", workaround="give routes and resource patterns the same letter case"),
    check=check_advisory("CRS603"),
    example_flask_cors_version="5.0.1",
)

RESOURCE_PRIORITY = Rule(
    code="CRS604",
    name="resource-priority",
    severity=Severity.WARNING,
    summary="The pinned flask-cors lets a broader resource pattern win over a more specific one (CVE-2024-6839).",
    what=(
        "Fires when a flask-cors release the project allows (before 6.0.1) tries the patterns of a `resources` dict "
        "in an order that gives a route another pattern's policy than 6.0.1 does: before 6.0.0 the longest pattern "
        "text comes first, in 6.0.0 regexes with the fewest `/` do."
    ),
    why="The route gets the broader pattern's origins or credentials instead of those written for it.",
    bad=_APP
    + 'CORS(app, resources={r"/api/v1/users/.*": {"origins": "https://app.example.com"}, '
    + 'r"/api/(v1|v2)/.*public.*": {"origins": "https://partner.example.com"}})\n'
    + _ROUTE.format(rule="/api/v1/users/public", view="users"),
    good=_APP + 'CORS(app, resources={r"/api/v1/users/.*": {"origins": "https://app.example.com"}})\n'
    + _ROUTE.format(rule="/api/v1/users/public", view="users"),
    fix=VERSION_FIX.format(fixed="6.0.1", workaround="use resource patterns that do not overlap"),
    check=check_advisory("CRS604"),
    example_flask_cors_version="5.0.1",
)

UNDECODED_PATH = Rule(
    code="CRS605",
    name="resource-path-not-decoded",
    severity=Severity.WARNING,
    summary="The pinned flask-cors matches resources against the path without decoding it (CVE-2020-25032).",
    what=(
        "Fires when a flask-cors release the project allows (before 3.0.9) matches resource patterns against the "
        "request path as the server decoded it once, and a route gets a resource's policy through an encoded `/` "
        "(`%252F`) that it does not get from 3.0.9 on."
    ),
    why="A pattern meant for one level of the path covers requests to others, with its origins and credentials.",
    bad=_APP + 'CORS(app, resources={r"/files/[^/]+$": {"origins": "https://app.example.com"}})\n'
    + _ROUTE.format(rule="/files/<path:name>", view="files"),
    good=_DECORATED_APP + _DECORATED_ROUTE.format(rule="/files/<path:name>", view="files"),
    fix=VERSION_FIX.format(
        fixed="3.0.9", workaround="avoid resource patterns that exclude `/`, or put `@cross_origin` on the views that need CORS"
    ),
    check=check_advisory("CRS605"),
    example_flask_cors_version="3.0.8",
)

LOG_INJECTION = Rule(
    code="CRS606",
    name="debug-log-injection",
    severity=Severity.NOTE,
    summary="The pinned flask-cors writes request paths unescaped into its debug log (CVE-2024-1681).",
    what=(
        "Fires when a flask-cors release the project allows (before 4.0.1) has an extension (`CORS(app)`, "
        "`init_app`; `@cross_origin` does not log the path) on an app with routes: every request to a path its "
        "resources cover, a 404 included, is logged at DEBUG with the path decoded, so `%0D%0A` in it starts a "
        "new, forged log line."
    ),
    why="Where the `flask_cors` logger logs at DEBUG, an attacker forges log entries (false audit trails, hidden attacks).",
    bad=_APP + 'CORS(app, resources={r"/api/.*": {"origins": "https://app.example.com"}})\n'
    + _ROUTE.format(rule="/api/items", view="items"),
    good=_DECORATED_APP + _DECORATED_ROUTE.format(rule="/api/items", view="items"),
    fix=VERSION_FIX.format(fixed="4.0.1", workaround="keep the `flask_cors` logger above DEBUG"),
    check=check_advisory("CRS606"),
    example_flask_cors_version="3.0.10",
)

RULES = (PRIVATE_NETWORK, PLUS_DECODED, CASE_INSENSITIVE, RESOURCE_PRIORITY, UNDECODED_PATH, LOG_INJECTION)
RULES_BY_CODE = {rule.code: rule for rule in RULES}
