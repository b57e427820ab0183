"""Before libcst: keep inputs that crash or hang its parser away from it.

libcst's native parser overflows its stack (a segmentation fault, which no
``except`` catches) or takes minutes on deeply nested or very long
expressions that CPython's own parser rejects cleanly or accepts in
milliseconds. So every candidate file goes through ``ast.parse`` first, and
only what stays within modest limits reaches libcst.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Set, Tuple, Union

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


def top_level_lines(tree: ast.Module, kept: Optional[Sequence[int]] = None) -> Tuple[Tuple[int, bool], ...]:
    """(first line, decorated) of each top-level statement (of those ``kept``
    by ``slice_module``): all that later stages need of CPython's tree, so the
    tree itself can be freed before libcst builds its own, several times larger."""
    statements = tree.body if kept is None else [tree.body[index] for index in kept]
    return tuple(
        (min(d.lineno for d in statement.decorator_list), True) if getattr(statement, "decorator_list", None) else (statement.lineno, False)
        for statement in statements
    )


def too_complex(tree: ast.Module, kept: Optional[Sequence[int]] = None) -> Optional[Refusal]:
    """Beyond libcst's limits? Only the ``kept`` top-level statements count."""
    statements = tree.body if kept is None else [tree.body[index] for index in kept]
    reason = next((found for found in (_complexity(statement, 2) for statement in statements) if found), None)
    return Refusal(f"{reason}, file not analysed") if reason else None


# Modules with at least this many top-level statements are sliced.
SLICE_FROM = 1000
_NEWLINE = re.compile(rb"\r\n|\r|\n")
_NEWLINE_TEXT = re.compile(r"\r\n|\r|\n")
# Expressions that may do something, or bind a name, when they run.
_ACTIVE = (ast.Call, ast.NamedExpr, ast.Lambda, ast.Yield, ast.YieldFrom, ast.Await)


@dataclass(frozen=True)
class Slice:
    source: Union[str, bytes]
    kept: Optional[List[int]]  # indices of the statements of CPython's tree that remain; None: all
    top_level_lines: Tuple[Tuple[int, bool], ...]  # of the sliced module


def slice_module(tree: ast.Module, source: Union[str, bytes]) -> Slice:
    """A long module without the top-level statements that cannot matter to
    the analysis, for libcst to parse (a 50,000-line module with one ``CORS``
    call costs libcst seconds and half a gigabyte). Dropped: assignments to
    plain names, of values that call nothing, whose names no kept statement
    mentions (as a name, an attribute, an imported name or a word of a
    string), and constant expression statements. Their lines are blanked, so
    every line keeps its number."""
    unchanged = Slice(source, None, top_level_lines(tree))
    body = tree.body
    if len(body) < SLICE_FROM:
        return unchanged
    binds: Dict[str, List[int]] = {}
    droppable: Set[int] = set()
    for index, statement in enumerate(body):
        names = _plain_binding(statement)
        if names is None or index == 0 or statement.lineno <= 2:
            continue
        previous_end = body[index - 1].end_lineno or 0
        following = body[index + 1].lineno if index + 1 < len(body) else None
        if previous_end >= statement.lineno or (following is not None and following <= (statement.end_lineno or 0)):
            continue  # shares a line with another statement
        droppable.add(index)
        for name in names:
            binds.setdefault(name, []).append(index)
    if not droppable:
        return unchanged
    mentioned: Set[str] = set()
    for index, statement in enumerate(body):
        if index not in droppable:
            mentioned.update(_mentions(statement))
    pending = list(mentioned)
    while pending:
        for index in binds.pop(pending.pop(), ()):
            if index in droppable:
                droppable.discard(index)
                new = _mentions(body[index]) - mentioned
                mentioned.update(new)
                pending.extend(new)
    if not droppable:
        return unchanged
    covered: Dict[int, bool] = {}  # line -> dropped (True) or kept (False)
    for index, statement in enumerate(body):
        first = min([statement.lineno] + [d.lineno for d in getattr(statement, "decorator_list", ())])
        for line in range(first, (statement.end_lineno or statement.lineno) + 1):
            covered[line] = index in droppable
    # Runs of dropped lines (with the blank and comment lines between them)
    # become one string literal continued over the same number of lines: one
    # token for libcst, where blank lines would each be a node.
    runs: Dict[int, int] = {}  # first line -> last line
    start = end = 0
    for line in sorted(line for line, dropped in covered.items() if dropped):
        if start and all(covered.get(between) is None for between in range(end + 1, line)):
            end = line
            continue
        if start:
            runs[start] = end
        start = end = line
    runs[start] = end
    kept = [index for index in range(len(body)) if index not in droppable]
    lines = sorted(top_level_lines(tree, kept) + tuple((line, False) for line in runs))
    if isinstance(source, bytes):
        return Slice(_replace_runs(source, runs, _NEWLINE, b"'", b"\\"), kept, tuple(lines))
    return Slice(_replace_runs(source, runs, _NEWLINE_TEXT, "'", "\\"), kept, tuple(lines))


def _plain_binding(statement: ast.stmt) -> Optional[Set[str]]:
    """The names a droppable statement binds (empty for a constant
    expression statement); None when it is not droppable."""
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
        return set()
    if isinstance(statement, ast.Assign) and all(isinstance(target, ast.Name) for target in statement.targets):
        names = {target.id for target in statement.targets}  # type: ignore[attr-defined]
    elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) and statement.value is not None:
        names = {statement.target.id}
    else:
        return None
    if any(isinstance(node, _ACTIVE) for node in ast.walk(statement.value)):  # type: ignore[arg-type]
        return None
    return names


def _mentions(statement: ast.AST) -> Set[str]:
    words: Set[str] = set()
    for node in ast.walk(statement):
        if isinstance(node, ast.Name):
            words.add(node.id)
        elif isinstance(node, ast.Attribute):
            words.add(node.attr)
        elif isinstance(node, ast.alias):
            words.update(node.name.split("."))
            if node.asname:
                words.add(node.asname)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            words.update(node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 200:
            words.update(re.findall(r"\w+", node.value))
    return words


def _replace_runs(source, runs: Dict[int, int], newline, quote, backslash):  # type: ignore[no-untyped-def]
    """Lines first..last of each run replaced by ``'\\``, ``\\``..., ``'``
    (``''`` for one line): an empty string over exactly those lines."""
    parts = []
    line = 1
    position = 0
    run_end = 0
    run_start = 0
    for match in newline.finditer(source):
        if line in runs:
            run_start, run_end = line, runs[line]
        if run_start <= line <= run_end:
            if line == run_start:
                parts.append(quote + (quote if run_start == run_end else backslash))
            elif line == run_end:
                parts.append(quote)
            else:
                parts.append(backslash)
        else:
            parts.append(source[position : match.start()])
        parts.append(match.group())
        position = match.end()
        line += 1
    if run_start <= line <= run_end:  # the last line, without a newline, ends a run
        parts.append(quote + quote if run_start == run_end else quote)
    else:
        parts.append(source[position:])
    return parts[0][:0].join(parts)


def _complexity(tree: ast.AST, depth: int = 1) -> Optional[str]:
    stack = [(tree, depth)]
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
