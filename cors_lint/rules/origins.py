"""Rules about which origins a configuration lets in (CRS101-CRS111).

Regex verdicts come from the accepted language when it can be computed
(``model.language``): readable mutations first (a suffix, a dot, a prefix),
then whatever else the language lets through, filed under the most specific
code. Findings say whether they were decided exactly (``proof``)."""

from __future__ import annotations

import re
from typing import Callable, Iterator, List, Optional, Tuple

from cors_lint.evaluate.values import Known, Pattern, Sequence, python_string
from cors_lint.findings import Finding, Severity
from cors_lint.model import flaskcors
from cors_lint.model.flaskcors import probably_regex
from cors_lint.model import witness as witnesses
from cors_lint.model.language import verdicts
from cors_lint.model.origins import DEFAULT_PORTS, OriginEntry, browser_origin, origin_entries
from cors_lint.model.policy import Policy, Registration, Scope
from cors_lint.fixes import UNSAFE, AddKeyword, Fix, NewStrings, applicability
from cors_lint.model.narrowing import origins_narrowed
from cors_lint.rules import repairs
from cors_lint.rules.base import Rule, credentials_clause, credentials_note, credentials_severity, example_app


def origin_scopes(policy: Policy) -> Iterator[Tuple[Registration, Scope, List[OriginEntry]]]:
    """Every scope whose origins are known, with its entries; entries too
    costly to match are left out (CRS502 reports them)."""
    for registration in policy.active:
        for scope in registration.scopes:
            entries = origin_entries(scope.setting("origins"))
            if isinstance(entries, list):
                yield registration, scope, [entry for entry in entries if entry.cost_reason is None]


def entry_fix(policy: Policy, entry: OriginEntry, texts: Tuple[str, ...], message: str, template: str = "{}") -> Optional[Fix]:
    """A fix that writes ``texts`` (origin strings, as flask-cors reads them)
    in place of the literal of ``entry``. Safe when, in every scope that
    uses the entry, the fixed origins are a narrowing of the original ones
    (``model.narrowing``)."""
    if entry.compiled or entry.from_default or not texts:
        return None  # a pattern inside re.compile(), or nothing written: no literal to replace
    safe = True
    for registration in policy.active:
        for scope in registration.scopes:
            entries = origin_entries(scope.setting("origins"))
            if not isinstance(entries, list) or not any(each.where == entry.where for each in entries):
                continue
            after: List[OriginEntry] = []
            for each in entries:
                if each.where != entry.where:
                    after.append(each)
                    continue
                after.extend(OriginEntry(flaskcors.re_fix(text), False, 0, each.where, False) for text in texts)
            safe = safe and origins_narrowed(entries, after)
    return Fix(applicability(safe), message, proposals=(NewStrings(entry.where, texts, template),))


def _where_said(registration: Registration, scope: Scope) -> str:
    """' for resource '/api/*'' when the registration has several resources."""
    return f" for {scope.label()}" if len(registration.scopes) > 1 else ""


def _describe(entry: OriginEntry) -> str:
    if entry.from_default:
        return "The origins option is not set, so flask-cors uses its default '*'"
    if entry.is_wildcard:
        return "The origins option allows '*'"
    return f"origin pattern {entry.shown()} matches any host"


def credentials_env(scope: Scope) -> Optional[str]:
    """The environment variable whose default turns credentials on, if any."""
    value = scope.setting("supports_credentials").value
    return value.env if isinstance(value, Known) else None


def any_origin_entries(policy: Policy) -> Iterator[Tuple[Registration, Scope, OriginEntry, str]]:
    """Entries that let in any origin, with an unrelated origin as witness."""
    for registration, scope, entries in origin_scopes(policy):
        if scope.failure is not None and scope.failure.kind == "wildcard-credentials":
            continue  # flask-cors refuses this configuration: CRS306
        for entry in entries:
            witness = witnesses.unrelated_origin(entry)
            if witness is not None:
                yield registration, scope, entry, witness


# --- CRS101 / CRS102 -----------------------------------------------------------


def trusted_fix(policy: Policy, registration: Registration, scope: Scope, entry: OriginEntry) -> Optional[Fix]:
    """With ``trusted-origins`` set: the wildcard replaced by those origins
    (exact ones as strings, ``scheme://*.domain`` as an anchored regex), or
    ``origins=[...]`` added where the default ``*`` applies. Unsafe: every
    other origin, which clients may rely on, is turned away."""
    if not policy.trusted_origins or entry.compiled or entry.env:
        return None
    values = tuple(_trusted_value(text) for text in policy.trusted_origins)
    message = "Allow only the trusted origins: " + ", ".join(python_string(value) for value in values)
    if entry.from_default:
        if entry.where != registration.where:
            return None
        return Fix(UNSAFE, message, proposals=(AddKeyword(registration.where, "origins", values),))
    value = scope.setting("origins").value
    template = ", ".join("{}" for _ in values)
    if isinstance(value, Known) and isinstance(value.value, str):
        template = f"[{template}]"  # the string stood alone: a list now
    return Fix(UNSAFE, message, proposals=(NewStrings(entry.where, values, template),))


