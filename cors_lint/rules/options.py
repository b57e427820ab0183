"""Rules about flask-cors options other than origins and resources, and
about how registrations combine (CRS301, CRS306-CRS311)."""

from __future__ import annotations

import difflib
import dataclasses
from datetime import timedelta
from typing import Callable, Dict, Iterator, List, Optional, Tuple

from cors_lint.evaluate.values import Known, Value, describe
from cors_lint.findings import Finding, Severity
from cors_lint.model import flaskcors
from cors_lint.model.policy import GivenOption, NotConcrete, exclusive, OptionLayer, Policy, Registration, Scope, Setting, concrete
from cors_lint.fixes import Fix, Rename, StringToCode, applicability
from cors_lint.model.narrowing import origins_narrowed
from cors_lint.model.origins import origin_entries
from cors_lint.rules.base import Rule, example_app

# Names people write for an option that difflib would not find.
_MEANT = {
    "credentials": "supports_credentials",
    "allow_credentials": "supports_credentials",
    "allowed_origins": "origins",
    "allow_origins": "origins",
    "allow_origin": "origins",
    "allow_methods": "methods",
    "headers": "allow_headers",
    "expose": "expose_headers",
}


def _suggestion(name: str) -> Optional[str]:
    if name in _MEANT:
        return _MEANT[name]
    close = difflib.get_close_matches(name, flaskcors.OPTION_NAMES, n=1, cutoff=0.6)
    return close[0] if close else None


def _first_scope(registration: Registration) -> Scope:
    return registration.scopes[0]


def check_unknown_option(policy: Policy) -> Iterator[Finding]:
    for registration in policy.registrations:
        for layer in registration.layers:
            for ignored in layer.ignored:
                meaning = (
                    "cross_origin() ignores positional arguments, so every option keeps its default "
                    "(origins '*')"
                    if registration.kind == "decorator"
                    else "CORS() takes the app as its only positional argument: this raises TypeError"
                )
                yield UNKNOWN_OPTION.finding(ignored.where, f"{ignored.description} to {layer.label}: {meaning}")
            for option in layer.given:
                if option.name in flaskcors.OPTION_NAMES:
                    continue
                yield UNKNOWN_OPTION.finding(
                    option.where,
                    _unknown_message(option.name, layer.label, registration.setting),
                    fix=_rename_fix(option, registration.scopes),
                )
        for scope in registration.scopes:
            layer = scope.resource_layer
            for option in layer.given if layer else ():
                if option.name not in flaskcors.OPTION_NAMES:
                    yield UNKNOWN_OPTION.finding(
                        option.where,
                        _unknown_message(option.name, layer.label, scope.setting),
                        fix=_rename_fix(option, (scope,), own_scope=True),
                    )


def _rename_fix(option: GivenOption, scopes: Tuple[Scope, ...], own_scope: bool = False) -> Optional[Fix]:
    """The misspelt option under the name meant. Safe when, in every scope it
    would reach, the value it brings in is a narrowing of the one in force
    (``origins=`` in place of the default ``*``), unsafe when it widens
    anything (``supports_credentials=True`` turns credentials on)."""
    meant = _suggestion(option.name)
    if meant is None:
        return None
    safe = True
    for scope in scopes:
        current = scope.setting(meant)
        if not own_scope and scope.resource_layer is not None and current.source == scope.resource_layer.label:
            continue  # the resource's own options take precedence: this scope does not change
        safe = safe and option_change_safe(current, option.value)
    return Fix(
        applicability(safe),
        f"Rename {option.name!r} to {meant!r}",
        proposals=(Rename(option.where, option.name, meant),),
    )


# Boolean options whose False is the narrower setting: turning them off
# takes something away from the responses, never adds to them.
NARROWER_WHEN_FALSE = frozenset({"supports_credentials", "allow_private_network", "always_send"})
# Options whose default allows everything: any value written narrows them.
EVERYTHING_BY_DEFAULT = frozenset({"origins", "methods", "allow_headers"})


def option_change_safe(current: Setting, value: Value) -> bool:
    """Is putting ``value`` in place of the setting in force a narrowing?"""
    name = current.name
    if name == "origins":
        before = origin_entries(current)
        after = origin_entries(dataclasses.replace(current, value=value, source="fixed"))
        return isinstance(before, list) and isinstance(after, list) and origins_narrowed(before, after)
    try:
        old, new = concrete(current.value), concrete(value)
    except NotConcrete:
        return False
    if name in flaskcors.BOOLEAN_OPTIONS:
        return bool(old) == bool(new) or (not new and name in NARROWER_WHEN_FALSE)
    if name in EVERYTHING_BY_DEFAULT and current.is_default:
        return True
    return old == new


