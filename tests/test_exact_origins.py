"""A table of realistic origin checks, each with the verdict a penetration
tester would give it (written down here, not computed by the tool):

* a bypass: the tool must report it with a witness an attacker can obtain,
  and the witness is replayed against the real flask-cors (Flask's test
  client) or the hand-written check running in a Flask app;
* safe: the tool must prove it (an exact verdict, no finding), and at least
  10,000 mutated candidate origins, run through the real flask-cors matching
  or the check as written, must find no accepted attacker origin.
"""

from __future__ import annotations

import re
from typing import Callable, Dict, Iterator, List, Set

import pytest
from flask import Flask
from flask_cors.core import get_cors_options, get_cors_origins
from oracle import OracleStartupError, accepted, ask, extension_app

from cors_lint import lint_source
from cors_lint.evaluate.values import Span
from cors_lint.model.language import verdicts
from cors_lint.model.language.obtainable import obtainable
from cors_lint.model.origins import OriginEntry, browser_origin
from cors_lint.model.flaskcors import re_fix

BYPASS, SAFE = "bypass", "safe"
ORIGIN_CODES = {"CRS101", "CRS102", "CRS103", "CRS104", "CRS105", "CRS106", "CRS107"}
HANDWRITTEN_CODES = {"CRS401", "CRS402", "CRS406"}

# flask-cors origin entries (strings as written; re.compile(...) as a pattern).
ENTRIES = [
    (r"https://app\.acme-corp\.io", BYPASS),  # re.match is a prefix match
    (r"^https://app\.acme-corp\.io", BYPASS),
    (r"^https://app.acme-corp\.io$", BYPASS),  # appxacme-corp.io
    (r"^https://.*acme-corp\.io$", BYPASS),  # evilacme-corp.io
    (r"^.*acme-corp\.io$", BYPASS),  # no scheme in the pattern
    (r"^https://\w+acme-corp\.io$", BYPASS),
    (r"^https://(www\.acme-corp\.io|.*)$", BYPASS),  # one open alternative
    (r"^https://(www|.*)\.acme-corp\.io.*$", BYPASS),
    (r"^https://([a-z]+.)+acme-corp\.io$", BYPASS),  # nested repetition, unescaped dot
    ("https://*.acme-corp.io", BYPASS),  # a glob is a regex
    (r"^https://(app|www)\.acme-corp\.(io|com)$", BYPASS),  # acme-corp.com is another domain
    (r"^https://[a-z]+\.acme-corp\.io(:\d+)?.*$", BYPASS),
    (r"^https://acme-corp\.io[.:].*$", BYPASS),
    (r"^https://app\.acme-corp\.i.$", BYPASS),  # app.acme-corp.it
    (r"^https://app\.acme-corp\.io(\.[a-z]+)?$", BYPASS),  # app.acme-corp.io.com
    (r"^https://app\.acme-corp\.io|https://admin\.acme-corp\.io$", BYPASS),  # ^ binds to one branch
    (r"^https://[\w.-]+acme-corp\.io$", BYPASS),
    (r"^https://app\.acme-corp\.io$|^null$", BYPASS),
    ("null", BYPASS),
    ("*", BYPASS),
    (re.compile(r"https://app\.acme-corp\.io"), BYPASS),
    (re.compile(r"^https://(?:app|www)\.acme-corp\.io.*"), BYPASS),
    # Safe, some of them looking dangerous.
    (r"^https://[^.]+\.acme-corp\.io$", SAFE),
    (r"^https://.+\.acme-corp\.io$", SAFE),
    (r"^https://.*\.acme-corp\.io$", SAFE),
    (r"^https://(.*\.)?acme-corp\.io$", SAFE),
    (r"^https://([a-z0-9-]+\.)*acme-corp\.io$", SAFE),
    (r"^https://portal\.acme-corp\.io[a-z]*$", SAFE),  # no top-level domain starts with "io" and goes on
    (r"^https://app\.acme-corp.io$", SAFE),  # the dot before the last label: acme-corpxio is no domain
    (r"^https://(www|api)\.acme-corp\.io(:[0-9]+)?$", SAFE),
    (r"^https://app\.acme-corp\.io$", SAFE),
    ("https://app.acme-corp.io", SAFE),
    (r"(?i)^HTTPS://APP\.ACME-CORP\.IO$", SAFE),
    (r"^https://app\.acme-corp\.io\Z", SAFE),
    (r"^https://[a-z]{1,3}\.acme-corp\.io$", SAFE),
    (r"^(https://app\.acme-corp\.io|https://admin\.acme-corp\.io)$", SAFE),
    (r"^https://[\w.-]+\.acme-corp\.io$", SAFE),
    (r"^https://acme-corp\.io:?\d*$", SAFE),
    (r"^https://app\.acme-corp\.io/?$", SAFE),
    (r"^https?://(localhost|127\.0\.0\.1)(:\d+)?$", SAFE),
    (r"^https://app\.acme-corp\.io\.?$", SAFE),  # a trailing dot is no origin
    (re.compile(r"^https://app\.acme-corp\.io$"), SAFE),
    (re.compile(r"^https://[a-z0-9-]+\.acme-corp\.io$", re.IGNORECASE), SAFE),
]