def _trusted_value(text: str) -> str:
    trusted = verdicts.parse_trusted(text)
    if trusted.subdomains or trusted.any_port:
        return "^" + trusted.regex().replace("\\-", "-") + "$"  # a hyphen needs no escape outside a class
    return trusted.shown()


def check_any_origin_with_credentials(policy: Policy) -> Iterator[Finding]:
    for registration, scope, entry, witness in any_origin_entries(policy):
        if scope.setting("supports_credentials").truthy() and not (entry.env or credentials_env(scope)):  # else CRS501
            yield ANY_ORIGIN_WITH_CREDENTIALS.finding(
                entry.where,
                f"{_describe(entry)} and supports_credentials is on{_where_said(registration, scope)}: "
                "flask-cors reflects every Origin back with Access-Control-Allow-Credentials: true, "
                "so any website can make authenticated requests and read the responses",
                witness=witness,
                fix=trusted_fix(policy, registration, scope, entry),
            )


ANY_ORIGIN_WITH_CREDENTIALS = Rule(
    code="CRS101",
    name="any-origin-with-credentials",
    severity=Severity.ERROR,
    summary="Any origin is allowed together with credentials: flask-cors reflects every Origin.",
    what=(
        "Finds flask-cors configurations whose origins are `*` (written, or flask-cors's default when `origins` is "
        "not given) or a regex that matches any host, combined with a truthy `supports_credentials`."
    ),
    why=(
        "Browsers refuse `Access-Control-Allow-Origin: *` with credentials, so flask-cors does not send `*`: it "
        "copies the request's Origin into the response and adds `Access-Control-Allow-Credentials: true`. Every "
        "website a logged-in user visits can then call the API with the user's cookies and read the answers."
    ),
    bad=example_app("CORS(app, supports_credentials=True)\n"),
    good=example_app('CORS(app, origins=["https://app.example.com"], supports_credentials=True)\n'),
    fix="List the exact origins that need credentials (`origins=[\"https://app.example.com\"]`).",
    fixed=example_app('CORS(app, supports_credentials=True, origins=["https://app.example.com"])\n'),
    fix_applicability='with `trusted-origins` set (`--trusted-origin`), replaces the wildcard by the trusted origins (exact ones as strings, `scheme://*.domain` as an anchored regex), or adds `origins=[...]` where the default `*` applies. Unsafe: every other origin, which clients may rely on, is turned away. Without the setting there is no fix.',
    example_trusted_origins=("https://app.example.com",),
    fix_always_unsafe=True,
    check=check_any_origin_with_credentials,
)


def check_any_origin(policy: Policy) -> Iterator[Finding]:
    for registration, scope, entry, witness in any_origin_entries(policy):
        credentials = scope.setting("supports_credentials").truthy()
        if credentials or entry.env:
            continue  # CRS101, or CRS501 for an environment variable's default
        sends_star = entry.is_wildcard and scope.setting("send_wildcard").truthy()
        how = "sends Access-Control-Allow-Origin: *" if sends_star else "reflects every Origin"
        yield ANY_ORIGIN.finding(
            entry.where,
            f"{_describe(entry)}{_where_said(registration, scope)}: flask-cors {how}, so any website can read "
            f"these responses{credentials_note(scope)}",
            witness=witness,
            fix=trusted_fix(policy, registration, scope, entry),
        )


ANY_ORIGIN = Rule(
    code="CRS102",
    name="any-origin",
    severity=Severity.WARNING,
    summary="Any origin is allowed (flask-cors's default when `origins` is not given).",
    what="Finds configurations that let every website read the responses: `origins='*'`, no `origins` at all, or a regex that matches any host.",
    why=(
        "Without credentials the browser sends no cookies, so this is safe only for public, unauthenticated data. "
        "It is often not what was meant: `CORS(app)` opens every route of the app, and APIs that authenticate "
        "by IP address, VPN or a token in local storage are then readable by any site."
    ),
    bad=example_app("CORS(app)\n"),
    good=example_app('CORS(app, resources={r"/public/.*": {"origins": ["https://www.example.com"]}})\n'),
    fix="Name the origins that need access, and limit CORS to the routes that need it with `resources`.",
    fixed=example_app('CORS(app, origins=["https://www.example.com"])\n'),
    fix_applicability='with `trusted-origins` set (`--trusted-origin`), replaces the wildcard by the trusted origins (exact ones as strings, `scheme://*.domain` as an anchored regex), or adds `origins=[...]` where the default `*` applies. Unsafe: every other origin, which clients may rely on, is turned away. Without the setting there is no fix.',
    example_trusted_origins=("https://www.example.com",),
    fix_always_unsafe=True,
    check=check_any_origin,
)


