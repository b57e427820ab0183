"""Deterministic automata over a small, explicit alphabet.

An automaton here is exact *for strings over its alphabet*: the alphabet of
origin reasoning is the characters a browser can put in an Origin header
(lower-case letters, digits, ``- . : /``), since every other character is
outside the set of origins an attacker can obtain anyway. Tests use other
alphabets (any characters, upper case, new lines) to compare with ``re``.

Determinisation and products are bounded: more than ``MAX_STATES`` states,
or more than ``MAX_WORK`` steps of work, raise ``TooComplex`` after a small
fraction of a second instead of running on.
"""

from __future__ import annotations

import re
import sys
from collections import deque
from dataclasses import dataclass
from typing import Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

from cors_lint.model.language import nfa as nfa_module
from cors_lint.model.language.nfa import ASSERT, CHAR, EPSILON, Nfa, TooComplex

MAX_STATES = 2500
MAX_WORK = 300_000  # closure steps and transitions computed, per construction
# Products step per column (about ten), not per character: they get more room.
MAX_PRODUCT_STATES = 4 * MAX_STATES

MODES = ("match", "search", "fullmatch")
_END = -1  # "next character" at the end of the string
_START = 0  # "previous character" at the start of the string
_ACCEPTED = -1  # NFA pseudo-state: matched, waiting for the final "\n" to end the string

# Before Python 3.14, \B never matches the empty string (sre checks it first).
_NON_BOUNDARY_ON_EMPTY = sys.version_info >= (3, 14)


@dataclass(frozen=True)
class Dfa:
    alphabet: str
    start: int
    trans: Tuple[Tuple[int, ...], ...]  # trans[state][index in alphabet]; complete
    accepting: FrozenSet[int]

    def run(self, text: str) -> Optional[int]:
        """The state after ``text``; None if it leaves the alphabet."""
        state = self.start
        for char in text:
            index = self.alphabet.find(char)
            if index < 0:
                return None
            state = self.trans[state][index]
        return state

    def run_from(self, state: int, text: str) -> Optional[int]:
        for char in text:
            index = self.alphabet.find(char)
            if index < 0:
                return None
            state = self.trans[state][index]
        return state

    def accepts(self, text: str) -> bool:
        """Is ``text`` in the language? (False outside the alphabet.)"""
        state = self.run(text)
        return state is not None and state in self.accepting

    @property
    def size(self) -> int:
        return len(self.trans)

    def live(self) -> FrozenSet[int]:
        """States from which some string is accepted."""
        reverse: Dict[int, List[int]] = {}
        for state, row in enumerate(self.trans):
            for target in set(row):
                reverse.setdefault(target, []).append(state)
        seen = set(self.accepting)
        pending = list(self.accepting)
        while pending:
            for source in reverse.get(pending.pop(), ()):
                if source not in seen:
                    seen.add(source)
                    pending.append(source)
        return frozenset(seen)

    def is_empty(self) -> bool:
        return self.start not in self.live()

    def accepts_everything_after(self, state: int) -> bool:
        """Is every continuation from ``state`` accepted (an open end)?"""
        seen = {state}
        pending = [state]
        while pending:
            current = pending.pop()
            if current not in self.accepting:
                return False
            for target in self.trans[current]:
                if target not in seen:
                    seen.add(target)
                    pending.append(target)
        return True

    def shortest(self, prefer: str = "", source: Optional[int] = None, targets: Optional[Iterable[int]] = None) -> Optional[str]:
        """A shortest string from ``source`` (the start) to an accepting state
        (or one of ``targets``); among equally short ones, characters earlier
        in ``prefer`` come first, so witnesses read like host names."""
        paths = self.paths_from(source if source is not None else self.start, prefer)
        goals = set(self.accepting if targets is None else targets)
        best = [paths[state] for state in goals if state in paths]
        return min(best, key=len) if best else None

    def paths_from(self, source: int, prefer: str = "") -> Dict[int, str]:
        """A shortest (preferred) string to every state reachable from ``source``."""
        rank = {char: position for position, char in enumerate(prefer)}
        order = sorted(range(len(self.alphabet)), key=lambda i: (rank.get(self.alphabet[i], len(prefer)), i))
        paths = {source: ""}
        queue = deque([source])
        while queue:
            state = queue.popleft()
            row = self.trans[state]
            for index in order:
                target = row[index]
                if target not in paths:
                    paths[target] = paths[state] + self.alphabet[index]
                    queue.append(target)
        return paths


# --- From an NFA --------------------------------------------------------------


def determinise(automaton: Nfa, alphabet: str, mode: str, max_states: int = MAX_STATES) -> Dfa:
    """The strings over ``alphabet`` that ``re.<mode>`` accepts (``match``: a
    prefix matches; ``search``: a substring; ``fullmatch``: all of it)."""
    if mode not in MODES:
        raise ValueError(mode)
    return _Determiniser(automaton, alphabet, mode, max_states).run()


