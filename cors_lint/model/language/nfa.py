"""A regex parse tree (Python's own) as a Thompson automaton.

Single characters (literals, classes, ``.``, ``\\d``...) are not
re-implemented: each one is compiled on its own by Python's regex compiler,
with the flags in force where it stands, and asked about every character of
the alphabet. Case folding under ``IGNORECASE`` and the Unicode meaning of
``\\w`` are therefore exactly ``re``'s. Zero-width assertions (``^ $ \\A \\Z
\\b \\B``) stay edges that the determiniser checks against the characters
around them. Constructs without a regular equivalent raise ``Unsupported``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Tuple

from cors_lint.model.language.sre import sre_compile, sre_constants, sre_parse

MAX_NFA_STATES = 4000  # a pattern beyond this is "too complex, not proved"
MAX_PATTERN_LENGTH = 2000

# Edge kinds.
EPSILON, CHAR, ASSERT = 0, 1, 2

# Assertions, already resolved for MULTILINE and ASCII.
BEGIN_STRING = 0  # \A, ^ without MULTILINE
BEGIN_LINE = 1  # ^ with MULTILINE
END_STRING = 2  # \Z
END_OR_FINAL_NEWLINE = 3  # $ without MULTILINE: at the end, or before a final \n
END_LINE = 4  # $ with MULTILINE
BOUNDARY = 5  # \b (Unicode word characters)
NON_BOUNDARY = 6  # \B
ASCII_BOUNDARY = 7  # \b under re.ASCII
ASCII_NON_BOUNDARY = 8


class Unsupported(Exception):
    """The pattern uses a construct with no regular equivalent (a
    backreference, lookaround, a conditional, an atomic group, a possessive
    quantifier): its language cannot be computed."""


class TooComplex(Exception):
    """The automaton would exceed its state budget."""


@dataclass(frozen=True)
class Nfa:
    start: int
    final: int
    edges: Tuple[Tuple[Tuple[int, int, int], ...], ...]  # per state: (kind, atom or assertion, target)
    atoms: Tuple["re.Pattern[str]", ...]  # each fullmatches exactly the characters of one atom


def parse_tree(source: str, flags: int) -> Any:
    """Python's parse tree of ``source`` (raises ``re.error``, ``TooComplex``)."""
    if len(source) > MAX_PATTERN_LENGTH:
        raise TooComplex(f"the pattern is longer than {MAX_PATTERN_LENGTH} characters")
    try:
        return sre_parse.parse(source, flags)
    except (RecursionError, OverflowError) as error:
        raise TooComplex(str(error)) from None


def build(source: str, flags: int = 0) -> Nfa:
    """The automaton of ``source`` under ``flags`` (raises ``re.error``,
    ``Unsupported`` or ``TooComplex``)."""
    tree = parse_tree(source, flags)
    builder = _Builder()
    start = builder.state()
    try:
        final = builder.sequence(tree, tree.state.flags, start)
    except RecursionError:
        raise TooComplex("the pattern nests too deeply") from None
    return Nfa(start, final, tuple(tuple(edges) for edges in builder.edges), tuple(builder.atoms))


_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT)
_SINGLE = (sre_constants.LITERAL, sre_constants.NOT_LITERAL, sre_constants.ANY, sre_constants.IN)
_UNSUPPORTED = {
    sre_constants.GROUPREF: "a backreference",
    sre_constants.GROUPREF_EXISTS: "a conditional group",
    sre_constants.ASSERT: "a lookaround",
    sre_constants.ASSERT_NOT: "a negative lookaround",
}
for _name, _what in (("ATOMIC_GROUP", "an atomic group"), ("POSSESSIVE_REPEAT", "a possessive quantifier")):
    if hasattr(sre_constants, _name):
        _UNSUPPORTED[getattr(sre_constants, _name)] = _what


