"""Catastrophic backtracking in patterns that face attacker input.

flask-cors runs ``re.match(pattern, Origin)`` on every request (the Origin
header is the attacker's choice) and matches resource patterns against the
request path. A pattern whose matching time grows faster than its input lets
one request of a few kilobytes pin a worker.

Two stages:

``suspicious``
    A structural screen of the parsed pattern, memoised per pattern: a
    repetition whose body can be iterated in two ways (a nested quantifier
    over characters the body can also start or end with, an alternation under
    a repetition whose branches can start alike), or two unbounded
    repetitions over overlapping characters that the first can reach across.
    It costs a parse of each pattern; most patterns stop here.

``confirm``
    For a suspicious pattern, attack strings (the text that leads to the
    repetition, a pumped part, then a character that makes the match fail)
    are matched with ``re.match`` in a child process (``budget.measure``), at
    doubling lengths up to a real header limit. Confirmed when one match
    takes more than ``SLOW`` seconds of CPU time and the time grew more than
    ``GROWTH`` times when the length doubled. A match still running after
    ``PATIENCE`` seconds is stopped and its CPU time read from the kernel.
    Fast matches are timed several times and the least time kept, so load on
    the machine does not hide the growth.
    Anything else is not reported: the screen alone never is.
"""

from __future__ import annotations

import functools
import re
import time
from dataclasses import dataclass
from typing import Any, Callable, FrozenSet, Iterator, List, Optional, Sequence, Tuple

from cors_lint.model.regex import _REPEATS, _Walk, Steering, _CannotBuild, class_contains, sre_constants, sre_parse

# An Origin header under 8 KiB (nginx, Apache and gunicorn refuse a header
# line of 8 KiB or more by default); a path under gunicorn's default limit of
# 4094 bytes on the whole request line.
ORIGIN_LIMIT = 8000
PATH_LIMIT = 4000
SLOW = 0.1  # seconds of CPU for one re.match
# Time ratio when the length doubles: linear about 2, quadratic 4; the
# threshold sits at their geometric middle, so noise on either side of a
# quadratic pattern's 4 does not hide it.
GROWTH = 2.8
# Seconds of CPU time one match may run before it is stopped. The last match
# that finished took at most SLOW, so a stopped match confirms growth when
# PATIENCE > GROWTH * SLOW, with a margin.
PATIENCE = 0.5
REPEATS = 3  # timings of a fast match; the least is kept
MEASURE_CPU = 3.0  # seconds of CPU time for all the measurements of one pattern
MEASURE_LIMIT = 30.0  # seconds of wall time for them: only a starved machine reaches it
MAX_CANDIDATES = 24
_ALPHABET = "".join(chr(code) for code in range(32, 127))
_PUMP_CHARS = "a0.-_ /"
_SUFFIXES = ("!", "~", "")  # not a space: servers strip it from the end of a header


