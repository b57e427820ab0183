"""The executable model of flask-cors: the one place that knows how it behaves.

Everything here works on plain Python values (str, list, ``re.Pattern``,
``timedelta``...), exactly as flask-cors receives them at run time, and mirrors
``flask_cors/core.py`` and ``extension.py`` step by step. The test suite checks
this module against the installed flask-cors through Flask's test client.

Version-dependent choices are not made here: the functions that differ
between releases take the release's ``Behaviour`` (``cors_lint.model.releases``,
the one table of what changed when), the newest release by default. The
constants below (``DEFAULT_OPTIONS``, ``OPTION_NAMES``) are the newest
release's; ``default_options(behaviour)`` gives another's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Iterable, Mapping, Optional, Sequence, Tuple, Union
from urllib.parse import unquote, unquote_plus

from cors_lint.model import releases
from cors_lint.model.releases import Behaviour

FOLLOWED_VERSIONS = "6.0.4, 6.0.5"
INVALID_REGEX_RAISES = True

ALL_METHODS = ["GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"]

DEFAULT_OPTIONS: Mapping[str, Any] = {
    "origins": "*",
    "methods": ALL_METHODS,
    "allow_headers": "*",
    "expose_headers": None,
    "supports_credentials": False,
    "max_age": None,
    "send_wildcard": False,
    "automatic_options": True,
    "vary_header": True,
    "resources": r"/*",
    "intercept_exceptions": True,
    "always_send": True,
    "allow_private_network": False,
}
OPTION_NAMES = tuple(DEFAULT_OPTIONS)


def default_options(behaviour: Optional[Behaviour] = None) -> dict:
    """The defaults of a release: only the options it reads, with its default
    for ``allow_private_network`` (True in 4.0.2 to 4.0.x)."""
    behaviour = behaviour or releases.newest()
    defaults = {name: DEFAULT_OPTIONS[name] for name in behaviour.options}
    if "allow_private_network" in defaults:
        defaults["allow_private_network"] = behaviour.allow_private_network_default
    return defaults

# Options flask-cors reads only through truthiness (``bool(opts.get(...))``).
BOOLEAN_OPTIONS = (
    "supports_credentials",
    "send_wildcard",
    "automatic_options",
    "vary_header",
    "intercept_exceptions",
    "always_send",
    "allow_private_network",
)

# ``app.config`` keys flask-cors reads: ``CORS_<OPTION>`` for every option.
CONFIG_OPTIONS = tuple("CORS_" + name.upper() for name in OPTION_NAMES)

# flask-cors treats a string as a regex when it contains any of these.
REGEX_HINT_CHARS = frozenset("*\\]?$^[]()")

ACL_ORIGIN = "Access-Control-Allow-Origin"
ACL_METHODS = "Access-Control-Allow-Methods"
ACL_ALLOW_HEADERS = "Access-Control-Allow-Headers"
ACL_EXPOSE_HEADERS = "Access-Control-Expose-Headers"
ACL_CREDENTIALS = "Access-Control-Allow-Credentials"
ACL_MAX_AGE = "Access-Control-Max-Age"
ACL_PRIVATE_NETWORK = "Access-Control-Allow-Private-Network"
ACL_REQUEST_METHOD = "Access-Control-Request-Method"
ACL_REQUEST_HEADERS = "Access-Control-Request-Headers"
ACL_REQUEST_PRIVATE_NETWORK = "Access-Control-Request-Private-Network"

PatternLike = Union[str, "re.Pattern[str]"]
Headers = Tuple[Tuple[str, str], ...]


class StartupError(Exception):
    """flask-cors raises while the options are built (at ``CORS(app)`` /
    ``init_app``; for ``@cross_origin`` on every request to the view)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def probably_regex(pattern: Any) -> bool:
    if isinstance(pattern, re.Pattern):
        return True
    return not REGEX_HINT_CHARS.isdisjoint(pattern)


