"""Rules about ``app.config`` and about where registrations take effect
(CRS302-CRS305)."""

from __future__ import annotations

import difflib
from typing import Iterator

from cors_lint.evaluate.values import describe
from cors_lint.findings import Finding, Severity
from cors_lint.fixes import UNSAFE, Fix, MoveBelow
from cors_lint.model import flaskcors
from cors_lint.model.policy import Policy
from cors_lint.rules.base import Rule

CONFIG_HEADER = "from flask import Flask\nfrom flask_cors import CORS, cross_origin\n\napp = Flask(__name__)\n"

# Keys seen in tutorials and old docs that flask-cors never read.
_MEANT = {
    "CORS_HEADERS": "CORS_ALLOW_HEADERS",
    "CORS_ORIGIN": "CORS_ORIGINS",
    "CORS_SUPPORT_CREDENTIALS": "CORS_SUPPORTS_CREDENTIALS",
    "CORS_CREDENTIALS": "CORS_SUPPORTS_CREDENTIALS",
    "CORS_ALLOW_ORIGINS": "CORS_ORIGINS",
    "CORS_ALLOWED_ORIGINS": "CORS_ORIGINS",
}


def check_unknown_config_key(policy: Policy) -> Iterator[Finding]:
    for entry in policy.config:
        key = entry.key
        if key is None or not key.startswith("CORS_") or key in flaskcors.CONFIG_OPTIONS or key in policy.config_reads:
            continue  # a key the app reads itself (``app.config.get(KEY)``) is the app's own setting
        meant = _MEANT.get(key) or next(iter(difflib.get_close_matches(key, flaskcors.CONFIG_OPTIONS, n=1, cutoff=0.7)), None)
        hint = f" (did you mean {meant}?)" if meant else ""
        yield UNKNOWN_CONFIG_KEY.finding(entry.where, f"flask-cors never reads {key}{hint}: this setting has no effect")


UNKNOWN_CONFIG_KEY = Rule(
    code="CRS302",
    name="unknown-config-key",
    severity=Severity.WARNING,
    summary="`CORS_*` config key that flask-cors never reads (`CORS_HEADERS`, `CORS_ORIGIN`...).",
    what="Finds `CORS_`-prefixed keys written to `app.config` that are not among flask-cors's configuration keys.",
    why=(
        "flask-cors reads exactly `CORS_ORIGINS`, `CORS_METHODS`, `CORS_ALLOW_HEADERS`, `CORS_EXPOSE_HEADERS`, "
        "`CORS_SUPPORTS_CREDENTIALS`, `CORS_MAX_AGE`, `CORS_SEND_WILDCARD`, `CORS_AUTOMATIC_OPTIONS`, "
        "`CORS_VARY_HEADER`, `CORS_RESOURCES`, `CORS_INTERCEPT_EXCEPTIONS`, `CORS_ALWAYS_SEND` and "
        "`CORS_ALLOW_PRIVATE_NETWORK`. Any other key, such as the `CORS_HEADERS` of many tutorials, does nothing, "
        "and the permissive default stays."
    ),
    bad=CONFIG_HEADER + 'app.config["CORS_ORIGIN"] = "https://app.example.com"\nCORS(app, origins=["https://app.example.com"])\n',
    good=CONFIG_HEADER + 'app.config["CORS_ORIGINS"] = ["https://app.example.com"]\nCORS(app)\n',
    fix="Use the key flask-cors reads (`CORS_ORIGINS`, `CORS_ALLOW_HEADERS`, `CORS_SUPPORTS_CREDENTIALS`, ...).",
    check=check_unknown_config_key,
)


def check_config_after_registration(policy: Policy) -> Iterator[Finding]:
    for entry in policy.config:
        if entry.option is None:
            continue
        same_app = [
            registration
            for registration in policy.registrations
            if registration.kind == "extension" and registration.app == entry.app and registration.context == entry.context
        ]
        before = [registration for registration in same_app if registration.where < entry.happens_at]
        after = [registration for registration in same_app if registration.where > entry.happens_at]
        if before and not after:
            registration = before[-1]
            in_force = describe(registration.setting(entry.option).value)
            yield CONFIG_TOO_LATE.finding(
                entry.where,
                f"{entry.key} is set after {registration.label} (line {registration.where.line}), which has already "
                f"read app.config: it has no effect, and {entry.option} stays {in_force}",
            )


