"""Fixes held to the real flask-cors: every fixture app with a safe fix is
run before and after ``--fix`` and probed through Flask's test client; a
safe fix may only take away (origins, credentials, covered paths), never
add, and keeps every literal origin the app accepted. Unsafe fixes are
checked to do what they say."""

from __future__ import annotations

import ast
import functools
import logging
import re
from pathlib import Path
from typing import Dict, List, Sequence, Set, Tuple

import flask
import pytest

from cors_lint import fix as fixer
from cors_lint.engine import lint_source
from cors_lint.findings import Finding
from cors_lint.model.origins import browser_origin

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
UNRELATED = "https://unrelated.example"
logging.getLogger("flask_cors").setLevel(logging.CRITICAL)

# (app index, path, origin) -> (allowed, with credentials)
Answers = Dict[Tuple[int, str, str], Tuple[bool, bool]]


def _analyse(contents: Sequence[Tuple[str, bytes]]) -> List[Finding]:
    return [finding for path, data in contents for finding in lint_source(data, path)]


@functools.lru_cache(maxsize=None)
def _findings(path: str, source: str) -> Tuple[Finding, ...]:
    """A fixture's findings, analysed once for collection and test alike."""
    return tuple(lint_source(source.encode(), path))


def _fixed(path: str, source: str, unsafe: bool) -> str:
    result = fixer.run(_findings(path, source), lambda _: source.encode(), _analyse, unsafe)
    document = result.documents.get(path)
    return document.text if document is not None else source


def _apps(source: str, monkeypatch) -> List[flask.Flask]:
    """Every Flask app the module creates, in order. Each top-level
    statement runs on its own: one that raises (flask-cors refusing a
    configuration) leaves the others."""
    created: List[flask.Flask] = []

    class Recorded(flask.Flask):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            created.append(self)

    monkeypatch.setattr(flask, "Flask", Recorded)
    namespace: dict = {"__name__": "fixture_under_test"}
    for statement in ast.parse(source).body:
        try:
            exec(compile(ast.Module([statement], []), "fixture.py", "exec"), namespace)  # our own fixtures
        except Exception:  # noqa: BLE001 - flask-cors raising at start-up: CRS306's business
            continue
    monkeypatch.undo()
    for app in created:
        # The app's own routes: a fix must keep their intended origins.
        app.config["REAL_PATHS"] = {
            re.sub(r"<[^>]+>", "1", rule.rule) for rule in app.url_map.iter_rules() if rule.endpoint != "static"
        }
        # A catch-all route, so that every path can be asked about.
        if not any(rule.endpoint == "probe" for rule in app.url_map.iter_rules()):
            app.add_url_rule("/<path:rest>", "probe", lambda rest="": "ok")
            if "/" not in {rule.rule for rule in app.url_map.iter_rules()}:
                app.add_url_rule("/", "probe_root", lambda: "ok")
    return created


def _paths(apps: Sequence[flask.Flask], findings: Sequence[Finding]) -> List[str]:
    paths = {"/"}
    if any(finding.code.startswith("CRS2") for finding in findings):
        # Resource patterns: the paths they were meant for and those they also cover.
        paths |= {"/api", "/api/items", "/api/v1admin", "/apiary", "/api-admin/users", "/public", "/admin/x"}
    for app in apps:
        for rule in app.url_map.iter_rules():
            paths.add(re.sub(r"<[^>]+>", "1", rule.rule))
    paths.update(f.witness for f in findings if f.witness and f.witness.startswith("/") and len(f.witness) < 200)
    return sorted(paths)


def _named(text: str) -> Set[str]:
    """The origins a piece of source names (regex escapes dropped)."""
    return {
        match.lower()
        for match in re.findall(r"[a-zA-Z]+://[a-zA-Z0-9.\-\[\]:]+", text.replace("\\", ""))
        if browser_origin(match.lower()) is not None
    }


def _origins(source: str, fixed: str, findings: Sequence[Finding]) -> Tuple[List[str], List[str]]:
    """(every origin to ask with: those the changed lines name before and
    after the fix, the witnesses, ``null`` and an unrelated one; the origins
    the author plainly meant: those the nodes with a safe fix name)."""
    lines = source.splitlines()
    changed = [(old, new) for old, new in zip(lines, fixed.splitlines()) if old != new]
    intended: Set[str] = set()
    for finding in findings:
        if finding.fix is not None and finding.fix.is_safe:
            where = finding.where
            intended |= _named("\n".join(lines[where.line - 1 : where.end_line]))
    literal = sorted(intended)
    everything = {origin for old, new in changed for origin in _named(old) | _named(new)}
    witnesses = {f.witness for f in findings if f.witness and "://" in f.witness and len(f.witness) < 200}
    return sorted(everything | witnesses | {"null", UNRELATED}), literal


def _ask(apps: Sequence[flask.Flask], paths: Sequence[str], origins: Sequence[str]) -> Answers:
    answers: Answers = {}
    for index, app in enumerate(apps):
        client = app.test_client()
        for path in paths:
            for origin in origins:
                response = client.get(path, headers={"Origin": origin})
                allow = response.headers.get("Access-Control-Allow-Origin")
                allowed = response.status_code < 500 and allow in (origin, "*")
                credentials = allowed and response.headers.get("Access-Control-Allow-Credentials") == "true"
                answers[(index, path, origin)] = (allowed, credentials)
    return answers


# Fixtures with nothing to fix are not even analysed here: ReDoS timing and
# hand-written checks cost seconds.
SAFELY_FIXED = sorted(
    path.name
    for path in FIXTURES.glob("*.py")
    if path.name not in ("syntax_error.py", "redos.py", "handwritten_headers.py", "undecided.py")
    and any(f.fix is not None and f.fix.is_safe for f in _findings(f"fixtures/{path.name}", path.read_text()))
)


