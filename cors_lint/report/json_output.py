"""JSON output: ``{"version": ..., "summary": {...}, "findings": [...]}``."""

from __future__ import annotations

import json
from collections import Counter
from typing import Iterable, Sequence

from cors_lint.findings import Finding, Severity

UNANALYSED = frozenset({"CRS001", "CRS002", "CRS003"})


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
        "fix": finding.fix.as_dict() if finding.fix is not None and finding.fix.edits else None,
        **extra,
    }


def summary(findings: Sequence[Finding], files_checked: int) -> dict:
    """Counts of the reported findings (those silenced by ``# noqa`` and
    listed with --show-suppressed are not counted); ``unanalysed``: files
    that could not be analysed (CRS001-CRS003)."""
    counted = [finding for finding in findings if finding.suppressed_by is None]
    return {
        "files": files_checked,
        "findings": len(counted),
        "by_severity": {str(severity): sum(1 for f in counted if f.severity == severity) for severity in sorted(Severity, reverse=True)},
        "by_code": dict(sorted(Counter(finding.code for finding in counted).items())),
        "unanalysed": len({f.path for f in counted if f.code in UNANALYSED}),
    }


def render(findings: Iterable[Finding], version: str, files_checked: int = 0) -> str:
    findings = list(findings)
    document = {
        "version": version,
        "summary": summary(findings, files_checked),
        "findings": [finding_object(finding) for finding in findings],
    }
    # ensure_ascii: valid JSON whatever bytes the linted files held.
    return json.dumps(document, indent=2, ensure_ascii=True) + "\n"