CONFIG_TOO_LATE = Rule(
    code="CRS303",
    name="config-after-registration",
    severity=Severity.WARNING,
    summary="`CORS_*` config written after `CORS(app)`/`init_app(app)`: no effect.",
    what="Finds `CORS_*` keys written to `app.config` after flask-cors was registered on that app in the same function.",
    why=(
        "`CORS(app)` and `init_app(app)` read `app.config` once, when they run. A key set afterwards, such as a "
        "stricter `CORS_ORIGINS` in a factory, is never seen, and the options in force are the earlier ones "
        "(often the default `*`)."
    ),
    bad=CONFIG_HEADER + 'CORS(app)\napp.config["CORS_ORIGINS"] = ["https://app.example.com"]\n',
    good=CONFIG_HEADER + 'app.config["CORS_ORIGINS"] = ["https://app.example.com"]\nCORS(app)\n',
    fix="Set the configuration before `CORS(app)` / `init_app(app)` runs.",
    check=check_config_after_registration,
)


def check_blueprint_ignores_config(policy: Policy) -> Iterator[Finding]:
    written = [entry for entry in policy.config if entry.option is not None]
    if not written:
        return
    for registration in policy.registrations:
        if registration.on_blueprint:
            keys = ", ".join(sorted({entry.key for entry in written if entry.key}))
            origins = describe(registration.setting("origins").value)
            yield BLUEPRINT_IGNORES_CONFIG.finding(
                registration.where,
                f"{registration.label} registers CORS on a blueprint, and flask-cors reads no app config for "
                f"blueprints: {keys} (line {written[0].where.line}) do not apply here; origins is {origins}",
            )


BLUEPRINT_IGNORES_CONFIG = Rule(
    code="CRS304",
    name="blueprint-ignores-app-config",
    severity=Severity.WARNING,
    summary="`CORS_*` app config set, but CORS is registered on a blueprint, which reads none of it.",
    what="Finds `CORS(bp)` / `init_app(bp)` on a `flask.Blueprint` in a module that configures CORS through `app.config`.",
    why=(
        "flask-cors looks for a `config` attribute on what it is registered on; a blueprint has none, so the "
        "`CORS_*` keys of the app are ignored and the defaults, including origins `*`, apply to the blueprint."
    ),
    bad=(
        "from flask import Blueprint, Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\n"
        'app.config["CORS_ORIGINS"] = ["https://app.example.com"]\napi = Blueprint("api", __name__)\nCORS(api)\n'
    ),
    good=(
        "from flask import Blueprint, Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\n"
        'api = Blueprint("api", __name__)\nCORS(api, origins=["https://app.example.com"])\n'
    ),
    fix="Pass the options to `CORS(bp, ...)` itself, or register CORS on the app with `resources` for the blueprint's paths.",
    check=check_blueprint_ignores_config,
)


def check_decorator_above_route(policy: Policy) -> Iterator[Finding]:
    # One registration per route of the view: the decorator goes below the lowest.
    lowest: dict = {}
    for registration in policy.registrations:
        if registration.route_below is not None:
            lowest[registration.where] = max(lowest.get(registration.where, registration.route_below), registration.route_below)
    for registration in policy.registrations:
        if registration.kind == "decorator" and registration.inactive:
            fix = None
            if registration.where in lowest:
                # Unsafe whatever the options: the view gets a CORS policy it did not have.
                fix = Fix(
                    UNSAFE,
                    "Move @cross_origin(...) below the route decorator",
                    proposals=(MoveBelow(registration.where, lowest[registration.where]),),
                )
            yield DECORATOR_ABOVE_ROUTE.finding(
                registration.where, f"{registration.label} never applies: {registration.inactive}", fix=fix
            )


