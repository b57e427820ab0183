"""The finder: a libcst visitor that locates flask-cors calls.

Names are resolved through imports (``from flask_cors import CORS as C``,
``import flask_cors as fc``), so a local class that happens to be called
``CORS`` is not mistaken for flask-cors.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

import libcst as cst

from cors_lint.find.sites import Argument, DecoratorCall, ExtensionCall, InitAppCall, Sites
from cors_lint.find.source import SourceIndex

EXTENSION_NAMES = frozenset({"flask_cors.CORS", "flask_cors.extension.CORS"})
DECORATOR_NAMES = frozenset({"flask_cors.cross_origin", "flask_cors.decorator.cross_origin"})


def find_sites(index: SourceIndex) -> Sites:
    finder = _Finder(index)
    index.module.visit(finder)
    return finder.sites()


class _Finder(cst.CSTVisitor):
    def __init__(self, index: SourceIndex) -> None:
        self.index = index
        self.scope_stack: List[str] = []
        self.extensions: Dict[int, ExtensionCall] = {}  # by id() of the Call node
        self.decorators: List[DecoratorCall] = []
        self.pending_init_apps: List[Tuple[cst.Call, cst.BaseExpression, str]] = []
        self.decorated_view: Dict[int, str] = {}

    # Scopes, for telling apart ``app`` in two different factories.
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for decorator in node.decorators:
            self.decorated_view[id(decorator.decorator)] = node.name.value
        self.scope_stack.append(node.name.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scope_stack.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scope_stack.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.scope_stack.pop()

    def visit_Call(self, node: cst.Call) -> None:
        names = self.index.qualified_names(node.func)
        scope = ".".join(self.scope_stack)
        if names & EXTENSION_NAMES:
            app, options = self._split_app(node)
            self.extensions[id(node)] = ExtensionCall(self.index.span(node), app, options, scope)
        elif names & DECORATOR_NAMES:
            view = self.decorated_view.get(id(node))
            arguments = tuple(self._argument(arg) for arg in node.args)
            self.decorators.append(DecoratorCall(self.index.span(node), view, arguments, scope))
        elif isinstance(node.func, cst.Attribute) and node.func.attr.value == "init_app":
            # The receiver may be defined later in the file (a factory above a
            # module-level ``cors = CORS()``), so it is linked after the walk.
            self.pending_init_apps.append((node, node.func.value, scope))

    def sites(self) -> Sites:
        init_apps = []
        for call, receiver, scope in self.pending_init_apps:
            constructor = self._constructor_of(receiver)
            if constructor is not None:
                app, options = self._split_app(call)
                init_apps.append(InitAppCall(self.index.span(call), app, options, constructor, scope))
        extensions = sorted(self.extensions.values(), key=lambda site: site.where)
        return Sites(tuple(extensions), tuple(init_apps), tuple(self.decorators))

    def _constructor_of(self, receiver: cst.BaseExpression) -> Optional[ExtensionCall]:
        if isinstance(receiver, cst.Name):
            bound = self.index.binding(receiver)
            if isinstance(bound, cst.BaseExpression):
                receiver = bound
        if isinstance(receiver, cst.Call):
            return self.extensions.get(id(receiver))
        return None

    def _split_app(self, call: cst.Call) -> Tuple[Optional[str], Tuple[Argument, ...]]:
        """The app argument (first positional or ``app=``) and the rest."""
        app: Optional[str] = None
        options: List[Argument] = []
        for position, arg in enumerate(call.args):
            is_app = (position == 0 and arg.keyword is None and arg.star == "") or (
                arg.keyword is not None and arg.keyword.value == "app"
            )
            if is_app:
                if not (isinstance(arg.value, cst.Name) and arg.value.value == "None"):
                    app = self.index.code(arg.value)
            else:
                options.append(self._argument(arg))
        return app, tuple(options)

    def _argument(self, arg: cst.Arg) -> Argument:
        name = arg.keyword.value if arg.keyword is not None else None
        star = arg.star if isinstance(arg.star, str) else ""
        return Argument(name, arg.value, star, self.index.span(arg))
