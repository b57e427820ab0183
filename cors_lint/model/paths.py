"""Requests a route answers at other paths than its sample one.

A rule with variable parts serves many paths, and flask-cors picks its
resource by the request's path, not by the rule: a single-page app's
catch-all ``/<path:page>`` also serves ``/api/users`` when no other route
does, and answers it with the ``/api/.*`` resource's policy. The route's
policy is decided with one sample path (``routes.sample_path``); here the
resources of the registrations that answer the route are asked for paths the
rule also serves: a path is built from each resource pattern's literal
prefix, kept only when the rule's own regex (Werkzeug's converters) matches
it, flask-cors's resource matching picks another scope for it than for the
sample path, and no other route of the app with a method in common matches
it (which would take the request first). Every path kept is one a client can
send and the rule answers; it is not a search of every path.
"""

from __future__ import annotations

from typing import Iterator, List, Optional, Sequence, Tuple

from cors_lint.model.policy import NotConcrete, Registration, Scope, concrete
from cors_lint.model.routes import PathPolicy, rule_regex, scope_for

_METACHARACTERS = set(".^$*+?{}[]\\|()")
_QUANTIFIERS = set("*+?{")
# Paths a route keeps: a few per resource, a few in all.
PATHS_PER_RESOURCE = 2
MAX_PATHS = 6


def other_paths(
    rule: str,
    methods: Sequence[str],
    answering: Sequence[Registration],
    sample: Tuple[Optional[Registration], Optional[Scope]],
    others: Sequence[Tuple[str, Sequence[str]]],
) -> Tuple[PathPolicy, ...]:
    """Paths the rule serves that get another policy than its sample path.
    ``answering``: the app-level registrations that answer the route, in the
    order they answer; ``others``: the app's other routes (rule, methods)."""
    requested = {method for method in methods if method not in ("HEAD", "OPTIONS")}
    if "<" not in rule or not requested:
        return ()  # a rule without variables serves one path; one for OPTIONS only answers preflights
    own = rule_regex(rule)
    if own is None:
        return ()
    served = [
        (scope, path)
        for registration in answering
        for scope in registration.scopes
        for path in dict.fromkeys(_candidates(scope))
        if own.fullmatch(path)
    ]
    if not served:
        return ()
    rivals = []
    for other_rule, other_methods in others:
        if requested & set(other_methods):
            regex = rule_regex(other_rule)
            if regex is None:
                return ()  # a route whose paths are not known might take any of them first
            rivals.append(regex)
    found: List[PathPolicy] = []
    kept: dict = {}
    for scope, path in served:
        if len(found) >= MAX_PATHS or kept.get(id(scope), 0) >= PATHS_PER_RESOURCE:
            continue
        if any(path == other.path for other in found) or any(rival.fullmatch(path) for rival in rivals):
            continue
        answer = _first_answer(answering, path)
        if answer is None or (answer[0] is sample[0] and answer[1] is sample[1]):
            continue  # not known which resource answers, or the same as at the sample path
        found.append(PathPolicy(path, answer[0], answer[1]))
        kept[id(scope)] = kept.get(id(scope), 0) + 1
    return tuple(found)


def _first_answer(answering: Sequence[Registration], path: str) -> Optional[Tuple[Optional[Registration], Optional[Scope]]]:
    for registration in answering:
        scope, why = scope_for(registration, path)
        if why is not None:
            return None
        if scope is not None:
            return registration, scope
    return None, None


def _candidates(scope: Scope) -> Iterator[str]:
    """Paths built from a resource pattern's literal prefix: under it, it,
    and just beyond it (``/api-x`` for an unanchored ``/api``)."""
    if scope.resource is None:
        return
    try:
        pattern = concrete(scope.resource)
    except NotConcrete:
        return
    source = pattern if isinstance(pattern, str) else getattr(pattern, "pattern", None)
    if not isinstance(source, str):
        return
    prefix = literal_prefix(source)
    if not prefix.startswith("/"):
        return
    yield prefix.rstrip("/") + "/x" if prefix != "/" else "/x"
    if not prefix.endswith("/"):
        yield prefix + "-x"
    yield prefix


def literal_prefix(source: str) -> str:
    """The text every match of the regex starts with (as far as it is plain
    characters): ``/api/`` for ``/api/.*``; a character a quantifier follows
    is left out (``/api/*`` gives ``/api``)."""
    prefix: List[str] = []
    index = 0
    while index < len(source):
        char = source[index]
        if char == "\\" and index + 1 < len(source) and not source[index + 1].isalnum():
            literal, index = source[index + 1], index + 2
        elif char in _METACHARACTERS:
            break
        else:
            literal, index = char, index + 1
        if index < len(source) and source[index] in _QUANTIFIERS:
            break
        prefix.append(literal)
    if source.startswith("^"):
        return literal_prefix(source[1:])
    return "".join(prefix)
