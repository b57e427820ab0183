"""Witnesses: concrete attacker origins and paths that a configuration accepts.

Each function proposes candidates from the pattern (append a suffix, turn a
``.`` into a letter, put ``attacker`` where the pattern repeats a character
class, drop the ``s`` of ``https?``) and returns the first that passes three
checks: a browser can send it, flask-cors's own matching accepts it, and it
lies outside the sites the pattern was written for. A finding without a
witness is not reported as a bypass.

Every candidate must also be an origin an attacker can obtain
(``language.obtainable``: a registrable domain under the Public Suffix List,
outside the trusted origins): ``https://app.example.comattacker`` is never a
witness, since nobody can register under ``comattacker``. When the pattern's
language can be computed, ``residual_bypass`` finds what the heuristics miss.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, FrozenSet, Iterable, List, Optional, Sequence, Tuple

from cors_lint.evaluate.values import Span
from cors_lint.model import flaskcors, regex
from cors_lint.model.language.obtainable import Trust, obtainable, registrable_domain, stand_in_origin
from cors_lint.model.origins import OriginEntry, browser_origin

if TYPE_CHECKING:
    from cors_lint.model.checks import OriginCheck

ATTACKER_HOST = "attacker.example"
# Origins an attacker's page can have: a site it serves (or null, checked apart).
WEB_SCHEMES = ("http", "https")
UNRELATED_ORIGINS = ("https://attacker.example", "http://attacker.example", "https://attacker.test")


@dataclass(frozen=True)
class Intent:
    """What a regex entry was written for: example origins it fully matches."""

    parsed: regex.ParsedPattern
    examples: Tuple[str, ...]
    sites: FrozenSet[str]
    top_level_domains: FrozenSet[str]


def intent_of(entry: OriginEntry) -> Optional[Intent]:
    return _intent(entry.text, entry.regex_flags)


# A memo of a pure function, not state: several rules ask for the intent of
# the same entry, and each answer builds example strings from the pattern.
@functools.lru_cache(maxsize=1024)
def _intent(pattern: str, flags: int) -> Optional[Intent]:
    parsed = regex.parse(pattern, flags)
    if parsed is None:
        return None
    compiled = re.compile(pattern, flags)
    examples: List[str] = []
    for steering in (regex.Steering(fewest=True), regex.Steering()):
        text = regex.example(parsed, steering)
        if text is None:
            continue
        text = text.lower()
        origin = browser_origin(text)
        if origin is None:
            # ``^.*example\.com$``: the scheme is left to a repetition; the
            # host text the pattern names is what it was written for.
            text = "https://" + text.lstrip(":/")
            origin = browser_origin(text)
        if origin is not None and compiled.fullmatch(text) and text not in examples:
            examples.append(text)
    if not examples:
        return None
    origins = [browser_origin(text) for text in examples]
    return Intent(
        parsed,
        tuple(examples),
        frozenset(origin.site for origin in origins if origin),
        frozenset(origin.host.rsplit(".", 1)[-1] for origin in origins if origin),
    )


def _first_outside(
    entry: OriginEntry, candidates: Iterable[Optional[str]], intent: Intent, trust: Trust
) -> Optional[str]:
    for candidate in candidates:
        if candidate is None:
            continue
        candidate = candidate.lower()
        origin = browser_origin(candidate)
        if origin is None or origin.scheme not in WEB_SCHEMES or origin.site in intent.sites:
            continue
        if entry.accepts(candidate) and obtainable(candidate, trust) and _stand_in_accepted(candidate, entry.accepts):
            return candidate
    return None


def _stand_in_accepted(candidate: str, accepts) -> bool:
    """``.example`` names any attacker domain: only where ``.com`` works too."""
    stand_in = stand_in_origin(candidate)
    return stand_in == candidate or bool(accepts(stand_in))


def unrelated_origin(entry: OriginEntry) -> Optional[str]:
    """An origin that has nothing to do with the configuration, if accepted:
    the entry lets in any site."""
    return _unrelated_origin(entry.text, entry.compiled, entry.flags)


@functools.lru_cache(maxsize=4096)
def _unrelated_origin(text: str, compiled: bool, flags: int) -> Optional[str]:
    entry = OriginEntry(text, compiled, flags, Span(1, 1, 1, 1), False)  # only the matching matters here
    return next((origin for origin in UNRELATED_ORIGINS if entry.accepts(origin)), None)


def null_origin(entry: OriginEntry) -> Optional[str]:
    return "null" if entry.accepts("null") else None


def suffix_witness(entry: OriginEntry, intent: Intent, trust: Trust) -> Optional[str]:
    """``re.match`` only anchors at the start: the intended origin followed by
    ``.attacker.example`` is a host the attacker owns."""
    return _first_outside(entry, (f"{example}.{ATTACKER_HOST}" for example in intent.examples), intent, trust)


def dot_witness(entry: OriginEntry, intent: Intent, trust: Trust) -> Optional[str]:
    """An unescaped ``.`` matches any character: ``app.example.com`` also
    accepts ``appxexample.com``, which anyone can register."""
    candidates = (
        regex.example(intent.parsed, regex.Steering(any_chars={index: "x"}, fewest=fewest))
        for index in range(intent.parsed.standalone_dots)
        for fewest in (True, False)
    )
    for candidate in candidates:
        witness = _first_outside(entry, (candidate,), intent, trust)
        origin = browser_origin(witness) if witness else None
        # Only a name under a real top-level domain can be registered.
        if origin is not None and "." in origin.host and origin.host.rsplit(".", 1)[-1] in intent.top_level_domains:
            return witness
    return None


def prefix_witness(entry: OriginEntry, intent: Intent, trust: Trust) -> Optional[str]:
    """A repeated character class in front of the domain without a ``\\.``
    boundary (``.*example\\.com``) accepts ``attackerexample.com``."""
    candidates = (
        regex.example(intent.parsed, regex.Steering(repeat_text={index: "attacker"}, fewest=fewest))
        for index in range(intent.parsed.char_repeats)
        for fewest in (True, False)
    )
    return _first_outside(entry, candidates, intent, trust)


@dataclass(frozen=True)
class Residual:
    """A bypass only the exact engine found, and the code it belongs under."""

    code: str
    witness: str
    proof: str


def residual_bypass(entry: OriginEntry, intent: Intent, trust: Trust) -> Optional[Residual]:
    """When none of the readable mutations (suffix, dot, prefix) gets
    through, the accepted language may still hold an obtainable origin (an
    alternation with one open branch, a nested repetition): find it and file
    it under the most specific code. Plain-http twins of trusted origins are
    CRS108's."""
    if suffix_witness(entry, intent, trust) or dot_witness(entry, intent, trust) or prefix_witness(entry, intent, trust):
        return None
    from cors_lint.model.language.verdicts import entry_verdict

    verdict = entry_verdict(entry, trust, include_null=False)
    origin = browser_origin(verdict.witness) if verdict.witness else None
    if origin is None or verdict.witness is None:
        return None
    if origin.scheme == "http" and trust.contains("https://" + verdict.witness.split("://", 1)[1]):
        return None
    code = _bypass_code(origin.host, intent.examples, bool(intent.parsed.standalone_dots))
    return Residual(code, verdict.witness, verdict.proof)


