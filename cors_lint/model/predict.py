"""What a registration answers: the CORS headers flask-cors adds to the
response for a given request, predicted from the policy model.

Used by the tests to check the model against the real library, and useful
for explaining a policy.
"""

from __future__ import annotations

from typing import List, Mapping, Sequence, Tuple

from cors_lint.model import flaskcors
from cors_lint.model.flaskcors import Headers
from cors_lint.model.policy import NotConcrete, Registration, Scope, concrete


class CannotPredict(Exception):
    """Part of the configuration is unknown, so the answer is too."""


def _computed(scope: Scope) -> flaskcors.ComputedOptions:
    if scope.failure is not None:
        raise scope.failure
    if scope.computed is None:
        raise CannotPredict(scope.unknown.reason if scope.unknown else "options not known")
    return scope.computed


def _resource_pattern(scope: Scope, registration: Registration) -> flaskcors.PatternLike:
    if scope.resource is None:
        raise CannotPredict("resources not known")
    try:
        return flaskcors.resolve_resource(concrete(scope.resource), registration.behaviour)
    except NotConcrete as missing:
        raise CannotPredict(missing.unknown.reason) from None


def _resources(registration: Registration) -> List[Tuple[flaskcors.PatternLike, flaskcors.ComputedOptions]]:
    """What ``init_app`` builds, all up front: any failure stops it."""
    if registration.failure is not None:
        raise registration.failure
    patterns = [_resource_pattern(scope, registration) for scope in registration.scopes]
    return list(zip(patterns, [_computed(scope) for scope in registration.scopes]))


def predict(
    registration: Registration, path: str, method: str = "GET", headers: Mapping[str, str] = {}
) -> Headers:
    """The headers one registration adds. Raises StartupError where
    flask-cors raises, CannotPredict where the model lacks a value. The
    release is the registration's (``policy.under_release``)."""
    behaviour = registration.behaviour
    if registration.kind == "decorator":
        return flaskcors.cors_headers(_computed(registration.scopes[0]), headers, method, behaviour)
    return flaskcors.extension_headers(_resources(registration), path, headers, method, behaviour)


def predict_app(
    registrations: Sequence[Registration], path: str, method: str = "GET", headers: Mapping[str, str] = {}
) -> Headers:
    """Several extension registrations on one app: Flask runs after-request
    hooks last-registered first, and a hook that finds
    Access-Control-Allow-Origin already set leaves the response alone."""
    for registration in registrations:
        if registration.kind == "extension":
            _resources(registration)  # a registration that fails stops the app
    for registration in reversed(registrations):
        answer = predict(registration, path, method, headers)
        if any(name == flaskcors.ACL_ORIGIN for name, _ in answer):
            return answer
    return ()
