"""One parsed module and the facts about it that later stages look up:
positions, qualified names (imports resolved) and simple name bindings."""

from __future__ import annotations

from typing import List, Optional, Sequence, Set, Tuple, Union

import libcst as cst

from cors_lint.evaluate.values import Span
from cors_lint.find.names import Assignment, Binding, CallSite, DecoratedFunction, ItemAssignment, NameTable
from cors_lint.find.positions import Positions
from cors_lint.find.walk import find_all


class SourceIndex:
    """A parsed module with the facts the finder and the evaluator share.

    Built once per file; the tree is wrapped without copying it, and only
    positions are computed by libcst (names are resolved by ``NameTable``).
    """

    def __init__(
        self,
        module: cst.Module,
        path: str = "",
        source: Union[str, bytes, None] = None,
        top_level_lines: Optional[Sequence[Tuple[int, bool]]] = None,
    ) -> None:
        self.module = module
        self.path = path  # spans carry it, so findings name the file a value is written in
        self._source = source
        # With CPython's line numbers of the same source, positions are computed
        # per top-level statement, when first needed; without, for the whole module.
        if source is not None and top_level_lines is not None:
            self._positions = Positions(module, self.text, top_level_lines)
        else:
            self._positions = Positions(module, "", None)
        self._names = NameTable(module)

    @property
    def text(self) -> str:
        """The module's source text, decoded as libcst decoded it (without
        regenerating it from the tree, which costs as much as a parse)."""
        if isinstance(self._source, str):
            return self._source
        if isinstance(self._source, bytes):
            return self._source.decode(self.module.encoding, errors="replace")
        return self.module.code

    def span(self, node: cst.CSTNode) -> Span:
        position = self._positions[node]
        return Span(position.start.line, position.start.column + 1, position.end.line, position.end.column + 1, self.path)

    @property
    def calls(self) -> List[CallSite]:
        """Every call in the module, in source order."""
        return self._names.calls

    @property
    def item_assignments(self) -> List[ItemAssignment]:
        return self._names.item_assignments

    @property
    def decorated(self) -> List[DecoratedFunction]:
        return self._names.decorated

    @property
    def assignments(self) -> List[Assignment]:
        return self._names.assignments

    @property
    def star_imports(self) -> List[str]:
        """Modules this module imports with ``from m import *``."""
        return self._names.star_imports

    def lookup(self, name: str, scope_path: str) -> Tuple[str, List[Binding]]:
        """How ``name`` is bound where code of ``scope_path`` reads it, and the
        path of the binding scope."""
        return self._names.lookup(name, scope_path)

    def parameters(self, function_path: str) -> Optional[List[str]]:
        return self._names.parameters.get(function_path)

    def function(self, function_path: str) -> Optional[cst.FunctionDef]:
        """The function defined at ``function_path`` ("create_app", "Cls.method")."""
        return self._names.functions.get(function_path)

    def returned_names(self, function_path: str) -> List[str]:
        """The plain names the function's ``return`` statements give back."""
        return self._names.returns.get(function_path, [])

    def function_paths(self) -> List[Tuple[str, cst.FunctionDef]]:
        """Every function with its dotted path, in source order."""
        return list(self._names.functions.items())

    def binding_block(self, name: cst.Name) -> "Optional[Union[cst.Module, cst.FunctionDef]]":
        """The module or function whose statements bind ``name`` where it is read."""
        return self._names.binding_block(name)

    def bindings(self, name: cst.Name) -> List[Binding]:
        return self._names.bindings(name)

    def refers_to_module_level(self, expression: cst.BaseExpression) -> bool:
        """Does ``app`` (or ``app.x``) name a module-level object, the same one
        in every function, rather than a function's local variable?"""
        while isinstance(expression, cst.Attribute):
            expression = expression.value
        if not isinstance(expression, cst.Name):
            return False
        found = self._names.bindings(expression)
        return not found or found is self._names.module_bindings(expression.value)

    def module_names(self) -> List[str]:
        """Every name bound at module level, in no particular order."""
        return self._names.module_names()

    def class_attributes(self, name: str, seen: Optional[Set[str]] = None) -> "Optional[List[Tuple[str, cst.BaseExpression, cst.Name]]]":
        """(key, value, target) of the upper-case attributes of a module-level
        class, its base classes of this module first (what ``from_object``
        reads); None if it is not such a class, or a base class is not."""
        seen = set() if seen is None else seen
        bindings = self.module_bindings(name)
        if len(bindings) != 1 or not isinstance(bindings[0].definition, cst.ClassDef) or name in seen:
            return None
        seen.add(name)
        definition = bindings[0].definition
        attributes: List[Tuple[str, cst.BaseExpression, cst.Name]] = []
        for base in definition.bases:
            if isinstance(base.value, cst.Name) and base.value.value != "object":
                inherited = self.class_attributes(base.value.value, seen)
                if inherited is None:
                    return None  # a base class from elsewhere may set anything
                attributes.extend(inherited)
        for statement in definition.body.body:
            for small in statement.body if isinstance(statement, cst.SimpleStatementLine) else ():
                if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
                    target = small.targets[0].target
                    if target.value.isupper():
                        attributes.append((target.value, small.value, target))
        return attributes

    def module_bindings(self, name: str) -> List[Binding]:
        """How ``name`` is bound at module level (what ``from m import name`` gets)."""
        return self._names.module_bindings(name)

    def qualified_names(self, node: cst.BaseExpression) -> Set[str]:
        return self._names.qualified_names(node)

    def statement_lines(self) -> List[Tuple[int, int]]:
        """First and last line of every simple statement and decorator: the
        unit a ``# noqa`` comment applies to."""
        statements = find_all(self.module, (cst.SimpleStatementLine, cst.Decorator))
        return [(self.span(node).line, self.span(node).end_line) for node in statements]

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def binding(self, name: cst.Name) -> Union[cst.BaseExpression, str]:
        """The expression a name is bound to when it is bound exactly once by a
        plain assignment; otherwise a reason why it cannot be followed."""
        bindings = self._names.bindings(name)
        if not bindings:
            return f"name {name.value!r} is not defined in this file"
        if len(bindings) > 1:
            return f"name {name.value!r} is assigned {len(bindings)} times"
        binding = bindings[0]
        if binding.kind == "import":
            return f"name {name.value!r} is imported from {binding.qualified_name.rsplit('.', 1)[0]!r}"
        if binding.kind == "assign" and binding.value is not None:
            return binding.value
        return f"name {name.value!r} is not bound by a simple assignment"


def parse(source: Union[str, bytes]) -> cst.Module:
    """Parse source; for bytes, libcst honours PEP 263 declarations and a BOM.

    Raises ``cst.ParserSyntaxError`` or ``UnicodeDecodeError`` for bad input.
    """
    return cst.parse_module(source)