def _unknown_message(name: str, where: str, setting_of: Callable[[str], Setting]) -> str:
    suggestion = _suggestion(name)
    message = f"unknown option {name!r} in {where} is ignored by flask-cors"
    if suggestion:
        setting = setting_of(suggestion)
        message += f" (did you mean {suggestion!r}?); {suggestion!r} is {_in_force(setting)}"
    return message


def _in_force(setting: Setting) -> str:
    shown = describe(setting.value)
    if setting.is_default:
        return f"left at its default {shown}"
    return f"{shown}, from {setting.source}"


UNKNOWN_OPTION = Rule(
    code="CRS301",
    name="unknown-option",
    severity=Severity.WARNING,
    summary="Unknown option name (`origin=`, `support_credentials=`...): ignored, the default applies.",
    what=(
        "Finds keyword arguments of `CORS()`, `init_app()` and `@cross_origin()`, and keys of per-resource "
        "option dicts, that flask-cors does not know; and positional arguments that it ignores."
    ),
    why=(
        "flask-cors only logs a warning for an unknown option and carries on with its default. "
        "`CORS(app, origin=\"https://app.example.com\")` therefore allows every origin, and "
        "`@cross_origin(\"https://app.example.com\")` does too: the decorator ignores positional arguments."
    ),
    bad=example_app('CORS(app, origin="https://app.example.com")\n'),
    good=example_app('CORS(app, origins="https://app.example.com")\n'),
    fix="Use the option names flask-cors documents: `origins`, `methods`, `allow_headers`, `expose_headers`, "
    "`supports_credentials`, `max_age`, `send_wildcard`, `vary_header`, `resources`, ...",
    fixed=example_app('CORS(app, origins="https://app.example.com")\n'),
    fix_applicability='renames the option to the closest valid name. Safe when the value then in force is a narrowing of the one in force before (`origin=` in place of the default `*`); unsafe when it widens anything (`support_credentials=True` turns credentials on).',
    check=check_unknown_option,
)


def check_startup_error(policy: Policy) -> Iterator[Finding]:
    for registration in policy.active:
        when = "on every request to the view" if registration.kind == "decorator" else "at start-up"
        candidates = [(registration.failure, _first_scope(registration))]
        candidates += [(scope.failure, scope) for scope in registration.scopes]
        seen = set()
        for failure, scope in candidates:
            if failure is None or failure.kind == "invalid-regex":
                continue  # invalid regexes: CRS110
            where = registration.where
            if failure.kind == "wildcard-credentials":
                where = scope.setting("send_wildcard").where
            elif failure.kind == "bad-resources":
                where = scope.setting("resources").where
            # The merged options fail again in every resource: say it once.
            if (failure.kind, where) not in seen:
                seen.add((failure.kind, where))
                yield STARTUP_ERROR.finding(where, f"{failure.message}; {registration.label} fails {when}")


STARTUP_ERROR = Rule(
    code="CRS306",
    name="startup-error",
    severity=Severity.ERROR,
    summary="flask-cors raises on this configuration (`send_wildcard=True` with credentials and `*`).",
    what=(
        "Finds configurations that make flask-cors raise instead of configuring CORS: `send_wildcard=True` together "
        "with `supports_credentials=True` and the origin `*`, or a `resources` value that is not a pattern, list or dict."
    ),
    why=(
        "`CORS(app)` raises ValueError and the app does not start; with `@cross_origin()` every request to the view "
        "fails with a 500. The usual 'fix' of dropping `send_wildcard` turns the configuration into one that "
        "reflects every origin with credentials (CRS101)."
    ),
    bad=example_app('CORS(app, send_wildcard=True, supports_credentials=True)\n'),
    good=example_app('CORS(app, origins=["https://app.example.com"], supports_credentials=True)\n'),
    fix="List the trusted origins explicitly and drop `send_wildcard`.",
    check=check_startup_error,
)


def check_vary_disabled(policy: Policy) -> Iterator[Finding]:
    for registration in policy.active:
        for scope in registration.scopes:
            setting = scope.setting("vary_header")
            computed = scope.computed
            if setting.truthy() is not False or computed is None:
                continue
            if computed.allow_all_origins and computed.send_wildcard:
                continue  # the answer is always '*'
            if len(computed.origins) > 1 or any(not isinstance(origin, str) for origin in computed.origins):
                yield VARY_DISABLED.finding(
                    setting.where,
                    "vary_header is off while the allowed origin differs per request: a shared cache can serve "
                    "one origin's Access-Control-Allow-Origin to another origin",
                )