# --- CRS103 ---------------------------------------------------------------------------


def check_null_origin(policy: Policy) -> Iterator[Finding]:
    for registration, scope, entries in origin_scopes(policy):
        for entry in entries:
            if witnesses.unrelated_origin(entry) or not witnesses.null_origin(entry):
                continue
            how = "is trusted" if not entry.is_regex else f"is accepted by {entry.shown()}"
            yield NULL_ORIGIN.finding(
                entry.where,
                f"the 'null' origin {how}{_where_said(registration, scope)}{credentials_note(scope)}: sandboxed "
                "iframes and file: or data: pages send Origin: null, and any website can create them",
                witness="null",
                severity=credentials_severity(scope),
            )


NULL_ORIGIN = Rule(
    code="CRS103",
    name="null-origin",
    severity=Severity.WARNING,
    summary="The `null` origin is trusted (error with credentials).",
    what="Finds origin lists that contain `'null'`, or regexes that accept it.",
    why=(
        "Browsers send `Origin: null` from sandboxed iframes, `data:` URLs, `file:` pages and some redirects. "
        "An attacker's page can put its script in a sandboxed iframe and so present itself as `null`."
    ),
    bad=example_app('CORS(app, origins=["https://app.example.com", "null"], supports_credentials=True)\n'),
    good=example_app('CORS(app, origins=["https://app.example.com"], supports_credentials=True)\n'),
    fix="Remove `null`; serve local tools from a real origin (e.g. `http://localhost:3000`).",
    check=check_null_origin,
)


# --- CRS104 / CRS105 / CRS106: regexes ---------------------------------------------------


def _analysable_regexes(policy: Policy) -> Iterator[Tuple[Registration, Scope, OriginEntry, witnesses.Intent]]:
    for registration, scope, entries in origin_scopes(policy):
        for entry in entries:
            if (
                not entry.is_regex
                or entry.is_wildcard
                or witnesses.looks_like_glob(entry)
                or witnesses.unrelated_origin(entry)
            ):
                continue
            intent = witnesses.intent_of(entry)
            if intent is not None:
                yield registration, scope, entry, intent


def _regex_bypasses(
    policy: Policy,
    rule: Rule,
    find_witness: Callable[[OriginEntry, witnesses.Intent, verdicts.Trust], Optional[str]],
    explain: Callable[[OriginEntry, str, str], str],
    repair: Callable[[str], Optional[str]] = lambda text: None,
    repaired: str = "",
) -> Iterator[Finding]:
    """Findings for regex entries where ``find_witness`` finds a bypass;
    ``explain(entry, witness, where_said)`` words the message. Bypasses that
    only the exact engine finds come under the code ``residual_bypass`` picks."""
    trust = None
    for registration, scope, entry, intent in _analysable_regexes(policy):
        trust = trust or verdicts.policy_trust(policy)
        where = _where_said(registration, scope)
        witness = find_witness(entry, intent, trust)
        message = explain(entry, witness, where) if witness else ""
        if not witness:
            residual = witnesses.residual_bypass(entry, intent, trust)
            if residual is None or residual.code != rule.code:
                continue
            witness = residual.witness
            message = (
                f"origin regex {entry.shown()} accepts {witness}{where}, an origin outside {_named_domains(entry)} "
                "that an attacker can obtain"
            )
        yield rule.finding(
            entry.where,
            message + credentials_clause(scope),
            witness=witness,
            severity=credentials_severity(scope),
            proof=verdicts.proof_of_entry(entry),
            fix=_repair_fix(policy, entry, repair, repaired),
        )
    for registration, scope, entry in _language_only_regexes(policy):
        trust = trust or verdicts.policy_trust(policy)
        residual = witnesses.language_bypass(entry, trust)
        if residual is not None and residual.code == rule.code:
            costly = f"; Python's re is not run on it: {entry.cost_reason}" if entry.cost_reason else ""
            yield rule.finding(
                entry.where,
                f"origin regex {entry.shown()} accepts {residual.witness}{_where_said(registration, scope)}, an origin "
                f"outside {_named_domains(entry)} that an attacker can obtain (decided from the accepted language"
                f"{costly})" + credentials_clause(scope),
                witness=residual.witness,
                severity=credentials_severity(scope),
                proof=residual.proof,
                fix=_repair_fix(policy, entry, repair, repaired),
            )