# Hand-written checks: a condition on ``origin`` guarding the reflection.
PREAMBLE = """\
from urllib.parse import urlparse

ALLOWED = {"https://app.acme-corp.io", "https://admin.acme-corp.io"}
ALLOWED_MAP = {"https://app.acme-corp.io": 1}
STRICT = re.compile(r"^https://(app|admin)\\.acme-corp\\.io$")
LOOSE = re.compile(r"acme-corp\\.io")
"""
CHECKS = [
    ('origin.endswith("acme-corp.io")', BYPASS),
    ('origin.startswith("https://app.acme-corp.io")', BYPASS),
    ('"acme-corp.io" in origin', BYPASS),
    ('origin and origin in "https://app.acme-corp.io"', BYPASS),  # https://app.ac
    ('origin in ["https://app.acme-corp.io", "null"]', BYPASS),
    ('re.match(r"https://app\\.acme-corp\\.io", origin)', BYPASS),
    ('re.search(r"acme-corp\\.io$", origin)', BYPASS),
    ('origin.endswith(("acme-corp.io", ".acme-corp.io"))', BYPASS),
    ('origin.startswith("https://") and "acme-corp" in origin', BYPASS),
    ('origin and not origin.startswith("http://")', BYPASS),
    ("LOOSE.search(origin)", BYPASS),
    ('re.match(r"^https://app\\.acme-corp\\.io$|^https://admin\\.acme-corp\\.io", origin)', BYPASS),
    ('origin.endswith("acme-corp.io") or origin == "https://partner.example.com"', BYPASS),
    ('re.match(r"https?://.*acme-corp\\.io$", origin)', BYPASS),
    ('origin == "null"', BYPASS),
    ('origin.endswith(".io")', BYPASS),
    ('origin.startswith("https://app.acme-corp.io") and origin.endswith(".io")', BYPASS),
    ('urlparse(origin).hostname.endswith("acme-corp.io")', BYPASS),
    ('urlparse(origin).netloc.startswith("app.acme-corp.io")', BYPASS),
    ('"acme-corp" in urlparse(origin).hostname', BYPASS),
    ('"acme-corp.io" in urlparse(origin).netloc', BYPASS),
    ('origin.endswith(".acme-corp.io")', SAFE),
    ("origin in ALLOWED", SAFE),
    ('origin == "https://app.acme-corp.io"', SAFE),
    ('re.fullmatch(r"https://app\\.acme-corp\\.io", origin)', SAFE),
    ('re.search(r"^https://[a-z]+\\.acme-corp\\.io$", origin)', SAFE),
    ('re.search(r"\\.acme-corp\\.io$", origin)', SAFE),
    ('origin.startswith("https://") and origin.endswith(".acme-corp.io")', SAFE),
    ("STRICT.match(origin)", SAFE),
    ('origin in ("https://app.acme-corp.io", "http://app.acme-corp.io")', SAFE),
    ('origin.endswith(".acme-corp.io") or origin == "https://partner.example.com"', SAFE),
    ('re.match(r"https?://(.+\\.)?acme-corp\\.io$", origin)', SAFE),
    ('re.fullmatch(r"https://[a-z0-9-]+\\.acme-corp\\.io", origin, re.I)', SAFE),
    ('"https://app.acme-corp.io" == origin', SAFE),
    ("origin in ALLOWED_MAP", SAFE),
    ('urlparse(origin).hostname.endswith(".acme-corp.io")', SAFE),
    ('urlparse(origin).netloc in ("app.acme-corp.io", "null")', SAFE),
    # The check names no scheme or port: every origin of that host is its own.
    ('urlparse(origin).hostname == "app.acme-corp.io"', SAFE),
    ('origin.startswith("https://") and urlparse(origin).hostname in ("app.acme-corp.io", "www.acme-corp.io")', SAFE),
]