def re_fix(pattern: PatternLike) -> PatternLike:
    """flask-cors accepts ``"*"`` and reads it as the regex ``.*``."""
    return r".*" if pattern == r"*" else pattern


def ensure_iterable(value: Any) -> Iterable[Any]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        return [value]
    return value


def sanitize_regex_param(value: Any) -> list:
    return [re_fix(item) for item in ensure_iterable(value)]


def resolve_pattern(pattern: PatternLike, *, ignore_case: bool) -> PatternLike:
    """A regex-looking string becomes a compiled pattern; anything else stays."""
    if isinstance(pattern, str) and probably_regex(pattern):
        try:
            return re.compile(pattern, re.IGNORECASE if ignore_case else 0)
        except re.error as error:
            raise StartupError("invalid-regex", f"invalid regular expression {pattern!r}: {error}") from error
    return pattern


def try_match(value: str, pattern: PatternLike, *, case_sensitive: bool) -> bool:
    """Match a request value against one *resolved* pattern, as flask-cors does:
    compiled patterns with ``re.match`` (a prefix match, with the pattern's own
    flags), literal strings by (case-folded) equality."""
    if isinstance(pattern, re.Pattern):
        return pattern.match(value) is not None
    if case_sensitive:
        return str(value) == str(pattern)
    return str(value).casefold() == str(pattern).casefold()


def match_origin(origin: str, entry: PatternLike) -> bool:
    """Does one configured origin entry (as written: str or compiled) accept
    ``origin``? Invalid regexes accept nothing (flask-cors refuses to start)."""
    try:
        resolved = resolve_pattern(re_fix(entry), ignore_case=True)
    except StartupError:
        return False
    return try_match(origin, resolved, case_sensitive=False)


def match_path(path: str, resource: PatternLike, behaviour: Optional[Behaviour] = None) -> bool:
    """Does one resource pattern (as written) cover a path as flask-cors
    matches it (already decoded: see ``decode_path``)?"""
    behaviour = behaviour or releases.newest()
    try:
        resolved = resolve_pattern(re_fix(resource), ignore_case=behaviour.paths_ignore_case)
    except StartupError:
        return False
    return try_match(path, resolved, case_sensitive=not behaviour.paths_ignore_case)


def decode_path(path: str, behaviour: Optional[Behaviour] = None) -> str:
    """The path flask-cors matches resources against, for a request to
    ``path`` (as the client sends it): ``request.path`` (the server
    percent-decodes it once), decoded again by flask-cors (``unquote`` since
    6.0.0; ``unquote_plus`` from 3.0.9 to 5.0.1, which also turns ``+`` into
    a space; not at all before 3.0.9)."""
    request_path = unquote(path)
    decoding = (behaviour or releases.newest()).path_decoding
    if decoding == releases.UNQUOTE:
        return unquote(request_path)
    if decoding == releases.UNQUOTE_PLUS:
        return unquote_plus(request_path)
    return request_path


def resolve_resource(pattern: PatternLike, behaviour: Optional[Behaviour] = None) -> PatternLike:
    """A resource pattern as the release matches it: before 6.0.0 a regex
    string was matched ignoring case."""
    return resolve_pattern(pattern, ignore_case=(behaviour or releases.newest()).paths_ignore_case)


def path_matches(decoded_path: str, resolved: PatternLike, behaviour: Optional[Behaviour] = None) -> bool:
    """A decoded request path against a resolved resource pattern."""
    return try_match(decoded_path, resolved, case_sensitive=not (behaviour or releases.newest()).paths_ignore_case)


def flexible_str(value: Any) -> Optional[str]:
    if value is None:
        return None
    if not isinstance(value, str) and isinstance(value, Iterable):
        return ", ".join(str(item) for item in sorted(value))
    return str(value)


