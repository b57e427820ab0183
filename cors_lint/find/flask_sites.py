"""The finder's view of a module's Flask structure: which Flask apps,
blueprints and flask-cors objects it creates, which routes, blueprint
registrations and ``after_request`` hooks it declares, and which calls pass
names on to other functions (``register_extensions(app)``).

Targets stay expressions here (``bp`` in ``@bp.route``); which object they
are is the link stage's question, since it may be defined in another module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Set, Tuple

import libcst as cst

from cors_lint.evaluate.values import Span
from cors_lint.find.branches import Branch
from cors_lint.find.source import SourceIndex

FLASK_NAMES = frozenset({"flask.Flask", "flask.app.Flask"})
BLUEPRINT_NAMES = frozenset({"flask.Blueprint", "flask.blueprints.Blueprint"})
CORS_NAMES = frozenset({"flask_cors.CORS", "flask_cors.extension.CORS"})
# Flask-RESTful's Api: its ``add_resource`` adds routes to the app or
# blueprint it is bound to.
RESTFUL_NAMES = frozenset({"flask_restful.Api"})
ROUTE_SHORTCUTS = {"get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE"}
HOOK_METHODS = frozenset({"after_request", "after_app_request"})


class _Located:
    """Sites keep their node and compute their place when it is asked for:
    positions cost a code generation per statement, and most sites of a
    module are never reported or ordered."""

    node: cst.CSTNode
    index: SourceIndex

    @property
    def where(self) -> Span:
        return self.index.span(self.node)


@dataclass(frozen=True, eq=False)
class Creation(_Located):
    """``name = Flask(...)``, ``Blueprint(...)`` or ``CORS(...)``."""

    kind: str  # "app", "blueprint", "cors", "restful", or "class" (an instance of a project class: maybe a subclass)
    name: str
    scope: str  # the function it is created in, "" at module level
    call: cst.Call
    node: cst.CSTNode
    index: SourceIndex
    branch: Branch = ()


@dataclass(frozen=True, eq=False)
class RouteSite(_Located):
    """A route declared with a decorator (``@bp.route``, ``@app.get``) or
    ``add_url_rule``."""

    target: cst.BaseExpression  # the app or blueprint
    scope: str  # where the declaration stands
    rule: Optional[cst.BaseExpression]
    methods: Optional[cst.BaseExpression]  # the ``methods=`` argument
    shortcut: Optional[str]  # "GET" for ``@bp.get``
    endpoint: Optional[cst.BaseExpression]
    view: Optional[str]  # the view function's name, when it is a function of this module
    view_scope: str
    view_func: Optional[cst.BaseExpression]  # ``add_url_rule(..., view_func=...)``
    node: cst.CSTNode
    index: SourceIndex
    position: Optional[int]  # index among the view's decorators; None for add_url_rule
    branch: Branch = ()
    # ``api.add_resource(Resource, "/url")`` (Flask-RESTful): the resource
    # class; ``target`` is then the Api, and the route exists once the Api is
    # bound to an app or blueprint.
    resource: Optional[cst.BaseExpression] = None


@dataclass(frozen=True, eq=False)
class BlueprintRegistration(_Located):
    """``target.register_blueprint(blueprint, url_prefix=..., name=...)``."""

    target: cst.BaseExpression
    blueprint: cst.BaseExpression
    url_prefix: Optional[cst.BaseExpression]
    name: Optional[cst.BaseExpression]
    scope: str
    node: cst.CSTNode
    index: SourceIndex
    branch: Branch = ()


@dataclass(frozen=True, eq=False)
class BindSite(_Located):
    """``api.init_app(app)``: binds an object made without an app (a
    Flask-RESTful Api, when ``target`` is one) to an app or blueprint."""

    target: cst.BaseExpression
    app: cst.BaseExpression
    scope: str
    node: cst.CSTNode
    index: SourceIndex
    branch: Branch = ()


@dataclass(frozen=True, eq=False)
class HookSite(_Located):
    """An ``after_request`` function registered on an app or blueprint."""

    target: cst.BaseExpression
    function: str  # the hook function's name
    function_scope: str  # where it is defined
    scope: str  # where it is registered
    node: cst.CSTNode
    index: SourceIndex
    branch: Branch = ()


@dataclass(frozen=True, eq=False)
class HelperCall(_Located):
    """A call that hands names to a function: ``register_extensions(app)``."""

    func: cst.BaseExpression
    args: Tuple[cst.Arg, ...]
    scope: str
    node: cst.CSTNode
    index: SourceIndex
    branch: Branch = ()


@dataclass(frozen=True)
class FlaskSites:
    creations: Tuple[Creation, ...]
    routes: Tuple[RouteSite, ...]
    blueprint_registrations: Tuple[BlueprintRegistration, ...]
    hooks: Tuple[HookSite, ...]
    helper_calls: Tuple[HelperCall, ...]
    binds: Tuple[BindSite, ...] = ()


def find_flask_sites(index: SourceIndex) -> FlaskSites:
    creations: List[Creation] = []
    assigned = {id(a.value): a for a in index.assignments}
    registrations: List[BlueprintRegistration] = []
    routes: List[RouteSite] = []
    hooks: List[HookSite] = []
    helpers: List[HelperCall] = []
    binds: List[BindSite] = []
    for call in index.calls:
        node = call.node
        names = index.qualified_names(node.func)
        kind = _kind(names)
        if kind is None and _names_a_class(node.func) and id(node) in assigned:
            # ``app = MyApp(__name__)``: a subclass of Flask (or Blueprint, or
            # CORS) perhaps; the link stage looks at the class's bases.
            kind = "class"
        if kind is not None:
            assignment = assigned.get(id(node))
            if assignment is not None:
                creations.append(Creation(kind, assignment.name, assignment.scope, node, node, index, assignment.branch))
            continue
        if call.decorates is not None or not isinstance(node.func, (cst.Attribute, cst.Name)):
            continue
        method = node.func.attr.value if isinstance(node.func, cst.Attribute) else None
        if method == "register_blueprint" and node.args:
            registrations.append(
                BlueprintRegistration(
                    node.func.value,  # type: ignore[union-attr]
                    node.args[0].value,
                    _keyword(node, "url_prefix"),
                    _keyword(node, "name"),
                    call.scope,
                    node,
                    index,
                    call.branch,
                )
            )
        elif method == "add_url_rule" and node.args:
            routes.append(_url_rule(index, node, call.scope, call.branch))
        elif method == "add_resource" and node.args and node.args[0].keyword is None:
            routes.extend(_resource_routes(index, node, call.scope, call.branch))
        elif method == "init_app" and len(node.args) == 1 and node.args[0].keyword is None:
            binds.append(BindSite(node.func.value, node.args[0].value, call.scope, node, index, call.branch))  # type: ignore[union-attr]
            if isinstance(node.args[0].value, (cst.Name, cst.Attribute)):
                helpers.append(HelperCall(node.func, tuple(node.args), call.scope, node, index, call.branch))
        elif method in HOOK_METHODS and len(node.args) == 1 and isinstance(node.args[0].value, cst.Name):
            function = node.args[0].value.value
            hooks.append(HookSite(node.func.value, function, _defined_in(index, function, call.scope), call.scope, node, index, call.branch))  # type: ignore[union-attr]
        elif any(isinstance(arg.value, (cst.Name, cst.Attribute)) for arg in node.args):
            helpers.append(HelperCall(node.func, tuple(node.args), call.scope, node, index, call.branch))
    for function in index.decorated:
        for position, decorator in enumerate(function.decorators):
            expression = decorator.func if isinstance(decorator, cst.Call) else decorator
            if not isinstance(expression, cst.Attribute):
                continue
            method = expression.attr.value
            if isinstance(decorator, cst.Call) and (method == "route" or method in ROUTE_SHORTCUTS):
                rule = decorator.args[0].value if decorator.args and decorator.args[0].keyword is None else _keyword(decorator, "rule")
                routes.append(
                    RouteSite(
                        expression.value,
                        function.scope,
                        rule,
                        _keyword(decorator, "methods"),
                        ROUTE_SHORTCUTS.get(method),
                        _keyword(decorator, "endpoint"),
                        function.name,
                        function.scope,
                        None,
                        decorator,
                        index,
                        position,
                    )
                )
            elif method in HOOK_METHODS and not isinstance(decorator, cst.Call):
                hooks.append(HookSite(expression.value, function.name, function.scope, function.scope, decorator, index))
    return FlaskSites(tuple(creations), tuple(routes), tuple(registrations), tuple(hooks), tuple(helpers), tuple(binds))


def _kind(names: Set[str]) -> Optional[str]:
    for kind, known in (("app", FLASK_NAMES), ("blueprint", BLUEPRINT_NAMES), ("cors", CORS_NAMES), ("restful", RESTFUL_NAMES)):
        if names & known:
            return kind
    return None


def _names_a_class(func: cst.BaseExpression) -> bool:
    """``MyApp`` or ``pkg.MyApp``: a CapWords name, as classes are named."""
    name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
    return name[:1].isupper() and not name.isupper()


def _keyword(call: cst.Call, name: str) -> Optional[cst.BaseExpression]:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    return None


def _positional(call: cst.Call, position: int, name: str) -> Optional[cst.BaseExpression]:
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    if len(positional) > position:
        return positional[position].value
    return _keyword(call, name)


def _url_rule(index: SourceIndex, node: cst.Call, scope: str, branch: Branch) -> RouteSite:
    view_func = _positional(node, 2, "view_func")
    view = view_func.value if isinstance(view_func, cst.Name) else None
    return RouteSite(
        node.func.value,  # type: ignore[union-attr]
        scope,
        _positional(node, 0, "rule"),
        _keyword(node, "methods"),
        None,
        _positional(node, 1, "endpoint"),
        view,
        _defined_in(index, view, scope) if view else scope,
        view_func,
        node,
        index,
        None,
        branch,
    )


def _resource_routes(index: SourceIndex, node: cst.Call, scope: str, branch: Branch) -> List[RouteSite]:
    """``api.add_resource(Items, "/items", "/items/<int:id>", endpoint="items")``:
    a route per URL (a starred argument is a rule that is not known)."""
    resource = node.args[0].value
    urls = [arg for arg in node.args[1:] if arg.keyword is None]
    endpoint = _keyword(node, "endpoint")
    return [
        RouteSite(
            node.func.value,  # type: ignore[union-attr]
            scope,
            None if url.star else url.value,
            None,
            None,
            endpoint,
            None,
            scope,
            None,
            node,
            index,
            None,
            branch,
            resource,
        )
        for url in urls
    ]


def _defined_in(index: SourceIndex, function: Optional[str], scope: str) -> str:
    """The scope that defines ``function`` as seen from ``scope``."""
    if function is None:
        return scope
    owner, _ = index.lookup(function, scope)
    return owner