VARY_DISABLED = Rule(
    code="CRS307",
    name="vary-header-disabled",
    severity=Severity.WARNING,
    summary="`vary_header=False` while the allowed origin varies per request.",
    what="Finds `vary_header=False` on policies with several origins, a regex origin or a reflected wildcard.",
    why=(
        "When the response's Access-Control-Allow-Origin depends on the request's Origin, `Vary: Origin` tells "
        "caches so. Without it a CDN or proxy can hand the answer for one origin to another: legitimate "
        "front ends break, or an attacker's origin gets a cached answer it should not."
    ),
    bad=example_app('CORS(app, origins=["https://a.example.com", "https://b.example.com"], vary_header=False)\n'),
    good=example_app('CORS(app, origins=["https://a.example.com", "https://b.example.com"])\n'),
    fix="Leave `vary_header` at its default (True).",
    check=check_vary_disabled,
)


def check_private_network(policy: Policy) -> Iterator[Finding]:
    seen = set()
    for registration in policy.active:
        for scope in registration.scopes:
            setting = scope.setting("allow_private_network")
            if setting.truthy() and setting.where not in seen:
                seen.add(setting.where)
                yield PRIVATE_NETWORK.finding(
                    setting.where,
                    "allow_private_network is on: public websites allowed by this policy may call this service "
                    "on the user's private network",
                )


PRIVATE_NETWORK = Rule(
    code="CRS308",
    name="private-network-access",
    severity=Severity.WARNING,
    summary="`allow_private_network=True` lets public sites reach a private-network service.",
    what="Finds `allow_private_network` set to a truthy value.",
    why=(
        "Private Network Access preflights protect services on localhost and intranets from public websites. "
        "Answering them with `Access-Control-Allow-Private-Network: true` opts out of that protection for every "
        "origin the policy allows."
    ),
    bad=example_app('CORS(app, origins=["https://app.example.com"], allow_private_network=True)\n'),
    good=example_app('CORS(app, origins=["https://app.example.com"])\n'),
    fix="Leave it off unless a public site must reach this private service, and then allow only that origin.",
    check=check_private_network,
)

ONE_DAY = 86400


def _seconds(value: object) -> Optional[float]:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, str) and value.strip().isdigit():
        return float(value.strip())
    return None


def check_long_max_age(policy: Policy) -> Iterator[Finding]:
    for registration in policy.active:
        for scope in registration.scopes:
            setting = scope.setting("max_age")
            try:
                seconds = _seconds(concrete(setting.value))
            except NotConcrete:
                continue
            if seconds is not None and seconds > ONE_DAY:
                yield LONG_MAX_AGE.finding(
                    setting.where,
                    f"max_age is {seconds:g} seconds ({seconds / ONE_DAY:.1f} days): browsers cap preflight caching "
                    "(Chrome at 2 hours, Firefox at 1 day), and a long value keeps a loosened policy cached",
                )


LONG_MAX_AGE = Rule(
    code="CRS309",
    name="long-max-age",
    severity=Severity.NOTE,
    summary="`max_age` above one day.",
    what="Finds `max_age` values (seconds, numeric strings or timedeltas) above 86400.",
    why=(
        "Browsers clamp the preflight cache anyway, so a longer value buys nothing, and it suggests the policy "
        "was tuned without knowing that a cached preflight outlives a policy change."
    ),
    bad=example_app('CORS(app, origins=["https://app.example.com"], max_age=604800)\n'),
    good=example_app('CORS(app, origins=["https://app.example.com"], max_age=600)\n'),
    fix="Use a few minutes to an hour (`max_age=600`).",
    check=check_long_max_age,
)


def check_duplicate_registration(policy: Policy) -> Iterator[Finding]:
    seen: Dict[Tuple[str, str], List[Registration]] = {}
    for registration in policy.active:
        if registration.kind != "extension" or registration.app is None:
            continue
        key = (registration.context, registration.app)
        # Registrations in two arms of one ``if`` (or ``try``/``except``) never
        # both run: they are alternatives, not a double registration.
        # The same call read under two named configs is one registration.
        earlier = next(
            (
                other
                for other in seen.get(key, ())
                if not exclusive(other.branch, registration.branch) and other.where != registration.where
            ),
            None,
        )
        seen.setdefault(key, []).append(registration)
        if earlier is None:
            continue
        yield DUPLICATE_REGISTRATION.finding(
            registration.where,
            f"CORS is registered on {registration.app!r} again (first at line {earlier.where.line}): flask-cors runs "
            "the later registration first, and the earlier one only answers requests the later one does not allow, "
            "so the two policies add up instead of one replacing the other",
        )


