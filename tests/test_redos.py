"""CRS112 and CRS203: catastrophic backtracking, screened by structure and
confirmed by measurement; look-alike linear patterns stay silent."""

from __future__ import annotations

import re

import pytest

from cors_lint import lint_source
from cors_lint.model import redos

HEADER = "from flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\n"

CATASTROPHIC = [
    r"^https://(.*a){30}$",
    r"(a|a)*b",
    r"(\w+\s?)*$",
    r"^((a+)+)+$",
    r"^https://([a-z0-9]+)+\.example\.com$",
    r"^(a|aa)*b$",
    r"^https://.*\..*\.example\.com$",  # quadratic: confirmed at 8 KiB
]
LINEAR = [
    r"^https://[a-z]+\.example\.com$",
    r"^(a|b)*$",
    r"^https://([a-z0-9-]+\.)*example\.com$",
    r"^(ab|a)*c$",
    r"((a+)+)+",  # nested, but re.match succeeds at once on every input
    r"^https://.*\.example\.com$",
    r"^https://(app|www)\.example\.com$",
]


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_catastrophic_origin_patterns_are_confirmed_with_a_witness(pattern: str) -> None:
    [finding] = [f for f in lint_source(HEADER + f"CORS(app, origins=[{pattern!r}])\n", "app.py") if f.code == "CRS112"]
    witness = finding.witness
    assert witness is not None and len(witness) <= redos.ORIGIN_LIMIT
    assert f"{len(witness):,} characters" in finding.message
    # The witness is a string the pattern really faces: it does not match (the
    # backtracking is the cost of failing), checked here on a short version.
    assert redos.suspicious(pattern, re.IGNORECASE)


@pytest.mark.parametrize("pattern", LINEAR)
def test_linear_look_alikes_are_silent(pattern: str) -> None:
    codes = {f.code for f in lint_source(HEADER + f"CORS(app, origins=[{pattern!r}])\n", "app.py", select=("CRS",))}
    assert "CRS112" not in codes


def test_screen_passes_the_ordinary_patterns_without_measuring() -> None:
    for pattern in (r"^https://[a-z]+\.example\.com$", r"^(a|b)*$", r"https://.*\.example\.com", r"^https://(app|www)\.example\.com$"):
        assert not redos.suspicious(pattern, re.IGNORECASE), pattern


def test_resource_patterns_are_matched_against_paths() -> None:
    findings = lint_source(HEADER + 'CORS(app, resources={r"/api/(\\w+/?)*$": {}})\n', "app.py")
    [finding] = [f for f in findings if f.code == "CRS203"]
    assert finding.witness.startswith("/api/") and len(finding.witness) <= redos.PATH_LIMIT
    # A pattern that cannot face a path starting with "/" is not a ReDoS on paths.
    assert "CRS203" not in {f.code for f in lint_source(HEADER + 'CORS(app, resources={r"(\\w+/?)*$": {}})\n', "app.py")}


def test_hand_written_origin_checks() -> None:
    source = (
        "import re\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n"
        "@app.after_request\ndef cors(response):\n"
        "    origin = request.headers.get('Origin')\n"
        "    if re.match(r'^https://([a-z]+)+\\.example\\.com$', origin):\n"
        "        response.headers['Access-Control-Allow-Origin'] = origin\n"
        "        response.headers['Vary'] = 'Origin'\n"
        "    return response\n"
    )
    assert "CRS112" in {f.code for f in lint_source(source, "app.py")}


def test_the_measurement_is_bounded_when_the_pattern_is_worse_than_expected() -> None:
    # Exponential: the ladder of lengths reaches a match that would run for
    # years; the child is stopped after PATIENCE and its CPU time read.
    confirmed = redos.confirm(r"^(a|a)*!$", re.IGNORECASE, redos.ORIGIN_LIMIT)
    assert confirmed is not None and confirmed.witness.startswith("a")


def test_judge_needs_slow_and_super_linear() -> None:
    attack = [redos.Attack("", "a", "!")]
    # 0.2 s at 64 after 0.1 s at 32: linear (a slow machine), not reported.
    linear = [("start", 0, 32, 0.0), ("done", 0, 32, 0.1), ("start", 0, 64, 0.1), ("done", 0, 64, 0.2)]
    assert redos.judge(linear, True, 0.3, attack, 100) is None
    quadratic = [("start", 0, 32, 0.0), ("done", 0, 32, 0.05), ("start", 0, 64, 0.05), ("done", 0, 64, 0.2)]
    assert redos.judge(quadratic, True, 0.25, attack, 100) == redos.Confirmed("a" * 99 + "!", 100)
    # Stopped while matching at 64, after 1.5 s of CPU in that match.
    stopped = [("start", 0, 32, 0.0), ("done", 0, 32, 0.001), ("start", 0, 64, 0.01)]
    assert redos.judge(stopped, False, 1.51, attack, 100) is not None
    assert redos.judge(stopped, False, 0.05, attack, 100) is None  # too little CPU: no confirmation
