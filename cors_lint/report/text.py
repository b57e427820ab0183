"""Human-readable output: one finding a line, then its witness."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, List

if TYPE_CHECKING:
    from cors_lint.findings import Finding


def escape(text: str) -> str:
    """Control characters (terminal escape sequences among them) from the
    linted source are shown, not interpreted."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


WITNESS_SHOWN = 120  # longer witnesses (ReDoS attack strings) are shortened in text


def shortened(witness: str, limit: int = WITNESS_SHOWN) -> str:
    """A long witness as its beginning and end, with its length (complete in
    JSON and SARIF)."""
    if len(witness) <= limit:
        return witness
    return f"{witness[: limit - 30]}...{witness[-10:]} ({len(witness):,} characters)"


def format_finding(finding: Finding, unsafe_fixes: bool = False, show_fixes: bool = False) -> List[str]:
    from cors_lint.fixes import applicable

    where = finding.where
    suppressed = f" (suppressed by # noqa on line {finding.suppressed_by})" if finding.suppressed_by is not None else ""
    fixable = " [*]" if applicable(finding, unsafe_fixes) else ""  # as ruff marks what --fix would fix
    lines = [
        f"{escape(finding.path)}:{where.line}:{where.column}: {finding.code}{fixable} [{finding.severity}] "
        f"{escape(finding.message)}{suppressed}"
    ]
    if finding.witness is not None:
        lines.append(f"    witness: {escape(shortened(finding.witness))}")
    for related in finding.related:
        lines.append(f"    {escape(related.message)} at {escape(related.path)}:{related.line}")
    if finding.proof == "heuristic":
        lines.append("    proof: heuristic (not decided from the accepted language)")
    if show_fixes and finding.fix is not None and finding.fix.edits:
        lines.extend(format_fix(finding))
    return lines


def format_fix(finding: Finding) -> List[str]:
    """``--show-fixes``: the fix, its applicability and its edits."""
    fix = finding.fix
    assert fix is not None
    lines = [f"    fix ({fix.applicability}): {escape(fix.message)}"]
    for edit in fix.edits:
        lines.append(
            f"      {escape(edit.path)}:{edit.line}:{edit.column}-{edit.end_line}:{edit.end_column} -> {escape(edit.content)}"
        )
    return lines


def fix_hint(findings: List[Finding], unsafe_fixes: bool) -> List[str]:
    """ruff's trailer: how many findings ``--fix`` would fix, and how many
    more ``--unsafe-fixes`` would."""
    from cors_lint.fixes import applicable

    fixable = sum(1 for finding in findings if applicable(finding, unsafe_fixes))
    hidden = 0 if unsafe_fixes else sum(1 for f in findings if applicable(f, True) and not applicable(f, False))
    if not (fixable or hidden):
        return []
    hint = f"[*] {fixable} fixable with the --fix option"
    if hidden:
        hint += f" ({hidden} hidden fix{'es' if hidden != 1 else ''} can be enabled with the --unsafe-fixes option)"
    return [hint + "."]


def render(
    findings: Iterable[Finding], files_checked: int, quiet: bool = False, unsafe_fixes: bool = False, show_fixes: bool = False
) -> str:
    findings = list(findings)
    lines: List[str] = []
    for finding in findings:
        lines.extend(format_finding(finding, unsafe_fixes, show_fixes))
    findings = [finding for finding in findings if finding.suppressed_by is None]
    if not quiet:
        lines.extend(fix_hint(findings, unsafe_fixes))
        from cors_lint.findings import Severity

        counts = {severity: sum(1 for f in findings if f.severity == severity) for severity in Severity}
        summary = ", ".join(f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in sorted(Severity, reverse=True))
        noun = "file" if files_checked == 1 else "files"
        lines.append(f"{len(findings)} finding{'s' if len(findings) != 1 else ''} ({summary}) in {files_checked} {noun} checked")
    return "\n".join(lines) + ("\n" if lines else "")
