"""Fixes: edits that rules propose as data, attached to their finding.

A rule knows *what* the fixed value is (``"https://app.example.com"`` for a
trailing-slash origin) and, from the model, whether the change is safe; it
does not see the source text. A string it proposes is therefore a
``NewStrings`` edit, rendered into source text by ``render`` (in the engine,
where the module's text is at hand) in the style of the literal it replaces:
the same prefix and quotes, so that only the node changes. Applying edits is
the ``cors_lint.fix`` front end's job.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Optional, Sequence, Tuple, Union

from cors_lint.evaluate.values import Span

if TYPE_CHECKING:
    from cors_lint.findings import Finding

SAFE = "safe"
UNSAFE = "unsafe"


@dataclass(frozen=True, order=True)
class Edit:
    """Replace the source from (line, column) to (end_line, end_column)
    (1-based, end exclusive, columns in characters) with ``content``."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    content: str

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class NewStrings:
    """A proposal not yet rendered: replace the string literal at ``where``
    by ``template`` with each ``{}`` a literal of the matching value, written
    with the prefix and quotes of the literal replaced (``r"..."`` stays raw;
    a backslash in a value adds an ``r`` prefix)."""

    where: Span
    values: Tuple[str, ...]
    template: str = "{}"


@dataclass(frozen=True)
class Rename:
    """A proposal not yet rendered: the option name ``old`` written at
    ``where`` (a keyword argument ``old=...``, or a dict key ``"old"``)
    becomes ``new``; only the name changes."""

    where: Span
    old: str
    new: str


@dataclass(frozen=True)
class StringToCode:
    """A proposal not yet rendered: the string literal at ``where`` becomes
    the code ``content`` (``"false"`` becomes ``False``); not offered when
    the value was not written as one plain literal there."""

    where: Span
    content: str


@dataclass(frozen=True)
class MoveBelow:
    """A proposal not yet rendered: the decorator whose call is at ``moved``
    (its ``@`` just before it) goes below the decorator at ``below``, whole
    lines moved with their indentation and comments. Not offered unless the
    moved decorator stands on lines of its own above ``below``."""

    moved: Span
    below: Span


@dataclass(frozen=True)
class AddKeyword:
    """A proposal not yet rendered: the call at ``where`` gets the keyword
    argument ``name=[values...]`` (a list of string literals) after its
    last argument, the comma and line layout of its arguments kept. Not
    offered when the call already passes ``name`` or unpacks ``**options``."""

    where: Span
    name: str
    values: Tuple[str, ...]


Proposal = Union[NewStrings, Rename, StringToCode, MoveBelow, AddKeyword]


@dataclass(frozen=True)
class Fix:
    applicability: str  # SAFE or UNSAFE
    message: str  # what the fix does, one short sentence
    edits: Tuple[Edit, ...] = ()
    proposals: Tuple[Proposal, ...] = ()  # rendered into ``edits`` by ``render``

    @property
    def is_safe(self) -> bool:
        return self.applicability == SAFE

    def as_dict(self) -> dict:
        return {"applicability": self.applicability, "message": self.message, "edits": [edit.as_dict() for edit in self.edits]}


# Findings about a file that was not analysed have nothing to fix.
NOT_ANALYSED = frozenset({"CRS001", "CRS002", "CRS003"})


def applicable(finding: "Finding", unsafe: bool) -> bool:
    """Is this finding's fix applied by ``--fix`` (with ``--unsafe-fixes``
    when ``unsafe``), and so marked ``[*]``?"""
    fix = finding.fix
    return (
        fix is not None
        and bool(fix.edits)
        and finding.suppressed_by is None
        and finding.code not in NOT_ANALYSED
        and (fix.is_safe or unsafe)
    )


def replace(where: Span, content: str, path: str = "") -> Edit:
    """An edit of the node at ``where`` (its ``path`` is filled in when the
    finding is placed in its file)."""
    return Edit(where.path or path, where.line, where.column, where.end_line, where.end_column, content)


def applicability(safe: bool) -> str:
    return SAFE if safe else UNSAFE


# --- rendering string literals in the style of the one replaced -----------------------

_LITERAL = re.compile(r"(?P<prefix>[rRuU]?)(?P<quote>'''|\"\"\"|'|\")", re.DOTALL)


