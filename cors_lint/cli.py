"""The ``cors-lint`` command: options in, ``lint_paths`` out, a formatter.

No analysis happens here. libcst is imported only when files are linted, so
``--version`` and ``--help`` stay fast.
"""

from __future__ import annotations

import sys
from typing import List, Optional, Sequence, Tuple

import click

from cors_lint import __version__

FORMATS = ("text", "json")
SEVERITIES = ("error", "warning", "note")


def _codes(text: Optional[str]) -> Tuple[str, ...]:
    if not text:
        return ()
    return tuple(code.strip().upper() for code in text.split(",") if code.strip())


def _check_codes(codes: Sequence[str], option: str) -> None:
    from cors_lint.rules import ALL_RULES

    for code in codes:
        if not any(rule.code.startswith(code) for rule in ALL_RULES):
            raise click.UsageError(f"{option}: {code!r} is not a rule code or prefix (see --list-rules)")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, type=click.Path(exists=False, dir_okay=True, allow_dash=True))
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--select", metavar="CODES", help="Comma-separated codes or prefixes to report (e.g. CRS1,CRS306).")
@click.option("--ignore", metavar="CODES", help="Comma-separated codes or prefixes to leave out.")
@click.option("--exclude", metavar="GLOB", multiple=True, help="Skip paths matching GLOB (repeatable).")
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    default="warning",
    show_default=True,
    help="Exit 1 when a finding of this severity or above is reported.",
)
@click.option("--list-rules", is_flag=True, help="List the rules and exit.")
@click.option("--explain", metavar="CODE", help="Explain a rule and exit.")
@click.option("--quiet", "-q", is_flag=True, help="Findings only, no summary line.")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.version_option(__version__, "--version", prog_name="cors-lint")
def main(
    paths: Tuple[str, ...],
    output_format: str,
    select: Optional[str],
    ignore: Optional[str],
    exclude: Tuple[str, ...],
    fail_on: str,
    list_rules: bool,
    explain: Optional[str],
    quiet: bool,
    debug: bool,
) -> None:
    """Check the flask-cors configuration of Flask code under PATHS.

    Exit status: 0 nothing at or above --fail-on, 1 findings, 2 usage error or
    internal error.
    """
    if list_rules:
        from cors_lint.report.explain import rule_table
        from cors_lint.rules import ALL_RULES

        click.echo(rule_table(ALL_RULES), nl=False)
        return
    if explain:
        from cors_lint.report.explain import explain as explain_rule
        from cors_lint.rules import RULES_BY_CODE

        rule = RULES_BY_CODE.get(explain.strip().upper())
        if rule is None:
            raise click.UsageError(f"unknown rule {explain!r} (see --list-rules)")
        click.echo(explain_rule(rule), nl=False)
        return
    if not paths:
        raise click.UsageError("give at least one PATH (a file, a directory, or - for standard input)")
    selected, ignored = _codes(select), _codes(ignore)
    _check_codes(selected, "--select")
    _check_codes(ignored, "--ignore")
    try:
        findings, files_checked = _lint(paths, exclude, selected, ignored)
    except click.UsageError:
        raise
    except Exception as error:  # noqa: BLE001 - one line, not a traceback, unless asked
        if debug:
            raise
        click.echo(f"cors-lint: internal error: {type(error).__name__}: {error} (run with --debug for details)", err=True)
        sys.exit(2)
    _report(findings, files_checked, output_format, quiet)
    from cors_lint.findings import Severity

    threshold = Severity.parse(fail_on)
    sys.exit(1 if any(finding.severity >= threshold for finding in findings) else 0)


def _lint(paths: Sequence[str], exclude: Sequence[str], select: Sequence[str], ignore: Sequence[str]):
    from cors_lint import files, lint_paths, lint_source

    findings: List = []
    files_checked = 0
    file_paths = [path for path in paths if path != "-"]
    if "-" in paths:
        findings.extend(lint_source(click.get_binary_stream("stdin").read(), "-", select, ignore))
        files_checked += 1
    if file_paths:
        try:
            run = lint_paths(file_paths, exclude, select, ignore)
        except files.MissingPath as missing:
            raise click.UsageError(f"path does not exist: {missing}") from None
        findings.extend(run.findings)
        files_checked += run.files_checked
    return findings, files_checked


def _report(findings: Sequence, files_checked: int, output_format: str, quiet: bool) -> None:
    if output_format == "json":
        from cors_lint.report import json_output

        click.echo(json_output.render(findings, __version__), nl=False)
    else:
        from cors_lint.report import text

        click.echo(text.render(findings, files_checked, quiet), nl=False)