class _Determiniser:
    def __init__(self, automaton: Nfa, alphabet: str, mode: str, max_states: int) -> None:
        self.nfa = automaton
        self.alphabet = alphabet
        self.mode = mode
        self.max_states = max_states
        self.work = 0
        masks = [sum(1 << i for i, char in enumerate(alphabet) if atom.fullmatch(char)) for atom in automaton.atoms]
        self.kinds = [_kind(char) for char in alphabet]
        # Characters that no atom and no assertion tells apart share one column.
        classes: Dict[Tuple, int] = {}
        self.class_of: List[int] = []
        self.representative: List[int] = []
        for i in range(len(alphabet)):
            signature = (self.kinds[i], tuple((mask >> i) & 1 for mask in masks))
            if signature not in classes:
                classes[signature] = len(self.representative)
                self.representative.append(i)
            self.class_of.append(classes[signature])
        # Per NFA state: its character edges as (class bit set, target).
        self.char_edges: List[List[Tuple[int, int]]] = []
        for edges in automaton.edges:
            row = []
            for kind, payload, target in edges:
                if kind == CHAR:
                    bits = 0
                    for class_index, rep in enumerate(self.representative):
                        if (masks[payload] >> rep) & 1:
                            bits |= 1 << class_index
                    row.append((bits, target))
            self.char_edges.append(row)

    def spend(self, amount: int = 1) -> None:
        self.work += amount
        if self.work > MAX_WORK:
            raise TooComplex("determinisation needs too many steps")

    def run(self) -> Dfa:
        start_items = frozenset({(self.nfa.start, 0)})
        everything = ("everything",)
        keys: Dict[object, int] = {}
        rows: List[Optional[List[int]]] = []
        accepting = set()
        queue: deque = deque()

        def state_of(key) -> int:
            if key not in keys:
                if len(rows) >= self.max_states:
                    raise TooComplex(f"more than {self.max_states} automaton states")
                keys[key] = len(rows)
                rows.append(None)
                queue.append(key)
            return keys[key]

        start = state_of((start_items, _START))
        state_of(everything)
        while queue:
            key = queue.popleft()
            number = keys[key]
            if key is everything or key == everything:
                rows[number] = [number] * len(self.alphabet)
                accepting.add(number)
                continue
            items, prev = key
            if self._accepts_at_end(items, prev):
                accepting.add(number)
            by_class = [state_of(self._step(items, prev, rep, everything)) for rep in self.representative]
            rows[number] = [by_class[self.class_of[i]] for i in range(len(self.alphabet))]
        return Dfa(self.alphabet, start, tuple(tuple(row) for row in rows), frozenset(accepting))  # type: ignore[arg-type]

    def _step(self, items, prev: int, char: int, everything):
        closure = self._closure(items, prev, char)
        final = self.nfa.final
        if self.mode != "fullmatch" and (final, 0) in closure:
            return everything  # a match ends here: whatever follows is accepted
        class_bit = 1 << self.class_of[char]
        following = set()
        for state, flag in closure:
            if state == _ACCEPTED:
                continue
            if state == final and flag == 1 and self.mode != "fullmatch":
                following.add((_ACCEPTED, 2))  # matched before the final "\n"
            for bits, target in self.char_edges[state]:
                if bits & class_bit:
                    following.add((target, 2 if flag else 0))
            self.spend()
        if self.mode == "search":
            following.add((self.nfa.start, 0))
        return (frozenset(following), self.kinds[char])

    def _accepts_at_end(self, items, prev: int) -> bool:
        closure = self._closure(items, prev, _END)
        final = self.nfa.final
        return any(state in (final, _ACCEPTED) and flag != 1 for state, flag in closure)

    def _closure(self, items, prev: int, char: int):
        """Every (state, flag) reachable without reading, between ``prev`` and
        the next character ``char``. Flag 1: a ``$`` was passed before a
        ``\\n`` that must end the string; flag 2: the string must end now."""
        next_kind = _END if char == _END else self.kinds[char]
        seen = set()
        pending = []
        for state, flag in items:
            if flag == 2 and char != _END:
                continue
            pending.append((state, flag))
        while pending:
            item = pending.pop()
            if item in seen:
                continue
            seen.add(item)
            self.spend()
            state, flag = item
            if state == _ACCEPTED:
                continue
            for kind, payload, target in self.nfa.edges[state]:
                if kind == EPSILON:
                    pending.append((target, flag))
                elif kind == ASSERT:
                    if payload == nfa_module.END_OR_FINAL_NEWLINE:
                        if char == _END:
                            pending.append((target, flag))
                        elif next_kind & _NEWLINE:
                            pending.append((target, max(flag, 1)))
                    elif _holds(payload, prev, next_kind):
                        pending.append((target, flag))
        return seen


# Character kinds: what assertions need to know about a neighbour.
_SOME = 1  # a character, not the start or end
_NEWLINE = 2
_WORD = 4
_ASCII_WORD = 8
_UNICODE_WORD = re.compile(r"\w")
_ASCII_WORD_RE = re.compile(r"\w", re.ASCII)


