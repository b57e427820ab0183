"""SARIF 2.1.0 output, for GitHub code scanning and other SARIF readers."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Dict, Iterable, List

from cors_lint.findings import Finding, Severity
from cors_lint.report.explain import markdown_page
from cors_lint.report.text import shortened
from cors_lint.rules import ALL_RULES
from cors_lint.rules.base import Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}
# GitHub code scanning ranks security alerts by this CVSS-like score.
SECURITY_SEVERITY = {Severity.ERROR: "8.1", Severity.WARNING: "5.3", Severity.NOTE: "2.0"}
INFORMATION_URI = "https://github.com/cors-lint/cors-lint"
RULES_DOC = INFORMATION_URI + "/blob/main/docs/rules.md"


def rule_descriptor(rule: Rule) -> Dict:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": f"{rule.what} {rule.why}"},
        "helpUri": f"{RULES_DOC}#{rule.code.lower()}",
        "help": {"text": f"{rule.why}\n\nFix: {rule.fix}", "markdown": markdown_page(rule)},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "tags": ["security", "cors", "flask"],
            "precision": "high",
            "security-severity": SECURITY_SEVERITY[rule.severity],
        },
    }


def artifact_uri(path: str) -> str:
    """Relative to the working directory where possible, with forward slashes."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_uri()


def _artifact(path: str) -> Dict:
    uri = artifact_uri(path)
    return {"uri": uri, "uriBaseId": "%SRCROOT%"} if not uri.startswith("file:") else {"uri": uri}


def result(finding: Finding, rule_index: Dict[str, int]) -> Dict:
    message = {"text": _sentence(finding.message)}
    if finding.witness is not None:
        # The witness on a line of its own (shortened there; complete in properties).
        message["markdown"] = f"{_markdown_text(_sentence(finding.message))}\n\nWitness: `{_code_span(shortened(finding.witness))}`"
    where = finding.where
    location = _artifact(finding.path)
    entry: Dict = {
        "ruleId": finding.code,
        "ruleIndex": rule_index[finding.code],
        "level": LEVELS[finding.severity],
        "message": message,
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": location,
                    "region": {
                        "startLine": where.line,
                        "startColumn": where.column,
                        "endLine": max(where.end_line, where.line),
                        "endColumn": where.end_column if where.end_line > where.line else max(where.end_column, where.column),
                    },
                }
            }
        ],
        "properties": {"witness": finding.witness, **({"proof": finding.proof} if finding.proof else {})},
    }
    if finding.related:
        entry["relatedLocations"] = [
            {
                "id": number,
                "physicalLocation": {
                    "artifactLocation": _artifact(related.path),
                    "region": {"startLine": related.line, "startColumn": related.column},
                },
                "message": {"text": related.message},
            }
            for number, related in enumerate(finding.related)
        ]
    if finding.fix is not None and finding.fix.edits:
        entry["fixes"] = [_fix(finding)]
    if finding.suppressed_by is not None:
        entry["suppressions"] = [{"kind": "inSource", "justification": f"# noqa on line {finding.suppressed_by}"}]
    return entry


def _fix(finding: Finding) -> Dict:
    """The fix as SARIF's ``fix`` object: one artifactChange per file, each
    edit a replacement of its region; the applicability in properties."""
    fix = finding.fix
    assert fix is not None
    by_path: Dict[str, list] = {}
    for edit in fix.edits:
        by_path.setdefault(edit.path, []).append(
            {
                "deletedRegion": {
                    "startLine": edit.line,
                    "startColumn": edit.column,
                    "endLine": edit.end_line,
                    "endColumn": edit.end_column,
                },
                "insertedContent": {"text": edit.content},
            }
        )
    return {
        "description": {"text": _sentence(f"{fix.message} ({fix.applicability} fix)")},
        "artifactChanges": [
            {"artifactLocation": _artifact(path), "replacements": replacements} for path, replacements in sorted(by_path.items())
        ],
        "properties": {"applicability": fix.applicability},
    }


def _sentence(message: str) -> str:
    return message if message.endswith((".", "?", "!")) else message + "."


def _markdown_text(text: str) -> str:
    return "".join("\\" + char if char in "\\`*_[]<>|" else char for char in text)


def _code_span(text: str) -> str:
    return text.replace("`", "'")


def render(findings: Iterable[Finding], version: str) -> str:
    rules: List[Rule] = list(ALL_RULES)
    rule_index = {rule.code: position for position, rule in enumerate(rules)}
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "cors-lint",
                        "version": version,
                        "semanticVersion": version,
                        "informationUri": INFORMATION_URI,
                        "rules": [rule_descriptor(rule) for rule in rules],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
                "results": [result(finding, rule_index) for finding in findings],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=True) + "\n"