@dataclass(frozen=True)
class ComputedOptions:
    """The options in force for one resource or view after flask-cors's
    normalisation (``serialize_options``)."""

    origins: Tuple[PatternLike, ...]
    allow_headers: Tuple[PatternLike, ...]
    allow_all_origins: bool
    methods: Optional[str]
    expose_headers: Optional[str]
    max_age: Any
    supports_credentials: bool
    send_wildcard: bool
    automatic_options: bool
    vary_header: bool
    intercept_exceptions: bool
    always_send: bool
    allow_private_network: bool


def merge_options(*layers: Mapping[str, Any]) -> dict:
    """Defaults, then each layer in turn (app config, CORS(), init_app(),
    resource options); the last one that sets an option wins."""
    merged = dict(DEFAULT_OPTIONS)
    for layer in layers:
        merged.update(layer)
    return merged


def serialize_options(options: Mapping[str, Any]) -> ComputedOptions:
    origins = sanitize_regex_param(options.get("origins"))
    allow_all_origins = r".*" in origins
    supports_credentials = bool(options.get("supports_credentials"))
    send_wildcard = bool(options.get("send_wildcard"))
    if allow_all_origins and supports_credentials and send_wildcard:
        raise StartupError(
            "wildcard-credentials",
            "flask-cors raises ValueError: supports_credentials cannot be combined with origins '*' and send_wildcard",
        )
    methods = flexible_str(options.get("methods"))
    max_age = options.get("max_age")
    if isinstance(max_age, timedelta):
        max_age = str(int(max_age.total_seconds()))
    return ComputedOptions(
        origins=tuple(resolve_pattern(origin, ignore_case=True) for origin in origins),
        allow_headers=tuple(
            resolve_pattern(header, ignore_case=True) for header in sanitize_regex_param(options.get("allow_headers"))
        ),
        allow_all_origins=allow_all_origins,
        methods=methods.upper() if methods is not None else None,
        expose_headers=flexible_str(options.get("expose_headers")),
        max_age=max_age,
        supports_credentials=supports_credentials,
        send_wildcard=send_wildcard,
        automatic_options=bool(options.get("automatic_options")),
        vary_header=bool(options.get("vary_header")),
        intercept_exceptions=bool(options.get("intercept_exceptions")),
        always_send=bool(options.get("always_send")),
        allow_private_network=bool(options.get("allow_private_network")),
    )


def resource_sort_key(pattern: PatternLike, behaviour: Optional[Behaviour] = None) -> Tuple[int, ...]:
    """Order of a resource dict (a stable sort, so ties keep the dict's order).
    Since 6.0.1: literal paths first, then compiled patterns, then regex
    strings; within each, more ``/`` first, then longer first. 6.0.0 had the
    same key with fewer ``/`` first. Before 6.0.0: longest pattern text first."""
    order = (behaviour or releases.newest()).resource_order
    text = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    if order == releases.BY_LENGTH:
        return (-len(text),)
    slashes = text.count("/") if order == releases.FEWER_SLASHES_FIRST else -text.count("/")
    if isinstance(pattern, re.Pattern):
        return (1, 0, slashes, -len(text))
    if probably_regex(pattern):
        return (1, 1, slashes, -len(text))
    return (0, 0, slashes, -len(text))


def parse_resources(resources: Any, behaviour: Optional[Behaviour] = None) -> list:
    """The (pattern, per-resource options) pairs, in the order flask-cors tries them."""
    if isinstance(resources, dict):
        pairs = [(re_fix(key), value) for key, value in resources.items()]
        pairs.sort(key=lambda pair: resource_sort_key(pair[0], behaviour))
    elif isinstance(resources, str):
        pairs = [(re_fix(resources), {})]
    elif isinstance(resources, Iterable):
        pairs = [(re_fix(item), {}) for item in resources]
    elif isinstance(resources, re.Pattern):
        pairs = [(resources, {})]
    else:
        raise StartupError("bad-resources", "flask-cors raises ValueError: unexpected value for resources")
    return [(resolve_resource(pattern, behaviour), options) for pattern, options in pairs]