class _Builder:
    def __init__(self) -> None:
        self.edges: List[List[Tuple[int, int, int]]] = []
        self.atoms: List["re.Pattern[str]"] = []
        self.atom_ids: Dict[Tuple[str, int], int] = {}

    def state(self) -> int:
        if len(self.edges) >= MAX_NFA_STATES:
            raise TooComplex(f"more than {MAX_NFA_STATES} automaton states")
        self.edges.append([])
        return len(self.edges) - 1

    def edge(self, source: int, kind: int, payload: int, target: int) -> None:
        self.edges[source].append((kind, payload, target))

    def sequence(self, items: Any, flags: int, entry: int) -> int:
        current = entry
        for op, av in items:
            current = self.node(op, av, flags, current)
        return current

    def node(self, op: Any, av: Any, flags: int, entry: int) -> int:
        if op in _SINGLE:
            target = self.state()
            self.edge(entry, CHAR, self.atom(op, av, flags), target)
            return target
        if op is sre_constants.SUBPATTERN:
            _, add, remove, sub = av
            return self.sequence(sub, _combine_flags(flags, add, remove), entry)
        if op is sre_constants.BRANCH:
            exit_ = self.state()
            for alternative in av[1]:
                start = self.state()
                self.edge(entry, EPSILON, 0, start)
                self.edge(self.sequence(alternative, flags, start), EPSILON, 0, exit_)
            return exit_
        if op in _REPEATS:
            return self.repeat(av, flags, entry)
        if op is sre_constants.AT:
            target = self.state()
            self.edge(entry, ASSERT, _assertion(av, flags), target)
            return target
        raise Unsupported(_UNSUPPORTED.get(op, f"the construct {op}"))

    def repeat(self, av: Any, flags: int, entry: int) -> int:
        # Greedy and lazy repetitions accept the same strings: the engine
        # backtracks through every count until the rest of the pattern matches.
        low, high, sub = av
        current = entry
        for _ in range(low):
            current = self.sequence(sub, flags, current)
        if high == sre_constants.MAXREPEAT:
            loop = self.state()
            self.edge(current, EPSILON, 0, loop)
            self.edge(self.sequence(sub, flags, loop), EPSILON, 0, loop)
            return loop
        exit_ = self.state()
        self.edge(current, EPSILON, 0, exit_)
        for _ in range(high - low):
            current = self.sequence(sub, flags, current)
            self.edge(current, EPSILON, 0, exit_)
        return exit_

    def atom(self, op: Any, av: Any, flags: int) -> int:
        relevant = flags & (re.IGNORECASE | re.DOTALL | re.ASCII | re.UNICODE)
        key = (repr((op, av)), relevant)
        if key not in self.atom_ids:
            self.atom_ids[key] = len(self.atoms)
            self.atoms.append(_single_character_matcher(op, av, relevant))
        return self.atom_ids[key]


# A memo of a pure function, bounded: the same few atoms ([a-z0-9-], \.,
# literals) recur in every origin pattern of a project.
_ATOM_CACHE: Dict[Tuple[str, int], "re.Pattern[str]"] = {}
_ATOM_CACHE_LIMIT = 4096


def _single_character_matcher(op: Any, av: Any, flags: int) -> "re.Pattern[str]":
    """A compiled pattern that is the one atom ``(op, av)`` under ``flags``:
    Python's compiler decides which characters it matches."""
    key = (repr((op, av)), flags)
    cached = _ATOM_CACHE.get(key)
    if cached is not None:
        return cached
    state = sre_parse.State()
    state.flags = flags
    pattern = sre_compile.compile(sre_parse.SubPattern(state, [(op, av)]), flags)
    if len(_ATOM_CACHE) >= _ATOM_CACHE_LIMIT:  # bounded: a memo, not a store
        _ATOM_CACHE.clear()
    _ATOM_CACHE[key] = pattern
    return pattern


_TYPE_FLAGS = re.ASCII | re.LOCALE | re.UNICODE


def _combine_flags(flags: int, add: int, remove: int) -> int:
    """Scoped flags as Python's compiler combines them: ``(?a:...)`` replaces
    the Unicode flag rather than joining it."""
    if add & _TYPE_FLAGS:
        flags &= ~_TYPE_FLAGS
    return (flags | add) & ~remove


def _assertion(code: Any, flags: int) -> int:
    multiline = bool(flags & re.MULTILINE)
    ascii_ = bool(flags & re.ASCII)
    if code is sre_constants.AT_BEGINNING:
        return BEGIN_LINE if multiline else BEGIN_STRING
    if code is sre_constants.AT_BEGINNING_STRING:
        return BEGIN_STRING
    if code is sre_constants.AT_END:
        return END_LINE if multiline else END_OR_FINAL_NEWLINE
    if code is sre_constants.AT_END_STRING:
        return END_STRING
    if code is sre_constants.AT_BOUNDARY:
        return ASCII_BOUNDARY if ascii_ else BOUNDARY
    if code is sre_constants.AT_NON_BOUNDARY:
        return ASCII_NON_BOUNDARY if ascii_ else NON_BOUNDARY
    raise Unsupported(f"the assertion {code}")
