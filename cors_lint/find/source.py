"""One parsed module and the facts about it that later stages look up:
positions, qualified names (imports resolved) and simple name bindings."""

from __future__ import annotations

from typing import Dict, Iterable, Optional, Set, Union

import libcst as cst
from libcst.metadata import (
    Assignment,
    BuiltinAssignment,
    ImportAssignment,
    MetadataWrapper,
    PositionProvider,
    QualifiedNameProvider,
    ScopeProvider,
)

from cors_lint.evaluate.values import Span


class SourceIndex:
    """A parsed module with the metadata the finder and the evaluator share.

    Built once per file; the tree is wrapped without copying it.
    """

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        resolved = wrapper.resolve_many((PositionProvider, QualifiedNameProvider, ScopeProvider))
        self._positions = resolved[PositionProvider]
        self._qualified_names = resolved[QualifiedNameProvider]
        self._scopes = resolved[ScopeProvider]
        self._bound_values = _simple_bindings(module)

    def span(self, node: cst.CSTNode) -> Span:
        position = self._positions[node]
        return Span(position.start.line, position.start.column + 1, position.end.line, position.end.column + 1)

    def qualified_names(self, node: cst.CSTNode) -> Set[str]:
        names = self._qualified_names.get(node)
        if names is None:
            return set()
        if callable(names):  # libcst computes qualified names lazily
            names = names()
        return {name.name for name in names}

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def binding(self, name: cst.Name) -> Union[cst.BaseExpression, str]:
        """The expression a name is bound to when it is bound exactly once by a
        plain assignment; otherwise a reason why it cannot be followed."""
        scope = self._scopes.get(name)
        if scope is None:
            return f"name {name.value!r} is not in any scope"
        assignments = list(scope[name.value])
        if not assignments:
            return f"name {name.value!r} is not defined in this file"
        if len(assignments) > 1:
            return f"name {name.value!r} is assigned {len(assignments)} times"
        assignment = assignments[0]
        if isinstance(assignment, ImportAssignment):
            return f"name {name.value!r} is imported from another module"
        if isinstance(assignment, BuiltinAssignment):
            return f"name {name.value!r} is a builtin"
        if isinstance(assignment, Assignment):
            value = self._bound_values.get(id(assignment.node))
            if value is not None:
                return value
        return f"name {name.value!r} is not bound by a simple assignment"


def _simple_bindings(module: cst.Module) -> Dict[int, cst.BaseExpression]:
    """Target ``Name`` node (by identity) -> assigned expression, for
    ``NAME = expr``, ``A = B = expr`` and ``NAME: T = expr``."""
    collector = _BindingCollector()
    module.visit(collector)
    return collector.values


class _BindingCollector(cst.CSTVisitor):
    def __init__(self) -> None:
        self.values: Dict[int, cst.BaseExpression] = {}

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self.values[id(target.target)] = node.value

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, cst.Name) and node.value is not None:
            self.values[id(node.target)] = node.value


def parse(source: bytes) -> cst.Module:
    """Parse source bytes; libcst honours PEP 263 declarations and a BOM.

    Raises ``cst.ParserSyntaxError`` or ``UnicodeDecodeError`` for bad input.
    """
    return cst.parse_module(source)


def dotted_name(node: Optional[cst.BaseExpression]) -> Optional[str]:
    """``a.b.c`` for a chain of names and attributes, else None."""
    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


def first_match(names: Iterable[str], wanted: Iterable[str]) -> Optional[str]:
    wanted_set = set(wanted)
    for name in sorted(names):
        if name in wanted_set:
            return name
    return None
