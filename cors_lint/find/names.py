"""Name resolution: what a name in the module refers to.

A single pass records, per scope (module, function, lambda, class,
comprehension), how each name is bound: an import (with its qualified name),
an assignment (with the assigned expression), a definition, or anything else.
That is all the finder and the evaluator need, and it costs one walk of the
tree, where libcst's ScopeProvider and QualifiedNameProvider cost several.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple, Union

import libcst as cst

from cors_lint.find.branches import Branch
from cors_lint.find.walk import Walker

BUILTIN_NAMES = frozenset(dir(builtins))


@dataclass(frozen=True)
class Binding:
    kind: str  # "import", "assign", "update" (``+=`` and the like), "definition", "other"
    qualified_name: Optional[str] = None  # for imports: "flask_cors.CORS"
    value: Optional[cst.BaseExpression] = None  # for assignments
    definition: Optional[Union[cst.ClassDef, cst.FunctionDef]] = None  # classes (config objects), functions (checks)


@dataclass
class Scope:
    parent: Optional["Scope"]
    is_class: bool = False
    bindings: Dict[str, List[Binding]] = field(default_factory=dict)
    global_names: Set[str] = field(default_factory=set)
    # The module or function whose statements bind the names (None for
    # classes, lambdas and comprehensions): a name bound several times is
    # followed through these statements in order.
    block: Optional[Union[cst.Module, cst.FunctionDef]] = None

    def bind(self, name: str, binding: Binding) -> None:
        owner = _module_of(self) if name in self.global_names else self
        owner.bindings.setdefault(name, []).append(binding)

    def lookup(self, name: str) -> List[Binding]:
        owner = self.owner(name)
        return owner.bindings.get(name, []) if owner is not None else []

    def owner(self, name: str) -> Optional["Scope"]:
        """Python's rule: the innermost function scope that binds the name;
        class bodies are not seen from the functions inside them."""
        scope: Optional[Scope] = self
        first = True
        while scope is not None:
            if name in scope.global_names:
                return _module_of(scope)
            if (first or not scope.is_class) and name in scope.bindings:
                return scope
            first = False
            scope = scope.parent
        return None


def _module_of(scope: Scope) -> Scope:
    while scope.parent is not None:
        scope = scope.parent
    return scope


@dataclass(frozen=True)
class CallSite:
    """A call seen during the walk, for the finder: where it stands."""

    node: cst.Call
    scope: str  # enclosing functions and classes, dotted; "" at module level
    decorates: Optional[str]  # the function it decorates, if it is a decorator
    conditional: bool  # inside an if/for/while/try/with of its function
    branch: Branch = ()


@dataclass(frozen=True)
class ItemAssignment:
    """``target[key] = value`` (e.g. ``app.config["CORS_ORIGINS"] = ...``)."""

    target: cst.Subscript
    value: cst.BaseExpression
    scope: str
    conditional: bool


@dataclass(frozen=True)
class DecoratedFunction:
    name: str
    decorators: Tuple[cst.BaseExpression, ...]  # top (outermost) first
    scope: str = ""  # where the function is defined
    node: Optional[cst.FunctionDef] = None


@dataclass(frozen=True)
class Assignment:
    """``name = value`` anywhere: the link stage finds Flask objects by it."""

    name: str
    value: cst.BaseExpression
    scope: str
    conditional: bool
    branch: Branch = ()


class NameTable:
    """Which scope each name node is in, and each scope's bindings. The same
    walk lists every call, so the finder needs no walk of its own."""

    def __init__(self, module: cst.Module) -> None:
        recorder = _Recorder()
        recorder.scope.block = module
        recorder.walk(module)
        self._scope_of: Dict[int, Scope] = recorder.scope_of
        self._module_scope = recorder.scope
        self.calls: List[CallSite] = recorder.calls
        self.item_assignments: List[ItemAssignment] = recorder.item_assignments
        self.decorated: List[DecoratedFunction] = recorder.decorated
        self.assignments: List[Assignment] = recorder.assignments
        self.star_imports: List[str] = recorder.star_imports
        self._scopes: Dict[str, Scope] = recorder.scopes
        self.parameters: Dict[str, List[str]] = recorder.parameters
        self.functions: Dict[str, cst.FunctionDef] = recorder.functions
        self.returns: Dict[str, List[str]] = recorder.returns

    def lookup(self, name: str, scope_path: str) -> Tuple[str, List[Binding]]:
        """The bindings ``name`` has where code of ``scope_path`` reads it, and
        the path of the scope that binds it ("" for module level)."""
        path = scope_path
        scope = self._scopes.get(path)
        first = True
        while scope is not None:
            if name in scope.global_names:
                return "", self._module_scope.bindings.get(name, [])
            if (first or not scope.is_class) and name in scope.bindings:
                return path, scope.bindings[name]
            first = False
            scope = scope.parent
            path = path.rpartition(".")[0] if scope is not None and scope.parent is not None else ""
        return "", []

    def module_bindings(self, name: str) -> List[Binding]:
        return self._module_scope.bindings.get(name, [])

    def module_names(self) -> List[str]:
        return list(self._module_scope.bindings)

    def bindings(self, name: cst.Name) -> List[Binding]:
        scope = self._scope_of.get(id(name))
        return scope.lookup(name.value) if scope is not None else []

    def binding_block(self, name: cst.Name) -> Optional[Union[cst.Module, cst.FunctionDef]]:
        """The module or function whose statements bind ``name`` as read here."""
        scope = self._scope_of.get(id(name))
        owner = scope.owner(name.value) if scope is not None else None
        return owner.block if owner is not None else None

    @property
    def module_block(self) -> Optional[Union[cst.Module, cst.FunctionDef]]:
        return self._module_scope.block

    def qualified_names(self, node: cst.BaseExpression) -> Set[str]:
        """``{"flask_cors.CORS"}`` for ``fc.CORS`` after ``import flask_cors as fc``;
        a builtin ``list`` is ``builtins.list``; a local name has none."""
        attributes: List[str] = []
        while isinstance(node, cst.Attribute):
            attributes.append(node.attr.value)
            node = node.value
        if not isinstance(node, cst.Name):
            return set()
        bindings = self.bindings(node)
        tail = "".join("." + attribute for attribute in reversed(attributes))
        if not bindings:
            if self.star_imports:
                return star_qualified_names(node.value, self.star_imports, tail)
            return {f"builtins.{node.value}{tail}"} if node.value in BUILTIN_NAMES else set()
        return {binding.qualified_name + tail for binding in bindings if binding.kind == "import" and binding.qualified_name}


# What ``from flask_cors import *`` and ``from flask import *`` bring that the
# analysis looks at (their ``__all__``, as far as it matters here).
STAR_EXPORTS = {
    "flask_cors": frozenset({"CORS", "cross_origin"}),
    "flask": frozenset({"Flask", "Blueprint", "request", "make_response", "Response", "current_app", "jsonify", "abort"}),
}


def star_qualified_names(name: str, star_modules: List[str], tail: str = "") -> Set[str]:
    """A name no statement binds, in a module with ``from m import *``: known
    library exports resolve exactly; a project module may export anything,
    so each star-imported project module is a candidate (the link stage
    checks it)."""
    names = set()
    for module in star_modules:
        exports = STAR_EXPORTS.get(module)
        if exports is not None:
            if name in exports:
                names.add(f"{module}.{name}{tail}")
        elif module.split(".")[0] not in STAR_EXPORTS:
            names.add(f"{module}.{name}{tail}" if not module.endswith(".") else f"{module}{name}{tail}")
    if not names and name in BUILTIN_NAMES:
        names.add(f"builtins.{name}{tail}")
    return names


def _dotted(node: Union[cst.Attribute, cst.Name]) -> str:
    if isinstance(node, cst.Name):
        return node.value
    return _dotted(node.value) + "." + node.attr.value  # type: ignore[arg-type]


class _Recorder(Walker):
    def __init__(self) -> None:
        self.scope = Scope(None)
        self.scope_of: Dict[int, Scope] = {}
        self.calls: List[CallSite] = []
        self.path: List[str] = []  # names of the enclosing functions and classes
        self.decorating: Dict[int, str] = {}  # decorator expression -> decorated function
        self.item_assignments: List[ItemAssignment] = []
        self.decorated: List[DecoratedFunction] = []
        self.nesting = [0]  # if/for/while/try/with blocks around us, per function
        self.assignments: List[Assignment] = []
        self.star_imports: List[str] = []
        self.scopes: Dict[str, Scope] = {"": self.scope}
        self.parameters: Dict[str, List[str]] = {}
        self.functions: Dict[str, cst.FunctionDef] = {}
        self.returns: Dict[str, List[str]] = {}  # function path -> names its ``return`` statements give back
        self.arms: List[List[Tuple[int, int, object]]] = [[]]  # per function: the if/else arms around us

    def _branch(self) -> Branch:
        return tuple(self.arms[-1])

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(
            CallSite(node, ".".join(self.path), self.decorating.get(id(node)), self.nesting[-1] > 0, self._branch())
        )

    def visit_If(self, node: cst.If) -> bool:
        """Each arm is walked with its place recorded: registrations in the two
        arms of one ``if`` never both run."""
        self._block(node)
        self.walk(node.test)
        self.arms[-1].append((id(node), 0, node.test))
        self.walk(node.body)
        self.arms[-1].pop()
        if node.orelse is not None:
            self.arms[-1].append((id(node), 1, node.test))
            if isinstance(node.orelse, cst.If):
                self.walk(node.orelse)
            else:
                self.walk(node.orelse.body)
            self.arms[-1].pop()
        return False

    def visit_Try(self, node: cst.Try) -> bool:
        """``try: import x`` / ``except ImportError: ...``: the body and each
        handler are arms (alternatives); ``else``/``finally`` follow the body."""
        self._block(node)
        self.arms[-1].append((id(node), 0, "when the `try` block succeeds"))
        self.walk(node.body)
        if node.orelse is not None:
            self.walk(node.orelse)
        self.arms[-1].pop()
        for position, handler in enumerate(node.handlers, start=1):
            caught = handler.type.value if isinstance(handler.type, cst.Name) else "an exception"
            self.arms[-1].append((id(node), position, f"when `{caught}` is raised"))
            self.walk(handler)
            self.arms[-1].pop()
        if node.finalbody is not None:
            self.walk(node.finalbody)
        return False

    # Blocks that make what they contain conditional ---------------------------
    def _block(self, node: cst.CSTNode) -> None:
        self.nesting[-1] += 1

    def _block_end(self, original_node: cst.CSTNode) -> None:
        self.nesting[-1] -= 1

    visit_While = visit_With = visit_Match = _block  # type: ignore[assignment]
    leave_If = leave_For = leave_While = leave_Try = leave_With = leave_Match = _block_end  # type: ignore[assignment]

    # Scopes ---------------------------------------------------------------
    def _enter(self, is_class: bool = False, block: Optional[cst.FunctionDef] = None) -> None:
        self.scope = Scope(self.scope, is_class, block=block)

    def _leave(self) -> None:
        assert self.scope.parent is not None
        self.scope = self.scope.parent

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.scope.bind(node.name.value, Binding("definition", definition=node))
        # Decorators, defaults and annotations belong to the enclosing scope.
        scope_path = ".".join(self.path)
        function_path = ".".join([*self.path, node.name.value])
        self.functions.setdefault(function_path, node)
        if node.decorators:
            self.decorated.append(
                DecoratedFunction(node.name.value, tuple(d.decorator for d in node.decorators), scope_path, node)
            )
        for decorator in node.decorators:
            self.decorating[id(decorator.decorator)] = node.name.value
            self.walk(decorator)
        _DefaultsOnly(self).walk(node.params)
        self._enter(block=node)
        self.path.append(node.name.value)
        self.scopes.setdefault(function_path, self.scope)
        self.nesting.append(0)
        self.arms.append([])
        self.parameters.setdefault(function_path, _parameters(node.params))
        for param in _parameters(node.params):
            self.scope.bind(param, Binding("other"))
        self.walk(node.body)
        self.arms.pop()
        self.nesting.pop()
        self.path.pop()
        self._leave()
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        _DefaultsOnly(self).walk(node.params)
        self._enter()
        for param in _parameters(node.params):
            self.scope.bind(param, Binding("other"))
        self.walk(node.body)
        self._leave()
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.scope.bind(node.name.value, Binding("definition", definition=node))
        for decorator in node.decorators:
            self.walk(decorator)
        for arg in (*node.bases, *node.keywords):
            self.walk(arg)
        self._enter(is_class=True)
        self.path.append(node.name.value)
        self.scopes.setdefault(".".join(self.path), self.scope)
        self.walk(node.body)
        self.path.pop()
        self._leave()
        return False

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._enter()

    def leave_ListComp(self, original_node: cst.ListComp) -> None:
        self._leave()

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._enter()

    def leave_SetComp(self, original_node: cst.SetComp) -> None:
        self._leave()

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._enter()

    def leave_DictComp(self, original_node: cst.DictComp) -> None:
        self._leave()

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._enter()

    def leave_GeneratorExp(self, original_node: cst.GeneratorExp) -> None:
        self._leave()

    # Names ----------------------------------------------------------------
    def visit_Name(self, node: cst.Name) -> None:
        self.scope_of[id(node)] = self.scope

    def visit_Return(self, node: cst.Return) -> None:
        if isinstance(node.value, cst.Name) and self.path:
            self.returns.setdefault(".".join(self.path), []).append(node.value.value)

    def visit_Global(self, node: cst.Global) -> None:
        self.scope.global_names.update(item.name.value for item in node.names)

    # Bindings -------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            dotted = _dotted(alias.name)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.scope.bind(alias.asname.name.value, Binding("import", dotted))
            else:
                top = dotted.split(".")[0]
                self.scope.bind(top, Binding("import", top))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = ("." * len(node.relative)) + (_dotted(node.module) if node.module is not None else "")
        if isinstance(node.names, cst.ImportStar):
            if self.scope.parent is None:  # only legal at module level
                self.star_imports.append(module)
            return
        for alias in node.names:
            name = _dotted(alias.name)
            bound = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name
            qualified = module + name if module.endswith(".") else f"{module}.{name}" if module else name
            self.scope.bind(bound, Binding("import", qualified))

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind_target(target.target, node.value)
            if isinstance(target.target, cst.Name):
                self.assignments.append(
                    Assignment(target.target.value, node.value, ".".join(self.path), self.nesting[-1] > 0, self._branch())
                )
            if isinstance(target.target, cst.Subscript):
                self.item_assignments.append(
                    ItemAssignment(target.target, node.value, ".".join(self.path), self.nesting[-1] > 0)
                )

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind_target(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name):
            self.scope.bind(node.target.value, Binding("update"))
        else:
            self._bind_target(node.target, None)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_target(node.target, None)

    def visit_For(self, node: cst.For) -> None:  # type: ignore[override]
        self._block(node)
        self._bind_target(node.target, None)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._bind_target(node.target, None)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind_target(node.asname.name, None)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._bind_target(node.name.name, None)

    def visit_Del(self, node: cst.Del) -> None:
        self._bind_target(node.target, None)

    def _bind_target(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression]) -> None:
        if isinstance(target, cst.Name):
            self.scope.bind(target.value, Binding("assign", value=value) if value is not None else Binding("other"))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind_target(element.value, None)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value, None)


class _DefaultsOnly(Walker):
    """Visits parameter defaults and annotations with the outer recorder."""

    def __init__(self, recorder: _Recorder) -> None:
        self.recorder = recorder

    def visit_Param(self, node: cst.Param) -> bool:
        for part in (node.default, node.annotation):
            if part is not None:
                self.recorder.walk(part)
        return False


def _parameters(params: cst.Parameters) -> List[str]:
    names = [param.name.value for param in (*params.posonly_params, *params.params, *params.kwonly_params)]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            names.append(star.name.value)
    return names