def _repair_fix(policy: Policy, entry: OriginEntry, repair: Callable[[str], Optional[str]], repaired: str) -> Optional[Fix]:
    text = repair(entry.text)
    if text is None or text == entry.text:
        return None
    return entry_fix(policy, entry, (text,), f"{repaired}: {python_string(text)}")


def _language_only_regexes(policy: Policy) -> Iterator[Tuple[Registration, Scope, OriginEntry]]:
    """Regex entries the mutations cannot start from (too costly for Python's
    re to run, or no example origin), which the automaton can still decide."""
    for registration in policy.active:
        for scope in registration.scopes:
            entries = origin_entries(scope.setting("origins"))
            for entry in entries if isinstance(entries, list) else []:
                if not entry.is_regex or entry.is_wildcard or witnesses.looks_like_glob(entry):
                    continue
                if entry.cost_reason is not None or (
                    witnesses.intent_of(entry) is None and not witnesses.unrelated_origin(entry)
                ):
                    yield registration, scope, entry


def _named_domains(entry: OriginEntry) -> str:
    hosts = [origin.host for origin in map(browser_origin, verdicts.named_origins(entry)) if origin]
    domains = sorted({verdicts.registrable_domain(host) or host for host in hosts})
    return f"the domain it names ({', '.join(domains)})" if domains else "the domains the configuration names"


def check_unanchored_regex(policy: Policy) -> Iterator[Finding]:
    return _regex_bypasses(
        policy,
        UNANCHORED_REGEX,
        witnesses.suffix_witness,
        _unanchored_message,
        repairs.anchored_at_end,
        "Anchor the regex at the end",
    )


def _unanchored_message(entry: OriginEntry, witness: str, where: str) -> str:
    if entry.text.endswith(("$", "\\Z")):  # anchored, but one branch or a repetition runs on
        return (
            f"origin regex {entry.shown()} lets more host name follow the domain it names{where}: it also "
            f"accepts {witness}"
        )
    return (
        f"origin regex {entry.shown()} is not anchored at the end{where}: flask-cors uses re.match, a prefix match, "
        f"so it also accepts {witness}"
    )


UNANCHORED_REGEX = Rule(
    code="CRS104",
    name="unanchored-origin-regex",
    severity=Severity.WARNING,
    summary="Regex origin not anchored at the end: `re.match` is a prefix match.",
    what="Finds origin regexes that accept the intended origin followed by more host name.",
    why=(
        "flask-cors matches regex origins with `re.match`, which anchors only at the start. "
        "`r\"https://app\\.example\\.com\"` also accepts `https://app.example.com.attacker.example`, "
        "a host the attacker registers under their own domain."
    ),
    bad=example_app('CORS(app, origins=[r"https://(www|app)\\.example\\.com"], supports_credentials=True)\n'),
    good=example_app('CORS(app, origins=[r"^https://(www|app)\\.example\\.com$"], supports_credentials=True)\n'),
    fix="End the regex with `$` (or list the origins as plain strings, which are compared exactly).",
    fixed=example_app('CORS(app, origins=[r"https://(www|app)\\.example\\.com$"], supports_credentials=True)\n'),
    fix_applicability='ends the regex with `$` (a top-level alternation wrapped in `(?:...)`). Safe when the anchored regex accepts a subset of the origins the original accepted and every origin it names; decided from the languages, finding by finding (a lookaround or a backreference leaves it unsafe).',
    check=check_unanchored_regex,
)


def check_unescaped_dot(policy: Policy) -> Iterator[Finding]:
    return _regex_bypasses(
        policy,
        UNESCAPED_DOT,
        witnesses.dot_witness,
        lambda entry, witness, where: f"origin regex {entry.shown()} has an unescaped '.' in the host{where}: '.' "
        f"matches any character, so it also accepts {witness}, a domain anyone can register",
        repairs.escaped_host_dots,
        "Escape the dots of the host",
    )


UNESCAPED_DOT = Rule(
    code="CRS105",
    name="unescaped-dot-in-origin-regex",
    severity=Severity.WARNING,
    summary="Unescaped `.` in the host of a regex origin matches any character.",
    what="Finds origin regexes in which a `.` between host labels is not escaped.",
    why=(
        "In a regex `.` is any character: `^https://app.example.com$` also accepts `https://appxexample.com`, "
        "which an attacker can register."
    ),
    bad=example_app('CORS(app, origins=[r"^https://app.example.com$"])\n'),
    good=example_app('CORS(app, origins=[r"^https://app\\.example\\.com$"])\n'),
    fix="Escape the dots (`\\.`), or use the plain string `\"https://app.example.com\"`, which is compared exactly.",
    fixed=example_app('CORS(app, origins=[r"^https://app\\.example\\.com$"])\n'),
    fix_applicability="escapes the dots between host labels. Safe when the fixed regex accepts a subset of the original's origins and still every origin it names (decided from the languages).",
    check=check_unescaped_dot,
)


