"""Every rule's explanation says what the rule fires on; here each rule's own
bad example is run as a real Flask app (with the real flask-cors) and the
condition its summary states is checked on the app's responses, and every
message is one sentence."""

from __future__ import annotations

import os
import re
from typing import Callable, Dict, List

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cors_lint import budget, lint_source
from cors_lint.findings import Finding
from cors_lint.rules import ALL_RULES, RULES_BY_CODE

APP_ORIGIN = "https://app.example.com"
ATTACKER = "https://attacker.example"


def _run(source: str) -> dict:
    namespace: dict = {"__name__": "bad_example"}
    exec(compile(source, "bad.py", "exec"), namespace)  # the rules' own examples: our code
    return namespace


def _client(namespace: dict) -> FlaskClient:
    if "__client" in namespace:
        return namespace["__client"]
    app: Flask = namespace["app"]
    for name, value in namespace.items():
        if type(value).__name__ == "Blueprint" and value.name not in app.blueprints:
            value.add_url_rule("/in-blueprint", "probe", lambda: "ok")
            app.register_blueprint(value)
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    if "/" not in rules:
        app.add_url_rule("/", "root_probe", lambda: "ok")
    app.add_url_rule("/<path:rest>", "any_probe", lambda rest: "ok")
    namespace["__client"] = app.test_client()
    return namespace["__client"]


def _get(namespace: dict, origin: str, path: str = "/"):
    return _client(namespace).get(path, headers={"Origin": origin})


def _preflight(namespace: dict, origin: str = APP_ORIGIN, **headers: str):
    request_headers = {"Origin": origin, "Access-Control-Request-Method": "GET", **headers}
    return _client(namespace).options("/", headers=request_headers)


def _allows(response, origin: str) -> bool:
    return response.headers.get("Access-Control-Allow-Origin") in (origin, "*")


def _with_credentials(response) -> bool:
    return response.headers.get("Access-Control-Allow-Credentials") == "true"


def _raises(source: str) -> bool:
    try:
        _client(_run(source)).get("/", headers={"Origin": APP_ORIGIN})
    except Exception:  # noqa: BLE001 - flask-cors refusing the configuration is the point
        return True
    return False


def _slow(pattern: str, flags: int, text: str) -> bool:
    """re.match(pattern, text) takes more than 0.1 s of CPU (measured in a
    child with a hard limit, so this test cannot hang)."""

    def match(_: object, report) -> None:
        report("start")
        re.match(pattern, text, flags)

    measured = budget.measure(match, None, 1.0)
    return measured.reports == ["start"] and (not measured.finished or measured.cpu_seconds > 0.1) and measured.cpu_seconds > 0.1


def _pattern(source: str) -> str:
    return re.search(r'r"(\^?[^"]*[(*][^"]*)"', source).group(1)  # the example's regex literal


def _same_responses(source: str, without: str) -> bool:
    """Does removing ``without`` from the example change no response?"""
    origins = (APP_ORIGIN, ATTACKER, "null")
    answers = []
    for variant in (source, source.replace(without, "")):
        namespace = _run(variant)
        answers.append([dict(_get(namespace, origin).headers) for origin in origins])
    return answers[0] == answers[1]


Check = Callable[[str, List[Finding]], bool]

PARTNER = "https://partner.example.net"  # the origin CRS312's example hook lets in