def _kind(char: str) -> int:
    kind = _SOME
    if char == "\n":
        kind |= _NEWLINE
    if _UNICODE_WORD.fullmatch(char):
        kind |= _WORD
    if _ASCII_WORD_RE.fullmatch(char):
        kind |= _ASCII_WORD
    return kind


def _holds(code: int, prev: int, next_kind: int) -> bool:
    at_start = prev == _START
    at_end = next_kind == _END
    if code == nfa_module.BEGIN_STRING:
        return at_start
    if code == nfa_module.BEGIN_LINE:
        return at_start or bool(prev & _NEWLINE)
    if code == nfa_module.END_STRING:
        return at_end
    if code == nfa_module.END_LINE:
        return at_end or bool(next_kind & _NEWLINE)
    word = _ASCII_WORD if code in (nfa_module.ASCII_BOUNDARY, nfa_module.ASCII_NON_BOUNDARY) else _WORD
    before = not at_start and bool(prev & word)
    after = not at_end and bool(next_kind & word)
    if code in (nfa_module.BOUNDARY, nfa_module.ASCII_BOUNDARY):
        return before != after  # also False on the empty string
    if at_start and at_end and not _NON_BOUNDARY_ON_EMPTY:
        return False
    return before == after


# --- Finite languages and boolean operations -----------------------------------


def finite(strings: Iterable[str], alphabet: str) -> Dfa:
    """Exactly ``strings`` (those over ``alphabet``): a trie."""
    rows: List[List[int]] = [[1] * len(alphabet), [1] * len(alphabet)]  # 0: root, 1: dead
    accepting = set()
    for text in strings:
        if any(char not in alphabet for char in text):
            continue
        state = 0
        for char in text:
            index = alphabet.index(char)
            if rows[state][index] == 1:
                rows.append([1] * len(alphabet))
                rows[state][index] = len(rows) - 1
            state = rows[state][index]
        accepting.add(state)
    return Dfa(alphabet, 0, tuple(tuple(row) for row in rows), frozenset(accepting))


def everything(alphabet: str) -> Dfa:
    return Dfa(alphabet, 0, ((0,) * len(alphabet),), frozenset({0}))


def nothing(alphabet: str) -> Dfa:
    return Dfa(alphabet, 0, ((0,) * len(alphabet),), frozenset())


def complement(automaton: Dfa) -> Dfa:
    return Dfa(automaton.alphabet, automaton.start, automaton.trans, frozenset(range(automaton.size)) - automaton.accepting)


def intersection(left: Dfa, right: Dfa, max_states: int = MAX_PRODUCT_STATES) -> Dfa:
    return _product(left, right, lambda a, b: a and b, max_states)


def union(left: Dfa, right: Dfa, max_states: int = MAX_PRODUCT_STATES) -> Dfa:
    return _product(left, right, lambda a, b: a or b, max_states)


def difference(left: Dfa, right: Dfa, max_states: int = MAX_PRODUCT_STATES) -> Dfa:
    return _product(left, right, lambda a, b: a and not b, max_states)


def intersection_all(automata: Sequence[Dfa], alphabet: str) -> Dfa:
    result = everything(alphabet)
    for automaton in automata:
        result = intersection(result, automaton)
    return result


def union_all(automata: Sequence[Dfa], alphabet: str) -> Dfa:
    result = nothing(alphabet)
    for automaton in automata:
        result = union(result, automaton)
    return result


def _product(left: Dfa, right: Dfa, keep: Callable[[bool, bool], bool], max_states: int) -> Dfa:
    if left.alphabet != right.alphabet:
        raise ValueError("automata over different alphabets")
    # Characters that both automata treat alike everywhere share one column
    # (letters, usually): the product is computed per column, not per character.
    columns: Dict[Tuple[Tuple[int, ...], Tuple[int, ...]], int] = {}
    column_of = [columns.setdefault(pair, len(columns)) for pair in zip(zip(*left.trans), zip(*right.trans))]
    representatives = [column_of.index(column) for column in range(len(columns))]
    numbers: Dict[Tuple[int, int], int] = {(left.start, right.start): 0}
    pairs = [(left.start, right.start)]
    rows: List[Tuple[int, ...]] = []
    accepting = set()
    work = 0
    for number_ in range(10**9):
        if number_ >= len(pairs):
            break
        a, b = pairs[number_]
        if keep(a in left.accepting, b in right.accepting):
            accepting.add(number_)
        by_column = []
        left_row, right_row = left.trans[a], right.trans[b]
        for index in representatives:
            pair = (left_row[index], right_row[index])
            target = numbers.get(pair)
            if target is None:
                if len(pairs) >= max_states:
                    raise TooComplex(f"more than {max_states} automaton states")
                target = numbers[pair] = len(pairs)
                pairs.append(pair)
            by_column.append(target)
        work += len(representatives)
        if work > MAX_WORK:
            raise TooComplex("the combined automaton needs too many steps")
        rows.append(tuple(by_column[column] for column in column_of))
    return Dfa(left.alphabet, 0, tuple(rows), frozenset(accepting))
