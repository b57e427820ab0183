"""JSON output: ``{"version": ..., "findings": [...]}``."""

from __future__ import annotations

import json
from typing import Iterable

from cors_lint.findings import Finding


def finding_object(finding: Finding) -> dict:
    extra = {} if finding.suppressed_by is None else {"suppressed_by": finding.suppressed_by}
    return {
        "code": finding.code,
        "name": finding.name,
        "severity": str(finding.severity),
        "path": finding.path,
        "line": finding.where.line,
        "column": finding.where.column,
        "end_line": finding.where.end_line,
        "end_column": finding.where.end_column,
        "message": finding.message,
        "witness": finding.witness,
        "related": [
            {"path": related.path, "line": related.line, "column": related.column, "message": related.message}
            for related in finding.related
        ],
        "proof": finding.proof,
        **extra,
    }


def render(findings: Iterable[Finding], version: str) -> str:
    document = {"version": version, "findings": [finding_object(finding) for finding in findings]}
    # ensure_ascii: valid JSON whatever bytes the linted files held.
    return json.dumps(document, indent=2, ensure_ascii=True) + "\n"
