"""The finder: locates flask-cors calls among the module's calls.

Names are resolved through imports (``from flask_cors import CORS as C``,
``import flask_cors as fc``), so a local class that happens to be called
``CORS`` is not mistaken for flask-cors. The calls come from the walk that
builds the name table, so finding costs no walk of its own.
"""

from __future__ import annotations

from typing import Dict, FrozenSet, List, Optional, Set, Tuple

import libcst as cst

from cors_lint.find.sites import (
    Argument,
    ConfigWrite,
    DecoratorCall,
    ExtensionCall,
    ForeignInitAppCall,
    InitAppCall,
    RouteDecorator,
    Sites,
)
from cors_lint.find.headers import REQUEST_NAMES, find_header_writes
from cors_lint.find.names import CallSite
from cors_lint.find.source import SourceIndex

EXTENSION_NAMES = frozenset({"flask_cors.CORS", "flask_cors.extension.CORS"})
DECORATOR_NAMES = frozenset({"flask_cors.cross_origin", "flask_cors.decorator.cross_origin"})
BLUEPRINT_NAMES = frozenset({"flask.Blueprint", "flask.blueprints.Blueprint"})
ROUTE_METHODS = frozenset({"route", "get", "post", "put", "patch", "delete"})
# Config methods that take keys (update, from_mapping) or load them from elsewhere.
KEYED_CONFIG_METHODS = frozenset({"update", "from_mapping", "setdefault"})
LOADING_CONFIG_METHODS = frozenset({"from_object", "from_pyfile", "from_envvar", "from_file", "from_prefixed_env"})


def find_sites(index: SourceIndex, request_names: FrozenSet[str] = REQUEST_NAMES) -> Sites:
    """``request_names``: as ``find_header_writes`` takes them."""
    extensions: Dict[int, ExtensionCall] = {}  # by id() of the Call node
    decorators: List[DecoratorCall] = []
    init_app_calls = []
    config_writes: List[ConfigWrite] = []
    blueprints: Set[str] = set()
    for call in index.calls:
        node = call.node
        names = index.qualified_names(node.func)
        if names & EXTENSION_NAMES:
            app, options = _split_app(index, node, blueprints)
            shared = bool(node.args) and index.refers_to_module_level(node.args[0].value)
            extensions[id(node)] = ExtensionCall(index.span(node), app, options, call.scope, shared, call.branch)
        elif names & DECORATOR_NAMES:
            arguments = tuple(argument(index, arg) for arg in node.args)
            decorators.append(DecoratorCall(index.span(node), call.decorates, arguments, call.scope))
        elif isinstance(node.func, cst.Attribute) and node.func.attr.value == "init_app":
            init_app_calls.append(call)
        elif isinstance(node.func, cst.Attribute):
            config_writes.extend(_config_call(index, call))
    init_apps = []
    foreign = []
    # Linked after all constructors are known: a factory may stand above the
    # module-level ``cors = CORS()`` it uses.
    for call in init_app_calls:
        receiver = call.node.func.value  # type: ignore[attr-defined]
        constructor = _constructor_of(index, receiver, extensions)
        app, options = _split_app(index, call.node, blueprints)
        if constructor is not None:
            shared = bool(call.node.args) and index.refers_to_module_level(call.node.args[0].value)
            init_apps.append(InitAppCall(index.span(call.node), app, options, constructor, call.scope, shared, call.branch))
        elif isinstance(receiver, (cst.Name, cst.Attribute)) and not index.qualified_names(receiver) & EXTENSION_NAMES:
            # Which object this is (a CORS() of another module, a subclass of
            # CORS, another extension) is the link stage's question.
            foreign.append(ForeignInitAppCall(index.span(call.node), app, options, receiver, call.scope, call.branch))
    ordered = sorted(extensions.values(), key=lambda site: site.where)
    config_writes.extend(_config_items(index))
    config_writes.sort(key=lambda write: (write.happens_at, write.where))
    routes, positions = _routes(index)
    decorators = [
        DecoratorCall(d.where, d.view, d.arguments, d.scope, positions.get(d.where)) for d in decorators
    ]
    return Sites(
        tuple(ordered),
        tuple(init_apps),
        tuple(decorators),
        tuple(config_writes),
        routes,
        frozenset(blueprints),
        tuple(find_header_writes(index, request_names)),
        tuple(foreign),
    )


