"""The per-route policy: what the application model says each route of an
app gets, as plain data the front ends and the prediction read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Dict, FrozenSet, Optional, Sequence, Tuple, Union

from cors_lint.evaluate.values import Span, Unknown
from cors_lint.model import flaskcors
from cors_lint.model.flaskcors import ComputedOptions
from cors_lint.model.policy import HookConflict, LinkedRegistrations, NotConcrete, Registration, Scope, concrete

if TYPE_CHECKING:
    from cors_lint.model.headers import FunctionHeaders


# Sample values for converters: a rule's path as a request would have it.
_CONVERTER_SAMPLES = {
    "int": "1",
    "float": "1.5",
    "path": "a/b",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "any": None,  # replaced by its first choice
}
_CONVERTER = re.compile(r"<(?:(?P<converter>[a-zA-Z_][a-zA-Z0-9_]*)(?:\((?P<args>[^)]*)\))?:)?(?P<variable>[a-zA-Z_][a-zA-Z0-9_]*)>")


# Werkzeug's converters, as regexes of the part of the path they accept.
_CONVERTER_REGEXES = {
    "default": r"[^/]+",
    "string": r"[^/]+",
    "path": r"[^/].*?",
    "int": r"\d+",
    "float": r"\d+\.\d+",
    "uuid": r"[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}",
}


def rule_regex(rule: str, unknown_converter: Optional[str] = None) -> "Optional[re.Pattern[str]]":
    """The request paths (``request.path``) Werkzeug routes to a rule. A
    converter not known here stands for ``unknown_converter``; without one,
    there is no regex (None)."""
    parts = []
    position = 0
    for match in _CONVERTER.finditer(rule):
        parts.append(re.escape(rule[position : match.start()]))
        converter = match.group("converter") or "default"
        choices = [choice.strip().strip("'\"") for choice in (match.group("args") or "").split(",") if choice.strip()]
        if converter == "any" and choices:
            parts.append("(?:" + "|".join(re.escape(choice) for choice in choices) + ")")
        elif converter in _CONVERTER_REGEXES:
            parts.append(_CONVERTER_REGEXES[converter])
        elif unknown_converter is not None:
            parts.append(unknown_converter)
        else:
            return None
        position = match.end()
    parts.append(re.escape(rule[position:]))
    return re.compile("".join(parts), re.DOTALL)


def sample_path(rule: str) -> str:
    """A request path the rule routes: each variable part filled with a
    value its converter accepts."""

    def fill(match: "re.Match[str]") -> str:
        converter = match.group("converter") or "default"
        if converter == "any" and match.group("args"):
            return match.group("args").split(",")[0].strip().strip("'\"")
        return _CONVERTER_SAMPLES.get(converter) or "x"

    return _CONVERTER.sub(fill, rule)


@dataclass(frozen=True)
class HandWrittenHook:
    """An ``after_request`` function that writes Access-Control-Allow-Origin."""

    function: str
    where: Span  # its first write of the header
    headers: "Optional[FunctionHeaders]"  # None when what it writes is not modelled (a literal origin)


@dataclass(frozen=True)
class Writer:
    """One thing that may write CORS headers on a response, in run order."""

    kind: str  # "decorator", "extension" or "hand-written"
    registration: Optional[Registration] = None
    hook: Optional[HandWrittenHook] = None
    # A decorator on one method of a Flask-RESTful resource (``def get``)
    # answers only the requests that method handles; None: every request.
    methods: Optional[FrozenSet[str]] = None


@dataclass(frozen=True)
class PathPolicy:
    """Requests to ``path``, which the route's rule serves, are answered by
    ``registration``'s ``scope``; ``scope`` None: by no flask-cors resource
    (``model/paths.py``)."""

    path: str
    registration: Optional[Registration]
    scope: Optional[Scope]


@dataclass(frozen=True)
class Alternative:
    when: str
    registration: Optional[Registration]  # None: no flask-cors registration answers then


@dataclass(frozen=True)
class RoutePolicy:
    rule: Union[str, Unknown]
    endpoint: Union[str, Unknown]
    methods: Union[Tuple[str, ...], Unknown]
    where: Span
    cors: str  # "flask-cors", "hand-written", "none" or "unknown"
    writers: Tuple[Writer, ...]  # what runs on a response to this route, in order
    deciding: Optional[Scope]  # the flask-cors scope that answers first
    registration: Optional[Registration]
    reason: Optional[str]  # why cors is "unknown"
    alternatives: Tuple[Alternative, ...]
    decided_by: Tuple[Span, ...]
    # A decorated view that raises answers through the app-level flask-cors
    # registration (``intercept_exceptions``), not through its decorator.
    on_error: Optional[Scope] = None
    # An ``@cross_origin`` above a blueprint's route decorator: it does not
    # apply, but Flask's automatic OPTIONS is off, so preflights run the view.
    preflight_runs_view: Optional[Span] = None
    # Other paths the rule serves that another resource (or none) answers.
    other_paths: Tuple[PathPolicy, ...] = ()
    # The rule lists OPTIONS itself: preflights run the view (no automatic answer).
    view_answers_options: bool = False
    # For the policy inventory: is the set of origins proved, and an origin
    # outside the trusted ones (``origins_proof``); computed on request, as it
    # builds automata the check does not need.
    proof: Optional[Dict[str, Optional[str]]] = field(default=None, compare=False, hash=False)

    @property
    def unknown(self) -> Tuple[str, ...]:
        """The options of the deciding scope whose value is not known."""
        if self.deciding is None:
            return ()
        return tuple(setting.name for setting in self.deciding.settings if _is_unknown(setting.value))

    @property
    def decorated_methods(self) -> Optional[Tuple[str, ...]]:
        """The methods the route's decorators answer, when they are not all of
        the route's requests (decorators on some methods of a resource)."""
        limited = [writer.methods for writer in self.writers if writer.kind == "decorator" and writer.methods is not None]
        if not limited or not isinstance(self.methods, tuple):
            return None
        answered = frozenset().union(*limited)
        if answered >= {method for method in self.methods if method != "HEAD"}:
            return None
        return tuple(sorted(answered))

    @property
    def path(self) -> Optional[str]:
        return sample_path(self.rule) if isinstance(self.rule, str) else None

    @property
    def example(self) -> str:
        """"POST /api/items/<int:item_id>": the route as a finding names it."""
        methods = [m for m in self.methods if m not in ("HEAD", "OPTIONS")] if isinstance(self.methods, tuple) else []
        if not methods and isinstance(self.methods, tuple) and "OPTIONS" in self.methods:
            methods = ["OPTIONS"]  # a rule for preflights only
        return f"{(methods or ['GET'])[0]} {self.rule if isinstance(self.rule, str) else '<unknown rule>'}"

    def other_example(self, other: PathPolicy) -> str:
        """"GET /api/x (served by /<path:page>)": another path the rule serves."""
        return f"{self.example.split(' ', 1)[0]} {other.path} (served by {self.rule})"