def check_open_prefix(policy: Policy) -> Iterator[Finding]:
    return _regex_bypasses(
        policy,
        OPEN_PREFIX,
        witnesses.prefix_witness,
        lambda entry, witness, where: f"origin regex {entry.shown()} lets anything stand before the domain name"
        f"{where}: without a '\\.' boundary it accepts {witness}",
        repairs.subdomain_boundary,
        "Require whole subdomain labels before the domain",
    )


OPEN_PREFIX = Rule(
    code="CRS106",
    name="open-prefix-in-origin-regex",
    severity=Severity.WARNING,
    summary="Regex host with an open prefix (`.*example\\.com`) accepts `attackerexample.com`.",
    what="Finds origin regexes in which a repeated character class runs straight into the domain name.",
    why=(
        "`https://.*example\\.com` was meant for subdomains, but `.*` can also be `attacker`, giving "
        "`https://attackerexample.com`, a different domain that anyone can register."
    ),
    bad=example_app('CORS(app, origins=[r"^https://.*example\\.com$"])\n'),
    good=example_app('CORS(app, origins=[r"^https://([a-z0-9-]+\\.)?example\\.com$"])\n'),
    fix="Require a dot before the domain: `^https://([a-z0-9-]+\\.)?example\\.com$`.",
    fixed=example_app('CORS(app, origins=[r"^https://([a-z0-9-]+\\.)*example\\.com$"])\n'),
    fix_applicability='replaces the open prefix before the domain with whole subdomain labels, `([a-z0-9-]+\\.)*`. Safe when that is a narrowing of what the original accepted and the origins it names are still accepted; unsafe otherwise (`\\w+example\\.com` did not accept `example.com` itself).',
    check=check_open_prefix,
)


# --- CRS107 ---------------------------------------------------------------------------


def check_glob_origin(policy: Policy) -> Iterator[Finding]:
    for registration, scope, entries in origin_scopes(policy):
        for entry in entries:
            if not witnesses.looks_like_glob(entry):
                continue
            reading = witnesses.read_glob(entry, verdicts.policy_trust(policy))
            said = f"glob-style origin {entry.shown()}{_where_said(registration, scope)} is a regular expression to flask-cors"
            if not reading.valid_regex:
                message = (
                    f"{said}, and not a valid one: flask-cors raises ValueError at start-up "
                    "(6.0.4+; older versions never match it)"
                )
            else:
                accepted = "accepts" if reading.intended_accepted else "rejects"
                message = f"{said}: it {accepted} {reading.intended}"
                if reading.witness:
                    message += f" but also accepts {reading.witness}{credentials_clause(scope)}"
            severity = credentials_severity(scope) if reading.witness else Severity.WARNING
            proof = verdicts.proof_of_entry(entry) if reading.valid_regex else None
            regex = repairs.glob_regex(entry.text)
            fix = entry_fix(policy, entry, (regex,), f"Write the regex the glob means: {python_string(regex)}") if regex else None
            yield GLOB_ORIGIN.finding(entry.where, message, witness=reading.witness, severity=severity, proof=proof, fix=fix)


GLOB_ORIGIN = Rule(
    code="CRS107",
    name="glob-origin",
    severity=Severity.WARNING,
    summary="Glob-style origin (`https://*.example.com`) is silently a regex.",
    what="Finds origins written as shell globs: `https://*.example.com`, `*.example.com`, `http://localhost:*`.",
    why=(
        "flask-cors has no globs. A string containing `*` is a regex, matched with `re.match`: "
        "`https://*.example.com` means `https:/`, any number of `/`, any one character, `example`, any "
        "character, `com`. It rejects `https://app.example.com`, which was meant, and accepts "
        "`https://xexample.com`, which was not. `*.example.com` is not a valid regex at all."
    ),
    bad=example_app('CORS(app, origins=["https://*.example.com"])\n'),
    good=example_app('CORS(app, origins=[r"^https://[a-z0-9-]+\\.example\\.com$"])\n'),
    fix="Write the regex you mean, anchored and escaped: `r\"^https://[a-z0-9-]+\\.example\\.com$\"`.",
    fixed=example_app('CORS(app, origins=[r"^https://[a-z0-9-]+\\.example\\.com$"])\n'),
    fix_applicability='writes the anchored regex the glob means, `*` as one subdomain level (or any port). Unsafe unless another entry already accepted those origins: it starts accepting the subdomains the glob was written for, which the glob-as-regex rejected.',
    check=check_glob_origin,
)


