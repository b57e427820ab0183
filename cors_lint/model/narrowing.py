"""Is a change to a policy a narrowing? The question that decides whether a
fix is safe.

A fix is safe when the fixed configuration accepts a subset of the origins
(and request paths) the original accepted, every origin the original accepted
and its author plainly intended (its correctly written literal origins, the
origins its regexes name) is still accepted, and no route that had a policy
loses it. Each answer comes from the languages of the entries (automata over
the alphabet of browser origins, or of request paths); when a language cannot
be built exactly the answer is "not proved", and the fix is unsafe.
"""

from __future__ import annotations

import functools
import re
from typing import Iterable, List, Optional, Sequence, Tuple

from cors_lint.model import flaskcors
from cors_lint.model.language import dfa
from cors_lint.model.language.checks import ORIGIN_ALPHABET, flask_cors_entry, regex_language
from cors_lint.model.language.dfa import Dfa
from cors_lint.model.origins import OriginEntry, browser_origin

# What a request path is made of, for the languages of resource patterns:
# the unreserved characters of a URL path, and '%' for escapes.
_ORIGIN_CHARACTERS = frozenset(ORIGIN_ALPHABET)
PATH_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-._~%"


def origins_language(entries: Sequence[OriginEntry]) -> Optional[Dfa]:
    """What a list of flask-cors origin entries accepts, or None when one of
    them has no exact language."""
    languages = _languages(entries)
    return dfa.union_all(languages, ORIGIN_ALPHABET) if languages is not None else None


def _languages(entries: Sequence[OriginEntry]) -> Optional[List[Dfa]]:
    from cors_lint.model.language.verdicts import entry_language

    automata: List[Dfa] = []
    for entry in entries:
        outcome = entry_language(entry)
        if outcome.automaton is None:
            return None
        automata.append(outcome.automaton)
    return automata


def intended_origins(entries: Sequence[OriginEntry]) -> List[str]:
    """The origins the author plainly meant: literal entries written as a
    browser sends them, and the origins a regex names."""
    from cors_lint.model.language.verdicts import named_origins

    intended: List[str] = []
    for entry in entries:
        if entry.is_wildcard or entry.from_default:
            continue
        if entry.is_regex:
            intended.extend(named_origins(entry))
        elif browser_origin(entry.text.lower()) is not None:
            intended.append(entry.text.lower())
    return list(dict.fromkeys(intended))


def origins_narrowed(before: Sequence[OriginEntry], after: Sequence[OriginEntry]) -> bool:
    """Does ``after`` accept a subset of what ``before`` accepts, and every
    intended origin that ``before`` accepts?"""
    if any(not set(origin) <= _ORIGIN_CHARACTERS for origin in intended_origins(after)):
        return False  # an IPv6 host: outside the alphabet the languages are built on, so not proved
    try:
        original, fixed = _languages(before), _languages(after)
        if original is None or fixed is None or not _included(before, after):
            return False
    except Exception:  # noqa: BLE001 - too large a product: not proved
        return False

    def accepts(languages: List[Dfa], origin: str) -> bool:
        return any(language.accepts(origin) for language in languages)

    return all(accepts(fixed, origin) for origin in intended_origins(before) if accepts(original, origin))


def _included(before: Sequence[OriginEntry], after: Sequence[OriginEntry]) -> bool:
    """Does ``after`` accept a subset of what ``before`` accepts? A fix
    replaces one entry: when each new entry is included in the one it
    replaces (at the same place), a product of two small automata answers;
    otherwise the unions of both lists are compared."""
    replaced = {entry.where: entry for entry in before}
    for entry in after:
        old = replaced.get(entry.where)
        if old is not None and old == entry:
            continue
        if old is None or not _entry_included(_key(entry), _key(old)):
            return _list_included(tuple(map(_key, before)), tuple(map(_key, after)))
    return True


# An entry as its language sees it (not where it is written): the memo key.
EntryKey = Tuple[str, bool, int, bool]


def _key(entry: OriginEntry) -> EntryKey:
    return (entry.text, entry.compiled, entry.flags, entry.is_regex)


def _language_of(key: EntryKey) -> Optional[Dfa]:
    return flask_cors_entry(*key).automaton


# Memos of pure functions, bounded: the same configurations recur across an
# app's scopes and across the files of a project, and each answer costs a
# product of automata.
@functools.lru_cache(maxsize=256)
def _entry_included(new: EntryKey, old: EntryKey) -> bool:
    new_language, old_language = _language_of(new), _language_of(old)
    return new_language is not None and old_language is not None and dfa.difference(new_language, old_language).is_empty()


@functools.lru_cache(maxsize=128)
def _list_included(before: Tuple[EntryKey, ...], after: Tuple[EntryKey, ...]) -> bool:
    languages = [[_language_of(key) for key in keys] for keys in (before, after)]
    if any(language is None for group in languages for language in group):
        return False
    original, fixed = (dfa.union_all(group, ORIGIN_ALPHABET) for group in languages)  # type: ignore[arg-type]
    return dfa.difference(fixed, original).is_empty()


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
    paths = list(route_paths)
    if any(path is None for path in paths):
        return False
    try:
        original, fixed = path_language(before), path_language(after)
        if original is None or fixed is None or not dfa.difference(fixed, original).is_empty():
            return False
    except Exception:  # noqa: BLE001 - too large a product: not proved
        return False
    return all(
        _covers(after, path) for path in paths if path is not None and _covers(before, path)  # type: ignore[arg-type]
    )


def _covers(pattern: str, path: str) -> bool:
    try:
        return flaskcors.match_path(path, pattern)
    except re.error:
        return False