CONDITIONS: Dict[str, Check] = {
    "CRS001": lambda source, found: pytest.raises(SyntaxError, compile, source, "bad.py", "exec") is not None,
    "CRS101": lambda source, found: all(
        _get(_run(source), f.witness).headers.get("Access-Control-Allow-Origin") == f.witness
        and _with_credentials(_get(_run(source), f.witness))
        for f in found
    ),
    "CRS102": lambda source, found: all(_allows(_get(_run(source), f.witness), f.witness) for f in found),
    "CRS103": lambda source, found: _allows(_get(_run(source), "null"), "null"),
    "CRS104": lambda source, found: all(_allows(_get(_run(source), f.witness), f.witness) for f in found),
    "CRS105": lambda source, found: all(_allows(_get(_run(source), f.witness), f.witness) for f in found),
    "CRS106": lambda source, found: all(_allows(_get(_run(source), f.witness), f.witness) for f in found),
    "CRS107": lambda source, found: all(_allows(_get(_run(source), f.witness), f.witness) for f in found),
    "CRS108": lambda source, found: _allows(_get(_run(source), "http://app.example.com"), "http://app.example.com"),
    # The entry never matches the browser's Origin it was written for.
    "CRS109": lambda source, found: not _allows(_get(_run(source), APP_ORIGIN), APP_ORIGIN),
    "CRS110": lambda source, found: _raises(source),
    "CRS111": lambda source, found: all(_allows(_get(_run(source), f.witness), f.witness) for f in found),
    "CRS112": lambda source, found: all(_slow(_pattern(source), re.IGNORECASE, f.witness) for f in found),
    "CRS201": lambda source, found: all(_allows(_get(_run(source), APP_ORIGIN, f.witness), APP_ORIGIN) for f in found),
    "CRS202": lambda source, found: not _allows(_get(_run(source), APP_ORIGIN, "/api/items"), APP_ORIGIN),
    "CRS203": lambda source, found: all(_slow(_pattern(source), 0, f.witness) for f in found),
    # The misspelt option is ignored: the default origin '*' applies.
    "CRS301": lambda source, found: _allows(_get(_run(source), ATTACKER), ATTACKER),
    "CRS302": lambda source, found: _same_responses(source, 'app.config["CORS_ORIGIN"] = "https://app.example.com"\n'),
    "CRS303": lambda source, found: _allows(_get(_run(source), ATTACKER), ATTACKER),
    "CRS304": lambda source, found: _allows(_get(_run(source), ATTACKER, "/in-blueprint"), ATTACKER),
    "CRS305": lambda source, found: "Access-Control-Allow-Origin" not in _get(_run(source), APP_ORIGIN).headers,
    "CRS306": lambda source, found: _raises(source),
    "CRS307": lambda source, found: "Origin" not in _get(_run(source), "https://a.example.com").headers.get("Vary", "")
    and _allows(_get(_run(source), "https://a.example.com"), "https://a.example.com"),
    "CRS308": lambda source, found: _preflight(
        _run(source), **{"Access-Control-Request-Private-Network": "true"}
    ).headers.get("Access-Control-Allow-Private-Network")
    == "true",
    "CRS309": lambda source, found: int(_preflight(_run(source)).headers["Access-Control-Max-Age"]) > 86400,
    # The two registrations add up: the first one's '*' still answers the attacker.
    "CRS310": lambda source, found: _allows(_get(_run(source), ATTACKER), ATTACKER),
    "CRS311": lambda source, found: _with_credentials(_get(_run(source), APP_ORIGIN)),
    # The hook answers an origin flask-cors's configured policy refuses, on the route it names.
    "CRS312": lambda source, found: all(
        _allows(_get(_run(source), PARTNER, f.witness), PARTNER) for f in found
    ),
    "CRS401": lambda source, found: all(
        _get(_run(source), f.witness).headers.get("Access-Control-Allow-Origin") == f.witness for f in found
    ),
    "CRS402": lambda source, found: all(_allows(_get(_run(source), f.witness), f.witness) for f in found),
    "CRS403": lambda source, found: _allows(_get(_run(source), ATTACKER), "*") and _with_credentials(_get(_run(source), ATTACKER)),
    "CRS404": lambda source, found: _allows(_get(_run(source), APP_ORIGIN), APP_ORIGIN)
    and "Origin" not in _get(_run(source), APP_ORIGIN).headers.get("Vary", ""),
    "CRS406": lambda source, found: _allows(_get(_run(source), "null"), "null"),
    "CRS405": lambda source, found: _get(_run(source), ATTACKER).headers.get("Access-Control-Allow-Origin") == "*",
    "CRS501": lambda source, found: _allows(_get(_run(source), ATTACKER), ATTACKER),
    # Nothing to run: the value comes from a call cors-lint does not follow.
    "CRS502": lambda source, found: all("could not be determined" in f.message for f in found),
    # The advisories: the witness is one the model found by comparing the
    # pinned release with its fix; test_advisory_witnesses replays every one
    # of these (the rules' bad examples among them) against the real releases.
    **{code: (lambda code: lambda source, found: _advisory_witness(code, source, found))(code) for code in (
        "CRS601", "CRS602", "CRS603", "CRS604", "CRS605", "CRS606")},
}


def _advisory_witness(code: str, source: str, found: List[Finding]) -> bool:
    from advisory_replay import exposures_of

    version = RULES_BY_CODE[code].example_flask_cors_version
    witnesses = {exposure.request.describe() for exposure in exposures_of(source, version) if exposure.code == code}
    return all(finding.witness in witnesses for finding in found)

EXAMPLE_RULES = [rule for rule in ALL_RULES if rule.bad]


def test_every_rule_with_an_example_has_a_condition() -> None:
    assert {rule.code for rule in EXAMPLE_RULES} == set(CONDITIONS)


@pytest.mark.parametrize("rule", EXAMPLE_RULES, ids=lambda rule: rule.code)
def test_bad_example_shows_the_stated_condition(rule, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CORS_ORIGINS", raising=False)  # CRS501: the variable is unset
    trusted = rule.example_trusted_origins
    pinned = rule.example_flask_cors_version
    found = [
        f
        for f in lint_source(rule.bad.encode(), "bad.py", select=(rule.code,), trusted_origins=trusted, flask_cors_version=pinned)
        if f.code == rule.code
    ]
    assert found
    assert CONDITIONS[rule.code](rule.bad, found), RULES_BY_CODE[rule.code].summary


SENTENCE_END = re.compile(r"[.!?]$")


@pytest.mark.parametrize("rule", EXAMPLE_RULES, ids=lambda rule: rule.code)
def test_messages_are_one_sentence(rule) -> None:
    for finding in lint_source(rule.bad.encode(), "bad.py", select=("CRS",), flask_cors_version=rule.example_flask_cors_version):
        message = finding.message
        assert SENTENCE_END.search(message), message
        assert message[0].isupper() or not message.split(" ", 1)[0].isalpha(), message
        # One sentence: no full stop followed by a capital inside (quoted code aside).
        prose = re.sub(r"'[^']*'|\"[^\"]*\"|\([^)]*\)", "", message)
        assert not re.search(r"\. [A-Z]", prose), message
        assert "Witness" not in message and "  " not in message, message


def test_environment_is_left_alone() -> None:
    assert "bad_example" not in os.environ