# --- CRS108 ---------------------------------------------------------------------------


def check_http_origin(policy: Policy) -> Iterator[Finding]:
    for registration, scope, entries in origin_scopes(policy):
        for entry in entries:
            if entry.is_wildcard or witnesses.looks_like_glob(entry) or witnesses.unrelated_origin(entry):
                continue
            witness = witnesses.http_witness(entry)
            if witness:
                yield HTTP_ORIGIN.finding(
                    entry.where,
                    f"plain-http origin {witness} is trusted{_where_said(registration, scope)}"
                    f"{credentials_note(scope)}: anyone on the network path can inject script into an http page",
                    witness=witness,
                    severity=credentials_severity(scope),
                )


HTTP_ORIGIN = Rule(
    code="CRS108",
    name="http-origin",
    severity=Severity.WARNING,
    summary="A plain-http origin (not loopback) is trusted (error with credentials).",
    what="Finds origins, literal or matched by a regex such as `https?://`, that use plain http on a non-loopback host.",
    why=(
        "A page served over http can be altered by anyone on the network path (public Wi-Fi, a proxy). Trusting "
        "it lets that attacker's script read the API's responses, with the user's cookies when credentials are on."
    ),
    bad=example_app('CORS(app, origins=["http://app.example.com"], supports_credentials=True)\n'),
    good=example_app('CORS(app, origins=["https://app.example.com", "http://localhost:3000"], supports_credentials=True)\n'),
    fix="Serve the front end over https and list the https origin; loopback origins for development are fine.",
    check=check_http_origin,
)


# --- CRS109 ---------------------------------------------------------------------------


def unusable_origin_reason(text: str) -> Optional[str]:
    """Why a literal origin can never equal a browser's Origin header."""
    if text.lower() == "null" or text == ".*":
        return None
    if text != text.strip():
        return "it has surrounding whitespace"
    if "," in text:
        return "it is a comma-separated list in one string; pass a list of strings"
    lowered = text.lower()
    if "://" not in lowered:
        return "it has no scheme; browsers send e.g. 'https://" + lowered + "'"
    scheme, rest = lowered.split("://", 1)
    if rest.endswith("/") and "/" not in rest[:-1]:
        return "it ends with '/'; browsers send the origin without a trailing slash"
    if "/" in rest or "?" in rest or "#" in rest:
        return "it contains a path; an origin is only scheme://host[:port]"
    host_port = rest.rsplit(":", 1)
    if len(host_port) == 2 and DEFAULT_PORTS.get(scheme) == host_port[1]:
        return f"it names the default port :{host_port[1]}, which browsers leave out"
    if browser_origin(lowered) is None:
        if any(char in rest for char in "+|{}"):
            return (
                "it looks like a regular expression, but flask-cors only treats strings containing one of "
                "* \\ ] ? $ ^ [ ( ) as regexes, so it is compared literally"
            )
        return "its host is not a valid host name"
    return None


def _regex_by_accident(entry: OriginEntry) -> Optional[str]:
    """An origin spelled out literally that flask-cors takes for a regex (an
    IPv6 address has brackets) and that, as a regex, does not match itself."""
    literal = entry.text.lower()
    if entry.compiled or not entry.is_regex or browser_origin(literal) is None or entry.accepts(literal):
        return None
    hints = "".join(sorted(set(entry.text) & flaskcors.REGEX_HINT_CHARS))
    return (
        f"flask-cors treats it as a regular expression because it contains {hints!r}, and as a regex it does not "
        "match the origin it spells; escape it with re.escape()"
    )


def check_unusable_origin(policy: Policy) -> Iterator[Finding]:
    for registration, scope, entries in origin_scopes(policy):
        for entry in entries:
            reason = _regex_by_accident(entry) if entry.is_regex else unusable_origin_reason(entry.text)
            if reason:
                yield UNUSABLE_ORIGIN.finding(
                    entry.where,
                    f"origin {entry.shown()} can never match a browser's Origin header: {reason}",
                    fix=_usable_origin_fix(policy, scope, entry),
                )


def _usable_origin_fix(policy: Policy, scope: Scope, entry: OriginEntry):
    """The origin(s) a browser sends, in place of the dead entry; a
    comma-joined string becomes several strings (a list, where it stood
    alone)."""
    if entry.is_regex:
        regex = repairs.escaped_literal_origin(entry.text)
        return entry_fix(policy, entry, (regex,), f"Match exactly the origin it spells: {python_string(regex)}") if regex else None
    origins = repairs.browser_origins(entry.text)
    if not origins:
        return None
    template = ", ".join("{}" for _ in origins)
    value = scope.setting("origins").value
    if len(origins) > 1 and isinstance(value, Known) and isinstance(value.value, str):
        template = f"[{template}]"  # the string stood alone: a list of them now
    shown = ", ".join(python_string(origin) for origin in origins)
    return entry_fix(policy, entry, origins, f"Write the origin{'s' if len(origins) > 1 else ''} a browser sends: {shown}", template)


