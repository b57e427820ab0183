"""Which advisories of the pinned flask-cors releases the application makes
reachable, each with a witness request.

For an advisory and an affected release the project allows, every route
that flask-cors answers is asked a few concrete requests twice: under the
release, and under the same release with only the advisory's fix applied
(``Advisory.fixed_behaviour``). A request whose answer grants more under the
release (Access-Control-Allow-Origin for the request's origin, credentials,
Access-Control-Allow-Private-Network: true) is the witness. For the log
advisory, a request whose path reaches flask-cors's debug log line with a
CR/LF in it is.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterator, List, Optional, Sequence, Tuple
from urllib.parse import unquote

from cors_lint.evaluate.values import Span
from cors_lint.model import flaskcors, releases
from cors_lint.model.advisories import ADVISORIES, LOG, Advisory
from cors_lint.model.flaskcors import Headers
from cors_lint.model.pinned import REQUIRED, PinnedFlaskCors
from cors_lint.model.policy import NotConcrete, Registration, concrete, under_release
from cors_lint.model.releases import Behaviour
from cors_lint.model.routes import ApplicationModel, RoutePolicy, rule_regex, scope_for

ATTACKER_ORIGIN = "https://evil.example"
LOG_INJECTION = "%0D%0AWARNING:forged-by-cors-lint"  # CR LF, percent-encoded in the request line
# Work limits: requests tried per route and advisory, routes per advisory.
MAX_PATHS = 12
MAX_ROUTES = 400


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # as the client sends it (percent-encoded)
    headers: Tuple[Tuple[str, str], ...]

    def describe(self) -> str:
        sent = ", ".join(f"{name}: {value}" for name, value in self.headers)
        return f"{self.method} {self.path}" + (f" with {sent}" if sent else "")


@dataclass(frozen=True)
class Exposure:
    """A witness that an advisory is reachable: a request to a route whose
    answer under ``version`` grants more than with the fix."""

    code: str  # the advisory's rule
    version: str  # the affected release the witness is for
    registration: Span  # the flask-cors registration that answers
    route: str  # "GET /api/admin"
    route_where: Span
    request: Request
    affected: Headers  # the answer under ``version``
    fixed: Headers  # the answer with the fix


@dataclass(frozen=True)
class Unreachable:
    code: str
    versions: Tuple[str, ...]  # the affected releases the project allows
    why: str


@dataclass(frozen=True)
class VersionAssessment:
    pinned: PinnedFlaskCors
    exposures: Tuple[Exposure, ...]
    unreachable: Tuple[Unreachable, ...]


def assess(model: Optional[ApplicationModel], pinned: PinnedFlaskCors) -> VersionAssessment:
    """Every advisory that affects a release the project allows: its
    witnesses in this application, or why it is not reachable."""
    exposures: List[Exposure] = []
    unreachable: List[Unreachable] = []
    routes = answered_routes(model)
    for advisory in ADVISORIES:
        affected = tuple(version for version in pinned.versions if advisory.affects(version))
        if not affected:
            continue
        newest = pinned.newest_allowed
        if pinned.how == REQUIRED and newest is not None and not advisory.affects(newest):
            # A range that also allows fixed releases: pip installs the newest
            # one it allows, so the project is not exposed unless it holds an
            # older release back (a lock file would say so).
            unreachable.append(
                Unreachable(
                    advisory.code,
                    affected,
                    f"the requirement also allows releases with the fix ({advisory.fixed} and later; pip installs {newest}); "
                    f"a minimum of {advisory.fixed} would exclude the affected ones",
                )
            )
            continue
        found = _witnesses(advisory, affected, routes)
        if found:
            exposures.extend(found)
        else:
            unreachable.append(Unreachable(advisory.code, affected, _why_not(advisory, routes)))
    return VersionAssessment(pinned, tuple(exposures), tuple(unreachable))


def answered_routes(model: Optional[ApplicationModel]) -> List[RoutePolicy]:
    """Routes with a known rule that a flask-cors registration may answer."""
    if model is None:
        return []
    found = []
    for app in model.apps:
        for route in app.routes:
            if isinstance(route.rule, str) and any(writer.registration is not None for writer in route.writers):
                found.append(route)
    return found[:MAX_ROUTES]


def _witnesses(advisory: Advisory, affected: Sequence[str], routes: Sequence[RoutePolicy]) -> List[Exposure]:
    """One witness per route, for the newest affected release that has one
    (releases with the same behaviour are tried once)."""
    tried: List[Behaviour] = []
    for version in reversed(affected):
        behaviour = releases.behaviour(version)
        if behaviour in tried:
            continue
        tried.append(behaviour)
        fixed = advisory.fixed_behaviour(behaviour)
        rebuilt = Rebuilder()
        found = []
        for route in routes:
            exposure = _route_witness(advisory, version, behaviour, fixed, route, rebuilt)
            if exposure is not None:
                found.append(exposure)
        if found:
            return found
    return []


class Rebuilder:
    """Registrations rebuilt for a release, each once (by identity)."""

    def __init__(self) -> None:
        self._built: Dict[Tuple[int, Behaviour], Registration] = {}

    def registration(self, registration: Registration, behaviour: Behaviour) -> Registration:
        key = (id(registration), behaviour)
        if key not in self._built:
            self._built[key] = under_release(registration, behaviour)
        return self._built[key]

    def route(self, route: RoutePolicy, behaviour: Behaviour) -> RoutePolicy:
        writers = tuple(
            dataclasses.replace(writer, registration=self.registration(writer.registration, behaviour))
            if writer.registration is not None
            else writer
            for writer in route.writers
        )
        registration = self.registration(route.registration, behaviour) if route.registration is not None else None
        return dataclasses.replace(route, writers=writers, registration=registration)


def _route_witness(
    advisory: Advisory, version: str, behaviour: Behaviour, fixed: Behaviour, route: RoutePolicy, rebuilt: Rebuilder
) -> Optional[Exposure]:
    from cors_lint.model.request import CannotPredict, predict_route

    if advisory.kind == LOG:
        return _log_witness(advisory, version, behaviour, route, rebuilt)
    under, with_fix = rebuilt.route(route, behaviour), rebuilt.route(route, fixed)
    for request in requests_for(route):
        try:
            answer = predict_route(under, request.path, request.method, dict(request.headers))
            answer_fixed = predict_route(with_fix, request.path, request.method, dict(request.headers))
        except (CannotPredict, flaskcors.StartupError):
            return None
        if grants(answer, request) - grants(answer_fixed, request):
            deciding = _answering(under, request.path)
            return Exposure(
                advisory.code, version, deciding.where if deciding else route.where, f"{request.method} {route.rule}",
                route.where, request, answer, answer_fixed,
            )
    return None


def _log_witness(
    advisory: Advisory, version: str, behaviour: Behaviour, route: RoutePolicy, rebuilt: Rebuilder
) -> Optional[Exposure]:
    """flask-cors's extension logs (at DEBUG) the path of every request a
    resource covers, even one Flask answers with 404: the route's path, or
    a resource pattern's example, with CR/LF appended."""
    assert route.path is not None
    for writer in route.writers:
        if writer.kind != "extension" or writer.registration is None:
            continue
        registration = rebuilt.registration(writer.registration, behaviour)
        for base in [route.path] + _pattern_examples(registration):
            path = base + LOG_INJECTION
            scope, why = scope_for(registration, path)
            if scope is not None and why is None:
                request = Request("GET", path, ())
                return Exposure(advisory.code, version, registration.where, f"GET {route.rule}", route.where, request, (), ())
    return None


