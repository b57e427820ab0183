"""The flake8 plugin: flake8's view of a file in, cors-lint's findings out.

Registered under the code prefix ``CRS``. Files that never mention flask_cors
cost one substring search.
"""

from __future__ import annotations

import ast
from typing import Iterator, List, Tuple, Type

from cors_lint import __version__


class Plugin:
    name = "cors-lint"
    version = __version__

    # flake8 hands plugins their arguments by parameter name; asking for
    # ``tree`` makes this a once-per-file plugin. The tree itself is not used:
    # cors-lint parses with libcst, which keeps what the analysis needs.
    def __init__(self, tree: ast.AST, filename: str, lines: List[str]) -> None:
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[Tuple[int, int, str, Type["Plugin"]]]:
        source = "".join(self.lines)
        from cors_lint import engine

        if not engine.is_candidate(source):
            return
        for finding in engine.lint_source(source, self.filename):
            # flake8 places findings in the file it hands over; a value written
            # in an imported settings module belongs to that module's report,
            # which flake8 cannot make. ``cors-lint`` reports those.
            if finding.suppressed_by is not None or finding.path != self.filename:
                continue
            from cors_lint.report.text import shortened

            witness = f" (witness: {shortened(finding.witness)})" if finding.witness else ""
            yield finding.where.line, finding.where.column - 1, f"{finding.code} {finding.message}{witness}", type(self)
