"""The fix front end: applies the edits rules propose, re-analyses, repeats.

No analysis happens here. The findings (and their fixes, with the
applicability the rules computed from the model) come from the ordinary
check; this module only chooses which fixes to apply, replaces exactly the
source range of each edit (every other byte of the file stays as it was:
quotes, comments, line endings, trailing commas), and asks for the findings
of the changed files again, until no applicable fix is left or
``MAX_PASSES`` passes have run.
"""

from __future__ import annotations

import io
import re
import tokenize
import warnings
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from cors_lint.findings import Finding
from cors_lint.fixes import Edit, Fix, applicable

# Fixes may conflict (two rules rewrite one literal) or enable one another;
# each pass applies what does not overlap and analyses the result again.
MAX_PASSES = 8
_LINE_END = re.compile(r"\r\n|\r|\n")

# The findings of files' new contents: [(path, bytes in the file's encoding)] -> findings.
Analyse = Callable[[Sequence[Tuple[str, bytes]]], List[Finding]]


@dataclass
class Document:
    """One file being fixed: its bytes as read, its encoding, its text now."""

    original: bytes
    encoding: str
    text: str

    @classmethod
    def decode(cls, data: bytes) -> "Optional[Document]":
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            return cls(data, encoding, data.decode(encoding))
        except (SyntaxError, LookupError, UnicodeDecodeError):
            return None  # not decodable as Python source: nothing to fix (CRS001 says why)

    @property
    def changed(self) -> bool:
        return self.encoded() != self.original

    def encoded(self) -> bytes:
        return self.text.encode(self.encoding)

    def original_text(self) -> str:
        return self.original.decode(self.encoding)


@dataclass
class FixRun:
    documents: Dict[str, Document] = field(default_factory=dict)
    fixed: int = 0  # findings whose fix was applied

    def changed(self) -> List[str]:
        return sorted(path for path, document in self.documents.items() if document.changed)


def run(findings: Sequence[Finding], read: Callable[[str], bytes], analyse: Analyse, unsafe: bool) -> FixRun:
    """Apply the applicable fixes of ``findings``, re-analysing the changed
    files (``analyse``) until nothing more applies. Files are read with
    ``read``; nothing is written here."""
    result = FixRun()
    current = list(findings)
    for _ in range(MAX_PASSES):
        by_path = _fixes_by_path(current, unsafe)
        if not by_path:
            break
        touched: List[str] = []
        for path in sorted(by_path):
            document = result.documents.get(path) or _load(path, read)
            if document is None:
                continue
            result.documents[path] = document
            chosen = _compatible(by_path[path])
            text = apply_edits(document.text, [edit for fix in chosen for edit in fix.edits])
            if text is None or text == document.text or not _parses(text):
                continue  # an edit that does not fit the text, or would break the file: left alone
            document.text = text
            result.fixed += len(chosen)
            touched.append(path)
        if not touched:
            break
        current = analyse([(path, result.documents[path].encoded()) for path in touched])
    return result


def _load(path: str, read: Callable[[str], bytes]) -> Optional[Document]:
    try:
        return Document.decode(read(path))
    except OSError:
        return None


def _fixes_by_path(findings: Iterable[Finding], unsafe: bool) -> Dict[str, List[Fix]]:
    """The applicable fixes, by the file their edits change (a fix editing
    several files is not applied), each once."""
    by_path: Dict[str, List[Fix]] = {}
    for finding in findings:
        if not applicable(finding, unsafe):
            continue
        fix = finding.fix
        assert fix is not None
        paths = {edit.path for edit in fix.edits}
        if len(paths) == 1:
            fixes = by_path.setdefault(paths.pop(), [])
            if fix not in fixes:
                fixes.append(fix)
    return by_path


def _compatible(fixes: Sequence[Fix]) -> List[Fix]:
    """In a stable order (by position, then text), the fixes whose edits do
    not overlap an earlier one's; the others wait for the next pass."""
    chosen: List[Fix] = []
    taken: List[Tuple[Tuple[int, int], Tuple[int, int]]] = []
    for fix in sorted(fixes, key=lambda fix: (fix.edits, fix.message, fix.applicability)):
        ranges = [((edit.line, edit.column), (edit.end_line, edit.end_column)) for edit in fix.edits]
        if any(start < other_end and other_start < end or start == other_start for start, end in ranges for other_start, other_end in taken):
            continue
        chosen.append(fix)
        taken.extend(ranges)
    return chosen


def apply_edits(text: str, edits: Sequence[Edit]) -> Optional[str]:
    """``text`` with each edit's range replaced by its content; None when an
    edit lies outside the text."""
    starts = [0] + [match.end() for match in _LINE_END.finditer(text)]
    ends = [match.start() for match in _LINE_END.finditer(text)] + [len(text)]

    def offset(line: int, column: int) -> Optional[int]:
        if not 1 <= line <= len(starts) or column < 1 or starts[line - 1] + column - 1 > ends[line - 1]:
            return None
        return starts[line - 1] + column - 1

    placed = []
    for edit in edits:
        start, end = offset(edit.line, edit.column), offset(edit.end_line, edit.end_column)
        if start is None or end is None or end < start:
            return None
        placed.append((start, end, edit.content))
    for start, end, content in sorted(placed, reverse=True):
        text = text[:start] + content + text[end:]
    return text


def _parses(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences in the linted code
            compile(text, "<fixed>", "exec", dont_inherit=True)
        return True
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False


def unified_diff(run_result: FixRun, paths: Optional[Sequence[str]] = None) -> str:
    """The unified diff of every changed file, as ``--diff`` prints it."""
    import difflib

    chunks = []
    for path in paths if paths is not None else run_result.changed():
        document = run_result.documents[path]
        if not document.changed:
            continue
        chunks.extend(
            difflib.unified_diff(
                _lines(document.original_text()),
                _lines(document.text),
                fromfile=f"a/{path}",
                tofile=f"b/{path}",
            )
        )
    text = "".join(chunk if chunk.endswith(("\n", "\r")) else chunk + "\n\\ No newline at end of file\n" for chunk in chunks)
    return text


def _lines(text: str) -> List[str]:
    """Lines with their ends, split where Python splits them (not at form feeds)."""
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z", text)


def write(run_result: FixRun) -> List[str]:
    """Write every changed file; returns those written."""
    written = []
    for path in run_result.changed():
        with open(path, "wb") as handle:
            handle.write(run_result.documents[path].encoded())
        written.append(path)
    return written