def string_literal(original: str, value: str) -> Optional[str]:
    """``value`` written as a literal in the style of ``original`` (the
    source text of one plain string literal), or None when that cannot be
    done faithfully (bytes, f-strings, implicit concatenation)."""
    match = _LITERAL.match(original)
    if match is None or not original.endswith(match.group("quote")) or len(original) < 2 * len(match.group("quote")) + len(match.group("prefix")):
        return None
    prefix, quote = match.group("prefix"), match.group("quote")
    if not _one_string_token(original):
        return None  # concatenated literals, f-strings, anything else
    raw = "r" in prefix.lower() or ("\\" in value and not prefix)
    if raw:
        prefix = prefix if "r" in prefix.lower() else "r"
        text = prefix + quote + value + quote
    else:
        escaped = value.replace("\\", "\\\\").replace(quote[0], "\\" + quote[0])
        text = prefix + quote + escaped + quote
    try:
        if ast.literal_eval(text) == value:
            return text
    except (ValueError, SyntaxError):
        pass
    # A raw literal cannot hold this value (a quote, a final backslash): the
    # escaped form in the same quotes.
    escaped = value.replace("\\", "\\\\").replace(quote[0], "\\" + quote[0])
    text = quote + escaped + quote
    try:
        return text if ast.literal_eval(text) == value else None
    except (ValueError, SyntaxError):
        return None


def _one_string_token(text: str) -> bool:
    """Is ``text`` exactly one (non-f, non-bytes) string literal? A scan for
    the closing quote, cheaper than tokenizing: an escaped quote (raw or
    not) does not close the literal, and nothing may follow the one that does."""
    match = _LITERAL.match(text)
    if match is None:
        return False
    quote = match.group("quote")
    index = match.end()
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text.startswith(quote, index):
            return index + len(quote) == len(text)
        if text[index] in "\r\n" and len(quote) == 1:
            return False
        index += 1
    return False


def render(fix: Fix, path: str, text_of: Callable[[str], Optional[str]]) -> Optional[Fix]:
    """The fix with its proposals turned into edits, or None when one of
    them cannot be rendered faithfully (the fix is then not offered).
    ``text_of`` gives a module's source text by path."""
    if not fix.proposals:
        return dataclasses.replace(fix, edits=tuple(_placed(edit, path) for edit in fix.edits))
    edits = [_placed(edit, path) for edit in fix.edits]
    lines_by_path: dict = {}

    def lines_of(where: Span) -> Tuple[str, ...]:
        key = where.path or path
        if key not in lines_by_path:
            text = text_of(key)
            lines_by_path[key] = source_lines(text) if text is not None else ()
        return lines_by_path[key]

    for proposal in fix.proposals:
        if isinstance(proposal, MoveBelow):
            text = text_of(proposal.moved.path or path)
            edit = _moved(proposal, text, path) if text is not None else None
            if edit is None:
                return None
            edits.append(edit)
            continue
        original = text_at(lines_of(proposal.where), proposal.where)
        if isinstance(proposal, AddKeyword):
            call = _with_keyword(proposal, original) if original is not None else None
            if call is None:
                return None
            edits.append(replace(proposal.where, call, path))
            continue
        if original is None:
            return None
        if isinstance(proposal, StringToCode):
            if not _one_string_token(original):
                return None
            edits.append(replace(proposal.where, proposal.content, path))
            continue
        if isinstance(proposal, Rename):
            edit = _renamed(proposal, original, path)
            if edit is None:
                return None
            edits.append(edit)
            continue
        literals = [string_literal(original, value) for value in proposal.values]
        if any(literal is None for literal in literals):
            return None
        edits.append(replace(proposal.where, proposal.template.format(*literals), path))
    return Fix(fix.applicability, fix.message, tuple(sorted(edits)))


_KEYWORD = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=")


def _renamed(proposal: Rename, original: str, path: str) -> Optional[Edit]:
    where = proposal.where
    keyword = _KEYWORD.match(original)
    if keyword is not None and keyword.group("name") == proposal.old:
        # Only the name: the value, spaces and comments after it stay.
        return Edit(where.path or path, where.line, where.column, where.line, where.column + len(proposal.old), proposal.new)
    try:
        is_key = ast.literal_eval(original) == proposal.old
    except (ValueError, SyntaxError):
        return None
    literal = string_literal(original, proposal.new) if is_key else None
    return replace(where, literal, path) if literal is not None else None


