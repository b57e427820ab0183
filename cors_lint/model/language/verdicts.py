"""Verdicts on the origin checks of a policy: the language each one accepts,
what an attacker gets through it, and whether that answer is a proof.

Rules ask here; this module knows flask-cors entries and hand-written checks
and nothing about findings.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, Iterable, List, Optional, Sequence, Tuple

from cors_lint.evaluate.values import Span
from cors_lint.model import flaskcors
from cors_lint.model.language import dfa
from cors_lint.model.language.checks import (
    ORIGIN_ALPHABET,
    Outcome,
    flask_cors_entry,
    _HOST_TEXT,
    literal_hosts,
    literal_language,
    regex_language,
)
from cors_lint.model.language.obtainable import (
    EXACT,
    HEURISTIC,
    Trust,
    TrustedOrigin,
    Verdict,
    derived_trust,
    first_accepted,
    obtainable,
    parse_trusted,
    registrable_domain,
    search,
)
from cors_lint.model.language.nfa import TooComplex
from cors_lint.model.origins import OriginEntry, browser_origin
from cors_lint.model.regex import too_costly

if TYPE_CHECKING:
    from cors_lint.model.checks import OriginCheck
    from cors_lint.model.policy import Policy

__all__ = [
    "EXACT",
    "HEURISTIC",
    "Trust",
    "TrustedOrigin",
    "Verdict",
    "checks_language",
    "checks_verdict",
    "entry_language",
    "entry_verdict",
    "first_accepted",
    "obtainable",
    "origins_proof",
    "parse_trusted",
    "policy_trust",
    "proof_of_checks",
    "proof_of_entry",
    "registrable_domain",
    "trust_for",
]


def entry_language(entry: OriginEntry) -> Outcome:
    return flask_cors_entry(entry.text, entry.compiled, entry.flags, entry.is_regex)


def trust_for(named_origins: Iterable[str], configured: Sequence[str] = ()) -> Trust:
    """``trusted-origins`` when set, else what the configuration names."""
    if configured:
        return _configured(tuple(configured))
    return _derived(tuple(sorted(set(named_origins))))


# Memos of pure functions, bounded: every rule of a module asks about the
# same configuration, and the answers cost automaton constructions.
@functools.lru_cache(maxsize=64)
def _configured(texts: Tuple[str, ...]) -> Trust:
    return Trust(tuple(parse_trusted(text) for text in texts), configured=True)


def named_origins(entry: OriginEntry) -> List[str]:
    """The origins an entry names: the literal, or the regex's example origins."""
    return list(_named_origins(entry.text, entry.compiled, entry.flags))


@functools.lru_cache(maxsize=1024)
def _named_origins(text: str, compiled: bool, flags: int) -> Tuple[str, ...]:
    return tuple(_named(OriginEntry(text, compiled, flags, Span(1, 1, 1, 1), False)))


@functools.lru_cache(maxsize=256)
def _derived(named: Tuple[str, ...]) -> Trust:
    return derived_trust(named)


def entry_verdict(entry: OriginEntry, trust: Trust, candidates: Sequence[str] = (), include_null: bool = False) -> Verdict:
    """What an attacker gets through one flask-cors entry, confirmed with
    flask-cors's own matching."""
    return _entry_verdict(entry.text, entry.compiled, entry.flags, entry.is_regex, trust, tuple(candidates), include_null)


@functools.lru_cache(maxsize=1024)
def _entry_verdict(
    text: str, compiled: bool, flags: int, is_regex: bool, trust: Trust, candidates: Tuple[str, ...], include_null: bool
) -> Verdict:
    outcome = flask_cors_entry(text, compiled, flags, is_regex)
    if outcome.automaton is None:
        return Verdict(HEURISTIC, None, outcome.reason)
    runtime = re.compile(text, flags) if compiled else text
    if is_regex and too_costly(text, flags if compiled else re.IGNORECASE):
        # Python's re could backtrack for ever on this pattern, so it is not
        # run; the automaton alone decides (the tests replay the witness).
        return search(outcome.automaton, trust, lambda origin: True, candidates, include_null)
    return search(outcome.automaton, trust, lambda origin: flaskcors.match_origin(origin, runtime), candidates, include_null)


# --- Hand-written checks -----------------------------------------------------------


