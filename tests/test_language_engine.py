"""The regular-language engine against Python's own ``re``.

For generated patterns (anchors, classes, alternation, nested quantifiers,
inline and scoped flags) and strings, the automaton accepts exactly what
``re.match`` / ``re.search`` / ``re.fullmatch`` accept, with and without
``IGNORECASE``; every witness it draws is accepted by ``re`` and obtainable.
The default run is a few hundred patterns; the ``thorough`` hypothesis
profile runs ten times more.
"""

from __future__ import annotations

import itertools
import re
import time

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cors_lint.evaluate.values import Span
from cors_lint.model.language import dfa, verdicts
from cors_lint.model.language.checks import ORIGIN_ALPHABET, regex_language
from cors_lint.model.language.nfa import TooComplex, Unsupported, build
from cors_lint.model.language.obtainable import obtainable
from cors_lint.model.origins import OriginEntry, browser_origin

# Upper case, a new line, a non-ASCII word character, and the Kelvin sign and
# long s, which IGNORECASE folds onto "k" and "s".
ALPHABET = "abkKs.:/-_1 \n\u00e9\u212a\u017f"
EXAMPLES = max(500, settings().max_examples // 4)  # 500 under "ci"; 5,000 under "thorough"

ATOMS = ["a", "b", "k", "s", "K", ".", r"\.", "[ab]", "[^a]", "[a-k]", r"\w", r"\W", r"\d", r"\s", "\u00e9", ":", "/", "-", r"\n", "[.:]"]
ANCHORS = ["^", "$", r"\A", r"\Z", r"\b", r"\B"]
QUANTIFIERS = ["*", "+", "?", "{0,2}", "{1,3}", "{2}", "*?", "+?", "??"]


def _patterns():
    leaves = st.sampled_from(ATOMS + ANCHORS)

    def extend(children):
        return st.one_of(
            st.lists(children, min_size=2, max_size=3).map("".join),
            st.tuples(children, children).map(lambda pair: f"{pair[0]}|{pair[1]}"),
            children.map(lambda inner: f"({inner})"),
            children.map(lambda inner: f"(?:{inner})"),
            st.tuples(children, st.sampled_from(QUANTIFIERS)).map(lambda pair: f"(?:{pair[0]}){pair[1]}"),
            st.tuples(st.sampled_from(["i", "m", "s", "a", "-i"]), children).map(lambda pair: f"(?{pair[0]}:{pair[1]})"),
        )

    return st.recursive(leaves, extend, max_leaves=8)


FLAGS = st.sampled_from([0, re.IGNORECASE, re.MULTILINE, re.DOTALL, re.IGNORECASE | re.MULTILINE, re.ASCII | re.IGNORECASE])


@settings(max_examples=EXAMPLES, deadline=None)
@given(_patterns(), FLAGS, st.lists(st.text(alphabet=ALPHABET, max_size=7), min_size=1, max_size=12))
def test_automaton_agrees_with_re(pattern: str, flags: int, texts) -> None:
    try:
        compiled = re.compile(pattern, flags)
        automaton = build(pattern, flags)
    except (re.error, ValueError):
        assume(False)
        return
    except TooComplex:
        assume(False)
        return
    for mode in dfa.MODES:
        try:
            machine = dfa.determinise(automaton, ALPHABET, mode)
        except TooComplex:
            continue
        for text in texts:
            if mode == "search":
                # A match at some position: CPython's search itself skips
                # positions by a prefix charset that ignores scoped ASCII flags
                # (re.search(r"(?a:\W)", "é") is None though re.match finds it).
                expected = any(compiled.match(text, position) is not None for position in range(len(text) + 1))
            else:
                expected = getattr(compiled, mode)(text) is not None
            assert machine.accepts(text) == expected, (pattern, flags, mode, text)


TRICKY = [
    r"a$", r"a$\n", r"$", r"^$", r"a\Z", r"\b", r"\B", r"a\b", r"\Ba", r"(?m)^b$", r"(?m)a$\n^b",
    r"(a|)*$", r"(?:$)*a", r"a|$", r"(?i)k", r"(?i)[a-k]", r"(?a)\w+", r"\w\b\W", r"(?s).", r".",
    r"(?i)S", r"[^\n]*$", r"(?:a$|b)\n", r"^(?:a\b|\Bb)*$",
]


@pytest.mark.parametrize("pattern", TRICKY)
def test_automaton_agrees_with_re_on_every_short_string(pattern: str) -> None:
    alphabet = "akK\n.\u212a"
    compiled = re.compile(pattern)
    machines = {mode: dfa.determinise(build(pattern), alphabet, mode) for mode in dfa.MODES}
    for length in range(5):
        for chars in itertools.product(alphabet, repeat=length):
            text = "".join(chars)
            for mode, machine in machines.items():
                assert machine.accepts(text) == (getattr(compiled, mode)(text) is not None), (pattern, mode, text)


@pytest.mark.parametrize(
    "pattern, construct",
    [(r"(a)\1", "backreference"), (r"(?=a)a", "lookaround"), (r"(?<!a)b", "lookaround"), (r"(a)?(?(1)b|c)", "conditional")],
)
def test_constructs_without_a_regular_equivalent_are_refused(pattern: str, construct: str) -> None:
    with pytest.raises(Unsupported, match=construct):
        build(pattern)
    outcome = regex_language(pattern, 0, "match")
    assert outcome.automaton is None and construct in outcome.reason


@pytest.mark.parametrize(
    "pattern",
    [
        r"(a|b|c|d)" * 60,
        r"(?:[a-z]{1,50}\.){1,20}example\.com",
        r"(.*a){30}",
        r"(?:(?:a|b)*c){1,200}",
        "x" * 5000,
    ],
)
def test_the_budget_answers_quickly(pattern: str) -> None:
    start = time.perf_counter()
    outcome = regex_language(pattern, re.IGNORECASE, "match")
    elapsed = time.perf_counter() - start
    # Either decided or "too complex", never a hang: a fraction of a second
    # (with room for a loaded test machine).
    assert elapsed < 1.5, elapsed
    if outcome.automaton is None:
        assert "too complex" in outcome.reason


HOST_PIECES = ["[a-z]+", r"[a-z0-9-]+\.", r"\.", ".", "acme", "-corp", r"(www\.)?", ".*", ".+", "io", "com", r"(\.[a-z]+)?", r"(:\d+)?", "|"]


@settings(max_examples=EXAMPLES // 2, deadline=None)
@given(
    st.lists(st.sampled_from(HOST_PIECES), min_size=1, max_size=6),
    st.sampled_from(["^https://", "https://", "^https?://", "^", ""]),
    st.sampled_from(["$", "", r"\Z"]),
)
def test_every_witness_is_accepted_by_re_and_obtainable(pieces, prefix: str, suffix: str) -> None:
    pattern = prefix + "".join(pieces) + r"acme-corp\.io" + suffix
    try:
        re.compile(pattern)
    except re.error:
        assume(False)
        return
    entry = OriginEntry(pattern, False, 0, Span(1, 1, 1, 1), False)
    trust = verdicts.trust_for(verdicts.named_origins(entry) or ["https://acme-corp.io"])
    verdict = verdicts.entry_verdict(entry, trust, include_null=True)
    if verdict.witness is None:
        return
    witness = verdict.witness
    assert re.match(pattern, witness, re.IGNORECASE), (pattern, witness)
    assert obtainable(witness, trust)
    if witness != "null":
        parsed = browser_origin(witness)
        assert parsed is not None and parsed.scheme in ("http", "https")
        host = parsed.host[: -len("example")] + "com" if parsed.host.endswith(".example") else parsed.host
        assert verdicts.registrable_domain(host) is not None


def test_origin_alphabet_automata_decide_browser_origins() -> None:
    outcome = regex_language(r"^https://([a-z0-9-]+\.)*acme-corp\.io$", re.IGNORECASE, "match")
    assert outcome.automaton is not None
    assert outcome.automaton.alphabet == ORIGIN_ALPHABET
    assert outcome.automaton.accepts("https://a.b.acme-corp.io")
    assert not outcome.automaton.accepts("https://evilacme-corp.io")
    assert not outcome.automaton.accepts("HTTPS://A.ACME-CORP.IO")  # outside the alphabet: no browser sends it


def test_the_public_suffix_list_is_read_as_the_package_reads_it() -> None:
    """cors-lint reads the package's list itself (the package's loader is
    slow); every rule, with a label or two in front, gets the package's own
    answer, and so do hosts around the rules' edge cases."""
    from publicsuffixlist import PublicSuffixList

    from cors_lint.model.language.suffixes import suffix_list

    package = PublicSuffixList(accept_unknown=False)
    assert suffix_list().rules == package._publicsuffix
    hosts = ["evil.com", "a.b.example.co.uk", "co.uk", "acme-corp.ioattacker", "app.acme-corpxio", "x.github.io"]
    hosts += ["localhost", "EXAMPLE.COM", "example.com.", "a..com", ".com", "", "www.ck", "a.www.ck", "x.ck", "a.x.ck"]
    for rule in sorted(package._publicsuffix):
        bare = rule.lstrip("!").replace("*", "wild")
        hosts += [bare, "evil." + bare, "a.evil." + bare]
    for host in hosts:
        expected = package.privatesuffix(host) if host and not host.replace(".", "").isdigit() else None
        assert verdicts.registrable_domain(host) == expected, host


def test_long_repetitions_are_no_internal_error() -> None:
    from cors_lint import lint_source

    source = b'from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\nCORS(app, origins=[r"^https://[a-z]{1000}\\.example\\.com$", r"^https://[a-z]{1000}"])\n'
    codes = [finding.code for finding in lint_source(source, "app.py")]
    assert "CRS002" not in codes  # a label of 1,000 letters is no host name: no witness either