def test_the_table_is_large_and_balanced() -> None:
    rows = ENTRIES + CHECKS
    assert len(rows) >= 60
    assert sum(expected == BYPASS for _, expected in rows) >= 25
    assert sum(expected == SAFE for _, expected in rows) >= 25


# --- flask-cors entries --------------------------------------------------------------


def _entry(value) -> OriginEntry:
    span = Span(1, 1, 1, 1)
    if isinstance(value, re.Pattern):
        return OriginEntry(value.pattern, True, value.flags, span, False)
    return OriginEntry(re_fix(value), False, 0, span, False)


def _entry_verdict(value):
    entry = _entry(value)
    trust = verdicts.trust_for(verdicts.named_origins(entry))
    return entry, trust, verdicts.entry_verdict(entry, trust, include_null=True)


def _flask_cors_accepts(value) -> Callable[[str], bool]:
    """flask-cors's own decision, from its own option handling."""
    with Flask("options").app_context():
        options = get_cors_options(None, {"origins": [value]})
    return lambda origin: bool(get_cors_origins(options, origin))


def _source(value) -> str:
    shown = f"re.compile({value.pattern!r}, {int(value.flags)})" if isinstance(value, re.Pattern) else repr(value)
    return f"import re\nfrom flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\nCORS(app, origins=[{shown}])\n"


def _id(row) -> str:
    value = row[0]
    return value.pattern if isinstance(value, re.Pattern) else value


@pytest.mark.parametrize("value, expected", ENTRIES, ids=[_id(row) for row in ENTRIES])
def test_flask_cors_entry(value, expected) -> None:
    entry, trust, verdict = _entry_verdict(value)
    findings = [f for f in lint_source(_source(value).encode(), "table.py") if f.code in ORIGIN_CODES]
    if expected == BYPASS:
        witness = verdict.witness
        assert witness is not None, verdict
        assert obtainable(witness, trust)
        app = extension_app([{"origins": [value]}])

        def granted(origin: str) -> bool:
            return bool(accepted(ask(app, "/probe", headers={"Origin": origin}), origin)["allowed"])

        assert_attacker_gets(witness, granted)
        assert findings, "the bypass is reported"
        for finding in findings:
            assert finding.witness
            assert_attacker_gets(finding.witness, granted)
    else:
        assert verdict.proved_safe, verdict
        assert not findings, [f.message for f in findings]
        assert_no_mutation_gets_through(_flask_cors_accepts(value), trust, verdicts.named_origins(entry) or ["https://app.acme-corp.io"])


# --- Hand-written checks -----------------------------------------------------------


def _module(condition: str) -> str:
    return (
        "import re\nfrom flask import Flask, request\n\n"
        + PREAMBLE
        + "\napp = Flask(__name__)\napp.add_url_rule('/', 'index', lambda: 'ok')\n\n\n"
        + "@app.after_request\ndef add_cors(response):\n"
        + '    origin = request.headers.get("Origin", "")\n'
        + f"    if {condition}:\n"
        + '        response.headers["Access-Control-Allow-Origin"] = origin\n'
        + '        response.headers["Vary"] = "Origin"\n'
        + "    return response\n"
    )


def _run(condition: str) -> Dict[str, object]:
    namespace: Dict[str, object] = {"__name__": "table_check"}
    exec(compile(_module(condition), "table_check.py", "exec"), namespace)  # noqa: S102 - the table's own code
    return namespace


def _check_verdict(condition: str):
    from cors_lint.engine import policy_of

    policy = policy_of(_module(condition).encode(), "table_check.py")
    (function,) = policy.handwritten
    (reflection,) = function.reflections
    trust = verdicts.policy_trust(policy)
    return reflection, trust, verdicts.checks_verdict(reflection.checks, trust, include_null=True)


