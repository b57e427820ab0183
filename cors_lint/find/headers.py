"""The finder for hand-written CORS headers: where a function writes
``Access-Control-*`` or ``Vary`` headers, what it writes, and which ``if``
conditions stand over the write. A headers object is ``x.headers``, a name
bound to one, or a parameter named for headers (a helper that fills them).

A small, explicit data flow over each function's statements: assignments
track which local names hold the request's Origin, ``if``/``else`` and early
``return`` track the conditions that hold at each statement. Loops, ``try``
and ``with`` bodies are read in order, without conditions of their own. A
check stored in a name assigned once (``allowed = origin in ALLOWED`` ...
``if allowed:``) stands for its expression in the conditions.

Modules that do not import flask_cors reach this finder only when
``find.screen`` sees a write shape in them: a shape added here must be
accepted there too (tests/test_screen.py runs every example through both).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Tuple

import libcst as cst

from cors_lint.evaluate.values import Span
from cors_lint.find.screen import ALLOW_ORIGIN
from cors_lint.find.source import SourceIndex
from cors_lint.find.walk import find_all

ACAO = ALLOW_ORIGIN
ACAC = "access-control-allow-credentials"
VARY = "vary"
CORS_HEADERS = (ACAO, ACAC, VARY)
REQUEST_NAMES = frozenset({"flask.request", "flask.globals.request"})
ABORT_NAMES = frozenset({"flask.abort", "flask.helpers.abort", "werkzeug.exceptions.abort"})


@dataclass(frozen=True)
class Condition:
    """An ``if`` test that holds (``holds=True``) or fails at a statement."""

    test: cst.BaseExpression
    holds: bool


@dataclass(frozen=True, eq=False)
class HeaderWrite:
    function: str
    header: str  # lower case
    value: cst.BaseExpression
    where: Span
    reflected: bool  # the value is the request's Origin
    origin_names: FrozenSet[str]  # local names holding the Origin at this point
    conditions: Tuple[Condition, ...]


def find_header_writes(index: SourceIndex, request_names: FrozenSet[str] = REQUEST_NAMES) -> List[HeaderWrite]:
    """``request_names``: the qualified names of Flask's request here
    (``myapp.web.request`` where a project module re-exports it)."""
    writes: List[HeaderWrite] = []
    if ACAO not in index.text.lower():
        return writes  # a module that never names the header writes none of ours
    helpers = _OriginHelpers(index, request_names)
    for function in _functions(index.module):
        flow = _Flow(index, function.name.value, writes, _assigned_once(function), helpers, request_names)
        flow.header_aliases.update(_header_parameters(function))
        flow.block(function.body.body, frozenset(), ())
    return writes


def _header_parameters(function: cst.FunctionDef) -> FrozenSet[str]:
    """Parameters that stand for a headers mapping (``def add_cors(headers)``,
    ``resp_headers``): a helper that fills the headers its caller returns."""
    return frozenset(param.name.value for param in function.params.params if "header" in param.name.value.lower())


class _OriginHelpers:
    """The module's functions that return the request's Origin
    (``def get_origin(): return request.headers.get("Origin")``), read when a
    call to one is first met, helpers of helpers a few calls deep."""

    DEPTH = 3

    def __init__(self, index: SourceIndex, request_names: FrozenSet[str] = REQUEST_NAMES) -> None:
        self.index = index
        self.request_names = request_names
        self.functions = {
            statement.name.value: statement for statement in index.module.body if isinstance(statement, cst.FunctionDef)
        }
        self.known: Dict[str, bool] = {}
        self.reading: List[str] = []

    def returns_origin(self, name: str) -> bool:
        if name in self.known:
            return self.known[name]
        function = self.functions.get(name)
        if function is None or name in self.reading or len(self.reading) >= self.DEPTH or function.params.params:
            return False  # a helper that takes arguments may return one of them: not followed
        self.reading.append(name)
        try:
            flow = _Flow(self.index, name, [], _assigned_once(function), self, self.request_names)
            flow.block(function.body.body, frozenset(), ())
        finally:
            self.reading.pop()
        self.known[name] = flow.returns_origin
        return flow.returns_origin


def _functions(module: cst.Module) -> List[cst.FunctionDef]:
    return find_all(module, (cst.FunctionDef,))


def _assigned_once(function: cst.FunctionDef) -> FrozenSet[str]:
    """Local names bound by exactly one plain assignment in the function."""
    counts: Dict[str, int] = {}
    for node in find_all(function.body, (cst.Assign, cst.AugAssign, cst.AnnAssign, cst.For, cst.NamedExpr)):
        targets = [target.target for target in node.targets] if isinstance(node, cst.Assign) else [node.target]
        for target in targets:
            if isinstance(target, cst.Name):
                counts[target.value] = counts.get(target.value, 0) + (1 if isinstance(node, cst.Assign) else 2)
    return frozenset(name for name, count in counts.items() if count == 1)


class _Flow:
    def __init__(
        self,
        index: SourceIndex,
        function: str,
        writes: List[HeaderWrite],
        assigned_once: FrozenSet[str] = frozenset(),
        helpers: "Optional[_OriginHelpers]" = None,
        request_names: FrozenSet[str] = REQUEST_NAMES,
    ) -> None:
        self.index = index
        self.helpers = helpers
        self.request_names = request_names
        self.returns_origin = False  # a ``return`` gives back the request's Origin
        self.function = function
        self.writes = writes
        # ``h = response.headers``: names that stand for a headers object, and
        # ``headers = {...}``: dicts held in a name, returned later in a tuple.
        self.header_aliases: set = set()
        self.dicts: Dict[str, cst.Dict] = {}
        self.assigned_once = assigned_once
        self.stored: Dict[str, cst.BaseExpression] = {}  # name -> the check over the Origin it holds

    def block(
        self, statements, origins: FrozenSet[str], conditions: Tuple[Condition, ...]
    ) -> Tuple[FrozenSet[str], Tuple[Condition, ...], bool]:
        """Walk statements; returns the origin names and conditions after
        them, and whether the block always leaves (return/raise)."""
        for statement in statements:
            if isinstance(statement, cst.If):
                origins, conditions, leaves = self._if(statement, origins, conditions)
                if leaves:
                    return origins, conditions, True
            elif isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    origins = self._small(small, origins, conditions)
                    if isinstance(small, (cst.Return, cst.Raise)) or self._aborts(small):
                        return origins, conditions, True
            elif isinstance(statement, (cst.For, cst.While, cst.With, cst.Try)):
                body = statement.body.body if isinstance(statement.body, cst.IndentedBlock) else ()
                origins, _, _ = self.block(body, origins, conditions)
            # Nested functions and classes are analysed on their own.
        return origins, conditions, False

    def _test(self, test: cst.BaseExpression) -> cst.BaseExpression:
        """The test, with a stored check in place of the name holding it."""
        if isinstance(test, cst.Name) and test.value in self.stored:
            return self.stored[test.value]
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            inner = self._test(test.expression)
            return test if inner is test.expression else test.with_changes(expression=inner)
        return test

    def _if(self, node: cst.If, origins, conditions):
        node = node.with_changes(test=self._test(node.test)) if self.stored else node
        body_origins, _, body_leaves = self.block(node.body.body, origins, conditions + (Condition(node.test, True),))
        otherwise = conditions + (Condition(node.test, False),)
        else_leaves = False
        else_origins = origins
        if isinstance(node.orelse, cst.If):
            else_origins, _, else_leaves = self._if(node.orelse, origins, otherwise)
        elif isinstance(node.orelse, cst.Else):
            else_origins, _, else_leaves = self.block(node.orelse.body.body, origins, otherwise)
        if body_leaves and else_leaves:
            return origins, conditions, True
        if body_leaves:  # `if not ok: return ...` guards what follows
            return else_origins, otherwise, False
        if else_leaves:
            return body_origins, conditions + (Condition(node.test, True),), False
        return body_origins | else_origins, conditions, False

    def _small(self, small: cst.BaseSmallStatement, origins: FrozenSet[str], conditions) -> FrozenSet[str]:
        if isinstance(small, cst.Assign):
            for target in small.targets:
                if isinstance(target.target, cst.Subscript):
                    self._subscript_write(target.target, small.value, origins, conditions)
                elif isinstance(target.target, cst.Name):
                    if _is_headers(small.value, self.header_aliases):
                        self.header_aliases.add(target.target.value)
                    if isinstance(small.value, cst.Dict):
                        self.dicts[target.target.value] = small.value
                    if self.is_origin(small.value, origins):
                        origins = origins | {target.target.value}
                    else:
                        origins = origins - {target.target.value}
                        if target.target.value in self.assigned_once and self._mentions(small.value, origins):
                            self.stored[target.target.value] = small.value
            self._calls(small.value, origins, conditions)
        elif isinstance(small, cst.Expr):
            self._calls(small.value, origins, conditions)
        elif isinstance(small, cst.Return) and small.value is not None:
            self._calls(small.value, origins, conditions)
            if self.is_origin(small.value, origins):
                self.returns_origin = True
            if isinstance(small.value, cst.Tuple):
                for element in small.value.elements:
                    returned = element.value
                    if isinstance(returned, cst.Name) and returned.value in self.dicts:
                        returned = self.dicts[returned.value]  # ``return body, 200, headers``
                    if isinstance(returned, cst.Dict):
                        self._dict_writes(returned, origins, conditions)
        return origins

    def _aborts(self, small: cst.BaseSmallStatement) -> bool:
        """``abort(403)``: Flask's abort raises, so the block leaves."""
        if not (isinstance(small, cst.Expr) and isinstance(small.value, cst.Call)):
            return False
        return bool(self.index.qualified_names(small.value.func) & ABORT_NAMES)

    def _mentions(self, node: cst.BaseExpression, origins: FrozenSet[str]) -> bool:
        return any(self.is_origin(child, origins) for child in find_all(node, (cst.BaseExpression,), skip=(cst.Lambda,)))

    def is_origin(self, node: cst.BaseExpression, origins: FrozenSet[str]) -> bool:
        """Is this expression the request's Origin header?"""
        if isinstance(node, cst.Name):
            return node.value in origins
        if isinstance(node, cst.Attribute) and node.attr.value == "origin":
            return bool(self.index.qualified_names(node.value) & self.request_names)
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "get":
            return self._origin_source(node.func.value, node.args[0].value if node.args else None)
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and not node.args and self.helpers is not None:
            return self.helpers.returns_origin(node.func.value)  # ``get_origin()``
        if isinstance(node, cst.Subscript) and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
            return self._origin_source(node.value, node.slice[0].slice.value)
        if isinstance(node, cst.BooleanOperation):  # request.headers.get("Origin") or ""
            return self.is_origin(node.left, origins)
        return False

    def _origin_source(self, container: cst.BaseExpression, key: Optional[cst.BaseExpression]) -> bool:
        """``request.headers[...]`` with "Origin", ``request.environ[...]`` with "HTTP_ORIGIN"."""
        if not isinstance(container, cst.Attribute) or not isinstance(key, cst.SimpleString):
            return False
        if not self.index.qualified_names(container.value) & self.request_names:
            return False
        text = key.evaluated_value if isinstance(key.evaluated_value, str) else ""
        return (container.attr.value == "headers" and text.lower() == "origin") or (
            container.attr.value == "environ" and text == "HTTP_ORIGIN"
        )

    # Header writes --------------------------------------------------------------------
    def _record(self, name_node: cst.BaseExpression, value: cst.BaseExpression, where_node, origins, conditions) -> None:
        if isinstance(name_node, cst.Name):  # ACL_ORIGIN = "Access-Control-Allow-Origin"
            bound = self.index.binding(name_node)
            name_node = bound if isinstance(bound, cst.BaseExpression) else name_node
        if not isinstance(name_node, cst.SimpleString) or not isinstance(name_node.evaluated_value, str):
            return
        header = name_node.evaluated_value.lower()
        if header not in CORS_HEADERS:
            return
        self.writes.append(
            HeaderWrite(
                self.function,
                header,
                value,
                self.index.span(where_node),
                self.is_origin(value, origins),
                origins,
                conditions,
            )
        )

    def _subscript_write(self, target: cst.Subscript, value, origins, conditions) -> None:
        if _is_headers(target.value, self.header_aliases) and len(target.slice) == 1 and isinstance(target.slice[0].slice, cst.Index):
            self._record(target.slice[0].slice.value, value, target, origins, conditions)

    def _dict_writes(self, node: cst.Dict, origins, conditions) -> None:
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                self._record(element.key, element.value, element, origins, conditions)

    def _calls(self, node: cst.BaseExpression, origins, conditions) -> None:
        """Header writes through calls anywhere in an expression."""
        for call in _calls_in(node):
            func = call.func
            if isinstance(func, cst.Attribute) and _is_headers(func.value, self.header_aliases):
                method = func.attr.value
                if method in ("add", "set", "setdefault", "add_header") and len(call.args) >= 2:
                    self._record(call.args[0].value, call.args[1].value, call, origins, conditions)
                elif method in ("update", "extend") and call.args and isinstance(call.args[0].value, cst.Dict):
                    self._dict_writes(call.args[0].value, origins, conditions)
            names = self.index.qualified_names(func)
            if names & {"flask.make_response", "flask.helpers.make_response"}:
                for arg in call.args:
                    if isinstance(arg.value, cst.Dict):
                        self._dict_writes(arg.value, origins, conditions)
            if names & {"flask.Response", "flask.wrappers.Response", "werkzeug.wrappers.Response"}:
                for arg in call.args:
                    if arg.keyword is not None and arg.keyword.value == "headers" and isinstance(arg.value, cst.Dict):
                        self._dict_writes(arg.value, origins, conditions)


def _is_headers(node: cst.BaseExpression, aliases: "set" = frozenset()) -> bool:  # type: ignore[assignment]
    """``response.headers``, or a local name bound to one."""
    if isinstance(node, cst.Name):
        return node.value in aliases
    return isinstance(node, cst.Attribute) and node.attr.value == "headers"


def _calls_in(node: cst.BaseExpression) -> List[cst.Call]:
    return find_all(node, (cst.Call,), skip=(cst.Lambda,))


def is_origin_expression(index: SourceIndex, node: cst.BaseExpression, origin_names: FrozenSet[str]) -> bool:
    """Is ``node`` the request's Origin, given the local names that hold it?"""
    return _Flow(index, "", []).is_origin(node, origin_names)
