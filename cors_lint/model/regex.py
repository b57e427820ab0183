"""Strings from regular expressions: the example a pattern was written for,
and variants of it in which one part of the pattern is steered (a ``.`` that
becomes a letter, a ``.*`` that becomes ``attacker``).

Generated strings are proposals only: every caller verifies them with
flask-cors's own matching before trusting them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

try:  # Python 3.11+
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.9 and 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

MAX_PATTERN_LENGTH = 2000  # longer patterns are not analysed
MAX_REPEAT_COUNT = 100  # examples never repeat anything more often
_PREFERRED_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-.:/_"
_FALLBACK_CHARS = "".join(chr(code) for code in range(32, 127))

_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}
if hasattr(sre_constants, "POSSESSIVE_REPEAT"):
    _REPEATS.add(sre_constants.POSSESSIVE_REPEAT)
_SINGLE_CHAR = {sre_constants.ANY, sre_constants.IN, sre_constants.LITERAL, sre_constants.NOT_LITERAL}


@dataclass(frozen=True)
class Steering:
    """How to deviate from the plain example. Parts of the pattern are
    numbered in the order they appear: ``any_chars[k]`` replaces the k-th
    stand-alone ``.``, ``repeat_text[k]`` is what the k-th repetition of a
    single character class emits, ``fewest`` takes every repetition at its
    minimum (``s?`` gives nothing)."""

    any_chars: Dict[int, str] = field(default_factory=dict)
    repeat_text: Dict[int, str] = field(default_factory=dict)
    fewest: bool = False


@dataclass(frozen=True)
class ParsedPattern:
    source: str
    flags: int
    tree: Any
    standalone_dots: int  # how many stand-alone ``.`` the pattern has
    char_repeats: int  # how many repetitions of a single character class


def parse(source: str, flags: int = 0) -> Optional[ParsedPattern]:
    """Parse a regex the way ``re`` does; None when it is invalid or too long."""
    if len(source) > MAX_PATTERN_LENGTH:
        return None
    try:
        tree = sre_parse.parse(source, flags)
    except (re.error, RecursionError, OverflowError):
        return None
    state = _Walk(Steering())
    try:
        state.emit(tree)
    except (_CannotBuild, RecursionError):
        return None  # no example can be built (``[a-z]{1000}``): nothing to steer
    return ParsedPattern(source, flags, tree, state.dots_seen, state.repeats_seen)


# A memo of a pure function, not state: every origin rule asks about the same
# few patterns of a module, and each question re-parses the pattern.
@functools.lru_cache(maxsize=4096)
def too_costly(source: str, flags: int = 0) -> Optional[str]:
    """Why matching this pattern could take unbounded time or memory, if it
    could: Python's ``re`` cannot be interrupted, so such patterns are not run.
    None for patterns that are safe to match against short strings."""
    if len(source) > MAX_PATTERN_LENGTH:
        return f"the pattern is longer than {MAX_PATTERN_LENGTH} characters"
    try:
        tree = sre_parse.parse(source, flags)
    except (re.error, RecursionError, OverflowError):
        return None  # invalid patterns never run: flask-cors refuses them
    return _costly(tree, inside_unbounded=False)


def _costly(tree: Any, inside_unbounded: bool) -> Optional[str]:
    for op, av in tree:
        if op in _REPEATS:
            low, high, sub = av
            if low > 1000 or (high != sre_constants.MAXREPEAT and high > 1000):
                return "it repeats a part more than 1000 times"
            unbounded = high == sre_constants.MAXREPEAT
            if unbounded and inside_unbounded:
                return "it nests unbounded repetitions (catastrophic backtracking)"
            if high > MAX_COUNT_AROUND_UNBOUNDED and _has_unbounded(sub):
                return f"it repeats an unbounded repetition more than {MAX_COUNT_AROUND_UNBOUNDED} times (catastrophic backtracking)"
            reason = _costly(sub, inside_unbounded or unbounded)
        elif op is sre_constants.SUBPATTERN:
            reason = _costly(av[3], inside_unbounded)
        elif op is sre_constants.BRANCH:
            reason = next((r for r in (_costly(branch, inside_unbounded) for branch in av[1]) if r), None)
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            reason = _costly(av[1], inside_unbounded)
        elif op is getattr(sre_constants, "ATOMIC_GROUP", None):
            reason = _costly(av, inside_unbounded)
        elif op is sre_constants.GROUPREF_EXISTS:
            reason = next((r for r in (_costly(part, inside_unbounded) for part in av[1:] if part) if r), None)
        else:
            reason = None
        if reason:
            return reason
    return None


MAX_COUNT_AROUND_UNBOUNDED = 4  # (.*a){30} tries every way to cut the text in 30 pieces


def _has_unbounded(tree: Any) -> bool:
    """Does any part of ``tree`` repeat without bound?"""
    for op, av in tree:
        if op in _REPEATS:
            if av[1] == sre_constants.MAXREPEAT or _has_unbounded(av[2]):
                return True
        elif op is sre_constants.SUBPATTERN:
            if _has_unbounded(av[3]):
                return True
        elif op is sre_constants.BRANCH:
            if any(_has_unbounded(branch) for branch in av[1]):
                return True
        elif op is getattr(sre_constants, "ATOMIC_GROUP", None) and _has_unbounded(av):
            return True
    return False


def example(parsed: ParsedPattern, steering: Steering = Steering()) -> Optional[str]:
    """A string the pattern is meant to match, or None if it cannot be built."""
    try:
        return _Walk(steering).emit(parsed.tree)
    except (RecursionError, _CannotBuild):
        return None


class _CannotBuild(Exception):
    pass


class _Walk:
    def __init__(self, steering: Steering) -> None:
        self.steering = steering
        self.dots_seen = 0
        self.repeats_seen = 0
        self.branches_seen = 0
        self.groups: Dict[int, str] = {}

    def emit(self, tree: Any, in_repeat: bool = False) -> str:
        return "".join(self._node(op, av, in_repeat) for op, av in tree)

    def _node(self, op: Any, av: Any, in_repeat: bool) -> str:
        if op is sre_constants.LITERAL:
            return chr(av)
        if op is sre_constants.NOT_LITERAL:
            return "a" if av != ord("a") else "b"
        if op is sre_constants.ANY:
            if in_repeat:
                return "a"
            index = self.dots_seen
            self.dots_seen += 1
            return self.steering.any_chars.get(index, ".")
        if op is sre_constants.IN:
            return _class_member(av)
        if op is sre_constants.BRANCH:
            alternatives = [self.emit(alternative, in_repeat) for alternative in av[1]]
            return alternatives[0]
        if op is sre_constants.SUBPATTERN:
            group, _, _, sub = av
            text = self.emit(sub, in_repeat)
            if group is not None:
                self.groups[group] = text
            return text
        if op in _REPEATS:
            return self._repeat(av, in_repeat)
        if op is sre_constants.GROUPREF:
            return self.groups.get(av, "")
        if op is sre_constants.GROUPREF_EXISTS:
            _, yes, no = av
            return self.emit(yes, in_repeat)
        if op is getattr(sre_constants, "ATOMIC_GROUP", None):
            return self.emit(av, in_repeat)
        if op in (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            return ""
        raise _CannotBuild(str(op))

    def _repeat(self, av: Any, in_repeat: bool) -> str:
        low, high, sub = av
        single_char = len(sub) == 1 and sub[0][0] in _SINGLE_CHAR
        index = None
        if single_char:
            index = self.repeats_seen
            self.repeats_seen += 1
        # Always walk the body, so parts are numbered the same in every variant.
        body = self.emit(sub, in_repeat=True)
        if index is not None and index in self.steering.repeat_text:
            return self.steering.repeat_text[index]
        count = low if self.steering.fewest else max(low, min(1, high))
        if count > MAX_REPEAT_COUNT:
            raise _CannotBuild("repetition count too large")
        if single_char and count == 1 and high >= len(_WORD) and all(_accepts(sub[0], char) for char in _WORD):
            return _WORD  # reads like a host name in witnesses: app.example.com
        return body * count


_CATEGORY_TESTS = {
    sre_constants.CATEGORY_DIGIT: str.isdigit,
    sre_constants.CATEGORY_NOT_DIGIT: lambda char: not char.isdigit(),
    sre_constants.CATEGORY_SPACE: str.isspace,
    sre_constants.CATEGORY_NOT_SPACE: lambda char: not char.isspace(),
    sre_constants.CATEGORY_WORD: lambda char: char.isalnum() or char == "_",
    sre_constants.CATEGORY_NOT_WORD: lambda char: not (char.isalnum() or char == "_"),
}


_WORD = "app"


def _accepts(node: Any, char: str) -> bool:
    """Does a single-character node (``.``, ``[...]``, a literal) match ``char``?"""
    op, av = node
    if op is sre_constants.ANY:
        return char != "\n"
    if op is sre_constants.IN:
        return class_contains(av, char)
    if op is sre_constants.NOT_LITERAL:
        return chr(av) != char
    return op is sre_constants.LITERAL and chr(av) == char


def class_contains(items: List[Any], char: str) -> bool:
    """Does a parsed character class ``[...]`` contain ``char``?"""
    negated = False
    found = False
    for op, av in items:
        if op is sre_constants.NEGATE:
            negated = True
        elif op is sre_constants.LITERAL and chr(av) == char:
            found = True
        elif op is sre_constants.RANGE and av[0] <= ord(char) <= av[1]:
            found = True
        elif op is sre_constants.CATEGORY and _CATEGORY_TESTS.get(av, lambda _: False)(char):
            found = True
    return found != negated


def _class_member(items: List[Any]) -> str:
    for char in _PREFERRED_CHARS + _FALLBACK_CHARS:
        if class_contains(items, char):
            return char
    raise _CannotBuild("empty character class")
