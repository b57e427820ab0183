"""The flake8 plugin: flake8's view of a file in, cors-lint's findings out.

Registered under the code prefix ``CRS``. Files that neither configure CORS
nor hold values it may read cost a few substring searches.
"""

from __future__ import annotations

import ast
import os
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
        if not _may_hold_cors_values(source):
            return
        from cors_lint import lint_in_project

        here = os.path.normpath(self.filename)
        # The file is seen as part of its app, as ``cors-lint FILE`` sees it;
        # flake8 places a finding in the file it hands over, so each finding is
        # reported when flake8 checks the file that holds it.
        for finding in lint_in_project(self.filename, source.encode("utf-8")):
            if finding.suppressed_by is not None or os.path.normpath(finding.path) != here:
                continue
            from cors_lint.report.text import shortened

            witness = f" (witness: {shortened(finding.witness)})" if finding.witness else ""
            # flake8 has one line per finding: the registrations that use a value written here go in it.
            used = "".join(f" ({related.message} at {related.path}:{related.line})" for related in finding.related)
            yield finding.where.line, finding.where.column - 1, f"{finding.code} {finding.message}{witness}{used}", type(self)


def _may_hold_cors_values(source: str) -> bool:
    """Configures CORS, or holds values an app's CORS set-up may read (a
    settings module with ``CORS_*`` keys, a constant of origins)."""
    from cors_lint import engine

    return engine.is_candidate(source) or any(word in source for word in VALUE_MARKERS)


# Names that settings and constants modules give the values flask-cors reads.
VALUE_MARKERS = ("CORS_", "ORIGINS", "origins")
