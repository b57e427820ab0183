"""cors-lint: a static analyser for the CORS configuration of Flask applications.

The public API shared by the front ends is ``lint_paths`` and ``lint_source``.
Heavy imports (libcst) happen only when something is linted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, List, Sequence, Tuple

__version__ = "0.1.0"

if TYPE_CHECKING:
    from cors_lint.findings import Finding


@dataclass(frozen=True)
class LintRun:
    findings: "Tuple[Finding, ...]"  # sorted by path and position
    files_checked: int


def lint_source(
    source: "str | bytes", path: str = "<stdin>", select: Sequence[str] = (), ignore: Sequence[str] = ()
) -> "List[Finding]":
    """Findings for one file's contents."""
    from cors_lint import engine

    return engine.lint_source(source, path, select, ignore)


def lint_paths(
    paths: Sequence[str], exclude: Sequence[str] = (), select: Sequence[str] = (), ignore: Sequence[str] = ()
) -> LintRun:
    """Findings for files and directories.

    Raises ``cors_lint.files.MissingPath`` for a path that does not exist.
    """
    from cors_lint import engine, files
    from cors_lint.findings import Finding

    file_paths = files.python_files(paths, exclude)
    findings: List[Finding] = []
    for path in file_paths:
        findings.extend(engine.lint_file(path, select, ignore))
    return LintRun(tuple(sorted(findings, key=Finding.sort_key)), len(file_paths))
