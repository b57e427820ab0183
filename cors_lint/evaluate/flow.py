"""A name bound several times: its value where it is read, found by following
the statements of its module or function in order.

Real configuration reassigns and branches::

    origins = os.environ.get("CORS_ORIGINS", "*")
    if origins != "*":
        origins = [o.strip() for o in origins.split(",")]

Statements are followed up to the one that reads the name (all of them when
it is read later, from a function or another module). An ``if`` whose test is
known takes its arm; a test that reads an environment variable is decided
wherever the variable is unset, and the value then says so (``Known.env``).
An arm that raises (or exits) is a path on which the app never starts. When
the arms of an undecided test give different values, or the name is bound in
a loop, a ``try`` or by anything but a plain assignment, the value is unknown
and says why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, FrozenSet, List, Optional, Sequence, Union

import libcst as cst

from cors_lint.evaluate.conditions import same_value
from cors_lint.evaluate.values import Known, Span, Unknown, Value, truth, with_env

if TYPE_CHECKING:
    from cors_lint.evaluate.expressions import Evaluator

_EXITS = frozenset({"sys.exit", "builtins.exit", "builtins.quit", "os._exit"})


class _Stop(Exception):
    """The name's value cannot be followed further: ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Raises(Exception):
    """The path followed raises: the module (or factory) never gets past it."""


def value_before(
    evaluator: "Evaluator",
    block: Union[cst.Module, cst.FunctionDef],
    name: str,
    use: Optional[cst.CSTNode],
    where: Span,
    following: FrozenSet[int],
    depth: int,
) -> Value:
    """The value ``name`` has when ``use`` reads it (after the whole block
    when ``use`` is None or lies in a function defined in the block)."""
    key = hash((id(block), name))
    if key in following:
        return Unknown(f"name {name!r} refers to itself", where)
    flow = _Flow(evaluator, name, following | {key}, depth + 1)
    try:
        value = flow.run(_statements(block), use, None)
    except _Stop as stop:
        return Unknown(stop.reason, where)
    except _Raises:
        return Unknown(f"the module raises before {name!r} is read, wherever its environment variables are unset", where)
    if value is None:
        return Unknown(f"name {name!r} is not bound before it is read", where)
    if id(value) in flow.unset_reads:
        return Unknown(f"environment variable {value.env} (its default is None)", where)  # type: ignore[union-attr]
    return value


class _Flow:
    def __init__(self, evaluator: "Evaluator", name: str, following: FrozenSet[int], depth: int) -> None:
        self.evaluator = evaluator
        self.name = name
        self.following = following
        self.depth = depth
        # Values that are only "an environment variable read without a
        # default": unknown if nothing replaces them before the use.
        self.unset_reads: set = set()

    def run(self, statements: Sequence[cst.BaseStatement], use: Optional[cst.CSTNode], state: Optional[Value]) -> Optional[Value]:
        for statement in statements:
            if use is not None and _contains(statement, use):
                if isinstance(statement, (cst.FunctionDef)):
                    use = None  # read when the function runs: after the block has run
                elif isinstance(statement, cst.If):
                    return self.run(_arm_holding(statement, use), use, state)
                elif isinstance(statement, cst.With):
                    return self.run(_body(statement.body), use, state)
                elif _binds(statement, self.name):
                    kind = type(statement).__name__.lower()
                    raise _Stop(f"name {self.name!r} is reassigned inside the `{kind}` statement that reads it")
                else:
                    return state
            state = self.step(statement, state)
        return state

    def step(self, statement: cst.BaseStatement, state: Optional[Value]) -> Optional[Value]:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                state = self.small(small, state)
            return state
        if isinstance(statement, cst.If):
            if not (_binds(statement, self.name) or _exits(statement, self.evaluator)):
                return state
            return self.branch(statement, state)
        if isinstance(statement, cst.With):
            if any(item.asname is not None and _binds(item.asname, self.name) for item in statement.items):
                raise _Stop(f"name {self.name!r} is bound by a `with` statement")
            return self.run(_body(statement.body), None, state)
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            if statement.name.value == self.name:
                raise _Stop(f"name {self.name!r} is also bound by a definition")
            return state
        if _binds(statement, self.name):
            kind = type(statement).__name__.lower()
            raise _Stop(f"name {self.name!r} is reassigned inside a `{kind}` statement")
        return state

    def small(self, small: cst.BaseSmallStatement, state: Optional[Value]) -> Optional[Value]:
        if isinstance(small, cst.Assign):
            targets = [target.target for target in small.targets]
            if any(isinstance(t, cst.Name) and t.value == self.name for t in targets):
                return self.assign(small.value, state)
            if any(_binds(t, self.name) for t in targets):
                raise _Stop(f"name {self.name!r} is assigned by unpacking")
            return state
        if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.target.value == self.name:
            return self.assign(small.value, state) if small.value is not None else state
        if isinstance(small, cst.AugAssign) and isinstance(small.target, cst.Name) and small.target.value == self.name:
            if not isinstance(small.operator, cst.AddAssign) or state is None:
                raise _Stop(f"name {self.name!r} is updated with an operator other than +=")
            right = self.evaluate(small.value, state)
            return self.evaluator.add(state, right, small, self.evaluator.index.span(small))
        if isinstance(small, cst.Raise) or (isinstance(small, cst.Expr) and _is_exit(small.value, self.evaluator)):
            raise _Raises()
        if isinstance(small, cst.Return):
            raise _Stop(f"the function may return before {self.name!r} is read")
        if isinstance(small, (cst.Import, cst.ImportFrom, cst.Global, cst.Nonlocal, cst.Del)) and _binds(small, self.name):
            raise _Stop(f"name {self.name!r} is also bound by {type(small).__name__.lower()}")
        return state

    def assign(self, expression: cst.BaseExpression, state: Optional[Value]) -> Value:
        value = self.evaluate(expression, state)
        if isinstance(value, Known) and value.value is None and value.env and isinstance(expression, cst.Call):
            self.unset_reads.add(id(value))
        return value

    def evaluate(self, expression: cst.BaseExpression, state: Optional[Value]) -> Value:
        """``expression`` with the name standing for its value so far."""
        assumed = self.evaluator.assumed
        saved = assumed.get(self.name)
        if state is not None:
            assumed[self.name] = state
        else:
            assumed.pop(self.name, None)
        try:
            return self.evaluator.operand(expression, self.following, self.depth)
        finally:
            if saved is None:
                assumed.pop(self.name, None)
            else:
                assumed[self.name] = saved

    def branch(self, statement: cst.If, state: Optional[Value]) -> Optional[Value]:
        test = self.evaluate(statement.test, state)
        decided = truth(test)
        if decided is not None:
            arm = _body(statement.body) if decided else _orelse(statement)
            after = self.run(arm, None, state)
            if after is None:
                return None
            marked = with_env(after, test.env)  # type: ignore[union-attr]
            if id(after) in self.unset_reads:
                self.unset_reads.add(id(marked))
            return marked
        outcomes: List[Optional[Value]] = []
        for arm in (_body(statement.body), _orelse(statement)):
            try:
                outcomes.append(self.run(arm, None, state))
            except _Raises:
                continue  # that arm never lets the app start
        if not outcomes:
            raise _Raises()
        first = outcomes[0]
        if all(outcome is first or (first is not None and outcome is not None and same_value(first, outcome)) for outcome in outcomes):
            return first
        code = " ".join(self.evaluator.index.code(statement.test).split())
        code = code if len(code) <= 50 else code[:47] + "..."
        raise _Stop(f"name {self.name!r} is chosen by `if {code}` at run time")


