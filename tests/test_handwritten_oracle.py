"""Hand-written CORS code, run for real: every CRS401/CRS402/CRS405 witness
is sent to the fixture app and must be granted; the apps the linter finds
nothing in must refuse the standard attacker origins."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from flask import Flask
from oracle import ATTACKER_ORIGINS, accepted, ask

from cors_lint import lint_paths

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "handwritten_headers.py"


def load_fixture():
    spec = importlib.util.spec_from_file_location("handwritten_headers", FIXTURE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def app_and_path(module, function: str):
    """The app that runs ``function`` and a path that reaches it."""
    for value in vars(module).values():
        if isinstance(value, Flask):
            hooks = [hook.__name__ for hook in value.after_request_funcs.get(None, [])]
            if function in hooks:
                return value, "/"
            for rule in value.url_map.iter_rules():
                view = value.view_functions.get(rule.endpoint)
                # The view itself, or a view that calls the helper writing its headers.
                if rule.endpoint == function or function in getattr(getattr(view, "__code__", None), "co_names", ()):
                    return value, rule.rule
    blueprint = module.api  # the blueprint's hook, on an app made for the test
    blueprint.add_url_rule("/bp", "bp", lambda: "ok")
    app = Flask("blueprint_test")
    app.register_blueprint(blueprint)
    return app, "/bp"


FINDINGS = [f for f in lint_paths([str(FIXTURE)]).findings if f.code in ("CRS401", "CRS402", "CRS405", "CRS406")]


@pytest.mark.parametrize("finding", FINDINGS, ids=lambda f: f"{f.where.line}:{f.code}")
def test_witness_is_granted_by_the_running_code(finding) -> None:
    function = finding.message.split("()", 1)[0]
    app, path = app_and_path(load_fixture(), function)
    grant = accepted(ask(app, path, headers={"Origin": finding.witness}), finding.witness)
    assert grant["allowed"], (function, finding.witness)
    assert grant["credentials"] == ("Access-Control-Allow-Credentials: true" in finding.message)


@pytest.mark.parametrize(
    "function",
    [
        "check_allowlist",
        "check_with_helper",
        "check_anchored_regex",
        "check_safe_alternation",
        "check_hostname_with_dot",
        "check_with_abort",
    ],
)
def test_correct_checks_refuse_attackers(function: str) -> None:
    assert not [f for f in lint_paths([str(FIXTURE)]).findings if f.message.startswith(function + "()")]
    app, path = app_and_path(load_fixture(), function)
    for origin in ATTACKER_ORIGINS:
        assert not accepted(ask(app, path, headers={"Origin": origin}), origin)["allowed"], origin
    assert accepted(ask(app, path, headers={"Origin": "https://app.example.com"}), "https://app.example.com")["allowed"]