def language_bypass(entry: OriginEntry, trust: Trust) -> Optional[Residual]:
    """For patterns the readable mutations cannot start from (no example
    origin can be built from them, or Python's ``re`` must not run them:
    nested repetitions): the bypass the automaton finds, if its language can
    be computed."""
    from cors_lint.model.language.verdicts import entry_verdict, named_origins

    verdict = entry_verdict(entry, trust, include_null=False)
    origin = browser_origin(verdict.witness) if verdict.witness else None
    if origin is None or verdict.witness is None or verdict.proof != "exact":
        return None
    if origin.scheme == "http" and trust.contains("https://" + verdict.witness.split("://", 1)[1]):
        return None
    parsed = regex.parse(entry.text, entry.regex_flags)
    dots = bool(parsed and parsed.standalone_dots)
    return Residual(_bypass_code(origin.host, named_origins(entry), dots), verdict.witness, verdict.proof)


def _bypass_code(host: str, examples: Iterable[str], has_dots: bool) -> str:
    """The most specific existing code for a bypass the engine found."""
    named = {parsed.host for parsed in (browser_origin(example) for example in examples) if parsed}
    domains = {registrable_domain(name) or name for name in named}
    if any(host != name and host.startswith(name) for name in named | domains):
        return "CRS104"  # more host name follows the one the pattern names
    if any(host.endswith(domain) and not host.endswith("." + domain) for domain in domains):
        return "CRS106"  # something runs straight into the domain name
    return "CRS105" if has_dots else "CRS104"


