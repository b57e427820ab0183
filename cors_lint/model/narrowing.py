"""Is a change to a policy a narrowing? The question that decides whether a
fix is safe.

A fix is safe when the fixed configuration accepts a subset of the origins
(and request paths) the original accepted, every origin the original accepted
and its author plainly intended (its correctly written literal origins, the
origins its regexes name) is still accepted, and no route that had a policy
loses it. Each answer comes from the languages of the entries (automata over
the alphabet of browser origins, or of request paths); when a language cannot
be built exactly the answer is "not proved", and the fix is unsafe.

The answers are pure functions of the entries' texts, memoised (bounded): the
same configurations recur across an app's scopes and a project's files, and
each answer costs products of automata, which the check path (without
``--fix``) pays too, to mark what is fixable.
"""

from __future__ import annotations

import functools
import re
from typing import Iterable, List, Optional, Sequence, Tuple

from cors_lint.evaluate.values import Span
from cors_lint.model import flaskcors
from cors_lint.model.language import dfa
from cors_lint.model.language.checks import ORIGIN_ALPHABET, flask_cors_entry, regex_language
from cors_lint.model.language.dfa import Dfa
from cors_lint.model.origins import OriginEntry, browser_origin

_ORIGIN_CHARACTERS = frozenset(ORIGIN_ALPHABET)
# What a request path is made of, for the languages of resource patterns:
# the unreserved characters of a URL path, and '%' for escapes.
PATH_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-._~%"

# An origin entry as its language and intent see it, not where it is
# written: (text, compiled, flags, is_regex, from_default).
EntryKey = Tuple[str, bool, int, bool, bool]
# An entry of the fixed list, with the index of the entry it replaces in the
# original list (or -1 for one with no counterpart).
FixedKey = Tuple[EntryKey, int]


def _key(entry: OriginEntry) -> EntryKey:
    return (entry.text, entry.compiled, entry.flags, entry.is_regex, entry.from_default)


def origins_narrowed(before: Sequence[OriginEntry], after: Sequence[OriginEntry]) -> bool:
    """Does ``after`` accept a subset of what ``before`` accepts, and every
    intended origin that ``before`` accepts? Entries of ``after`` written
    where an entry of ``before`` was are its replacements."""
    index = {entry.where: number for number, entry in enumerate(before)}
    fixed = tuple((_key(entry), index.get(entry.where, -1)) for entry in after)
    return _narrowed(tuple(map(_key, before)), fixed)


@functools.lru_cache(maxsize=256)
def _narrowed(before: Tuple[EntryKey, ...], after: Tuple[FixedKey, ...]) -> bool:
    after_keys = tuple(key for key, _ in after)
    if any(not set(origin) <= _ORIGIN_CHARACTERS for origin in _intended(after_keys)):
        return False  # an IPv6 host: outside the alphabet the languages are built on, so not proved
    original = [_language_of(key) for key in before]
    fixed = [_language_of(key) for key in after_keys]
    if any(language is None for language in original + fixed):
        return False
    try:
        if not _included(before, after):
            return False
    except Exception:  # noqa: BLE001 - too large a product: not proved
        return False

    def accepts(languages: List[Optional[Dfa]], origin: str) -> bool:
        return any(language is not None and language.accepts(origin) for language in languages)

    return all(accepts(fixed, origin) for origin in _intended(before) if accepts(original, origin))


def _included(before: Tuple[EntryKey, ...], after: Tuple[FixedKey, ...]) -> bool:
    """Does the fixed list accept a subset of what the original accepts? A
    fix replaces one entry: when each new entry is included in the one it
    replaces, a product of two small automata answers; otherwise the unions
    of both lists are compared."""
    for key, replaced in after:
        if replaced >= 0 and before[replaced] == key:
            continue
        if replaced < 0 or not _entry_included(key, before[replaced]):
            original = dfa.union_all([_language_of(each) for each in before], ORIGIN_ALPHABET)  # type: ignore[misc]
            fixed = dfa.union_all([_language_of(each) for each, _ in after], ORIGIN_ALPHABET)  # type: ignore[misc]
            return dfa.difference(fixed, original).is_empty()
    return True


@functools.lru_cache(maxsize=512)
def _language_of(key: EntryKey) -> Optional[Dfa]:
    text, compiled, flags, is_regex, _ = key
    return flask_cors_entry(text, compiled, flags, is_regex).automaton


@functools.lru_cache(maxsize=256)
def _entry_included(new: EntryKey, old: EntryKey) -> bool:
    new_language, old_language = _language_of(new), _language_of(old)
    return new_language is not None and old_language is not None and dfa.difference(new_language, old_language).is_empty()


def intended_origins(entries: Sequence[OriginEntry]) -> List[str]:
    """The origins the author plainly meant: literal entries written as a
    browser sends them, and the origins a regex names."""
    return list(_intended(tuple(map(_key, entries))))


def _intended(keys: Tuple[EntryKey, ...]) -> Tuple[str, ...]:
    from cors_lint.model.language.verdicts import named_origins

    intended: List[str] = []
    for text, compiled, flags, is_regex, from_default in keys:
        if from_default or (not compiled and text == ".*"):
            continue
        if is_regex:
            intended.extend(named_origins(OriginEntry(text, compiled, flags, _NOWHERE, False)))
        elif browser_origin(text.lower()) is not None:
            intended.append(text.lower())
    return tuple(dict.fromkeys(intended))


_NOWHERE = Span(1, 1, 1, 1)


def path_language(pattern: str) -> Optional[Dfa]:
    """The request paths a resource pattern covers (``re.match``, case-sensitive)."""
    text = flaskcors.re_fix(pattern)
    if not flaskcors.probably_regex(text):
        return dfa.finite([text], PATH_ALPHABET) if set(text) <= set(PATH_ALPHABET) else dfa.nothing(PATH_ALPHABET)
    return regex_language(text, 0, "match", PATH_ALPHABET).automaton


def paths_narrowed(before: str, after: str, route_paths: Optional[Iterable[Optional[str]]]) -> bool:
    """Does the resource pattern ``after`` cover a subset of the paths
    ``before`` covers, and every route path ``before`` covers (the routes of
    the registration, all known)?"""
    if route_paths is None:
        return False  # the routes are not known: one of them may lose its policy
    paths = tuple(route_paths)
    if any(path is None for path in paths):
        return False
    if not _paths_included(before, after):
        return False
    return all(_covers(after, path) for path in paths if path is not None and _covers(before, path))


@functools.lru_cache(maxsize=256)
def _paths_included(before: str, after: str) -> bool:
    try:
        original, fixed = path_language(before), path_language(after)
        return original is not None and fixed is not None and dfa.difference(fixed, original).is_empty()
    except Exception:  # noqa: BLE001 - too large a product: not proved
        return False


def _covers(pattern: str, path: str) -> bool:
    try:
        return flaskcors.match_path(path, pattern)
    except re.error:
        return False