def _config_target(index: SourceIndex, node: cst.BaseExpression) -> Optional[str]:
    """``app`` for ``app.config``."""
    if isinstance(node, cst.Attribute) and node.attr.value == "config":
        return index.code(node.value)
    return None


def _string_literal(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, cst.SimpleString) and node.prefix.lower() in ("", "r", "u"):
        return node.evaluated_value if isinstance(node.evaluated_value, str) else None
    return None


def _config_items(index: SourceIndex) -> List[ConfigWrite]:
    """``app.config["KEY"] = value``."""
    writes = []
    for assignment in index.item_assignments:
        app = _config_target(index, assignment.target.value)
        if app is None or len(assignment.target.slice) != 1:
            continue
        element = assignment.target.slice[0].slice
        key = _string_literal(element.value) if isinstance(element, cst.Index) else None
        where = index.span(assignment.target)
        shared = index.refers_to_module_level(assignment.target.value)
        if key is None:
            opaque = "a config key that is not a literal"
            writes.append(ConfigWrite(app, assignment.scope, None, None, where, assignment.conditional, opaque, None, shared))
        else:
            writes.append(
                ConfigWrite(app, assignment.scope, key, assignment.value, where, assignment.conditional, None, None, shared)
            )
    return writes


def _config_call(index: SourceIndex, call: CallSite) -> List[ConfigWrite]:
    """``app.config.update(...)``, ``from_mapping``, ``setdefault``, ``from_object``..."""
    node = call.node
    method = node.func.attr.value
    app = _config_target(index, node.func.value)
    if app is None or method not in KEYED_CONFIG_METHODS | LOADING_CONFIG_METHODS:
        return []
    where = index.span(node)

    shared = index.refers_to_module_level(node.func.value)

    def write(key: Optional[str], value: Optional[cst.BaseExpression], at=where, opaque: Optional[str] = None) -> ConfigWrite:
        return ConfigWrite(app, call.scope, key, value, at, call.conditional, opaque, where, shared)

    if method == "setdefault":
        key = _string_literal(node.args[0].value) if node.args else None
        value = node.args[1].value if len(node.args) > 1 else None
        # setdefault writes only when the key is not set yet: a conditional write.
        return [ConfigWrite(app, call.scope, key, value, where, True, None, None, shared)] if key else []
    argument = node.args[0].value if len(node.args) == 1 and node.args[0].keyword is None else None
    if method == "from_object" and isinstance(argument, cst.Name):
        # ``def create_app(config_class=Config)``: the factory's default.
        argument = _parameter_default(index, argument, call.scope) or argument
    if method == "from_object" and isinstance(argument, cst.Name):
        attributes = index.class_attributes(argument.value)
        if attributes is not None:
            return [write(key, value, index.span(target)) for key, value, target in attributes]
        imported = index.qualified_names(argument)
        if len(imported) == 1:  # a module or a class from another module of the project
            return [ConfigWrite(app, call.scope, None, None, where, call.conditional, None, None, shared, next(iter(imported)))]
    if method == "from_object" and isinstance(argument, cst.Subscript) and len(argument.slice) == 1:
        # ``config[config_name]``: which config is known only per app (the link stage).
        opaque = f"{_short(index.code(node), method)} selects one of several configs by name"
        return [
            ConfigWrite(app, call.scope, None, None, where, call.conditional, opaque, None, shared, None, argument)
        ]
    if method in ("from_object", "from_pyfile") and argument is not None and _string_literal(argument):
        source = _string_literal(argument)
        reference = source if method == "from_object" else "file:" + source
        return [ConfigWrite(app, call.scope, None, None, where, call.conditional, None, None, shared, reference)]
    if method in LOADING_CONFIG_METHODS:
        return [write(None, None, opaque=f"{_short(index.code(node), method)} is not followed yet")]
    writes = []
    for arg in node.args:
        if arg.keyword is not None:
            writes.append(write(arg.keyword.value, arg.value, index.span(arg)))
        elif isinstance(arg.value, cst.Dict) and not arg.star:
            for element in arg.value.elements:
                key = _string_literal(element.key) if isinstance(element, cst.DictElement) else None
                if key is None:
                    writes.append(write(None, None, index.span(element), "a config key that is not a literal"))
                else:
                    writes.append(write(key, element.value, index.span(element)))
        else:
            writes.append(write(None, None, index.span(arg), f"config.{method}() of a value that is not a dict literal"))
    return writes