UNUSABLE_ORIGIN = Rule(
    code="CRS109",
    name="origin-never-matches",
    severity=Severity.WARNING,
    summary="Origin entry that can never match: trailing slash, path, no scheme, default port, whitespace, comma list.",
    what="Finds literal origins that no browser ever sends, so the entry silently allows nothing.",
    why=(
        "Literal origins are compared exactly (ignoring case) with the Origin header, which is only "
        "`scheme://host[:port]`. A dead entry usually means the real front end is blocked, and the next "
        "'fix' is often `origins='*'`."
    ),
    bad=example_app('CORS(app, origins=["https://app.example.com/"])\n'),
    good=example_app('CORS(app, origins=["https://app.example.com"])\n'),
    fix="Write the origin exactly as browsers send it: `https://app.example.com` (no slash, no path, no default port).",
    fixed=example_app('CORS(app, origins=["https://app.example.com"])\n'),
    fix_applicability='writes the origin(s) a browser sends: no whitespace, trailing slash, path or default port, a scheme, one string per origin of a comma-joined list. Unsafe when the policy starts accepting an origin it rejected; safe only when another entry already accepted it.',
    check=check_unusable_origin,
)


# --- CRS110 ---------------------------------------------------------------------------


def _regex_error(text: str, flags: int) -> Optional[str]:
    try:
        re.compile(text, flags)
    except re.error as error:
        return str(error)
    except (RecursionError, OverflowError):
        return "too complex to compile"
    return None


def check_invalid_regex(policy: Policy) -> Iterator[Finding]:
    for registration in policy.active:
        for scope in registration.scopes:
            entries = origin_entries(scope.setting("origins"))
            for entry in entries if isinstance(entries, list) else []:
                if not entry.is_regex or witnesses.looks_like_glob(entry):
                    continue  # globs: CRS107
                error = _regex_error(entry.text, entry.regex_flags)
                if error:
                    yield INVALID_REGEX.finding(entry.where, _invalid_message("origin", entry.shown(), error, entry.compiled))
            yield from _invalid_patterns(scope, "allow_headers", "allowed header")
            if scope.resource is not None:
                yield from _invalid_resource(scope)


def _invalid_message(kind: str, shown: str, error: str, compiled: bool) -> str:
    if compiled:
        return f"{kind} {shown} is not a valid regular expression ({error}): re.compile raises when the module loads"
    return (
        f"{kind} {shown} is not a valid regular expression ({error}): flask-cors raises ValueError at start-up "
        "(6.0.4+; older versions silently never match it)"
    )


def _invalid_patterns(scope: Scope, option: str, kind: str) -> Iterator[Finding]:
    value = scope.setting(option).value
    if not isinstance(value, Known):
        return
    items = value.value.items if isinstance(value.value, Sequence) else (value,)
    for item in items:
        if isinstance(item, Known) and isinstance(item.value, str) and item.value != "*":
            if probably_regex(item.value):
                error = _regex_error(item.value, re.IGNORECASE)
                if error:
                    yield INVALID_REGEX.finding(item.where, _invalid_message(kind, python_string(item.value), error, False))
        elif isinstance(item, Known) and isinstance(item.value, Pattern):
            error = _regex_error(item.value.source, item.value.flags)
            if error:
                yield INVALID_REGEX.finding(item.where, _invalid_message(kind, python_string(item.value.source), error, True))


def _invalid_resource(scope: Scope) -> Iterator[Finding]:
    resource = scope.resource
    if not isinstance(resource, Known):
        return
    if isinstance(resource.value, Pattern):
        error = _regex_error(resource.value.source, resource.value.flags)
        if error:
            yield INVALID_REGEX.finding(resource.where, _invalid_message("resource", python_string(resource.value.source), error, True))
    elif isinstance(resource.value, str) and probably_regex(resource.value):
        error = _regex_error(resource.value, 0)
        if error:
            yield INVALID_REGEX.finding(resource.where, _invalid_message("resource", python_string(resource.value), error, False))


