"""Rule documentation, rendered from the rules' own metadata: for
``--explain`` in the terminal and for docs/rules.md."""

from __future__ import annotations

import textwrap
from typing import Iterable

from cors_lint.rules.base import Rule


def explain(rule: Rule) -> str:
    """ruff-style page: what it does, why it is bad, example, use instead."""
    parts = [
        f"{rule.code} {rule.name} [{rule.severity}]",
        "",
        rule.summary,
        "",
        "What it does",
        _wrap(rule.what),
        "",
        "Why is this bad?",
        _wrap(rule.why),
    ]
    if rule.bad:
        parts += ["", "Example" + _pinned(rule), _indent(rule.bad.rstrip())]
    if rule.good:
        parts += ["", "Use instead" + _pinned(rule), _indent(rule.good.rstrip())]
    parts += ["", "Fix", _wrap(rule.fix)]
    parts += ["", f"Automatic fix ({fix_availability(rule)})", _wrap(automatic_fix(rule))]
    if rule.fixed:
        parts += ["", "Fixed example (--fix --unsafe-fixes)", _indent(rule.fixed.rstrip())]
    return "\n".join(parts) + "\n"


def fix_availability(rule: Rule) -> str:
    """How a rule's fix applies: never, always safe, always unsafe, or
    decided per finding from the model."""
    if not rule.fixed:
        return "none"
    return "unsafe" if rule.fix_always_unsafe else "safe or unsafe, decided per finding"


def automatic_fix(rule: Rule) -> str:
    if not rule.fixed:
        return "None: there is no mechanical fix; what to write instead needs the author's decision (see Fix)."
    return f"`--fix` {rule.fix_applicability}"


def _pinned(rule: Rule) -> str:
    """The examples of the advisory rules run with a flask-cors release pinned."""
    if not rule.example_flask_cors_version:
        return ""
    return f" (with `flask-cors=={rule.example_flask_cors_version}` in the requirements)"


def _wrap(text: str) -> str:
    return textwrap.fill(text, width=88, initial_indent="    ", subsequent_indent="    ", break_on_hyphens=False)


def _indent(text: str) -> str:
    return "\n".join("    " + line if line else "" for line in text.splitlines())


def markdown(rules: Iterable[Rule]) -> str:
    rules = list(rules)
    lines = [
        "# cors-lint rules",
        "",
        "Generated from the rules' metadata by `python -m cors_lint.report.explain`; do not edit by hand.",
        "",
        "| code | name | severity | summary |",
        "|---|---|---|---|",
    ]
    lines += [f"| [{r.code}](#{r.code.lower()}) | {r.name} | {r.severity} | {_cell(r.summary)} |" for r in rules]
    for rule in rules:
        lines += ["", f"## {rule.code}", "", markdown_page(rule, heading_level=3).rstrip()]
    return "\n".join(lines) + "\n"


def markdown_page(rule: Rule, heading_level: int = 2) -> str:
    """One rule's page in Markdown (docs/rules.md, SARIF help)."""
    heading = "#" * heading_level
    lines = [f"**{rule.name}** (default severity: {rule.severity})", "", rule.summary]
    lines += ["", f"{heading} What it does", "", rule.what, "", f"{heading} Why is this bad?", "", rule.why]
    if rule.bad:
        lines += ["", f"{heading} Example{_pinned(rule)}", "", "```python", rule.bad.rstrip(), "```"]
    if rule.good:
        lines += ["", f"{heading} Use instead{_pinned(rule)}", "", "```python", rule.good.rstrip(), "```"]
    lines += ["", f"{heading} Fix", "", rule.fix]
    lines += ["", f"{heading} Automatic fix ({fix_availability(rule)})", "", automatic_fix(rule)]
    if rule.fixed:
        lines += ["", f"{heading} Fixed example (`--fix --unsafe-fixes`)", "", "```python", rule.fixed.rstrip(), "```"]
    return "\n".join(lines) + "\n"


def rule_table(rules: Iterable[Rule]) -> str:
    """The table README.md carries (and ``--list-rules`` prints): opt-in
    rules are reported only when selected (``--select CRS502``, ``CRS5``, ``CRS``, ``ALL``)."""
    lines = ["| code | name | severity | enabled | summary |", "|---|---|---|---|---|"]
    lines += [
        f"| {r.code} | {r.name} | {r.severity} | {'default' if r.enabled_by_default else 'opt-in'} | {_cell(r.summary)} |"
        for r in rules
    ]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


if __name__ == "__main__":
    from cors_lint.rules import ALL_RULES

    print(markdown(ALL_RULES), end="")
