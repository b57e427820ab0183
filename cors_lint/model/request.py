"""What a request to a route gets: the CORS headers of the response,
predicted from the route's policy, as Flask and flask-cors produce them."""

from __future__ import annotations

from typing import List, Mapping, Optional, Tuple

from cors_lint.evaluate.values import Known
from cors_lint.find.branches import exclusive
from cors_lint.model import flaskcors
from cors_lint.model.flaskcors import Headers
from cors_lint.model.policy import Registration
from cors_lint.model.routes import HandWrittenHook, RoutePolicy, Writer, scope_for


class CannotPredict(Exception):
    """Part of the route's policy is unknown, so the answer is too."""


def predict_route(
    route: RoutePolicy, path: str, method: str, request_headers: Mapping[str, str], error: Optional[bool] = None
) -> Headers:
    """The CORS headers of the response, as (name, value) pairs in the order
    they are added; a hand-written ``headers[...] =`` replaces the value.
    Where registrations are alternatives (if/else arms), the arm of the
    route's deciding registration is followed.

    With ``error`` the view raised (an ``abort(404)``; by default, a GET of
    the static route's sample file, which does not exist): flask-cors's wrapped
    exception handlers answer first, each app-level registration with
    ``intercept_exceptions`` in the order they were made, and the view's
    decorator never runs; the ``after_request`` functions follow as usual."""
    headers: List[Tuple[str, str]] = []
    evaluated = False
    if error is None:  # Flask answers OPTIONS itself; other methods look for the file
        error = route.endpoint == "static" and method != "OPTIONS"
    writers = [writer for writer in route.writers if not _other_arm(writer, route)]
    if error:
        writers = [writer for writer in writers if writer.kind != "decorator"]
        for writer in reversed(writers):
            registration = writer.registration
            if writer.kind != "extension" or registration is None or registration.on_blueprint:
                continue
            if any(name == flaskcors.ACL_ORIGIN for name, _ in headers):
                break
            scope, why = scope_for(registration, path)
            if scope is not None and why is None and scope.computed is not None and scope.computed.intercept_exceptions:
                headers.extend(_answer(registration, path, method, request_headers))
    for writer in writers:
        if writer.kind == "decorator":
            assert writer.registration is not None
            if method == "OPTIONS" and not _decorator_answers_options(writer.registration):
                continue  # Flask's automatic OPTIONS answers; the decorated view never runs
            if writer.methods is not None and method.upper() not in writer.methods:
                continue  # a resource method the decorator is not on
            headers.extend(_answer(writer.registration, path, method, request_headers))
            evaluated = True
        elif writer.kind == "extension":
            assert writer.registration is not None
            if evaluated or any(name == flaskcors.ACL_ORIGIN for name, _ in headers):
                continue
            headers.extend(_answer(writer.registration, path, method, request_headers))
        else:
            assert writer.hook is not None
            headers = _hand_written_answer(writer.hook, headers, request_headers)
    return tuple(headers)


def _decorator_answers_options(registration: Registration) -> bool:
    """``@cross_origin(automatic_options=False)`` leaves OPTIONS to Flask's
    automatic answer (a route that lists OPTIONS itself is not told apart)."""
    automatic = registration.setting("automatic_options").value
    return not (isinstance(automatic, Known) and not automatic.value)


def _other_arm(writer: Writer, route: RoutePolicy) -> bool:
    """Another arm of the if/else than the one the policy follows."""
    registration = writer.registration
    return registration is not None and route.registration is not None and exclusive(
        registration.branch, route.registration.branch
    )


def _hand_written_answer(
    hook: HandWrittenHook, headers: List[Tuple[str, str]], request_headers: Mapping[str, str]
) -> List[Tuple[str, str]]:
    """A hook that sets Access-Control-Allow-Origin (``headers[...] = ...``
    replaces what is there) to ``*`` or to the request's Origin when its
    checks pass."""
    origin = next((value for name, value in request_headers.items() if name.lower() == "origin"), None)
    written = hook.headers
    if written is None:
        raise CannotPredict(f"{hook.function}() writes Access-Control-Allow-Origin in a way the model does not follow")
    value: Optional[str] = None
    if written.wildcard is not None:
        value = "*"
    for reflection in written.reflections:
        verdicts = [check.passes(origin or "") for check in reflection.checks]
        if None in verdicts:
            raise CannotPredict("a hand-written origin check cannot be decided for this origin")
        if origin and all(verdicts):
            value = origin
    if value is None:
        return headers
    # ``headers[name] = value`` replaces that header only; what flask-cors
    # wrote under other names stays.
    kept = [(name, text) for name, text in headers if name != flaskcors.ACL_ORIGIN]
    kept.append((flaskcors.ACL_ORIGIN, value))
    if written.credentials and not any(name == flaskcors.ACL_CREDENTIALS for name, _ in kept):
        kept.append((flaskcors.ACL_CREDENTIALS, "true"))
    return kept


def _answer(registration: Registration, path: str, method: str, request_headers: Mapping[str, str]) -> Headers:
    from cors_lint.model.predict import CannotPredict as ModelCannotPredict, predict

    try:
        return predict(registration, path, method, request_headers)
    except ModelCannotPredict as error:
        raise CannotPredict(str(error)) from None
