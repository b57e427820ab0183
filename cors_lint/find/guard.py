"""Before libcst: keep inputs that crash or hang its parser away from it.

libcst's native parser overflows its stack (a segmentation fault, which no
``except`` catches) or takes minutes on deeply nested or very long
expressions that CPython's own parser rejects cleanly or accepts in
milliseconds. So every candidate file goes through ``ast.parse`` first, and
only what stays within modest limits reaches libcst.
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass, field
from typing import Optional, Tuple, Union

MAX_SOURCE_BYTES = 1024 * 1024  # larger candidates are reported, not analysed
MAX_NESTING = 200  # CPython itself refuses more than 200 nested brackets
MAX_OPERANDS = 5000  # operands of one `and`/`or` or comparison chain


@dataclass(frozen=True)
class Refusal:
    message: str
    line: int = 1
    column: int = 1


@dataclass(frozen=True)
class Verdict:
    refusal: Optional[Refusal]  # do not hand the file to libcst
    python_error: Optional[Refusal]  # CPython's syntax error, if libcst fails too
    tree: Optional[ast.Module] = field(default=None, compare=False)  # CPython's tree, when it parsed


def check(source: Union[str, bytes]) -> Verdict:
    """May libcst parse this source?"""
    verdict = parse(source)
    if verdict.tree is None:
        return verdict
    return Verdict(too_complex(verdict.tree), None, verdict.tree)


def parse(source: Union[str, bytes]) -> Verdict:
    """CPython's parse alone: its refusal or tree. ``check`` adds the limits
    of expression size that only matter to a file libcst will see."""
    if len(source) > MAX_SOURCE_BYTES:
        return Verdict(Refusal(f"file is larger than {MAX_SOURCE_BYTES} bytes, not analysed"), None)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the linted code's own SyntaxWarnings are not ours to print
            tree = ast.parse(source)
    except SyntaxError as error:
        refusal = Refusal(f"syntax error, file not checked: {error.msg}", error.lineno or 1, error.offset or 1)
        too_deep = any(text in error.msg for text in ("too many nested", "too many levels", "too complex"))
        if too_deep or _bracket_depth(source) > MAX_NESTING:
            return Verdict(refusal, None)
        return Verdict(None, refusal)  # perhaps newer syntax than this Python knows: libcst may read it
    except (RecursionError, MemoryError):
        return Verdict(Refusal("nesting too deep for Python's own parser, file not checked"), None)
    except ValueError as error:  # NUL bytes, on older Pythons
        return Verdict(Refusal(f"cannot parse, file not checked: {error}"), None)
    return Verdict(None, None, tree)


def top_level_lines(tree: ast.Module) -> Tuple[Tuple[int, bool], ...]:
    """(first line, decorated) of each top-level statement: all that later
    stages need of CPython's tree, so the tree itself can be freed before
    libcst builds its own, several times larger."""
    return tuple(
        (min(d.lineno for d in statement.decorator_list), True) if getattr(statement, "decorator_list", None) else (statement.lineno, False)
        for statement in tree.body
    )


def too_complex(tree: ast.AST) -> Optional[Refusal]:
    reason = _complexity(tree)
    return Refusal(f"{reason}, file not analysed") if reason else None


def _complexity(tree: ast.AST) -> Optional[str]:
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            return f"expressions nested more than {MAX_NESTING} levels deep"
        if isinstance(node, ast.BoolOp) and len(node.values) > MAX_OPERANDS:
            return f"an expression with more than {MAX_OPERANDS} operands"
        if isinstance(node, ast.Compare) and len(node.comparators) > MAX_OPERANDS:
            return f"a comparison chain longer than {MAX_OPERANDS}"
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return None


def _bracket_depth(source: Union[str, bytes]) -> int:
    """The deepest bracket nesting, counted roughly (brackets inside strings
    count too): only used to decide whether libcst may see a file that
    CPython rejected."""
    text = source.decode("latin-1") if isinstance(source, bytes) else source
    depth = deepest = 0
    for char in text:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth = max(0, depth - 1)
    return deepest