def _answering(route: RoutePolicy, path: str) -> Optional[Registration]:
    """The registration whose answer the response carries."""
    for writer in route.writers:
        if writer.kind == "decorator" and writer.registration is not None:
            return writer.registration
    for writer in route.writers:
        if writer.kind == "extension" and writer.registration is not None:
            scope, why = scope_for(writer.registration, path)
            if scope is not None:
                return writer.registration
    return route.registration


def grants(answer: Headers, request: Request) -> FrozenSet[str]:
    """What a response grants the request's origin."""
    origin = dict(request.headers).get("Origin")
    values = {name.lower(): value for name, value in answer}
    granted = set()
    if origin and values.get("access-control-allow-origin") in (origin, "*"):
        granted.add("Access-Control-Allow-Origin")
        if values.get("access-control-allow-credentials") == "true":
            granted.add("Access-Control-Allow-Credentials")
        if values.get("access-control-allow-private-network") == "true":
            granted.add("Access-Control-Allow-Private-Network")
    return frozenset(granted)


def requests_for(route: RoutePolicy) -> Iterator[Request]:
    """The concrete requests tried on a route: its candidate paths, from an
    attacker's origin, ``null`` and the origins the configuration names, as
    simple requests and as preflights asking for private network access."""
    origins = [ATTACKER_ORIGIN, "null"]
    for writer in route.writers:
        if writer.registration is not None:
            origins.extend(_literal_origins(writer.registration))
    origins = list(dict.fromkeys(origins))[:4]
    for path in _candidate_paths(route):
        for origin in origins:
            yield Request("GET", path, (("Origin", origin),))
        for origin in origins:
            preflight = (("Access-Control-Request-Method", "GET"), ("Access-Control-Request-Private-Network", "true"))
            yield Request("OPTIONS", path, (("Origin", origin),) + preflight)


