"""The policy model against the real flask-cors.

Each configuration is written as Flask source, run through the linter's own
pipeline (find, evaluate, model) and through flask-cors itself; the headers
predicted for a grid of requests must equal flask-cors's answers exactly.
"""

from __future__ import annotations

import datetime
import re

import pytest
from oracle import OracleStartupError, ask, decorator_app, extension_app

from cors_lint.engine import policy_of
from cors_lint.model.flaskcors import StartupError
from cors_lint.model.predict import predict, predict_app

ORIGINS = [
    None,
    "https://app.example.com",
    "https://APP.Example.com",
    "https://www.example.com",
    "https://attacker.example",
    "https://app.example.com.attacker.example",
    "https://xexample.com",
    "https://attackerexample.com",
    "http://app.example.com",
    "null",
]
PATHS = ["/", "/api/users", "/api", "/apiary", "/api-admin/x", "/public/a", "/hooks/x", "/api%2Fusers"]
PREFLIGHT = {
    "Access-Control-Request-Method": "post",
    "Access-Control-Request-Headers": "X-Custom, Content-Type",
    "Access-Control-Request-Private-Network": "true",
}

CONFIGURATIONS = [
    "",
    'origins="*"',
    "supports_credentials=True",
    'origins="*", supports_credentials=True, send_wildcard=True',
    'origins="*", send_wildcard=True',
    'origins=["https://app.example.com"], supports_credentials=True',
    'origins="https://app.example.com"',
    'origins=["https://app.example.com", "https://www.example.com"], vary_header=False',
    'origins=[r"https://(www|app)\\.example\\.com"], supports_credentials=True',
    'origins=[r"^https://app.example.com$"]',
    'origins=[r"^https://.*example\\.com$"]',
    'origins=["https://*.example.com"]',
    'origins=["null", "https://app.example.com"]',
    'origins=re.compile(r"https://APP\\.example\\.com")',
    'origins=[re.compile(r"https://app\\.example\\.com$", re.I)]',
    'origins=["https://app.example.com/"]',
    'origins=("https://app.example.com", "http://app.example.com")',
    'origins={"https://app.example.com"}',
    'origins=["*.example.com"]',
    'origins=[r"^https://(app|www\\.example\\.com$"]',
    'origin="https://app.example.com", supports_credentials=True',
    'supports_credentials="false"',
    'vary_header="false", origins=["https://a.example", "https://b.example"]',
    'always_send=False, origins=["https://app.example.com", "https://www.example.com"]',
    'methods=["get", "post"], max_age=3600, expose_headers=["X-B", "X-A"], allow_headers=["x-custom"]',
    'methods="GET", allow_headers=r"X-.*", max_age=datetime.timedelta(days=2)',
    'max_age="600", allow_private_network=True',
    "max_age=0",
    'resources=r"/api/*"',
    'resources=[r"/api/.*", "/public/a"]',
    'resources="/api"',
    'resources={r"/api/*": {"origins": "https://app.example.com"}, r"/hooks/.*": {"origins": "*"}}, supports_credentials=True',
    'resources={"/api/users": {"origins": "https://www.example.com"}, r"/api/.*": {"origins": ["https://app.example.com"]}}',
    'resources={re.compile("/api/.*"): {"origins": "null"}, r"/.*": {}}',
    'resources={"*": {"origins": "https://app.example.com"}}',
    "resources=None",
    'resources={"api/.*": {}}',
    '**{"origins": ["https://app.example.com"], "supports_credentials": True}',
    'origins=["https://app.example.com"], **{"resources": r"/api/.*"}',
    'origins="https://app.example.com,https://www.example.com"',
]

DECORATOR_CONFIGURATIONS = [
    "",
    '"https://app.example.com"',
    'origins=["https://app.example.com"], supports_credentials=True',
    'origins="*", supports_credentials=True',
    'origins="*", supports_credentials=True, send_wildcard=True',
    "automatic_options=False",
    'origins=[r"https://(www|app)\\.example\\.com"], methods=["GET"]',
]

MULTIPLE_REGISTRATIONS = [
    ["", 'origins=["https://app.example.com"]'],
    ['origins=["https://app.example.com"], supports_credentials=True', 'origins="*"'],
    ['resources=r"/api/.*", origins="https://app.example.com"', 'resources=r"/public/.*"'],
]


def _runtime_options(arguments: str) -> dict:
    """The keyword arguments as flask-cors receives them."""
    return eval(f"dict({arguments})", {"re": re, "datetime": datetime})  # noqa: S307 - our own test data


def _requests():
    for path in PATHS:
        for origin in ORIGINS:
            headers = {"Origin": origin} if origin else {}
            yield path, "GET", headers
            yield path, "OPTIONS", {**headers, **PREFLIGHT}


def _compare(oracle_app_factory, registrations):
    try:
        app = oracle_app_factory()
    except OracleStartupError:
        app = None
    for path, method, headers in _requests():
        try:
            expected = ask(app, path, method, headers) if app is not None else "startup error"
        except OracleStartupError:
            expected = "startup error"
        try:
            predicted = registrations(path, method, headers)
        except StartupError:
            predicted = "startup error"
        assert predicted == expected, f"{method} {path} {headers}"


def _policy(source: str):
    return policy_of(("import re, datetime\nfrom flask import Flask\nfrom flask_cors import CORS, cross_origin\n" + source).encode())


@pytest.mark.parametrize("arguments", CONFIGURATIONS)
def test_extension_matches_flask_cors(arguments: str) -> None:
    separator = ", " if arguments else ""
    (registration,) = _policy(f"app = Flask(__name__)\nCORS(app{separator}{arguments})\n").registrations
    _compare(lambda: extension_app([_runtime_options(arguments)]), lambda *request: predict(registration, *request))


@pytest.mark.parametrize("arguments", DECORATOR_CONFIGURATIONS)
def test_decorator_matches_flask_cors(arguments: str) -> None:
    (registration,) = _policy(f"@cross_origin({arguments})\ndef view():\n    pass\n").registrations
    keyword_arguments = "" if arguments.startswith('"') else arguments
    _compare(
        lambda: decorator_app(_runtime_options(keyword_arguments)), lambda *request: predict(registration, *request)
    )


@pytest.mark.parametrize("registrations", MULTIPLE_REGISTRATIONS)
def test_several_registrations_match_flask_cors(registrations) -> None:
    source = "app = Flask(__name__)\n" + "".join(
        f"CORS(app{', ' if arguments else ''}{arguments})\n" for arguments in registrations
    )
    policy = _policy(source)
    _compare(
        lambda: extension_app([_runtime_options(arguments) for arguments in registrations]),
        lambda *request: predict_app(policy.registrations, *request),
    )


def test_init_app_merges_constructor_and_init_app_options() -> None:
    policy = _policy(
        'cors = CORS(origins=["https://app.example.com"], supports_credentials=True)\n'
        "def create_app():\n"
        "    app = Flask(__name__)\n"
        '    cors.init_app(app, origins="*")\n'
        "    return app\n"
    )
    (registration,) = policy.registrations

    def oracle():
        from flask_cors import CORS

        app = extension_app([])
        CORS(origins=["https://app.example.com"], supports_credentials=True).init_app(app, origins="*")
        return app

    _compare(oracle, lambda *request: predict(registration, *request))
