"""Line and column of nodes, computed one top-level statement at a time.

libcst learns positions by regenerating the code of every node of the module
(``PositionProvider``), which costs more than parsing it. A module usually
needs positions in a few of its statements (a ``CORS(...)`` call, a config
write, one function among a hundred that writes a header), so each top-level
statement's positions are computed when a node in it is first asked about.
A node in the decorators of a function or class (``@app.route(...)``) needs
only the decorators generated, not the function's body.

Where a statement starts comes from CPython's line numbers (the guard's); the
regenerated code of the statement is then compared with the source text at
that line, so a wrong start can never give wrong positions: any mismatch, or
anything unexpected, falls back to libcst's positions for the whole module.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Tuple

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from cors_lint.find.walk import children

# How libcst counts lines (position_provider.NEWLINE_RE).
NEWLINE = re.compile(r"\r\n?|\n")
FINAL_NEWLINE = re.compile(r"(?:\r\n?|\n)\Z")


class Positions:
    """``positions[node]`` is the node's ``CodeRange``, as libcst's
    ``PositionProvider`` gives it."""

    def __init__(self, module: cst.Module, text: str, top_level_lines: Optional[Sequence[Tuple[int, bool]]]) -> None:
        """``top_level_lines``: (first line, decorated) of each top-level
        statement as CPython sees them (``guard.top_level_lines``); None to
        compute positions for the whole module at once."""
        self._module = module
        self._text = text
        self._starts = _statement_starts(module, top_level_lines) if top_level_lines is not None else None
        self._owner: Optional[Dict[int, int]] = None  # id(node) -> index of its top-level statement
        self._line_offsets: Optional[List[int]] = None
        self._computed: Dict[cst.CSTNode, CodeRange] = {}
        self._done: Set[int] = set()  # statements whose positions are all known
        self._in_decorators: Set[int] = set()  # id(node) of the nodes in a top-level statement's decorators
        self._decorators_done: Set[int] = set()  # statements whose decorators' positions are known
        self._whole: Optional[Dict[cst.CSTNode, CodeRange]] = None

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        if self._whole is not None:
            return self._whole[node]
        found = self._computed.get(node)
        if found is not None:
            return found
        statement = self._statement_of(node)
        if statement is not None and id(node) in self._in_decorators and statement not in self._decorators_done:
            # A decorator of a function or class (``@app.route``, ``@cross_origin``):
            # the decorators alone are generated, not the body below them.
            if self._compute_decorators(statement):
                return self._computed[node]
        if statement is None or statement in self._done or not self._compute(statement):
            self._whole = whole_module_positions(self._module)
            return self._whole[node]
        return self._computed[node]

    def _statement_of(self, node: cst.CSTNode) -> Optional[int]:
        if self._starts is None:
            return None
        if self._owner is None:
            self._owner = {}
            for index, statement in enumerate(self._module.body):
                pending: List[cst.CSTNode] = [statement]
                if isinstance(statement, (cst.FunctionDef, cst.ClassDef)) and statement.decorators:
                    # The decorators first, each node of them marked as such.
                    pending = list(statement.decorators)
                    while pending:
                        current = pending.pop()
                        self._owner[id(current)] = index
                        self._in_decorators.add(id(current))
                        pending.extend(children(current))
                    pending = [child for child in children(statement) if id(child) not in self._in_decorators]
                    self._owner[id(statement)] = index
                while pending:
                    current = pending.pop()
                    self._owner[id(current)] = index
                    pending.extend(children(current))
        return self._owner.get(id(node))

    def _compute(self, index: int) -> bool:
        """Positions of one top-level statement; False when they cannot be
        trusted (the caller then falls back to the whole module)."""
        statement = self._module.body[index]
        if not self._generate(index, lambda state: statement._codegen(state)):
            return False
        self._done.add(index)
        self._decorators_done.add(index)
        return True

    def _compute_decorators(self, index: int) -> bool:
        """Positions of the decorators of a top-level function or class:
        generated as ``FunctionDef._codegen`` begins (its leading lines, then
        each decorator), which costs a fraction of the whole definition."""
        statement = self._module.body[index]
        assert isinstance(statement, (cst.FunctionDef, cst.ClassDef))

        def generate(state) -> None:
            for line in statement.leading_lines:
                line._codegen(state)
            for decorator in statement.decorators:
                decorator._codegen(state)

        if not self._generate(index, generate):
            return False
        self._decorators_done.add(index)
        return True

    def _generate(self, index: int, generate: Callable[[Any], None]) -> bool:
        """Run ``generate`` on a positions-recording state that starts at the
        statement's first line; keep the positions if the code it wrote is
        what the source holds there."""
        assert self._starts is not None
        start = self._starts[index]
        try:
            provider = PositionProvider()
            state = _codegen_state(self._module, provider)
            state.line = start
            generate(state)
            computed = provider._computed
        except (AttributeError, TypeError):  # a libcst whose internals differ
            return False
        code = "".join(state.tokens)
        if not self._text_at(start, code):
            return False
        self._computed.update(computed)
        return True

    def _text_at(self, line: int, code: str) -> bool:
        """Is ``code`` what the source holds from the start of ``line``?"""
        if self._line_offsets is None:
            self._line_offsets = [0] + [match.end() for match in NEWLINE.finditer(self._text)]
        if not 1 <= line <= len(self._line_offsets):
            return False
        offset = self._line_offsets[line - 1]
        if self._text.startswith(code, offset):
            return True
        # A module without a final newline: libcst drops it after generating the code.
        return not self._module.has_trailing_newline and self._text.startswith(FINAL_NEWLINE.sub("", code), offset)


def whole_module_positions(module: cst.Module) -> Dict[cst.CSTNode, CodeRange]:
    """PositionProvider's metadata for the whole module. ``MetadataWrapper.resolve``
    also runs a batched visit of the whole tree, with no visitor in it when
    only positions are asked for: that empty walk cost as much as the
    positions themselves, so the provider is run directly where libcst allows."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    try:
        return PositionProvider()._gen(wrapper)
    except (AttributeError, TypeError):  # a libcst without _gen: the public, slower way
        return wrapper.resolve(PositionProvider)


def _codegen_state(module: cst.Module, provider: PositionProvider):
    from libcst.metadata.position_provider import PositionProvidingCodegenState

    return PositionProvidingCodegenState(
        default_indent=module.default_indent, default_newline=module.default_newline, provider=provider
    )


def _statement_starts(module: cst.Module, top_level_lines: Sequence[Tuple[int, bool]]) -> Optional[List[int]]:
    """The line where each top-level statement's code begins (its leading
    comments and blank lines included); None when libcst's statements and
    CPython's do not line up."""
    starts: List[int] = []
    position = 0
    for statement in module.body:
        # `a = 1; b = 2` is one line to libcst, two statements to CPython.
        count = len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
        if position + count > len(top_level_lines):
            return None
        line, decorated = top_level_lines[position]
        position += count
        leading = len(statement.leading_lines)
        if decorated:
            if not isinstance(statement, (cst.FunctionDef, cst.ClassDef)) or not statement.decorators:
                return None
            leading += len(statement.decorators[0].leading_lines)
        starts.append(line - leading)
    return starts if position == len(top_level_lines) else None