def _literal_origins(registration: Registration) -> List[str]:
    """The origins the configuration names as plain strings: a Private
    Network Access answer matters for them too."""
    found = []
    for scope in registration.scopes:
        try:
            origins = concrete(scope.setting("origins").value)
        except (NotConcrete, KeyError):
            continue
        for origin in [origins] if isinstance(origins, str) else origins if isinstance(origins, (list, tuple)) else []:
            if isinstance(origin, str) and origin.startswith(("http://", "https://")) and not flaskcors.probably_regex(origin):
                found.append(origin)
    return found


def _candidate_paths(route: RoutePolicy) -> List[str]:
    """Request paths Flask routes to this route: its sample path, and paths
    built from the resource patterns that cover the app, in the variants the
    advisories are about (letter case, '+' and space, an encoded '/')."""
    assert isinstance(route.rule, str) and route.path is not None
    bases = [route.path]
    for writer in route.writers:
        if writer.registration is not None:
            bases.extend(_pattern_examples(writer.registration))
    routed = rule_regex(route.rule, unknown_converter=r"[^/]+")
    assert routed is not None  # every converter stands for something here
    found: List[str] = []
    for base in bases:
        for candidate in _variants(base):
            if candidate not in found and routed.fullmatch(unquote(candidate)):
                found.append(candidate)
                if len(found) >= MAX_PATHS:
                    return found
    return found


def _pattern_examples(registration: Registration) -> List[str]:
    from cors_lint.model import regex

    examples = []
    for scope in registration.scopes:
        if scope.resource is None:
            continue
        try:
            pattern = concrete(scope.resource)
        except NotConcrete:
            continue
        if isinstance(pattern, str) and not flaskcors.probably_regex(pattern):
            examples.append(pattern)
            continue
        text, flags = (pattern.pattern, pattern.flags) if isinstance(pattern, re.Pattern) else (pattern, 0)
        parsed = regex.parse(text, flags)
        example = regex.example(parsed, regex.Steering(fewest=True)) if parsed is not None else None
        if example and example.startswith("/"):
            examples.append(example)
            examples.append(example.rstrip("/") + "/x")
    return examples


def _variants(path: str) -> List[str]:
    variants = [path, path.upper(), path.title(), path.replace(" ", "+"), path.replace("+", "%2B")]
    segments = path.rstrip("/").rsplit("/", 1)
    if len(segments) == 2 and segments[0]:
        variants.append(segments[0] + "%252F" + segments[1])  # an encoded '/', decoded once by the server
    return [variant.replace(" ", "%20") for variant in variants]




def _why_not(advisory: Advisory, routes: Sequence[RoutePolicy]) -> str:
    if not routes:
        return "no route of the app is answered by flask-cors"
    if advisory.kind == LOG:
        return "no flask-cors extension resource covers a route's path (only an extension logs the path)"
    if advisory.code == "CRS601":
        return "every route's answer with the fix is the same for a preflight asking for private network access " \
            "(allow_private_network is set to True, or no origin is allowed)"
    return "for every route, the requests tried (the route's path, paths built from the resource patterns, " \
        "in other letter case, with '+', with an encoded '/') get the same answer with the fix"
