"""``# noqa`` suppressions, as flake8 and ruff write them.

``# noqa`` silences every finding of the statement it is on; ``# noqa:
CRS101,CRS104`` only those codes (or code prefixes). Unlike flake8, the
comment may sit on any line of a multi-line statement, so one comment serves
a call spread over several lines.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple

_NOQA = re.compile(r"#\s*noqa(?::[\s]*(?P<codes>[A-Z]+[0-9]*(?:[\s,]+[A-Z]+[0-9]*)*))?", re.IGNORECASE)


@dataclass(frozen=True)
class Noqa:
    codes: Optional[FrozenSet[str]]  # None: every code

    def covers(self, code: str) -> bool:
        return self.codes is None or any(code.startswith(prefix) for prefix in self.codes)


def noqa_comments(source: str) -> Dict[int, Noqa]:
    """Line number -> the noqa comment on it. Comments are found with
    ``tokenize``, so ``"# noqa"`` inside a string does not count."""
    comments: Dict[int, Noqa] = {}
    if "noqa" not in source.lower():
        return comments  # the common case, without tokenizing
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return comments
    for token in tokens:
        if token.type == tokenize.COMMENT:
            match = _NOQA.search(token.string)
            if match:
                codes = match.group("codes")
                parsed = frozenset(code.upper() for code in re.split(r"[\s,]+", codes) if code) if codes else None
                comments[token.start[0]] = Noqa(parsed)
    return comments


def suppressing_comment(
    code: str, line: int, statements: Sequence[Tuple[int, int]], comments: Dict[int, Noqa]
) -> Optional[int]:
    """The line of the noqa comment that silences ``code`` reported at
    ``line``: on that line, or on any line of the innermost statement
    (``statements``: first and last line of each) that contains it."""
    containing = [(end - start, start, end) for start, end in statements if start <= line <= end]
    lines: List[int] = [line]
    if containing:
        _, start, end = min(containing)
        lines = list(range(start, end + 1))
    for candidate in lines:
        comment = comments.get(candidate)
        if comment is not None and comment.covers(code):
            return candidate
    return None