def http_witness(entry: OriginEntry) -> Optional[str]:
    """A plain-http origin (not loopback) the entry accepts: anyone on the
    network path can inject script into it."""
    if not entry.is_regex:
        origin = browser_origin(entry.text.lower())
        return entry.text.lower() if origin and origin.scheme == "http" and not origin.is_loopback else None
    intent = intent_of(entry)
    if intent is None:
        return None
    candidates = [example for example in intent.examples] + [
        "http://" + example.split("://", 1)[1] for example in intent.examples
    ]
    for candidate in candidates:
        origin = browser_origin(candidate)
        if origin and origin.scheme == "http" and not origin.is_loopback and entry.accepts(candidate):
            return candidate
    return None


# --- Globs ------------------------------------------------------------------

_GLOB_STAR = re.compile(r"(?:^|(?<=[^.\])}\\]))(?<!\\[a-zA-Z])\*")


def looks_like_glob(entry: OriginEntry) -> bool:
    """``https://*.example.com``, ``*.example.com``, ``http://localhost:*``:
    a ``*`` that repeats nothing a regex author would repeat."""
    return not entry.compiled and entry.text != ".*" and bool(_GLOB_STAR.search(entry.text))


@dataclass(frozen=True)
class GlobReading:
    intended: str  # an origin the author meant to allow
    intended_accepted: bool
    valid_regex: bool
    witness: Optional[str]  # an origin an attacker gets


def read_glob(entry: OriginEntry, trust: Trust) -> GlobReading:
    """What flask-cors makes of a glob: does it accept the origin the author
    meant, and which attacker origin does its regex reading let in?"""
    intended = entry.text.replace("*", "app" if "*." in entry.text else "3000").lower()
    if "://" not in intended:
        intended = "https://" + intended.lstrip("/")
    parsed = regex.parse(entry.text, entry.regex_flags)
    if parsed is None:
        return GlobReading(intended, False, False, None)
    intended_origin = browser_origin(intended)
    examples = [intended] + [
        text
        for text in (regex.example(parsed, regex.Steering(fewest=True)), regex.example(parsed))
        if text is not None and browser_origin(text.lower()) is not None
    ]
    intent = Intent(
        parsed,
        examples,
        {intended_origin.site} if intended_origin else set(),
        {intended_origin.host.rsplit(".", 1)[-1]} if intended_origin else set(),
    )
    witness = dot_witness(entry, intent, trust) or suffix_witness(entry, intent, trust) or prefix_witness(entry, intent, trust)
    if witness is None:  # the same analysis as any regex: what does it really accept?
        from cors_lint.model.language.verdicts import entry_verdict

        witness = entry_verdict(entry, trust, candidates=tuple(examples), include_null=False).witness
    return GlobReading(intended, entry.accepts(intended), True, witness)


# --- Paths ------------------------------------------------------------------

PATH_SUFFIXES = ("-admin/secrets", "ary", "_internal", ".bak")


