"""Differential test: generated flask-cors configurations, written as Flask
source, run through the linter's pipeline and through the real flask-cors.

The linter's predicted CORS headers must equal flask-cors's answers for every
request tried; a configuration flask-cors refuses must be predicted as a
start-up error. A disagreement found here becomes an ``@example``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st
import oracle
from oracle import ask

from cors_lint.engine import check_policy, policy_of
from cors_lint.model.flaskcors import StartupError
from cors_lint.model.policy import Policy
from cors_lint.model.predict import predict, predict_app

logging.getLogger("flask_cors").setLevel(logging.CRITICAL)

# --- Values, kept with the source that writes them ----------------------------


@dataclass(frozen=True)
class Source:
    """A Python expression, as text."""

    code: str


def py(value) -> str:
    if isinstance(value, Source):
        return value.code
    if isinstance(value, list):
        return "[" + ", ".join(py(item) for item in value) + "]"
    if isinstance(value, tuple):
        return "(" + "".join(py(item) + ", " for item in value) + ")"
    if isinstance(value, frozenset):
        return "{" + ", ".join(py(item) for item in sorted(value, key=py)) + "}" if value else "set()"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py(key)}: {py(item)}" for key, item in value.items()) + "}"
    return repr(value)


LITERAL_ORIGINS = [
    "*",
    "https://app.example.com",
    "https://APP.Example.com",
    "https://www.example.com",
    "http://app.example.com",
    "null",
    "https://app.example.com/",
    "app.example.com",
    "https://app.example.com:443",
    "http://localhost:3000",
]
REGEX_ORIGINS = [
    r".*",
    r"https://.*\.example\.com",
    r"^https://app\.example\.com$",
    r"https://app.example.com$",
    r"^https://.*example\.com$",
    "https://*.example.com",
    r"https?://(www|app)\.example\.com",
    r"^(null|https://app\.example\.com)$",
    r"^https://[a-z0-9-]+\.example\.com$",
    "*.example.com",
    r"^https://(app|www\.example\.com$",
    "http://localhost:*",
]

def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


compiled = st.builds(
    lambda pattern, ignore_case: Source(f"re.compile({pattern!r}{', re.I' if ignore_case else ''})"),
    st.sampled_from([pattern for pattern in REGEX_ORIGINS if _compiles(pattern)]),
    st.booleans(),
)
origin_entry = st.one_of(st.sampled_from(LITERAL_ORIGINS), st.sampled_from(REGEX_ORIGINS), compiled)
origins = st.one_of(
    origin_entry,
    st.lists(origin_entry, min_size=1, max_size=3),
    st.lists(origin_entry, min_size=1, max_size=3).map(tuple),
    st.frozensets(st.sampled_from(LITERAL_ORIGINS + REGEX_ORIGINS), min_size=1, max_size=3),
)
truthy = st.sampled_from([True, False, "false", "true", "", 1, 0, None])
methods = st.sampled_from([["GET", "POST"], "GET", ["get", "put"], "GET, POST", ("DELETE",)])
allow_headers = st.sampled_from(["*", ["X-Custom"], r"X-.*", ["Content-Type", "x-custom"], "X-[Bad"])
expose_headers = st.sampled_from([None, "X-A", ["X-B", "X-A"]])
max_age = st.one_of(
    st.sampled_from([None, 600, "600", 0, 90000]),
    st.integers(0, 200000).map(lambda seconds: Source(f"datetime.timedelta(seconds={seconds})")),
)
RESOURCE_PATTERNS = ["/api/*", r"/api/.*", "/public/a", "/api", "*", r"/.*", "api/.*", r"^/api$", r"/api/(v1|v2/.*"]
resource_key = st.one_of(
    st.sampled_from(RESOURCE_PATTERNS), st.sampled_from([r"/api/.*", r"/pub.*"]).map(lambda p: Source(f"re.compile({p!r})"))
)

OPTION_STRATEGIES = {
    "origins": origins,
    "supports_credentials": truthy,
    "send_wildcard": truthy,
    "vary_header": truthy,
    "always_send": truthy,
    "allow_private_network": truthy,
    "automatic_options": truthy,
    "methods": methods,
    "allow_headers": allow_headers,
    "expose_headers": expose_headers,
    "max_age": max_age,
    "origin": st.sampled_from(["https://app.example.com"]),
    "support_credentials": st.booleans(),
    "headers": st.just(["X-Custom"]),
}
RESOURCE_OPTIONS = ["origins", "supports_credentials", "send_wildcard", "vary_header", "methods", "max_age", "origin"]


@st.composite
def option_dicts(draw, names=tuple(OPTION_STRATEGIES), max_size=5) -> Dict[str, object]:
    chosen = draw(st.lists(st.sampled_from(names), unique=True, max_size=max_size))
    return {name: draw(OPTION_STRATEGIES[name]) for name in chosen}


resources = st.one_of(
    st.sampled_from(RESOURCE_PATTERNS),
    st.lists(st.sampled_from(RESOURCE_PATTERNS), min_size=1, max_size=3),
    st.dictionaries(resource_key, option_dicts(names=tuple(RESOURCE_OPTIONS), max_size=2), min_size=1, max_size=3),
)


@dataclass(frozen=True)
class Configuration:
    kind: str  # "kwargs", "constant", "init_app", "decorator", "twice", "config", "config_late", "blueprint"
    options: Dict[str, object]
    extra: Dict[str, object]  # init_app's options, or the second registration's

    def source(self) -> str:
        head = "import re, datetime\nfrom flask import Flask\nfrom flask_cors import CORS, cross_origin\n\napp = Flask('generated')\n"
        options = ", ".join(f"{name}={py(value)}" for name, value in self.options.items())
        extra = ", ".join(f"{name}={py(value)}" for name, value in self.extra.items())
        route = (
            "@app.route('/', methods=['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'])\n"
            "@app.route('/<path:path>', methods=['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'])\n"
        )
        view = "def view(path=''):\n    return 'ok'\n"
        if self.kind == "decorator":
            return head + route + f"@cross_origin({options})\n" + view
        if self.kind == "blueprint":
            # flask-cors reads no app config for a blueprint: the config written here must not apply.
            keys = {"CORS_" + name.upper(): value for name, value in self.extra.items()}
            blueprint_route = route.replace("@app.route", "@bp.route")
            return (
                head.replace("from flask import Flask", "from flask import Blueprint, Flask")
                + f"app.config.update({py(keys)})\nbp = Blueprint('bp', __name__)\n"
                + f"CORS(bp{', ' if options else ''}{options})\n"
                + blueprint_route
                + view
                + "app.register_blueprint(bp)\n"
            )
        if self.kind == "constant":
            body = f"OPTIONS = {py(self.options)}\nCORS(app, **OPTIONS)\n"
        elif self.kind in ("config", "config_late"):
            keys = {"CORS_" + name.upper(): value for name, value in self.options.items()}
            write = f"app.config.update({py(keys)})\n"
            register = f"CORS(app{', ' if extra else ''}{extra})\n"
            body = write + register if self.kind == "config" else register + write
        elif self.kind == "init_app":
            body = f"cors = CORS({options})\ncors.init_app(app{', ' if extra else ''}{extra})\n"
        elif self.kind == "twice":
            body = f"CORS(app{', ' if options else ''}{options})\nCORS(app{', ' if extra else ''}{extra})\n"
        else:
            body = f"CORS(app{', ' if options else ''}{options})\n"
        return head + body + route + view


@st.composite
def configurations(draw) -> Configuration:
    kind = draw(
        st.sampled_from(["kwargs", "kwargs", "constant", "init_app", "decorator", "twice", "config", "config_late", "blueprint"])
    )
    options = draw(option_dicts())
    extra: Dict[str, object] = {}
    if kind != "decorator" and draw(st.booleans()):
        options["resources"] = draw(resources)
    if kind in ("init_app", "twice", "config", "config_late", "blueprint"):
        extra = draw(option_dicts(max_size=3))
    return Configuration(kind, options, extra)


REQUEST_ORIGINS = [None] + oracle.ATTACKER_ORIGINS + [
    "https://app.example.com",
    "https://APP.EXAMPLE.COM",
    "http://localhost:3000",
    "http://localhost.attacker.example",
]
PATHS = ["/", "/api/x", "/api", "/apiary", "/api-admin/x", "/public/a", "/pub", "/api%2Fx", "/x"]
PREFLIGHTS = [
    {},
    {"Access-Control-Request-Method": "post", "Access-Control-Request-Headers": "X-Custom, Content-Type"},
    {"Access-Control-Request-Method": "ET", "Access-Control-Request-Private-Network": "true"},
]


def _origins_in(configuration: Configuration) -> List[str]:
    text = py(configuration.options) + py(configuration.extra)
    return sorted(set(re.findall(r"'((?:https?://|null)[^'\\]*)'", text)))


def _request_pool(configuration: Configuration, policy: Policy) -> List[Optional[str]]:
    witnesses = {finding.witness for finding in check_policy(policy) if finding.witness}
    return REQUEST_ORIGINS + _origins_in(configuration) + sorted(witnesses)


Request = Tuple[str, str, Dict[str, str]]


def run_app(source: str):
    namespace: Dict[str, object] = {"__name__": "generated"}
    try:
        exec(compile(source, "generated.py", "exec"), namespace)  # noqa: S102 - our own generated code
    except (ValueError, TypeError):
        return None
    return namespace["app"]


def compare(configuration: Configuration, policy: Policy, requests: List[Request]) -> None:
    source = configuration.source()
    app = run_app(source)
    for path, method, headers in requests:
        if app is None:
            expected: object = "startup error"
        else:
            try:
                expected = ask(app, path, method, headers)
            except Exception:  # noqa: BLE001 - a 500 from flask-cors raising per request
                expected = "startup error"
        try:
            if configuration.kind == "decorator":
                predicted: object = predict(policy.registrations[0], path, method, headers)
            else:
                predicted = predict_app(policy.registrations, path, method, headers)
        except StartupError:
            predicted = "startup error"
        assert predicted == expected, f"\n{source}\nrequest: {method} {path} {headers}"


@st.composite
def requests_for(draw, configuration: Configuration, policy: Policy) -> List[Request]:
    pool = _request_pool(configuration, policy)
    chosen = []
    for _ in range(10):
        origin = draw(st.sampled_from(pool))
        method = draw(st.sampled_from(["GET", "OPTIONS"]))
        headers = dict(draw(st.sampled_from(PREFLIGHTS))) if method == "OPTIONS" else {}
        if origin:
            headers["Origin"] = origin
        chosen.append((draw(st.sampled_from(PATHS)), method, headers))
    return chosen


@given(st.data())
def test_linter_predicts_what_flask_cors_answers(data) -> None:
    configuration = data.draw(configurations(), label="configuration")
    policy = policy_of(configuration.source().encode())
    requests = data.draw(requests_for(configuration, policy), label="requests")
    compare(configuration, policy, requests)


# Disagreements found by the generator stay here as permanent regressions,
# checked against every request of the pool.
REGRESSIONS: List[Configuration] = [
    # A registration that fails at start-up stops the app, even when a later
    # registration would have answered first.
    Configuration("twice", {"resources": "/api/(v1|v2/.*"}, {}),
]


@pytest.mark.parametrize("configuration", REGRESSIONS)
def test_regressions(configuration: Configuration) -> None:
    policy = policy_of(configuration.source().encode())
    pool = _request_pool(configuration, policy)
    requests = [
        (path, method, {**({"Origin": origin} if origin else {}), **(preflight if method == "OPTIONS" else {})})
        for origin in pool
        for path in PATHS
        for method in ("GET", "OPTIONS")
        for preflight in PREFLIGHTS[1:2]
    ]
    compare(configuration, policy, requests)