@pytest.mark.parametrize("condition, expected", CHECKS, ids=[row[0] for row in CHECKS])
def test_handwritten_check(condition: str, expected: str) -> None:
    reflection, trust, verdict = _check_verdict(condition)
    findings = [f for f in lint_source(_module(condition).encode(), "table_check.py") if f.code in HANDWRITTEN_CODES]
    namespace = _run(condition)
    app = namespace["app"]
    assert isinstance(app, Flask)
    if expected == BYPASS:
        assert verdict.witness is not None, verdict
        assert obtainable(verdict.witness, trust)
        assert findings, "the bypass is reported"
        def granted(origin: str) -> bool:
            return bool(accepted(ask(app, "/", headers={"Origin": origin}), origin)["allowed"])

        for witness in {verdict.witness} | {f.witness for f in findings if f.witness}:
            assert_attacker_gets(witness, granted)
    else:
        assert verdict.proved_safe, verdict
        assert not findings, [f.message for f in findings]
        raw = eval(f"lambda origin: bool({condition})", namespace)  # noqa: S307 - the table's own code

        def check(origin: str) -> bool:
            try:
                return raw(origin)
            except AttributeError:  # urlparse("null").hostname is None: the hook fails, nothing is sent
                return False

        named = [literal for literal in _named(reflection)] or ["https://app.acme-corp.io"]
        assert_no_mutation_gets_through(check, trust, named)
        # And the running app agrees on a few of them.
        for origin in ("https://evil.com", "https://app.acme-corp.io.evil.com", "https://evilacme-corp.io", "null"):
            try:
                answer = ask(app, "/", headers={"Origin": origin})
            except OracleStartupError:
                continue  # the hook raised (urlparse("null").hostname is None): nothing granted
            assert not accepted(answer, origin)["allowed"]


def _named(reflection) -> List[str]:
    return [origin for check in reflection.checks for origin in verdicts.check_named_origins(check)]


# --- The mutation search ---------------------------------------------------------------

MUTATION_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-.:/"
ATTACKER_DOMAINS = ("evil.com", "attacker.net", "evil.io", "acme-corp.com", "evil.co.uk", "x.it", "app.ac")


def registrable(origin: str) -> bool:
    parsed = browser_origin(origin)
    return parsed is not None and verdicts.registrable_domain(parsed.host) is not None


def stand_in(origin: str) -> str:
    """``.example`` names any attacker domain: the same origin under ``.com``."""
    parsed = browser_origin(origin)
    if parsed is None or not parsed.host.endswith(".example"):
        return origin
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.scheme}://{parsed.host[: -len('example')]}com{port}"


def assert_attacker_gets(witness: str, granted: Callable[[str], bool]) -> None:
    """The witness (and, for a ``.example`` name, the same under ``.com``) is
    granted by the real code, and an attacker can obtain it."""
    assert granted(witness), witness
    if witness != "null":
        real = stand_in(witness)
        assert registrable(real), witness
        assert granted(real), real


def mutations(named: List[str]) -> Iterator[str]:
    """Attacker domains, and suffix, prefix, dot, port, scheme, case and
    single-character mutations of the trusted origins."""
    for domain in ATTACKER_DOMAINS:
        for scheme in ("https", "http"):
            yield f"{scheme}://{domain}"
            yield f"{scheme}://app.{domain}"
    yield "null"
    for origin in named:
        parsed = browser_origin(origin)
        if parsed is None:
            continue
        host = parsed.host
        hosts: Set[str] = {host}
        for domain in ATTACKER_DOMAINS:
            hosts |= {f"{host}.{domain}", f"{host}{domain}", f"{host}-{domain}", f"evil{host}", f"evil-{host}", f"{domain}.{host}"}
        for i, char in enumerate(host):
            for replacement in MUTATION_CHARS:
                hosts.add(host[:i] + replacement + host[i + 1 :])
                hosts.add(host[:i] + replacement + host[i:])
            hosts.add(host[:i] + host[i + 1 :])
            if char == ".":
                hosts.add(host[:i] + "evil." + host[i + 1 :])
        for candidate in sorted(hosts):
            for scheme in ("https", "http"):
                for port in ("", ":8443", ":80", ":1"):
                    text = f"{scheme}://{candidate}{port}"
                    yield text
                    yield text.upper()


def assert_no_mutation_gets_through(check: Callable[[str], object], trust, named: List[str]) -> None:
    candidates = set(mutations(named))
    assert len(candidates) >= 10_000, len(candidates)
    through = [c for c in candidates if check(c) and obtainable(c, trust) and (c == "null" or registrable(c))]
    assert not through, sorted(through)[:5]