@dataclass(frozen=True)
class AppPolicy:
    label: str
    where: Span
    routes: Tuple[RoutePolicy, ...]
    registrations: Tuple[Registration, ...]


@dataclass(frozen=True)
class ApplicationModel:
    apps: Tuple[AppPolicy, ...]
    linked: LinkedRegistrations  # every registration built in its app's context, by its call
    conflicts: Tuple[HookConflict, ...] = ()  # hand-written headers against flask-cors


def _is_unknown(value) -> bool:
    try:
        concrete(value)
    except NotConcrete:
        return True
    return False


def scope_for(registration: Registration, path: Optional[str]) -> Tuple[Optional[Scope], Optional[str]]:
    """The scope that answers for ``path``: (scope, None); (None, None) when no
    resource covers it; (scope or None, reason) when that is not known."""
    if registration.kind == "decorator":
        return registration.scopes[0], None
    if registration.failure is not None:
        return None, f"flask-cors fails at start-up: {registration.failure.message}"
    if path is None:
        return registration.scopes[0] if registration.scopes else None, "the route's rule is not known"
    behaviour = registration.behaviour
    decoded = flaskcors.decode_path(path, behaviour)
    for scope in registration.scopes:
        if scope.resource is None:
            continue
        try:
            pattern = flaskcors.resolve_resource(concrete(scope.resource), behaviour)
        except NotConcrete as missing:
            return scope, f"the resources are not known ({missing.unknown.reason})"
        except flaskcors.StartupError as failure:
            return None, failure.message
        if flaskcors.path_matches(decoded, pattern, behaviour):
            return scope, None
    return None, None


def origins_proof(route: RoutePolicy, trusted: Sequence[str] = ()) -> Optional[Dict[str, Optional[str]]]:
    """For a route that flask-cors answers with known origins: whether the set
    of origins it accepts is proved exactly, and one obtainable origin outside
    ``trusted`` (the ``trusted-origins`` setting) that it accepts, if any."""
    if route.cors != "flask-cors" or route.deciding is None:
        return None
    from cors_lint.model.language.verdicts import origins_proof as proof_of
    from cors_lint.model.origins import origin_entries

    entries = origin_entries(route.deciding.setting("origins"))
    if isinstance(entries, Unknown):
        return None
    return proof_of(entries, trusted)


def computed_options(route: RoutePolicy) -> Optional[ComputedOptions]:
    return route.deciding.computed if route.deciding is not None else None


