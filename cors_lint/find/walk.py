"""A read-only walk of a libcst tree.

libcst's ``node.visit(visitor)`` rebuilds every node it passes (each
``_visit_and_replace_children`` constructs and validates a new node), so
merely walking a module costs about as much as parsing it again. The finder
only reads the tree, so it walks the dataclass fields instead, in source
order, and skips the fields that hold only whitespace and punctuation.

A ``Walker`` subclass defines ``visit_<NodeType>`` (return False to skip the
node's children) and ``leave_<NodeType>`` methods, as with libcst visitors.
"""

from __future__ import annotations

import dataclasses
from typing import Dict, Iterator, Mapping, Optional, Tuple, Type

import libcst as cst

# Fields that hold only whitespace, comments or punctuation tokens.
_TOKEN_FIELDS = frozenset(
    {
        "asynchronous", "colon", "comma", "dot", "empty_lines", "equal", "first_colon", "footer", "header",
        "lbrace", "lbracket", "leading_lines", "leading_whitespace", "lines_after_decorators", "lpar", "newline", "operator",
        "rbrace", "rbracket", "relative", "rpar", "second_colon", "semicolon", "trailing_whitespace",
    }
)

# Fields whose declaration order is not the order they appear in the source.
_SOURCE_ORDER: Mapping[str, Tuple[str, ...]] = {
    "Arg": ("keyword", "value"),
    "ClassDef": ("decorators", "name", "type_parameters", "bases", "keywords", "body"),
    "ExceptHandler": ("type", "name", "body"),
    "ExceptStarHandler": ("type", "name", "body"),
    "FunctionDef": ("decorators", "name", "type_parameters", "params", "returns", "body"),
    "IfExp": ("body", "test", "orelse"),
    "MatchCase": ("pattern", "guard", "body"),
    "Parameters": ("posonly_params", "posonly_ind", "params", "star_arg", "kwonly_params", "star_kwarg"),
}


def _all_node_types() -> Iterator[Type[cst.CSTNode]]:
    pending = [cst.CSTNode]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if dataclasses.is_dataclass(cls):
            yield cls


def _child_fields(cls: Type[cst.CSTNode]) -> Tuple[str, ...]:
    names = [field.name for field in dataclasses.fields(cls)]
    ordered = _SOURCE_ORDER.get(cls.__name__)
    if ordered is not None:
        names = [name for name in ordered if name in names] + [name for name in names if name not in ordered]
    return tuple(name for name in names if name not in _TOKEN_FIELDS and not name.startswith("whitespace"))


# Built once at import, read-only afterwards.
CHILD_FIELDS: Mapping[type, Tuple[str, ...]] = {cls: _child_fields(cls) for cls in _all_node_types()}


def children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The node's children that can hold code, in source order."""
    for name in CHILD_FIELDS[type(node)]:
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            yield value
        elif isinstance(value, (tuple, list)):
            for item in value:
                if isinstance(item, cst.CSTNode):
                    yield item


class Walker:
    """Calls ``visit_X``/``leave_X`` for each node of type X, depth first."""

    _visitors: Dict[type, str]
    _leavers: Dict[type, str]

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        cls._visitors = _methods(cls, "visit_")
        cls._leavers = _methods(cls, "leave_")

    def walk(self, node: cst.CSTNode) -> None:
        visit = self._visitors.get(type(node))
        if visit is None or getattr(self, visit)(node) is not False:
            for child in children(node):
                self.walk(child)
        leave: Optional[str] = self._leavers.get(type(node))
        if leave is not None:
            getattr(self, leave)(node)


def _methods(cls: type, prefix: str) -> Dict[type, str]:
    methods: Dict[type, str] = {}
    for attribute in dir(cls):
        if attribute.startswith(prefix):
            node_type = getattr(cst, attribute[len(prefix):], None)
            if isinstance(node_type, type) and issubclass(node_type, cst.CSTNode):
                methods[node_type] = attribute
    return methods


def find_all(node: cst.CSTNode, node_types: Tuple[type, ...], skip: Tuple[type, ...] = ()) -> list:
    """Every node of the ``node_types`` under ``node`` (itself included), in
    source order, not looking inside nodes of the ``skip`` types."""
    found = []
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, node_types):
            found.append(current)
        if not isinstance(current, skip):
            pending.extend(reversed(list(children(current))))
    return found