def check_language(check: "OriginCheck") -> Outcome:
    """The origins one hand-written check lets through."""
    if check.kind == "any":
        parts = [check_language(part) for part in check.parts]
        missing = next((part for part in parts if part.automaton is None), None)
        if missing is not None:
            return missing
        language = _combine([part.automaton for part in parts], dfa.union_all)  # type: ignore[misc]
    elif check.url_part:
        return _url_part_language(check)  # negation included
    elif check.kind == "present":
        language = Outcome(dfa.complement(dfa.finite([""], ORIGIN_ALPHABET)))
    elif check.kind == "regex" and check.pattern is not None:
        source, flags, mode = check.pattern
        language = regex_language(source, flags, mode)
    elif check.kind in ("allowlist", "equals", "startswith", "endswith", "contains", "substring_of"):
        language = literal_language(check.kind, check.literals)
    else:
        return Outcome(None, f"the check {check.text!r} cannot be read as a set of origins")
    if language.automaton is None or check.holds:
        return language
    return Outcome(dfa.complement(language.automaton))


def _url_part_language(check: "OriginCheck") -> Outcome:
    """A check on ``urlparse(origin).hostname`` (or ``.netloc``), as a set of
    origins: ``scheme://`` then the part, then (for the host) a port. Exact
    on origins as browsers send them, which is all the search looks at."""
    inside = "[^/:]*" if check.url_part == "hostname" else "[^/]*"
    port = "(?::[0-9]*)?" if check.url_part == "hostname" else ""
    texts = [re.escape(literal) for literal in check.literals]
    if not texts:
        return Outcome(dfa.nothing(ORIGIN_ALPHABET))
    alternatives = "|".join(texts)
    shapes = {
        "allowlist": f"(?:{alternatives})",
        "equals": f"(?:{alternatives})",
        "startswith": f"(?:{alternatives}){inside}",
        "endswith": f"{inside}(?:{alternatives})",
        "contains": f"{inside}(?:{alternatives}){inside}",
    }
    if check.kind not in shapes:
        return Outcome(None, f"the check {check.text!r} cannot be read as a set of origins")
    language = regex_language(f"[a-z][a-z0-9+.-]*://{shapes[check.kind]}{port}", 0, "fullmatch")
    if language.automaton is None or check.holds:
        return language
    # `not host.endswith(...)`: every other origin with a host.
    some_host = f"[^/:]+{port}" if check.url_part == "hostname" else "[^/]+"
    with_host = regex_language(f"[a-z][a-z0-9+.-]*://{some_host}", 0, "fullmatch")
    assert with_host.automaton is not None
    return Outcome(dfa.difference(with_host.automaton, language.automaton))


def _combine(automata: List[dfa.Dfa], how) -> Outcome:
    try:
        return Outcome(how(automata, ORIGIN_ALPHABET))
    except TooComplex as error:
        return Outcome(None, f"too complex to decide exactly ({error})")


def checks_language(checks: Sequence["OriginCheck"]) -> Outcome:
    """The origins that pass every check (they all hold at the write)."""
    outcomes = [check_language(check) for check in checks]
    missing = next((outcome for outcome in outcomes if outcome.automaton is None), None)
    if missing is not None:
        return missing
    return _combine([outcome.automaton for outcome in outcomes], dfa.intersection_all)  # type: ignore[misc]


def checks_verdict(
    checks: Sequence["OriginCheck"], trust: Trust, candidates: Sequence[str] = (), include_null: bool = False
) -> Verdict:
    """What an attacker gets through hand-written checks, confirmed by
    running the checks as written on the witness."""
    language = checks_language(checks)
    if language.automaton is None:
        return Verdict(HEURISTIC, None, language.reason)

    def confirm(origin: str) -> Optional[bool]:
        verdicts = [check.passes(origin) for check in checks]
        return None if None in verdicts else all(verdicts)

    return search(language.automaton, trust, confirm, candidates, include_null)


# --- Per-route summary -----------------------------------------------------------------


@dataclass(frozen=True)
class OriginsProof:
    proof: str  # "exact" | "heuristic"
    outside_trusted: Optional[str]  # an obtainable origin accepted outside the trusted ones

    def as_dict(self) -> Dict[str, Optional[str]]:
        return {"proof": self.proof, "outside_trusted": self.outside_trusted}