def _allowed_origins(options: ComputedOptions, request_origin: Optional[str]) -> Optional[list]:
    if request_origin:
        if options.allow_all_origins and options.send_wildcard:
            return ["*"]
        if any(try_match(request_origin, pattern, case_sensitive=False) for pattern in options.origins):
            return [request_origin]
        return None
    if options.always_send:
        if options.allow_all_origins:
            return None if options.supports_credentials else ["*"]
        return sorted(origin for origin in options.origins if isinstance(origin, str))
    return None


def cors_headers(
    options: ComputedOptions, request_headers: Mapping[str, str], method: str, behaviour: Optional[Behaviour] = None
) -> Headers:
    """The headers flask-cors adds to a response (``get_cors_headers``), in order.

    ``request_headers`` is looked up case-insensitively, as Werkzeug does.
    """
    private_network = (behaviour or releases.newest()).private_network
    lookup = {name.lower(): value for name, value in request_headers.items()}
    origins_to_set = _allowed_origins(options, lookup.get("origin"))
    if not origins_to_set:
        return ()
    # flask-cors puts every allowed origin into a MultiDict but copies it with
    # ``.items()``, which yields only the first value of a key: one origin is sent.
    headers: list = [(ACL_ORIGIN, origins_to_set[0])]
    headers.append((ACL_EXPOSE_HEADERS, options.expose_headers))
    if options.supports_credentials:
        headers.append((ACL_CREDENTIALS, "true"))
    if lookup.get(ACL_REQUEST_PRIVATE_NETWORK.lower()) == "true" and private_network != releases.NO_PRIVATE_NETWORK:
        # 4.0.0 and 4.0.1 answer "true" whatever the options (CVE-2024-6221).
        allowed = options.allow_private_network or private_network == releases.ALWAYS_ALLOWED
        headers.append((ACL_PRIVATE_NETWORK, "true" if allowed else "false"))
    if method == "OPTIONS":
        requested_method = lookup.get(ACL_REQUEST_METHOD.lower(), "").upper()
        # flask-cors tests membership in the *joined string*, so this is a
        # substring test ("GET" is "in" "GET, POST", and so is "ET").
        if requested_method and options.methods and requested_method in options.methods:
            headers.append((ACL_ALLOW_HEADERS, _allowed_request_headers(options, lookup.get(ACL_REQUEST_HEADERS.lower()))))
            headers.append((ACL_MAX_AGE, options.max_age))
            headers.append((ACL_METHODS, options.methods))
    if options.vary_header and origins_to_set[0] != "*":
        if (
            len(options.origins) > 1
            or len(origins_to_set) > 1
            or any(isinstance(origin, re.Pattern) for origin in options.origins)
        ):
            headers.append(("Vary", "Origin"))
    return tuple((name, str(value)) for name, value in headers if value)


def _allowed_request_headers(options: ComputedOptions, requested: Optional[str]) -> Optional[str]:
    if not requested:
        return None
    names = [name.strip() for name in requested.split(",")]
    allowed = [
        name
        for name in names
        if any(try_match(name, pattern, case_sensitive=False) for pattern in options.allow_headers)
    ]
    return ", ".join(sorted(allowed))


def extension_headers(
    resources: Sequence[Tuple[PatternLike, ComputedOptions]],
    path: str,
    request_headers: Mapping[str, str],
    method: str,
    behaviour: Optional[Behaviour] = None,
) -> Headers:
    """What one ``CORS(app)`` registration adds for a request: the first
    resource whose pattern matches the (decoded) path decides. ``resources``
    are resolved and ordered for ``behaviour`` (``parse_resources``)."""
    normalized_path = decode_path(path, behaviour)
    for pattern, options in resources:
        if path_matches(normalized_path, pattern, behaviour):
            return cors_headers(options, request_headers, method, behaviour)
    return ()