def test_the_fixtures_have_safe_fixes() -> None:
    assert len(SAFELY_FIXED) >= 7, SAFELY_FIXED


@pytest.mark.parametrize("name", SAFELY_FIXED)
def test_safe_fixes_only_narrow_what_flask_cors_allows(name: str, monkeypatch) -> None:
    path = f"fixtures/{name}"
    source = (FIXTURES / name).read_text()
    fixed = _fixed(path, source, unsafe=False)
    assert fixed != source
    findings = _findings(path, source)
    before_apps, after_apps = _apps(source, monkeypatch), _apps(fixed, monkeypatch)
    assert len(before_apps) == len(after_apps)
    paths = _paths(before_apps, findings)
    origins, literal = _origins(source, fixed, findings)
    before, after = _ask(before_apps, paths, origins), _ask(after_apps, paths, origins)
    resource_fixes = any(f.fix is not None and f.code.startswith("CRS2") for f in findings)
    for key, (allowed, credentials) in after.items():
        was_allowed, had_credentials = before[key]
        assert not allowed or was_allowed, f"{name}: the fix lets in {key}"
        assert not credentials or had_credentials, f"{name}: the fix adds credentials for {key}"
        # A safe resource fix may drop a path that is no route of the app.
        on_route = not resource_fixes or key[1] in before_apps[key[0]].config["REAL_PATHS"]
        if key[2] in literal and was_allowed and on_route:
            assert allowed, f"{name}: the fix drops the literal origin of {key}"
    assert any(allowed for allowed, _ in before.values())  # the apps answer: not vacuous
    NARROWED[name] = any(before[key] != after[key] for key in after)


NARROWED: Dict[str, bool] = {}


def test_safe_fixes_take_something_away() -> None:
    """Run after the per-fixture test: most safe fixes change what flask-cors
    answers (a fix of a dead entry next to a live twin changes nothing)."""
    if len(NARROWED) < len(SAFELY_FIXED):
        pytest.skip("needs the per-fixture test in the same run")
    assert sum(NARROWED.values()) >= 5, NARROWED


def _answers_for(source: str, monkeypatch, origins: Sequence[str], path: str = "/") -> List[Tuple[bool, bool]]:
    (app,) = _apps(source, monkeypatch)
    answers = _ask([app], [path], origins)
    return [answers[(0, path, origin)] for origin in origins]


HEADER = "from flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\n"


def _unsafe_fix(body: str, code: str) -> str:
    source = HEADER + body
    (finding,) = [f for f in lint_source(source.encode(), "app.py") if f.code == code]
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert _fixed("app.py", source, unsafe=False) == source  # not applied without --unsafe-fixes
    return _fixed("app.py", source, unsafe=True)


def test_the_glob_fix_accepts_the_subdomains_it_means(monkeypatch) -> None:
    body = "CORS(app, origins=['https://*.acme-corp.io'])\n"
    fixed = _unsafe_fix(body, "CRS107")
    probes = ["https://app.acme-corp.io", "https://acme-corp.io.evil.example", "https://acme-corp.io", "https://a.b.acme-corp.io", "https://evilacme-corp.io"]
    before = [allowed for allowed, _ in _answers_for(HEADER + body, monkeypatch, probes)]
    after = [allowed for allowed, _ in _answers_for(fixed, monkeypatch, probes)]
    assert before[0] is False  # the glob, read as a regex, rejected what it was written for
    assert after == [True, False, False, False, False]


def test_the_never_matching_origin_fix_starts_accepting_it(monkeypatch) -> None:
    body = "CORS(app, origins=['https://app.example.com/', 'https://a.example.com,https://b.example.com'])\n"
    source = HEADER + body
    fixed = _fixed("app.py", source, unsafe=True)
    probes = ["https://app.example.com", "https://a.example.com", "https://b.example.com", UNRELATED]
    assert [a for a, _ in _answers_for(source, monkeypatch, probes)] == [False, False, False, False]
    assert [a for a, _ in _answers_for(fixed, monkeypatch, probes)] == [True, True, True, False]


def test_the_credentials_rename_turns_credentials_on(monkeypatch) -> None:
    body = "CORS(app, origins=['https://app.example.com'], support_credentials=True)\n"
    fixed = _unsafe_fix(body, "CRS301")
    assert _answers_for(HEADER + body, monkeypatch, ["https://app.example.com"]) == [(True, False)]
    assert _answers_for(fixed, monkeypatch, ["https://app.example.com"]) == [(True, True)]


def test_the_leading_slash_fix_gives_the_routes_their_policy(monkeypatch) -> None:
    body = "CORS(app, resources={'api/.*': {'origins': 'https://app.example.com'}})\n"
    fixed = _unsafe_fix(body, "CRS202")
    origin = ["https://app.example.com"]
    assert _answers_for(HEADER + body, monkeypatch, origin, "/api/items") == [(False, False)]
    assert _answers_for(fixed, monkeypatch, origin, "/api/items") == [(True, False)]


def test_a_resource_fix_that_would_drop_a_route_is_unsafe(monkeypatch) -> None:
    body = "CORS(app, resources={r'/api/*': {'origins': 'https://app.example.com'}})\n@app.route('/api')\ndef api():\n    return 'ok'\n"
    fixed = _unsafe_fix(body, "CRS201")
    origin = ["https://app.example.com"]
    assert _answers_for(HEADER + body, monkeypatch, origin, "/api") == [(True, False)]
    assert _answers_for(fixed, monkeypatch, origin, "/api") == [(False, False)]  # why it is unsafe
