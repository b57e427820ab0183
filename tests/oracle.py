"""The runtime oracle: ask the installed flask-cors, through Flask's test
client, what it answers. The model is checked against this, never against
anyone's memory of flask-cors."""

from __future__ import annotations

import logging
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from flask import Flask
from flask_cors import CORS, cross_origin

CORS_HEADER_NAMES = (
    "Access-Control-Allow-Origin",
    "Access-Control-Expose-Headers",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Private-Network",
    "Access-Control-Allow-Headers",
    "Access-Control-Max-Age",
    "Access-Control-Allow-Methods",
    "Vary",
)
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]
# Origins an attacker can present; a safe configuration grants none of them.
ATTACKER_ORIGINS = [
    "https://attacker.example",
    "null",
    "https://app.example.com.attacker.example",
    "https://xexample.com",
    "https://attackerexample.com",
    "http://app.example.com",
]

# flask-cors logs a warning for unknown options; the tests pass them on purpose.
logging.getLogger("flask_cors").setLevel(logging.ERROR)


class OracleStartupError(Exception):
    """flask-cors raised while the app was being set up."""


def _view(path: str = "") -> str:
    return "ok"


def extension_app(registrations: Sequence[Mapping[str, object]]) -> Flask:
    """An app with a catch-all route and one ``CORS(app, **options)`` per
    element of ``registrations``, in order."""
    app = Flask("oracle")
    app.add_url_rule("/", "root", _view, methods=METHODS)
    app.add_url_rule("/<path:path>", "any", _view, methods=METHODS)
    try:
        for options in registrations:
            CORS(app, **options)
    except (ValueError, TypeError) as error:
        raise OracleStartupError(str(error)) from error
    return app


def decorator_app(options: Mapping[str, object]) -> Flask:
    app = Flask("oracle")
    view = cross_origin(**options)(_view)
    app.add_url_rule("/", "root", view, methods=METHODS)
    app.add_url_rule("/<path:path>", "any", view, methods=METHODS)
    return app


def ask(app: Flask, path: str, method: str = "GET", headers: Optional[Mapping[str, str]] = None) -> Tuple[Tuple[str, str], ...]:
    """The CORS headers of the app's response, in the order flask-cors added
    them. A 500 (flask-cors raising during the request) is an error."""
    response = app.test_client().open(path, method=method, headers=dict(headers or {}))
    if response.status_code >= 500:
        raise OracleStartupError(f"status {response.status_code}")
    wanted = {name.lower() for name in CORS_HEADER_NAMES}
    return tuple((name, value) for name, value in response.headers.items() if name.lower() in wanted)


def accepted(answer: Sequence[Tuple[str, str]], origin: str) -> Dict[str, object]:
    """What an answer grants ``origin``: is it allowed, with credentials?"""
    values: Dict[str, List[str]] = {}
    for name, value in answer:
        values.setdefault(name.lower(), []).append(value)
    allow = values.get("access-control-allow-origin", [])
    return {
        "allowed": origin in allow or "*" in allow,
        "credentials": values.get("access-control-allow-credentials") == ["true"],
    }