INVALID_REGEX = Rule(
    code="CRS110",
    name="invalid-regex",
    severity=Severity.WARNING,
    summary="Origin, header or resource pattern that is not a valid regex.",
    what=(
        "Finds origin, allowed-header and resource strings that flask-cors treats as regexes "
        "(they contain one of `* \\ ] ? $ ^ [ ( )`) but that do not compile."
    ),
    why=(
        "flask-cors 6.0.4 and later compile these patterns when `CORS(app)` runs and raise ValueError, so the app "
        "does not start; older versions catch the error and the entry never matches, silently."
    ),
    bad=example_app('CORS(app, origins=[r"^https://(app|www\\.example\\.com$"])\n'),
    good=example_app('CORS(app, origins=[r"^https://(app|www)\\.example\\.com$"])\n'),
    fix="Fix the regex (balance brackets and parentheses, escape literal characters).",
    check=check_invalid_regex,
)

# --- CRS111 ---------------------------------------------------------------------------


def _heuristic_outside(entry: OriginEntry, trust: verdicts.Trust) -> Optional[str]:
    """For entries whose language is unknown: readable candidates, each run
    through flask-cors's matching."""
    intent = witnesses.intent_of(entry) if entry.is_regex else None
    candidates: List[Optional[str]] = list(verdicts.named_origins(entry))
    if intent is not None:
        candidates += [
            witnesses.suffix_witness(entry, intent, trust),
            witnesses.dot_witness(entry, intent, trust),
            witnesses.prefix_witness(entry, intent, trust),
        ]
    candidates += list(witnesses.UNRELATED_ORIGINS) + ["null"]
    return next(
        (c for c in candidates if c and entry.accepts(c) and verdicts.obtainable(c, trust)),
        None,
    )


def check_outside_trusted(policy: Policy) -> Iterator[Finding]:
    if not policy.trusted_origins:
        return
    trust = verdicts.trust_for((), policy.trusted_origins)
    for registration, scope, entries in origin_scopes(policy):
        for entry in entries:
            named = tuple(verdicts.named_origins(entry))
            verdict = verdicts.entry_verdict(entry, trust, candidates=named, include_null=True)
            witness = verdict.witness
            if verdict.proof == verdicts.HEURISTIC:
                witness = _heuristic_outside(entry, trust)
            if witness:
                yield OUTSIDE_TRUSTED.finding(
                    entry.where,
                    f"origin {entry.shown()} accepts {witness}{_where_said(registration, scope)}, which is not one of "
                    f"the trusted origins ({trust.shown()}){credentials_note(scope)}",
                    witness=witness,
                    severity=credentials_severity(scope),
                    proof=verdict.proof,
                )
    for function in policy.handwritten:
        for reflection in function.reflections:
            verdict = verdicts.checks_verdict(
                reflection.checks, trust, candidates=witnesses.check_candidates(reflection.checks), include_null=True
            )
            if verdict.witness:
                yield OUTSIDE_TRUSTED.finding(
                    reflection.where,
                    f"{function.function}() reflects the request's Origin for {verdict.witness}, which is not one of "
                    f"the trusted origins ({trust.shown()})",
                    witness=verdict.witness,
                    severity=Severity.ERROR if function.credentials else Severity.WARNING,
                    proof=verdict.proof,
                )


OUTSIDE_TRUSTED = Rule(
    code="CRS111",
    name="origin-outside-trusted",
    severity=Severity.WARNING,
    summary="An origin outside the `trusted-origins` setting is accepted (error with credentials; only when the setting is set).",
    what=(
        "With `trusted-origins` set (`[tool.cors-lint]` or `--trusted-origin`), computes the set of origins each "
        "flask-cors entry or hand-written check accepts and reports one that is not trusted. Trusted origins are "
        "`scheme://host[:port]` or `scheme://*.domain` (any subdomain); this is cors-lint's syntax, not a regex."
    ),
    why=(
        "The trusted origins are the policy; the configuration is its implementation. An accepted origin outside "
        "them is either a host the attacker can register or a forgotten one (a staging site, http, `null`), and "
        "each can read the responses."
    ),
    bad=example_app('CORS(app, origins=[r"^https://.*\\.example\\.com$"])  # trusted: https://app.example.com\n'),
    good=example_app('CORS(app, origins=["https://app.example.com"])  # trusted: https://app.example.com\n'),
    fix="Accept exactly the trusted origins (a list of strings), or add the origin to `trusted-origins` if it is meant.",
    check=check_outside_trusted,
    example_trusted_origins=("https://app.example.com",),
)

RULES = (
    ANY_ORIGIN_WITH_CREDENTIALS,
    ANY_ORIGIN,
    NULL_ORIGIN,
    UNANCHORED_REGEX,
    UNESCAPED_DOT,
    OPEN_PREFIX,
    GLOB_ORIGIN,
    HTTP_ORIGIN,
    UNUSABLE_ORIGIN,
    INVALID_REGEX,
    OUTSIDE_TRUSTED,
)