DECORATOR_ABOVE_ROUTE = Rule(
    code="CRS305",
    name="cross-origin-above-route",
    severity=Severity.WARNING,
    summary="`@cross_origin` placed above the route decorator: the route registers the view without CORS.",
    what="Finds `@cross_origin(...)` written above `@app.route(...)` (or `.get`, `.post`, ... of an app or blueprint).",
    why=(
        "Decorators apply from the bottom up. The route decorator registers the function it receives; when "
        "`@cross_origin` sits above it, the registered view is the undecorated one, so the intended policy never "
        "applies and whatever else answers (often an app-wide `CORS(app)`) decides."
    ),
    bad=CONFIG_HEADER + '\n\n@cross_origin(origins=["https://app.example.com"])\n@app.route("/")\ndef index():\n    return "ok"\n',
    good=CONFIG_HEADER + '\n\n@app.route("/")\n@cross_origin(origins=["https://app.example.com"])\ndef index():\n    return "ok"\n',
    fix="Put `@cross_origin(...)` below the route decorator, directly above the function.",
    fixed=CONFIG_HEADER + '\n\n@app.route("/")\n@cross_origin(origins=["https://app.example.com"])\ndef index():\n    return "ok"\n',
    fix_applicability=(
        "moves `@cross_origin(...)` (its whole lines, comments included) below the lowest route decorator. "
        "Unsafe: it turns the decorator's CORS policy on for the view."
    ),
    fix_always_unsafe=True,
    check=check_decorator_above_route,
)

HOOK_HEADER = "from flask import Flask, request\nfrom flask_cors import CORS\n\napp = Flask(__name__)\n"


def check_hook_against_flask_cors(policy: Policy) -> Iterator[Finding]:
    for conflict in policy.hook_conflicts:
        shown = ", ".join(conflict.routes) + (", ..." if conflict.count > len(conflict.routes) else "")
        routes = f"{conflict.count} route{'s' if conflict.count != 1 else ''} ({shown})"
        registered = f"{conflict.registration} (line {conflict.registration_where.line}"
        registered += f" of {conflict.registration_where.path})" if conflict.registration_where.path not in ("", conflict.where.path) else ")"
        if conflict.runs_first:
            message = (
                f"{conflict.hook}() writes Access-Control-Allow-Origin in an after_request hook that runs before the one of "
                f"{registered}, so flask-cors leaves alone every response the hook answers: for the origins the hook "
                f"accepts, the configured policy never applies on {routes}"
            )
        else:
            message = (
                f"{conflict.hook}() writes Access-Control-Allow-Origin after {registered} has answered: its value "
                f"replaces flask-cors's (or, with headers.add, doubles it, which browsers reject) on {routes}"
            )
        yield HOOK_AGAINST_FLASK_CORS.finding(conflict.where, message, witness=conflict.witness)


HOOK_AGAINST_FLASK_CORS = Rule(
    code="CRS312",
    name="hook-overrides-flask-cors",
    severity=Severity.WARNING,
    summary="A hand-written `after_request` hook writes Access-Control-Allow-Origin on routes flask-cors also answers.",
    what=(
        "Finds `after_request` hooks (of the app or of a route's blueprints) that write `Access-Control-Allow-Origin` "
        "on routes where a flask-cors registration or `@cross_origin` also answers, and says which of the two wins."
    ),
    why=(
        "Flask runs `after_request` functions in reverse order of registration, and flask-cors's own hook skips any "
        "response that already carries Access-Control-Allow-Origin. A hook registered after `CORS(app)` therefore "
        "decides alone for the origins it accepts, bypassing the configured policy; one registered before it, or any "
        "hook on a `@cross_origin` view, rewrites or duplicates flask-cors's header (two values make browsers refuse "
        "the response). Either way the policy that reviewers read is not the one the app applies."
    ),
    bad=HOOK_HEADER
    + 'CORS(app, origins=["https://app.example.com"])\n\n\n@app.after_request\ndef add_partner(response):\n'
    + '    if request.headers.get("Origin") == "https://partner.example.net":\n'
    + '        response.headers["Access-Control-Allow-Origin"] = "https://partner.example.net"\n'
    + "    return response\n\n\n"
    + '@app.route("/data")\ndef data():\n    return "data"\n',
    good=HOOK_HEADER
    + 'CORS(app, origins=["https://app.example.com", "https://partner.example.net"])\n\n\n'
    + '@app.route("/data")\ndef data():\n    return "data"\n',
    fix="Let one mechanism answer: add the hook's origins to flask-cors's `origins`, or drop flask-cors for those routes (`resources`).",
    check=check_hook_against_flask_cors,
)

RULES = (UNKNOWN_CONFIG_KEY, CONFIG_TOO_LATE, BLUEPRINT_IGNORES_CONFIG, DECORATOR_ABOVE_ROUTE, HOOK_AGAINST_FLASK_CORS)