def _statements(block: Union[cst.Module, cst.FunctionDef]) -> Sequence[cst.BaseStatement]:
    return block.body if isinstance(block, cst.Module) else _body(block.body)


def _body(suite: cst.BaseSuite) -> Sequence[cst.BaseStatement]:
    if isinstance(suite, cst.IndentedBlock):
        return suite.body
    return [cst.SimpleStatementLine(body=suite.body)] if isinstance(suite, cst.SimpleStatementSuite) else []


def _orelse(statement: cst.If) -> Sequence[cst.BaseStatement]:
    if statement.orelse is None:
        return []
    if isinstance(statement.orelse, cst.If):
        return [statement.orelse]
    return _body(statement.orelse.body)


def _arm_holding(statement: cst.If, use: cst.CSTNode) -> Sequence[cst.BaseStatement]:
    """The statements of the arm the use is in (its test is the registration's
    branch, decided elsewhere); none when the use is in the test itself."""
    body = _body(statement.body)
    if any(_contains(part, use) for part in body):
        return body
    orelse = _orelse(statement)
    if any(_contains(part, use) for part in orelse):
        return orelse
    return []


def _contains(tree: cst.CSTNode, node: cst.CSTNode) -> bool:
    if tree is node:
        return True
    return any(_contains(child, node) for child in tree.children)


def _binds(tree: cst.CSTNode, name: str) -> bool:
    """Does ``tree`` bind ``name`` in the scope it stands in (not in functions,
    classes, lambdas or comprehensions nested in it)?"""
    if isinstance(tree, cst.Name):
        return False
    if isinstance(tree, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
        targets = [t.target for t in tree.targets] if isinstance(tree, cst.Assign) else [tree.target]
        return any(_names_target(target, name) for target in targets)
    if isinstance(tree, (cst.For, cst.CompFor)):
        if _names_target(tree.target, name):
            return True
    if isinstance(tree, cst.NamedExpr):
        return _names_target(tree.target, name)
    if isinstance(tree, cst.AsName):
        return _names_target(tree.name, name)
    if isinstance(tree, (cst.FunctionDef, cst.ClassDef)):
        return tree.name.value == name
    if isinstance(tree, (cst.Lambda, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)):
        return False
    if isinstance(tree, (cst.Global, cst.Nonlocal)):
        return any(item.name.value == name for item in tree.names)
    if isinstance(tree, cst.ImportAlias):
        bound = tree.asname.name if tree.asname is not None else tree.name
        while isinstance(bound, cst.Attribute):
            bound = bound.value
        return isinstance(bound, cst.Name) and bound.value == name
    if isinstance(tree, cst.Del):
        return _names_target(tree.target, name)
    return any(_binds(child, name) for child in tree.children)


def _names_target(target: cst.CSTNode, name: str) -> bool:
    if isinstance(target, cst.Name):
        return target.value == name
    if isinstance(target, (cst.Tuple, cst.List)):
        return any(_names_target(element.value, name) for element in target.elements)
    if isinstance(target, cst.StarredElement):
        return _names_target(target.value, name)
    return False


def _exits(tree: cst.CSTNode, evaluator: "Evaluator") -> bool:
    """Does ``tree`` raise or exit (outside functions it defines)?"""
    if isinstance(tree, cst.Raise):
        return True
    if isinstance(tree, cst.Expr):
        return _is_exit(tree.value, evaluator)
    if isinstance(tree, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
        return False
    return any(_exits(child, evaluator) for child in tree.children if isinstance(child, (cst.BaseStatement, cst.BaseSmallStatement, cst.BaseSuite, cst.Else, cst.If)))


def _is_exit(expression: cst.BaseExpression, evaluator: "Evaluator") -> bool:
    return isinstance(expression, cst.Call) and bool(evaluator.index.qualified_names(expression.func) & _EXITS)
