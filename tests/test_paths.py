"""Other paths a route's rule serves (model/paths.py): the regexes of Flask
rules against Werkzeug's own matching, and the literal prefix of resource
patterns against re.match."""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import Map, Rule

from cors_lint.model.paths import literal_prefix
from cors_lint.model.routes import rule_regex

RULES = [
    "/<path:page>",
    "/api/<int:item>",
    "/files/<path:name>.txt",
    "/v/<float:version>/x",
    "/u/<uuid:id>",
    "/<any(a, 'b'):kind>/list",
    "/shop/<name>",
    "/static/<string:filename>",
]
PATHS = [
    "/a", "/a/b", "/api/1", "/api/x", "/api/1/2", "/files/a/b.txt", "/files/.txt", "/v/1.5/x", "/v/1/x",
    "/u/00000000-0000-0000-0000-000000000000", "/u/x", "/a/list", "/b/list", "/c/list", "/shop/", "/shop/x",
    "/static/a", "/static/a/b", "/",
]


@pytest.mark.parametrize("rule", RULES)
def test_rule_regex_matches_what_werkzeug_routes(rule: str) -> None:
    adapter = Map([Rule(rule, endpoint="e")]).bind("example.com")
    regex = rule_regex(rule)
    assert regex is not None
    for path in PATHS:
        try:
            adapter.match(path)
            routed = True
        except Exception:  # noqa: BLE001 - NotFound, or a redirect (strict slashes): not this path
            routed = False
        assert bool(regex.fullmatch(path)) == routed, (rule, path)


def test_an_unknown_converter_gives_no_regex_unless_told_what_it_stands_for() -> None:
    assert rule_regex("/<custom:x>") is None
    assert rule_regex("/<custom:x>", unknown_converter=r"[^/]+").fullmatch("/a")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "pattern, prefix",
    [
        (r"/api/.*", "/api/"),
        (r"/api/*", "/api"),
        (r"^/api/v1/.*$", "/api/v1/"),
        (r"/api\/v1\.0/.*", "/api/v1.0/"),
        (r"/(a|b)/.*", "/"),
        (r"/files\d+", "/files"),
        (r".*", ""),
    ],
)
def test_literal_prefix_starts_every_match(pattern: str, prefix: str) -> None:
    assert literal_prefix(pattern) == prefix
    for tail in ("", "x", "/x", "1", "/v1.0/a"):
        match = re.match(pattern, prefix + tail)
        if match is not None:
            assert match.group(0).startswith(prefix)
