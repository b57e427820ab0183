"""The flask-cors model's building blocks: regex examples, browser origins,
witnesses. Witnesses are also replayed against flask-cors in
test_witnesses_confirmed.py."""

from __future__ import annotations

import re

import pytest

from cors_lint.evaluate.values import Span
from cors_lint.model import flaskcors, regex, witness
from cors_lint.model.language import verdicts
from cors_lint.model.origins import OriginEntry, browser_origin

HERE = Span(1, 1, 1, 1)


def entry(text: str, compiled: bool = False, flags: int = 0) -> OriginEntry:
    return OriginEntry(text, compiled, flags, HERE, False)


@pytest.mark.parametrize(
    "pattern, fewest, default",
    [
        (r"https?://(www\.)?example\.com$", "http://example.com", "https://www.example.com"),
        (r"^https://[a-z0-9-]+\.example\.com$", "https://app.example.com", "https://app.example.com"),
        (r"https://(app|www)\.example\.com", "https://app.example.com", "https://app.example.com"),
        (r"/api/*", "/api", "/api/"),
        (r"(a)\1", "aa", "aa"),
    ],
)
def test_examples_match_their_pattern(pattern: str, fewest: str, default: str) -> None:
    parsed = regex.parse(pattern)
    assert regex.example(parsed, regex.Steering(fewest=True)) == fewest
    assert regex.example(parsed) == default
    assert re.fullmatch(pattern, default)


def test_invalid_and_oversized_patterns_are_not_parsed() -> None:
    assert regex.parse("(") is None
    assert regex.parse("a" * (regex.MAX_PATTERN_LENGTH + 1)) is None


@pytest.mark.parametrize(
    "text, valid",
    [
        ("https://app.example.com", True),
        ("http://localhost:3000", True),
        ("http://[::1]:8080", True),
        ("null", False),
        ("https://app.example.com/", False),
        ("https://app.example.com:443", False),
        ("https://-bad.example.com", False),
        ("http://1:8080", False),
        ("https://app.example.com\n", False),
    ],
)
def test_browser_origin(text: str, valid: bool) -> None:
    assert (browser_origin(text) is not None) is valid


def test_site_is_the_registrable_domain() -> None:
    assert browser_origin("https://a.b.example.com").site == "example.com"
    assert browser_origin("https://a.example.co.uk").site == "example.co.uk"
    assert browser_origin("http://127.0.0.1:5000").is_loopback


@pytest.mark.parametrize(
    "pattern, function, expected",
    [
        (r"https://app\.example\.com", witness.suffix_witness, "https://app.example.com.attacker.example"),
        (r"^https://app\.example\.com$", witness.suffix_witness, None),
        (r"^https://app.example.com$", witness.dot_witness, "https://appxexample.com"),
        (r"^https://example.com$", witness.dot_witness, None),
        (r"^https://.*example\.com$", witness.prefix_witness, "https://attackerexample.com"),
        (r"^https://.*\.example\.com$", witness.prefix_witness, None),
    ],
)
def test_witnesses_are_found_only_where_they_exist(pattern, function, expected) -> None:
    origin_entry = entry(pattern)
    intent = witness.intent_of(origin_entry)
    found = function(origin_entry, intent, verdicts.trust_for(verdicts.named_origins(origin_entry)))
    assert found == expected
    if found:
        assert flaskcors.match_origin(found, pattern)


def test_compiled_patterns_are_case_sensitive() -> None:
    assert not entry(r"https://APP\.example\.com", compiled=True).accepts("https://app.example.com")
    assert entry(r"https://APP\.example\.com").accepts("https://app.example.com")


def test_glob_reading() -> None:
    trust = verdicts.trust_for(["https://app.example.com"])
    reading = witness.read_glob(entry("https://*.example.com"), trust)
    assert (reading.intended, reading.intended_accepted, reading.witness) == (
        "https://app.example.com",
        False,
        "https://xexample.com",
    )
    assert not witness.read_glob(entry("*.example.com"), trust).valid_regex


@pytest.mark.parametrize(
    "pattern, expected",
    [(r"/api/*", "/api-admin/secrets"), (r"/api/.*", None), (r"/*", None), (r"/api(/.*)?$", None)],
)
def test_broader_path(pattern: str, expected) -> None:
    assert witness.broader_path(pattern) == expected


def test_resource_order_follows_flask_cors() -> None:
    ordered = flaskcors.parse_resources({r"/.*": {}, "/api/users": {}, r"/api/.*": {}, re.compile("/x/.*"): {}})
    shown = [pattern.pattern if isinstance(pattern, re.Pattern) else pattern for pattern, _ in ordered]
    assert shown == ["/api/users", "/x/.*", r"/api/.*", r"/.*"]
