"""The runtime oracle for whole applications: every app in ``tests/apps`` is
imported and asked, through Flask's test client, what it answers on every
route, for simple and preflight requests from a set of origins. The
prediction of ``cors-lint policy`` (the application model) must give the
same Access-Control-Allow-Origin and Access-Control-Allow-Credentials, and
the same routes as ``app.url_map``."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import List, Tuple

import pytest
from flask import Flask

from cors_lint.applications import analyse_paths
from cors_lint.model.request import predict_route
from cors_lint.model.routes import AppPolicy, RoutePolicy
from cors_lint.model.policy import NotConcrete, concrete

APPS = Path(__file__).resolve().parent / "apps"
APP_DIRS = sorted(path for path in APPS.iterdir() if path.is_dir() and not path.name.startswith("_"))
BASE_ORIGINS = ["https://evil.example", "null", "http://localhost:3000"]
# The apps' environment variables are unset: the app runs with the defaults.
APP_ENVIRONMENT = (
    "ALLOWED_ORIGINS",
    "CORS_CREDENTIALS",
    "BRANCHY_DEBUG",
    "ENVFLOW_ORIGINS",
    "ENVFLOW_MODE",
    "ENVFLOW_DEBUG",
    "ENVFLOW_ADMIN_ORIGINS",
    "ENVFLOW_PUBLIC",
)


def _module_name(app_dir: Path, path: str) -> str:
    relative = Path(os.path.relpath(Path(path).resolve(), app_dir)).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_app(app_dir: Path, app: AppPolicy) -> Flask:
    path, _, name = app.label.rpartition(":")
    module = importlib.import_module(_module_name(app_dir, os.path.join(app_dir, path)))
    created = getattr(module, name)
    return created if isinstance(created, Flask) else created()


@pytest.fixture
def app_dir_on_path(request, monkeypatch):
    app_dir: Path = request.param
    for variable in APP_ENVIRONMENT:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(app_dir)
    monkeypatch.syspath_prepend(str(app_dir))
    before = set(sys.modules)
    yield app_dir
    for name in set(sys.modules) - before:
        del sys.modules[name]


def _origins_for(route: RoutePolicy) -> List[str]:
    origins = list(BASE_ORIGINS)
    scope = route.deciding
    if scope is not None:
        try:
            listed = concrete(scope.setting("origins").value)
        except NotConcrete:
            listed = []
        for item in [listed] if isinstance(listed, str) else listed if isinstance(listed, (list, tuple)) else []:
            if isinstance(item, str) and "://" in item and item not in origins:
                origins.append(item)
                # An http twin and a suffix of the literal, as an attacker would try.
                origins.append(item.replace("https://", "http://"))
                origins.append(item.rstrip("/") + ".evil.example")
    # Origins the apps' regexes and globs are about.
    origins += ["https://app.alerts.example.com", "https://evilalerts.example.com", "https://x.helped.example.com"]
    for writer in route.writers:  # the literal origins a hand-written hook's checks name
        if writer.hook is not None and writer.hook.headers is not None:
            for reflection in writer.hook.headers.reflections:
                origins += [literal for check in reflection.checks for literal in check.literals if literal not in origins]
    return origins


def _cors_pair(headers) -> Tuple[Tuple[str, ...], Tuple[str, ...]]:
    names = ("Access-Control-Allow-Origin", "Access-Control-Allow-Credentials")
    headers = list(headers)
    return tuple(tuple(value for key, value in headers if key.lower() == name.lower()) for name in names)  # type: ignore[return-value]


def disagreements(app_dir: Path) -> List[str]:
    analysis = analyse_paths([str(app_dir)])
    problems: List[str] = []
    assert analysis.model.apps, f"no app found in {app_dir.name}"
    for app_policy in analysis.model.apps:
        app = import_app(app_dir, app_policy)
        client = app.test_client()
        real_routes = {
            (rule.rule, rule.endpoint, tuple(sorted(rule.methods or ())))
            for rule in app.url_map.iter_rules()
        }
        predicted_routes = {(r.rule, r.endpoint, r.methods) for r in app_policy.routes}
        if real_routes != predicted_routes:
            problems.append(f"{app_dir.name}: routes differ: real {sorted(real_routes)} predicted {sorted(predicted_routes, key=str)}")
        for route in app_policy.routes:
            assert isinstance(route.rule, str), route
            path = route.path
            # Flask's automatic OPTIONS answer lists the methods in Allow; a
            # view that runs for OPTIONS itself (automatic OPTIONS switched off
            # by an @cross_origin that does not wrap it) does not.
            runs_view = "Allow" not in client.open(path, method="OPTIONS").headers
            if runs_view != (route.preflight_runs_view is not None or route.view_answers_options):
                problems.append(f"{app_dir.name} {app_policy.label} OPTIONS {path}: the view runs: real {runs_view}, predicted {not runs_view}")
            methods = [method for method in route.methods if method not in ("HEAD", "OPTIONS")]
            # The other paths the rule serves that another resource answers.
            for other in route.other_paths:
                assert methods, route  # other paths are looked for with a method the rule serves
                for origin in BASE_ORIGINS:
                    real = client.open(other.path, method=methods[0], headers={"Origin": origin})
                    predicted = predict_route(route, other.path, methods[0], {"Origin": origin})
                    if _cors_pair(real.headers.items()) != _cors_pair(predicted):
                        problems.append(
                            f"{app_dir.name} {app_policy.label} {methods[0]} {other.path} (served by {route.rule}) Origin {origin}: "
                            f"real {_cors_pair(real.headers.items())}, predicted {_cors_pair(predicted)}"
                        )
            for origin in _origins_for(route):
                # A simple request for every method (a decorator may be on one
                # method of a resource only), HEAD too (it runs GET's handler).
                requests = [(method, {"Origin": origin}) for method in methods + (["HEAD"] if "GET" in methods else [])]
                # A rule for OPTIONS only (preflights of other routes' paths) is asked a preflight for GET.
                requests.append(("OPTIONS", {"Origin": origin, "Access-Control-Request-Method": (methods or ["GET"])[-1]}))
                for method, headers in requests:
                    real = client.open(path, method=method, headers=headers)
                    predicted = predict_route(route, path, method, headers)
                    if _cors_pair(real.headers.items()) != _cors_pair(predicted):
                        problems.append(
                            f"{app_dir.name} {app_policy.label} {method} {path} Origin {origin}: "
                            f"real {_cors_pair(real.headers.items())}, predicted {_cors_pair(predicted)}"
                        )
    return problems


@pytest.mark.parametrize("app_dir_on_path", APP_DIRS, ids=[path.name for path in APP_DIRS], indirect=True)
def test_policy_prediction_equals_the_running_app(app_dir_on_path: Path) -> None:
    assert disagreements(app_dir_on_path) == []


def test_there_are_enough_apps() -> None:
    assert len(APP_DIRS) >= 12


def _hook_conflict_cases():
    """(folder to import from, module, app attribute, hook name, witness path)
    for every CRS312 finding on the fixtures and the apps."""
    from cors_lint import lint_paths

    cases = []
    fixtures = APPS.parent.parent / "fixtures"
    for root in (fixtures, *APP_DIRS):
        for finding in lint_paths([str(root)], select=("CRS312",), jobs=1).findings:
            if finding.code != "CRS312":
                continue
            hook = finding.message.split("()", 1)[0]
            cases.append((root, str(Path(finding.path).resolve()), hook, finding.witness))
    return cases


HOOK_CASES = _hook_conflict_cases()


@pytest.mark.parametrize("case", HOOK_CASES, ids=[f"{Path(c[1]).name}:{c[2]}" for c in HOOK_CASES])
def test_hook_conflict_witness_changes_what_flask_cors_answers(case, monkeypatch) -> None:
    """CRS312's witness replayed: on the witness path, the app answers some
    origin differently with the hook than with flask-cors alone (the hook
    taken out of the app's after_request functions)."""
    root, path, hook, witness = case
    monkeypatch.chdir(root)
    monkeypatch.syspath_prepend(str(root))
    before = set(sys.modules)
    try:
        source = Path(path).read_text()
        import re as regex

        origins = sorted(set(regex.findall(r"https?://[\w.-]+", source))) + ["https://evil.example"]
        analysis = analyse_paths([str(root)])
        answers = []
        hooked = [app for app in analysis.model.apps if any(route.writers for route in app.routes)]
        for app_policy in hooked:
            if not any(writer.hook is not None and writer.hook.function == hook for r in app_policy.routes for writer in r.writers):
                continue
            for stripped in (False, True):
                app = import_app(root, app_policy)
                if stripped:
                    for functions in app.after_request_funcs.values():
                        functions[:] = [f for f in functions if getattr(f, "__name__", "") != hook]
                client = app.test_client()
                answers.append([client.get(witness, headers={"Origin": o}).headers.getlist("Access-Control-Allow-Origin") for o in origins])
                for name in set(sys.modules) - before:
                    del sys.modules[name]
        assert any(answers[i] != answers[i + 1] for i in range(0, len(answers), 2)), (path, hook, origins)
    finally:
        for name in set(sys.modules) - before:
            del sys.modules[name]


def test_there_are_hook_conflicts_to_replay() -> None:
    assert len(HOOK_CASES) >= 3


def test_a_decorated_view_that_raises_answers_with_the_app_level_policy(monkeypatch) -> None:
    """``intercept_exceptions``: the error response of a decorated view gets the
    app-level registration's headers, which the route carries as ``on_error``."""
    from cors_lint.model import flaskcors

    app_dir = APPS / "a14_error_policy"
    monkeypatch.chdir(app_dir)
    monkeypatch.syspath_prepend(str(app_dir))
    (app_policy,) = analyse_paths([str(app_dir)]).model.apps
    (route,) = [route for route in app_policy.routes if route.rule == "/login"]
    assert route.on_error is not None and route.on_error.computed is not None
    client = import_app(app_dir, app_policy).test_client()
    for origin in ("https://errs.example.com", "https://login.example.com", "https://evil.example"):
        headers = {"Origin": origin}
        failing = client.post("/login?fail=1", headers=headers)
        assert failing.status_code == 401
        predicted = flaskcors.cors_headers(route.on_error.computed, headers, "POST")
        assert _cors_pair(failing.headers.items()) == _cors_pair(predicted), origin


@pytest.mark.parametrize("app_dir_on_path", APP_DIRS, ids=[path.name for path in APP_DIRS], indirect=True)
def test_origins_outside_trusted_are_granted_by_the_running_app(app_dir_on_path: Path) -> None:
    """``origins_proof.outside_trusted`` of every route, replayed: the real app
    grants that origin on that route."""
    from cors_lint.model.routes import origins_proof

    for app_policy in analyse_paths([str(app_dir_on_path)]).model.apps:
        client = import_app(app_dir_on_path, app_policy).test_client()
        for route in app_policy.routes:
            proof = origins_proof(route)
            if proof is None or proof["outside_trusted"] is None:
                continue
            origin = proof["outside_trusted"]
            methods = [m for m in route.methods if m not in ("HEAD", "OPTIONS")]
            headers = {"Origin": origin} if methods else {"Origin": origin, "Access-Control-Request-Method": "GET"}
            granted = client.open(route.path, method=(methods or ["OPTIONS"])[0], headers=headers).headers.getlist(
                "Access-Control-Allow-Origin"
            )
            assert granted in (["*"], [origin]), (route.rule, origin, granted)
