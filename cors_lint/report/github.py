"""GitHub Actions workflow commands: one annotation a finding."""

from __future__ import annotations

from typing import Iterable

from cors_lint.findings import Finding, Severity
from cors_lint.report.text import shortened

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(findings: Iterable[Finding]) -> str:
    lines = []
    for finding in findings:
        where = finding.where
        message = finding.message + (f" (witness: {shortened(finding.witness)})" if finding.witness else "")
        properties = ",".join(
            [
                f"file={_property(finding.path)}",
                f"line={where.line}",
                f"col={where.column}",
                f"endLine={where.end_line}",
                f"endColumn={where.end_column}",
                f"title={_property(finding.code + ' ' + finding.name)}",
            ]
        )
        lines.append(f"::{COMMANDS[finding.severity]} {properties}::{_data(message)}")
    return "".join(line + "\n" for line in lines)
