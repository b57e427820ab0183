"""CRS001 and CRS002: a file could not be analysed. The engine reports
them; the rules are here for their documentation."""

from __future__ import annotations

from cors_lint.evaluate.values import Span
from cors_lint.findings import Severity
from cors_lint.rules.base import Rule

FILE_START = Span(1, 1, 1, 1)  # where a finding about the whole file is placed

UNPARSEABLE = Rule(
    code="CRS001",
    name="unparseable-file",
    severity=Severity.ERROR,
    summary="The file could not be parsed (syntax error, undecodable bytes); it was not checked.",
    what="Reports files that cors-lint could not read or parse, instead of skipping them.",
    why=(
        "A file that is not checked may hold the permissive configuration. Reporting it keeps an exit status "
        "of 0 meaning 'checked and clean', never 'skipped'."
    ),
    bad="from flask_cors import CORS\nCORS(app, origins=[\n",
    good="from flask_cors import CORS\nCORS(app, origins=['https://app.example.com'])\n",
    fix="Fix the syntax error or the file's encoding (declare it with a PEP 263 comment).",
    check=None,
)

INTERNAL_ERROR = Rule(
    code="CRS002",
    name="internal-error",
    severity=Severity.ERROR,
    summary="cors-lint failed on this file (a bug in cors-lint); the file was not fully checked.",
    what="Reports an unexpected error inside cors-lint while analysing one file; the other files are still checked.",
    why="A crash must not pass for a clean result: the file may hold a permissive configuration.",
    bad="",
    good="",
    fix="Please report it with the file (or a reduced version of it) and the message.",
    check=None,
)

ANALYSIS_TIMEOUT = Rule(
    code="CRS003",
    name="analysis-timeout",
    severity=Severity.ERROR,
    summary="The analysis of this file ran out of its time budget (`--timeout`); the file was not checked.",
    what=(
        "Reports a file whose analysis did not finish within `--timeout` seconds (default 10), and the step that "
        "was running; every other file is still analysed and reported, and the exit status is 1."
    ),
    why=(
        "A file that is not checked may hold the permissive configuration, and a check that never ends blocks a "
        "commit hook or a CI job. Stopping at the budget keeps the run bounded without passing the file as clean."
    ),
    bad="",
    good="",
    fix=(
        "Raise the budget (`--timeout 60`, or `timeout = 60` in `[tool.cors-lint]`), or split the file; if an "
        "ordinary file takes this long, please report it."
    ),
    check=None,
)

RULES = (UNPARSEABLE, INTERNAL_ERROR, ANALYSIS_TIMEOUT)