def _moved(proposal: MoveBelow, text: str, path: str) -> Optional[Edit]:
    moved, below = proposal.moved, proposal.below
    lines = source_lines(text)
    ends = _LINE_END.findall(text)
    if not (moved.end_line < below.line <= below.end_line <= len(lines)) or below.end_line > len(ends):
        return None
    head = lines[moved.line - 1][: moved.column - 1]
    if head.strip() != "@" or not head.rstrip().endswith("@"):
        return None  # not a decorator on a line of its own
    tail = lines[moved.end_line - 1][moved.end_column - 1 :]
    if tail.strip() and not tail.strip().startswith("#"):
        return None
    after = lines[below.end_line - 1][below.end_column - 1 :].strip()
    if (after and not after.startswith("#")) or below.end_line >= len(lines):
        return None
    # Whole lines, each with its own line ending: the decorator's, then the
    # ones down to the route decorator, swapped.
    block = "".join(lines[number] + ends[number] for number in range(moved.line - 1, moved.end_line))
    rest = "".join(lines[number] + ends[number] for number in range(moved.end_line, below.end_line))
    line = moved.line
    return Edit(proposal.moved.path or path, line, 1, below.end_line + 1, 1, rest + block)


def python_literal(value: str) -> str:
    """A new string literal: raw when it holds a backslash (a regex)."""
    if "\\" in value and '"' not in value and not value.endswith("\\"):
        return f'r"{value}"'
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _with_keyword(proposal: AddKeyword, original: str) -> Optional[str]:
    """The call's source with one more keyword argument, through libcst so
    that the other arguments, comments and whitespace stay as written."""
    import libcst as cst

    try:
        call = cst.parse_expression(original)
    except Exception:  # noqa: BLE001 - libcst's parser errors: no fix
        return None
    if not isinstance(call, cst.Call) or any(arg.star for arg in call.args):
        return None
    if any(arg.keyword is not None and arg.keyword.value == proposal.name for arg in call.args):
        return None
    value = cst.parse_expression("[" + ", ".join(python_literal(item) for item in proposal.values) + "]")
    new = cst.Arg(
        value=value,
        keyword=cst.Name(proposal.name),
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
    )
    args = list(call.args)
    if args:
        last = args[-1]
        if isinstance(last.comma, cst.Comma):
            # A trailing comma: the new argument takes it, and the one before
            # it the comma (and line break) that separates the others.
            separator = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            before = args[-2].comma.whitespace_after if len(args) > 1 and isinstance(args[-2].comma, cst.Comma) else None
            if isinstance(before, cst.ParenthesizedWhitespace):
                # One argument a line: a line break and the same indentation (not the comment).
                separator = cst.Comma(whitespace_after=cst.ParenthesizedWhitespace(indent=before.indent, last_line=before.last_line))
            new = new.with_changes(comma=last.comma)
            args[-1] = last.with_changes(comma=separator)
        else:
            args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    args.append(new)
    return cst.Module([]).code_for_node(call.with_changes(args=args))


def _placed(edit: Edit, path: str) -> Edit:
    return edit if edit.path else dataclasses.replace(edit, path=path)


_LINE_END = re.compile(r"\r\n|\r|\n")


def source_lines(text: str) -> Tuple[str, ...]:
    """A module's lines as Python (and libcst) counts them: ``str.splitlines``
    would also split at form feeds and other separators inside a line."""
    return tuple(_LINE_END.split(text))


def text_at(lines: Sequence[str], where: Span) -> Optional[str]:
    """The source text of a span, from the file's lines (without their ends)."""
    if not (1 <= where.line <= where.end_line <= len(lines)):
        return None
    if where.line == where.end_line:
        return lines[where.line - 1][where.column - 1 : where.end_column - 1]
    parts = [lines[where.line - 1][where.column - 1 :]]
    parts += lines[where.line : where.end_line - 1]
    parts.append(lines[where.end_line - 1][: where.end_column - 1])
    return "\n".join(parts)
