"""The finder: locates flask-cors calls among the module's calls.

Names are resolved through imports (``from flask_cors import CORS as C``,
``import flask_cors as fc``), so a local class that happens to be called
``CORS`` is not mistaken for flask-cors. The calls come from the walk that
builds the name table, so finding costs no walk of its own.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

import libcst as cst

from cors_lint.find.sites import Argument, DecoratorCall, ExtensionCall, InitAppCall, Sites
from cors_lint.find.source import SourceIndex

EXTENSION_NAMES = frozenset({"flask_cors.CORS", "flask_cors.extension.CORS"})
DECORATOR_NAMES = frozenset({"flask_cors.cross_origin", "flask_cors.decorator.cross_origin"})


def find_sites(index: SourceIndex) -> Sites:
    extensions: Dict[int, ExtensionCall] = {}  # by id() of the Call node
    decorators: List[DecoratorCall] = []
    init_app_calls = []
    for call in index.calls:
        node = call.node
        names = index.qualified_names(node.func)
        if names & EXTENSION_NAMES:
            app, options = _split_app(index, node)
            extensions[id(node)] = ExtensionCall(index.span(node), app, options, call.scope)
        elif names & DECORATOR_NAMES:
            arguments = tuple(_argument(index, arg) for arg in node.args)
            decorators.append(DecoratorCall(index.span(node), call.decorates, arguments, call.scope))
        elif isinstance(node.func, cst.Attribute) and node.func.attr.value == "init_app":
            init_app_calls.append(call)
    init_apps = []
    # Linked after all constructors are known: a factory may stand above the
    # module-level ``cors = CORS()`` it uses.
    for call in init_app_calls:
        constructor = _constructor_of(index, call.node.func.value, extensions)  # type: ignore[attr-defined]
        if constructor is not None:
            app, options = _split_app(index, call.node)
            init_apps.append(InitAppCall(index.span(call.node), app, options, constructor, call.scope))
    ordered = sorted(extensions.values(), key=lambda site: site.where)
    return Sites(tuple(ordered), tuple(init_apps), tuple(decorators))


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


def _split_app(index: SourceIndex, call: cst.Call) -> Tuple[Optional[str], Tuple[Argument, ...]]:
    """The app argument (first positional or ``app=``) and the rest."""
    app: Optional[str] = None
    options: List[Argument] = []
    for position, arg in enumerate(call.args):
        is_app = (position == 0 and arg.keyword is None and arg.star == "") or (
            arg.keyword is not None and arg.keyword.value == "app"
        )
        if is_app:
            if not (isinstance(arg.value, cst.Name) and arg.value.value == "None"):
                app = index.code(arg.value)
        else:
            options.append(_argument(index, arg))
    return app, tuple(options)


def _argument(index: SourceIndex, arg: cst.Arg) -> Argument:
    name = arg.keyword.value if arg.keyword is not None else None
    star = arg.star if isinstance(arg.star, str) else ""
    return Argument(name, arg.value, star, index.span(arg))