def broader_path(pattern: flaskcors.PatternLike) -> Optional[str]:
    """A request path outside the tree a resource pattern names that the
    pattern still covers (``/api/*`` covers ``/api-admin/secrets``)."""
    if isinstance(pattern, re.Pattern):
        parsed = regex.parse(pattern.pattern, pattern.flags)
    else:
        parsed = regex.parse(pattern)
    if parsed is None:
        return None
    shortest = regex.example(parsed, regex.Steering(fewest=True))
    if not shortest or not shortest.startswith("/") or shortest.strip("/") == "":
        return None  # a catch-all pattern names no tree to leave
    tree = shortest if shortest.endswith("/") else shortest + "/"
    for suffix in PATH_SUFFIXES:
        candidate = shortest.rstrip("/") + suffix
        inside = candidate == shortest.rstrip("/") or candidate.startswith(tree)
        if not inside and flaskcors.match_path(candidate, pattern):
            return candidate
    return None


# --- Hand-written checks ---------------------------------------------------


def check_candidates(checks: Sequence["OriginCheck"]) -> List[str]:
    """Readable attacker origins to try first on hand-written checks."""
    return [candidate for candidate in _check_candidates(checks)[1] if candidate]


def check_witness(checks: Sequence["OriginCheck"], trust: Trust) -> Optional[str]:
    """An obtainable attacker origin that passes every check as written,
    outside the sites the checks name; None when there is none (or it cannot
    be decided). The heuristic, for checks without a computable language."""
    intended_sites, candidates = _check_candidates(checks)
    if intended_sites is None:
        return None
    for candidate in candidates:
        if candidate is None:
            continue
        candidate = candidate.lower()
        origin = browser_origin(candidate)
        if candidate == "null" or origin is None or origin.scheme not in WEB_SCHEMES or origin.site in intended_sites:
            continue  # null: CRS406
        if not obtainable(candidate, trust):
            continue
        verdicts = [check.passes(candidate) for check in checks]
        if any(verdict is None for verdict in verdicts):
            return None  # a check the tool cannot run: undecided, not a bypass
        if all(verdicts) and _stand_in_accepted(candidate, lambda text: all(check.passes(text) for check in checks)):
            return candidate
    return None


def _check_candidates(checks: Sequence["OriginCheck"]):
    """(the sites the checks name, candidate origins); sites None when a
    check's pattern is too costly to run."""
    literals = [literal for check in checks for literal in check.literals]
    intended_sites = set()
    candidates: List[str] = []
    for literal in literals:
        host = literal.split("://", 1)[-1].strip("./")
        origin = browser_origin(literal.lower()) or browser_origin("https://" + host.lower())
        if origin is not None:
            intended_sites.add(origin.site)
        candidates += [
            f"https://attacker{host}",  # endswith("example.com") -> attackerexample.com
            f"https://attacker-{host}",
            f"{literal}.{ATTACKER_HOST}" if "://" in literal else f"https://{host}.{ATTACKER_HOST}",  # startswith, substring
            literal[:-1],  # `origin in "https://a.example.com"`: any substring passes
        ]
    flat = [part for check in checks for part in (check.parts or (check,))]
    for check in flat:
        if check.kind == "regex" and check.pattern is not None:
            source, flags, _ = check.pattern
            entry = OriginEntry(source, True, flags, Span(1, 1, 1, 1), False)
            if regex.too_costly(source, flags):
                return None, []
            intent = intent_of(entry)
            if intent is not None:
                intended_sites |= intent.sites
                candidates += [f"{example}.{ATTACKER_HOST}" for example in intent.examples]
                candidates += [
                    regex.example(intent.parsed, regex.Steering(any_chars={i: "x"}, fewest=f))
                    for i in range(intent.parsed.standalone_dots)
                    for f in (True, False)
                ]
                candidates += [
                    regex.example(intent.parsed, regex.Steering(repeat_text={i: "attacker"}, fewest=f))
                    for i in range(intent.parsed.char_repeats)
                    for f in (True, False)
                ]
    candidates += list(UNRELATED_ORIGINS) + ["null"]
    return intended_sites, candidates
