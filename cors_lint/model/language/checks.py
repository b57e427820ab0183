"""The languages of origin checks, over the alphabet of browser origins.

Every check is a set of strings: a flask-cors entry (``re.match`` with
``IGNORECASE``, or a case-insensitive comparison), a regex call of
hand-written code, ``==``/``in`` a collection (a finite set), ``startswith``,
``endswith``, a substring test either way round. ``Outcome`` carries the
automaton, or why there is none (the caller falls back to heuristics).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterable, List, Optional, Tuple

from cors_lint.model.language import dfa
from cors_lint.model.language.dfa import Dfa
from cors_lint.model.language.nfa import TooComplex, Unsupported, build, parse_tree
from cors_lint.model.language.sre import sre_constants

# What a browser can put in an Origin header: scheme, host (lower case, LDH
# labels), port. Strings with any other character are not origins an
# attacker's page can have, so automata need no other columns.
ORIGIN_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789-.:/"
MAX_SUBSTRING_SOURCE = 300  # `origin in "<text>"`: every substring is a state


@dataclass(frozen=True)
class Outcome:
    """The language of a check (``automaton``), or why it has none."""

    automaton: Optional[Dfa]
    reason: str = ""  # "a lookaround", "too complex"... when automaton is None

    @property
    def exact(self) -> bool:
        return self.automaton is not None


# A memo of a pure function, bounded: rules ask about the same few patterns
# of a module many times, and each answer is an automaton construction.
@functools.lru_cache(maxsize=512)
def regex_language(source: str, flags: int, mode: str, alphabet: str = ORIGIN_ALPHABET) -> Outcome:
    """What ``re.<mode>(source, text, flags)`` accepts, for texts over ``alphabet``."""
    try:
        automaton = dfa.determinise(build(source, flags), alphabet, mode)
    except Unsupported as error:
        return Outcome(None, f"the pattern uses {error}, which has no regular equivalent")
    except TooComplex as error:
        return Outcome(None, f"the pattern is too complex to decide exactly ({error})")
    except (re.error, RecursionError, OverflowError, ValueError) as error:
        return Outcome(None, f"the pattern cannot be compiled ({error})")
    return Outcome(automaton)


def flask_cors_entry(text: str, compiled: bool, flags: int, is_regex: bool) -> Outcome:
    """One flask-cors origin entry as flask-cors matches it: regexes (and
    compiled patterns, with their own flags) with ``re.match``, plain strings
    by case-folded equality."""
    if is_regex:
        return regex_language(text, flags if compiled else re.IGNORECASE, "match")
    return Outcome(dfa.finite([text.casefold()], ORIGIN_ALPHABET))


def literal_language(kind: str, literals: Iterable[str]) -> Outcome:
    """``==``/``in`` a collection, ``startswith``, ``endswith``, ``literal in
    origin`` (contains) and ``origin in literal`` (substring_of), all
    case-sensitive as Python's ``str`` methods are."""
    literals = tuple(literals)
    if kind in ("allowlist", "equals"):
        return Outcome(dfa.finite(literals, ORIGIN_ALPHABET))
    if kind == "substring_of":
        if sum(len(text) for text in literals) > MAX_SUBSTRING_SOURCE:
            return Outcome(None, "the string the origin is looked up in is too long to decide exactly")
        pieces = {text[start:end] for text in literals for start in range(len(text)) for end in range(start, len(text) + 1)}
        return Outcome(dfa.finite(pieces | {""}, ORIGIN_ALPHABET))
    if not literals:
        return Outcome(dfa.nothing(ORIGIN_ALPHABET))
    alternatives = "|".join(re.escape(text) for text in literals)
    if kind == "startswith":
        return regex_language(f"(?:{alternatives})", 0, "match")
    if kind == "endswith":
        return regex_language(f"(?:{alternatives})\\Z", 0, "search")
    if kind == "contains":
        return regex_language(f"(?:{alternatives})", 0, "search")
    return Outcome(None, f"no language for a check of kind {kind!r}")


def everything() -> Outcome:
    return Outcome(dfa.everything(ORIGIN_ALPHABET))


_HOST_TEXT = re.compile(r"(?:[a-z0-9-]+\.)+[a-z][a-z0-9-]*")


def literal_hosts(source: str, flags: int = 0) -> Tuple[str, ...]:
    """The host names written literally in a pattern (``acme-corp.io`` in
    ``^https://([a-z]+\\.)*acme-corp\\.io$``): what it was written for, read
    from the parse tree without running the pattern."""
    try:
        tree = parse_tree(source, flags)
    except (re.error, TooComplex):
        return ()
    runs: List[str] = []
    current: List[str] = []
    for op, av in tree:
        if op is sre_constants.LITERAL:
            current.append(chr(av))
            continue
        runs.append("".join(current))
        current = []
    runs.append("".join(current))
    return tuple(dict.fromkeys(match.group(0) for run in runs for match in _HOST_TEXT.finditer(run.lower())))
