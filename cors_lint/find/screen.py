"""Before libcst, for a module that names Access-Control-Allow-Origin but never
imports flask_cors: can it write that header by hand at all?

Most such modules only mention the header (docstrings, a class-level
``header_property`` as in werkzeug, a library's own constants and reads) and
would cost a libcst parse, and libcst's import, for nothing. The header
finder (``find.headers``) records a write only inside a function and only in
three shapes: ``x.headers[KEY] = ...``, ``x.headers.method(KEY, ...)``, and
``{KEY: ...}``, with KEY the header's string literal or a name bound to it.
This test reads CPython's ``ast`` (which the guard has already built) and
accepts more than the finder in each shape (any method, any dict, any
subscript assignment), so it never turns away a module the finder would
report on; the test suite checks that on every example.
"""

from __future__ import annotations

import ast
from typing import Sequence, Set

ALLOW_ORIGIN = "access-control-allow-origin"  # the one spelling the pre-filter, screen and finder share


def may_write_allow_origin(tree: ast.AST) -> bool:
    """False only when no function of the module writes the header in a
    shape the header finder reads. One walk of the tree."""
    header_names: Set[str] = set()  # ACL_ORIGIN = "Access-Control-Allow-Origin"
    key_names: Set[str] = set()  # names used as a key in a write shape inside a function
    stack = [(tree, False)]
    while stack:
        node, in_function = stack.pop()
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None and _is_header_literal(node.value):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            header_names.update(target.id for target in targets if isinstance(target, ast.Name))
        if in_function:
            for key in _write_keys(node):
                if _is_header_literal(key):
                    return True
                if isinstance(key, ast.Name):
                    key_names.add(key.id)
        in_function = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        stack.extend((child, in_function) for child in ast.iter_child_nodes(node))
    return not header_names.isdisjoint(key_names)


def _write_keys(node: ast.AST) -> Sequence[ast.AST]:
    """The expressions in key position of a write shape: ``x[KEY] = ...``,
    ``{KEY: ...}``, ``x.headers.method(KEY, ...)``."""
    if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
        return [node.slice]
    if isinstance(node, ast.Dict):
        return [key for key in node.keys if key is not None]
    if isinstance(node, ast.Call) and _is_headers_method(node.func):
        return node.args
    return ()


def _is_headers_method(func: ast.AST) -> bool:
    """``something.headers.any_method``."""
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute) and func.value.attr == "headers"


def _is_header_literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.lower() == ALLOW_ORIGIN