def _parameter_default(index: SourceIndex, name: cst.Name, scope: str) -> Optional[cst.BaseExpression]:
    """The default of the enclosing function's parameter ``name``, if it is one."""
    owner, bindings = index.lookup(name.value, scope)
    function = index.function(owner) if owner else None
    if function is None or any(binding.kind != "other" for binding in bindings):
        return None
    for param in (*function.params.params, *function.params.kwonly_params):
        if param.name.value == name.value and isinstance(param.default, cst.Name):
            return param.default
    return None


def _short(code: str, method: str = "") -> str:
    return code if len(code) < 60 else (method or "call") + "(...)"


def _routes(index: SourceIndex):
    """Route decorators, and each cross_origin decorator's position."""
    routes = []
    positions = {}
    for function in index.decorated:
        for position, decorator in enumerate(function.decorators):
            if isinstance(decorator, cst.Call) and isinstance(decorator.func, cst.Attribute):
                if decorator.func.attr.value in ROUTE_METHODS:
                    app = index.code(decorator.func.value)
                    routes.append(RouteDecorator(app, function.name, position, index.span(decorator)))
                elif index.qualified_names(decorator.func) & DECORATOR_NAMES:
                    positions[index.span(decorator)] = position
            elif isinstance(decorator, cst.Call) and index.qualified_names(decorator.func) & DECORATOR_NAMES:
                positions[index.span(decorator)] = position
    return tuple(routes), positions


def _is_blueprint(index: SourceIndex, app: cst.BaseExpression) -> bool:
    """Is the registration target a ``flask.Blueprint(...)``?"""
    if isinstance(app, cst.Name):
        bound = index.binding(app)
        app = bound if isinstance(bound, cst.BaseExpression) else app
    return isinstance(app, cst.Call) and bool(index.qualified_names(app.func) & BLUEPRINT_NAMES)


def _constructor_of(
    index: SourceIndex, receiver: cst.BaseExpression, extensions: Dict[int, ExtensionCall]
) -> Optional[ExtensionCall]:
    if isinstance(receiver, cst.Name):
        bound = index.binding(receiver)
        if isinstance(bound, cst.BaseExpression):
            receiver = bound
    if isinstance(receiver, cst.Call):
        return extensions.get(id(receiver))
    return None


def _split_app(
    index: SourceIndex, call: cst.Call, blueprints: Optional[Set[str]] = None
) -> Tuple[Optional[str], Tuple[Argument, ...]]:
    """The app argument (first positional or ``app=``) and the rest; blueprint
    targets are added to ``blueprints``."""
    app: Optional[str] = None
    options: List[Argument] = []
    for position, arg in enumerate(call.args):
        is_app = (position == 0 and arg.keyword is None and arg.star == "") or (
            arg.keyword is not None and arg.keyword.value == "app"
        )
        if is_app:
            if not (isinstance(arg.value, cst.Name) and arg.value.value == "None"):
                app = index.code(arg.value)
                if blueprints is not None and _is_blueprint(index, arg.value):
                    blueprints.add(app)
        else:
            options.append(argument(index, arg))
    return app, tuple(options)


def argument(index: SourceIndex, arg: cst.Arg) -> Argument:
    name = arg.keyword.value if arg.keyword is not None else None
    star = arg.star if isinstance(arg.star, str) else ""
    return Argument(name, arg.value, star, index.span(arg))