def origins_proof(entries: Sequence[OriginEntry], trusted: Sequence[str] = ()) -> Dict[str, Optional[str]]:
    """For a route's effective origin entries: is the set of accepted origins
    known exactly, and which obtainable origin outside ``trusted`` (the
    ``trusted-origins`` setting; when empty, the domains the entries name) do
    they accept? ``{"proof": "exact" | "heuristic", "outside_trusted":
    "<witness>" | None}``; ``null`` counts as outside."""
    named = [text for entry in entries for text in named_origins(entry)]
    trust = trust_for(named, trusted)
    outcomes = [entry_language(entry) for entry in entries]
    if any(outcome.automaton is None for outcome in outcomes):
        return OriginsProof(HEURISTIC, None).as_dict()
    union = _combine([outcome.automaton for outcome in outcomes], dfa.union_all)  # type: ignore[misc]
    if union.automaton is None:
        return OriginsProof(HEURISTIC, None).as_dict()
    runtimes = [entry.runtime_value() for entry in entries]
    verdict = search(
        union.automaton,
        trust,
        lambda origin: any(flaskcors.match_origin(origin, runtime) for runtime in runtimes),
        named,
        include_null=True,
    )
    return OriginsProof(verdict.proof, verdict.witness).as_dict()


def _named(entry: OriginEntry) -> List[str]:
    if entry.is_wildcard:
        return []
    if not entry.is_regex:
        return [entry.text.lower()] if browser_origin(entry.text.lower()) else []
    from cors_lint.model.witness import intent_of  # the regex's intended examples

    intent = intent_of(entry) if entry.cost_reason is None else None
    if not intent:
        flags = entry.flags if entry.compiled else re.IGNORECASE
        return _host_origins(literal_hosts(entry.text, flags), scheme_named="http" in entry.text.lower())
    # The literal host text is the shortest example's (``.*`` left empty);
    # the longer example may only add a scheme (``https?``) for that domain.
    first = browser_origin(intent.examples[0])
    return [example for example in intent.examples if first and _same_site(browser_origin(example), first.host)]


def _same_site(origin, host: str) -> bool:
    """The same host, or one below the other (no Public Suffix List needed)."""
    return origin is not None and (origin.host == host or origin.host.endswith("." + host) or host.endswith("." + origin.host))


def _host_origins(hosts: Iterable[str], scheme_named: bool) -> List[str]:
    """Origins for host names written without a scheme: https, and http too
    unless the check names a scheme itself (``endswith(".example.com")``
    accepts both, and neither is the attacker's)."""
    schemes = ("https",) if scheme_named else ("https", "http")
    return [f"{scheme}://{host}" for host in hosts for scheme in schemes if browser_origin(f"{scheme}://{host}")]


def check_named_origins(check: "OriginCheck") -> List[str]:
    """The origins a hand-written check names: its literals (origins, or
    host names such as ``.example.com``), its regex's examples."""
    if not check.holds:
        return []  # `not origin.endswith(".evil.com")`: a name the check keeps out
    named = [literal.lower() for literal in check.literals if browser_origin(literal.lower())]
    for literal in check.literals:
        if not browser_origin(literal.lower()) and "://" not in literal:
            named += _host_origins(_HOST_TEXT.findall(literal.lower()), scheme_named=False)
    for part in check.parts or (check,):
        if part.kind == "regex" and part.pattern is not None:
            source, flags, _ = part.pattern
            named += named_origins(OriginEntry(source, True, flags, Span(1, 1, 1, 1), False))
        elif part is not check:
            named += check_named_origins(part)
    return named


def policy_trust(policy: "Policy") -> Trust:
    """The domains a module's configuration (flask-cors or hand-written)
    names, which the bypass rules (CRS104-CRS107, CRS402) protect. The
    ``trusted-origins`` setting is CRS111's alone: existing codes keep their
    meaning whether or not it is set."""
    from cors_lint.model.origins import origin_entries

    named: List[str] = []
    for registration in policy.active:
        for scope in registration.scopes:
            entries = origin_entries(scope.setting("origins"))
            for entry in entries if isinstance(entries, list) else []:
                named += named_origins(entry)
    for function in policy.handwritten:
        for reflection in function.reflections:
            for check in reflection.checks:
                named += check_named_origins(check)
    return trust_for(named)


def proof_of_entry(entry: OriginEntry) -> str:
    """Is what this entry accepts known exactly?"""
    return EXACT if entry_language(entry).automaton is not None else HEURISTIC


def proof_of_checks(checks: Sequence["OriginCheck"]) -> str:
    return EXACT if checks_language(checks).automaton is not None else HEURISTIC
