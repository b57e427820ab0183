"""What changes, route by route, between two flask-cors releases: the
differential view of ``cors-lint policy --compare-version``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Tuple

from cors_lint.evaluate.values import Span
from cors_lint.model import flaskcors, releases
from cors_lint.model.exposures import Rebuilder, Request, answered_routes, requests_for
from cors_lint.model.flaskcors import Headers
from cors_lint.model.routes import ApplicationModel

# Requests shown per route: the first few that change are enough to see why.
SHOWN = 3


@dataclass(frozen=True)
class AnswerChange:
    request: Request
    before: Headers  # under the project's release
    after: Headers  # under the compared release


@dataclass(frozen=True)
class RouteChange:
    app: str
    rule: str
    endpoint: str
    where: Span
    changes: Tuple[AnswerChange, ...]  # the first SHOWN requests whose answer changes
    why: Optional[str] = None  # the answer could not be predicted


def compare_releases(model: Optional[ApplicationModel], before: str, after: str) -> Tuple[RouteChange, ...]:
    """Every route whose answer to one of the tried requests (``requests_for``)
    differs between the two releases, in the order of the apps' routes."""
    from cors_lint.model.request import CannotPredict, predict_route

    old, new = releases.behaviour(before), releases.behaviour(after)
    rebuilt = Rebuilder()
    found: List[RouteChange] = []
    labels = {id(route): app.label for app in (model.apps if model else ()) for route in app.routes}
    for route in answered_routes(model):
        under_old, under_new = rebuilt.route(route, old), rebuilt.route(route, new)
        changes: List[AnswerChange] = []
        why = None
        for request in requests_for(route):
            try:
                answer_old = predict_route(under_old, request.path, request.method, dict(request.headers))
                answer_new = predict_route(under_new, request.path, request.method, dict(request.headers))
            except (CannotPredict, flaskcors.StartupError) as error:
                why = str(error)
                break
            if answer_old != answer_new:
                changes.append(AnswerChange(request, answer_old, answer_new))
                if len(changes) >= SHOWN:
                    break
        if changes or why:
            found.append(RouteChange(labels.get(id(route), ""), str(route.rule), str(route.endpoint), route.where, tuple(changes), why))
    return tuple(found)