@dataclass(frozen=True)
class Attack:
    prefix: str
    pump: str
    suffix: str

    def at(self, limit: int) -> str:
        """The longest attack string within ``limit`` characters."""
        count = max(1, (limit - len(self.prefix) - len(self.suffix)) // max(1, len(self.pump)))
        return self.prefix + self.pump * count + self.suffix

    def of_count(self, count: int) -> str:
        return self.prefix + self.pump * count + self.suffix


@dataclass(frozen=True)
class Confirmed:
    witness: str  # the attack string at the header's length limit
    length: int


# --- the structural screen ---------------------------------------------------


@functools.lru_cache(maxsize=4096)
def suspicious(source: str, flags: int = 0) -> bool:
    """Could matching this pattern backtrack catastrophically? Cheap."""
    tree = _parse(source, flags)
    return tree is not None and _suspicious_sequence(list(tree), frozenset())


def _parse(source: str, flags: int) -> Any:
    if len(source) > 2000:
        return None
    try:
        return sre_parse.parse(source, flags)
    except (re.error, RecursionError, OverflowError):
        return None


def _unbounded(high: int) -> bool:
    return high == sre_constants.MAXREPEAT


def _suspicious_sequence(items: List[Tuple[Any, Any]], follow: FrozenSet[str]) -> bool:
    """``follow``: characters that may come right after this sequence."""
    for position, (op, av) in enumerate(items):
        after = _first_of_sequence(items[position + 1 :], follow)
        if op in _REPEATS:
            low, high, body = av
            body = list(body)
            if high > 1:
                wrap = _first_of_sequence(body, frozenset())
                if _ambiguous_body(body, wrap | after) or _overlapping_branches(body, wrap | after):
                    return True
            if _unbounded(high) and _reaches_another(items, position):
                return True
            if _suspicious_sequence(body, after):
                return True
        elif op is sre_constants.SUBPATTERN:
            if _suspicious_sequence(list(av[3]), after):
                return True
        elif op is sre_constants.BRANCH:
            if any(_suspicious_sequence(list(branch), after) for branch in av[1]):
                return True
        elif op is getattr(sre_constants, "ATOMIC_GROUP", None):
            continue  # no backtracking into an atomic group
    return False


def _ambiguous_body(body: List[Tuple[Any, Any]], follow: FrozenSet[str]) -> bool:
    """Does the body of a repetition hold an unbounded repetition whose
    characters may also be what follows it (the rest of the body, or the
    body's next iteration)?"""
    for position, (op, av) in enumerate(body):
        after = _first_of_sequence(body[position + 1 :], follow)
        if op in _REPEATS and _unbounded(av[1]):
            if _chars(list(av[2])) & after:
                return True
        elif op is sre_constants.SUBPATTERN:
            if _ambiguous_body(list(av[3]), after):
                return True
        elif op is sre_constants.BRANCH:
            if any(_ambiguous_body(list(branch), after) for branch in av[1]):
                return True
    return False


def _overlapping_branches(body: List[Tuple[Any, Any]], follow: FrozenSet[str]) -> bool:
    """``(a|ab)*``, ``(a|a)*`` (which ``re`` turns into ``a(?:|)``): an
    alternation in a repeated body with two branches that can match alike
    (both empty, or starting with a common character; an empty branch
    starts with what follows it)."""
    for position, (op, av) in enumerate(body):
        after = _first_of_sequence(body[position + 1 :], follow)
        if op is sre_constants.SUBPATTERN:
            if _overlapping_branches(list(av[3]), after):
                return True
        elif op is sre_constants.BRANCH:
            seen: FrozenSet[str] = frozenset()
            empty = 0
            for branch in av[1]:
                branch = list(branch)
                empty += _nullable(branch)
                first = _first_of_sequence(branch, after)
                if first & seen or empty > 1:
                    return True
                seen |= first
            if any(_overlapping_branches(list(branch), after) for branch in av[1]):
                return True
    return False


def _reaches_another(items: List[Tuple[Any, Any]], position: int) -> bool:
    """``.*x.*``: a later unbounded repetition over characters this one also
    takes, with nothing in between that this one could not take too."""
    chars = _chars(list(items[position][1][2]))
    for op, av in items[position + 1 :]:
        if op in _REPEATS and _unbounded(av[1]):
            return bool(_chars(list(av[2])) & chars)
        if op is sre_constants.AT:
            continue
        if not _chars([(op, av)]) <= chars:
            return False
    return False


def _first_of_sequence(items: List[Tuple[Any, Any]], follow: FrozenSet[str]) -> FrozenSet[str]:
    first: FrozenSet[str] = frozenset()
    for op, av in items:
        first |= _first([(op, av)])
        if not _nullable([(op, av)]):
            return first
    return first | follow


def _first(items: List[Tuple[Any, Any]]) -> FrozenSet[str]:
    if not items:
        return frozenset()
    op, av = items[0]
    if op in _REPEATS:
        return _first_of_sequence(list(av[2]), frozenset())
    if op is sre_constants.SUBPATTERN:
        return _first_of_sequence(list(av[3]), frozenset())
    if op is getattr(sre_constants, "ATOMIC_GROUP", None):
        return _first_of_sequence(list(av), frozenset())
    if op is sre_constants.BRANCH:
        result: FrozenSet[str] = frozenset()
        for branch in av[1]:
            result |= _first_of_sequence(list(branch), frozenset())
        return result
    return _single(op, av)


@functools.lru_cache(maxsize=1024)
def _single_cached(op: Any, av: Any) -> FrozenSet[str]:
    return _single_uncached(op, av)


def _single(op: Any, av: Any) -> FrozenSet[str]:
    try:
        return _single_cached(op, tuple(av) if isinstance(av, list) else av)
    except TypeError:
        return _single_uncached(op, av)


def _single_uncached(op: Any, av: Any) -> FrozenSet[str]:
    if op is sre_constants.LITERAL:
        return frozenset({chr(av), chr(av).lower(), chr(av).upper()})
    if op is sre_constants.NOT_LITERAL:
        return frozenset(char for char in _ALPHABET if char != chr(av))
    if op is sre_constants.ANY:
        return frozenset(_ALPHABET)
    if op is sre_constants.IN:
        return frozenset(char for char in _ALPHABET if class_contains(list(av), char))
    return frozenset()


def _chars(items: List[Tuple[Any, Any]]) -> FrozenSet[str]:
    """Every character a (sub)pattern may consume."""
    result: FrozenSet[str] = frozenset()
    for op, av in items:
        if op in _REPEATS:
            result |= _chars(list(av[2]))
        elif op is sre_constants.SUBPATTERN:
            result |= _chars(list(av[3]))
        elif op is sre_constants.BRANCH:
            for branch in av[1]:
                result |= _chars(list(branch))
        elif op is getattr(sre_constants, "ATOMIC_GROUP", None):
            result |= _chars(list(av))
        else:
            result |= _single(op, av)
    return result


def _nullable(items: List[Tuple[Any, Any]]) -> bool:
    for op, av in items:
        if op in _REPEATS:
            if av[0] > 0 and not _nullable(list(av[2])):
                return False
        elif op is sre_constants.SUBPATTERN:
            if not _nullable(list(av[3])):
                return False
        elif op is sre_constants.BRANCH:
            if not any(_nullable(list(branch)) for branch in av[1]):
                return False
        elif op in (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            continue
        else:
            return False
    return True


# --- attack strings ------------------------------------------------------------


def attacks(source: str, flags: int = 0) -> List[Attack]:
    """Candidate attack strings for a pattern, in a fixed order."""
    tree = _parse(source, flags)
    if tree is None:
        return []
    found: List[Attack] = []
    for before, (op, av) in _repeats(list(tree), []):
        prefix = _example(before)
        if prefix is None:
            continue
        body = list(av[2])
        pumps: List[str] = []
        whole = _example([body])
        if whole:
            pumps.append(whole)
        first = _first_of_sequence(body, frozenset())
        pumps += [char for char in _PUMP_CHARS if char in first]
        pumps += sorted(first - set(_PUMP_CHARS))[:1]
        for pump in dict.fromkeys(pumps):
            for suffix in _SUFFIXES:
                attack = Attack(prefix, pump, suffix)
                if attack not in found:
                    found.append(attack)
    return found[:MAX_CANDIDATES]


def _repeats(items: List[Tuple[Any, Any]], before: List[List[Tuple[Any, Any]]]) -> Iterator[Tuple[List[List[Tuple[Any, Any]]], Tuple[Any, Any]]]:
    """Every repetition with the sequences that lead to it (outermost first)."""
    for position, (op, av) in enumerate(items):
        leading = before + [items[:position]]
        if op in _REPEATS:
            if av[1] > 1:
                yield leading, (op, av)
            yield from _repeats(list(av[2]), leading)
        elif op is sre_constants.SUBPATTERN:
            yield from _repeats(list(av[3]), leading)
        elif op is sre_constants.BRANCH:
            for branch in av[1]:
                yield from _repeats(list(branch), leading)


def _example(sequences: List[List[Tuple[Any, Any]]]) -> Optional[str]:
    try:
        walk = _Walk(Steering())
        return "".join(walk.emit(sequence) for sequence in sequences)
    except (_CannotBuild, RecursionError, TypeError):
        return None


# --- the measurement -------------------------------------------------------------


def _ladder(attack: Attack, limit: int) -> List[int]:
    """Pump counts, doubling, up to the longest string within ``limit``."""
    most = max(1, (limit - len(attack.prefix) - len(attack.suffix)) // max(1, len(attack.pump)))
    counts = []
    count = 4
    while count < most:
        counts.append(count)
        count *= 2
    counts.append(most)
    return counts


def _measure_in_child(job: Tuple[str, int, Sequence[Attack], int], report: Callable[[Any], None]) -> None:
    """In the child: time ``re.match`` on each candidate at doubling lengths;
    ends at the first match slower than SLOW whose time grew enough (a slow
    match that did not, by noise, is followed by the next length)."""
    source, flags, candidates, limit = job
    compiled = re.compile(source, flags)
    for index, attack in enumerate(candidates):
        previous: Optional[Tuple[int, float]] = None  # (pump count, least time) of the last length
        for count in _ladder(attack, limit):
            text = attack.of_count(count)
            spent = float("inf")
            # A fast match is timed REPEATS times and the least time kept: a
            # busy machine only ever adds time, so the least is the honest
            # figure, and the growth to the next (slow) length is never
            # understated by an inflated measurement here.
            for _ in range(REPEATS):
                started = time.process_time()
                report(("start", index, count, started))
                compiled.match(text)
                spent = min(spent, time.process_time() - started)
                if spent > SLOW:
                    break
            report(("done", index, count, spent))
            if spent > SLOW and previous is not None and _grew(previous, (count, spent)):
                return  # confirmed (the parent's ``judge`` reads the same)
            previous = (count, spent)


@functools.lru_cache(maxsize=256)
def confirm(source: str, flags: int, limit: int, start: str = "") -> Optional[Confirmed]:
    """Measure a suspicious pattern; a result only when confirmed. Attack
    strings begin with ``start`` (``/`` for a request path)."""
    from cors_lint import budget

    candidates = [attack for attack in attacks(source, flags) if attack.at(limit).startswith(start)]
    if start == "/":  # a path: attack strings a request line carries as they are (no space) come first
        candidates.sort(key=lambda attack: " " in attack.at(limit))
    if not candidates:
        return None
    try:
        re.compile(source, flags)
    except (re.error, RecursionError, OverflowError):
        return None
    measured = budget.measure(
        _measure_in_child, (source, flags, candidates, limit), MEASURE_LIMIT, patience=PATIENCE, cpu_limit=MEASURE_CPU
    )
    return judge(measured.reports, measured.finished, measured.cpu_seconds, candidates, limit)


def judge(
    reports: Sequence[Any], finished: bool, cpu_seconds: float, candidates: Sequence[Attack], limit: int
) -> Optional[Confirmed]:
    """Confirmed when a match took more than SLOW seconds of CPU and more
    than GROWTH times the time at half the pump count. A match that was
    stopped while running counts with the CPU time the child had used since
    it began (read from the kernel after the child ended)."""
    times: dict = {}  # (candidate, count) -> seconds
    running: Optional[Tuple[int, int, float]] = None
    for report in reports:
        if report[0] == "start":
            running = (report[1], report[2], report[3])
        else:
            times[(report[1], report[2])] = report[3]
            running = None
    if running is not None and not finished:
        index, count, started = running
        times[(index, count)] = max(0.0, cpu_seconds - started)
    for (index, count), spent in times.items():
        if spent <= SLOW:
            continue
        earlier = [c for (i, c) in times if i == index and c < count]
        if not earlier:
            continue  # no smaller length measured: growth unknown
        if _grew((max(earlier), times[(index, max(earlier))]), (count, spent)):
            attack = candidates[index]
            witness = attack.at(limit)
            return Confirmed(witness, len(witness))
    return None


def _grew(before: Tuple[int, float], after: Tuple[int, float]) -> bool:
    """Did the time grow more than GROWTH times when the length doubled
    (scaled to the lengths' real ratio)? Linear growth doubles it."""
    (count_before, time_before), (count_after, time_after) = before, after
    return time_after > GROWTH * (count_after / count_before / 2) * max(time_before, 1e-6)