DUPLICATE_REGISTRATION = Rule(
    code="CRS310",
    name="duplicate-registration",
    severity=Severity.WARNING,
    summary="More than one flask-cors registration on the same app: the policies add up.",
    what="Finds a second `CORS(app)` or `init_app(app)` for the same app in the same function or module.",
    why=(
        "Each registration adds its own after-request hook. Flask runs the later one first; if it sets "
        "Access-Control-Allow-Origin the earlier one is skipped, and if it does not, the earlier one answers. "
        "A stricter policy registered second therefore does not replace a permissive first one."
    ),
    bad=example_app('CORS(app)\nCORS(app, origins=["https://app.example.com"])\n'),
    good=example_app('CORS(app, origins=["https://app.example.com"])\n'),
    fix="Register flask-cors once per app and express the differences with `resources`.",
    check=check_duplicate_registration,
)


def check_string_boolean(policy: Policy) -> Iterator[Finding]:
    for registration in policy.active:
        layers: List[OptionLayer] = list(registration.layers)
        layers.extend(scope.resource_layer for scope in registration.scopes if scope.resource_layer)
        seen = set()
        for layer in layers:
            for option in layer.given:
                if option.name not in flaskcors.BOOLEAN_OPTIONS or option.where in seen:
                    continue
                if isinstance(option.value, Known) and isinstance(option.value.value, str):
                    seen.add(option.where)
                    text = option.value.value
                    effect = "True" if text else "False"
                    yield STRING_BOOLEAN.finding(
                        option.value.where,
                        f"{option.name}={text!r} is a string: flask-cors only tests its truthiness, so it means "
                        f"{effect}" + (" (a non-empty string is always true)" if text.strip().lower() in _FALSY else ""),
                        fix=_boolean_fix(option, option.value, registration, layer),
                    )


def _boolean_fix(option: GivenOption, value: Known, registration: Registration, layer: OptionLayer) -> Optional[Fix]:
    """The boolean the string means, when it plainly means one. Safe when
    flask-cors's reading does not change (``"true"``, ``""``) or the option
    is one whose False narrows (``supports_credentials="false"``)."""
    text = str(value.value).strip().lower()
    meant = False if text in _FALSY or not text else True if text in _TRUTHY else None
    if meant is None or value.env is not None:
        return None  # an environment variable's default: the variable would still be a string
    scopes = [scope for scope in registration.scopes if scope.resource_layer is layer] or list(registration.scopes)
    fixed = dataclasses.replace(value, value=meant)
    safe = all(option_change_safe(dataclasses.replace(scope.setting(option.name), value=value), fixed) for scope in scopes)
    return Fix(applicability(safe), f"Write the boolean {meant}", proposals=(StringToCode(value.where, str(meant)),))


_TRUTHY = {"true", "1", "yes", "on", "y", "t", "enabled"}
_FALSY = {"false", "0", "no", "off", "n", "f", "none", "null", "disabled"}

STRING_BOOLEAN = Rule(
    code="CRS311",
    name="string-boolean",
    severity=Severity.WARNING,
    summary="Boolean option given as a string: `\"false\"` is truthy.",
    what="Finds boolean options (`supports_credentials`, `send_wildcard`, `vary_header`, ...) given as strings.",
    why=(
        "flask-cors reads these options with `bool(...)`. Every non-empty string is true, so "
        "`supports_credentials=\"false\"` turns credentials on."
    ),
    bad=example_app('CORS(app, origins=["https://app.example.com"], supports_credentials="false")\n'),
    good=example_app('CORS(app, origins=["https://app.example.com"], supports_credentials=False)\n'),
    fix="Pass a real boolean; convert configuration strings explicitly (`value.lower() in (\"1\", \"true\")`).",
    fixed=example_app('CORS(app, origins=["https://app.example.com"], supports_credentials=False)\n'),
    fix_applicability='writes the boolean the string means (`"false"`: `False`). Safe when flask-cors\'s reading does not change or the option\'s False is the narrower setting (`supports_credentials`, `allow_private_network`, `always_send`); unsafe otherwise. Not offered for an environment variable\'s default.',
    check=check_string_boolean,
)

RULES = (
    UNKNOWN_OPTION,
    STARTUP_ERROR,
    VARY_DISABLED,
    PRIVATE_NETWORK,
    LONG_MAX_AGE,
    DUPLICATE_REGISTRATION,
    STRING_BOOLEAN,
)
