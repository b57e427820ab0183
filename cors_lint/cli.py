"""The ``cors-lint`` command: options and configuration in, ``lint_paths``
out, a formatter.

No analysis happens here. libcst is imported only when files are linted, so
``--version`` and ``--help`` stay fast.
"""

from __future__ import annotations

import os
import sys
import warnings
from typing import List, Optional, Sequence, Tuple

import click

from cors_lint import __version__

FORMATS = ("text", "json", "sarif", "github")
SEVERITIES = ("error", "warning", "note")


def _codes(text: Optional[str]) -> Optional[Tuple[str, ...]]:
    if text is None:
        return None
    from cors_lint.config import normalized_codes

    return normalized_codes(text.split(","))


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=True, allow_dash=True))
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--select",
    metavar="CODES",
    help="Report only these codes or prefixes, opt-in rules included (e.g. CRS1,CRS306; CRS or ALL: every rule).",
)
@click.option("--extend-select", metavar="CODES", help="Codes or prefixes to report on top of --select or the default set.")
@click.option("--ignore", metavar="CODES", help="Codes or prefixes to leave out (the most specific prefix wins).")
@click.option("--exclude", metavar="GLOB", multiple=True, help="Skip paths matching GLOB (repeatable).")
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    help="Exit 1 when a finding of this severity or above is reported.  [default: warning]",
)
@click.option(
    "--trusted-origin",
    "trusted_origins",
    metavar="ORIGIN",
    multiple=True,
    help="An origin the application trusts (repeatable): https://app.example.com or https://*.example.com (CRS111).",
)
@click.option(
    "--flask-cors-version",
    metavar="X.Y.Z",
    help="The flask-cors release the project runs, instead of the one its requirement files allow (CRS6xx).",
)
@click.option("--config", "config_path", metavar="FILE", help="Read [tool.cors-lint] from FILE instead of searching.")
@click.option("--isolated", is_flag=True, help="Ignore configuration files.")
@click.option("--stdin-filename", metavar="PATH", help="Name to report (and match config against) for '-'.")
@click.option("--show-suppressed", is_flag=True, help="Also list findings silenced by '# noqa'.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    help="Processes for the analysis (default: one per CPU; small runs stay in one process).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    help="Seconds of CPU time for each file's analysis; over it, the file is reported as CRS003 (0: no limit).  [default: 10]",
)
@click.option("--fix/--no-fix", "fix", default=None, help="Apply the safe fixes in place ('-': the fixed source to stdout).")
@click.option(
    "--unsafe-fixes/--no-unsafe-fixes",
    "unsafe_fixes",
    default=None,
    help="Also apply unsafe fixes with --fix (without it, show them as available).",
)
@click.option("--diff", is_flag=True, help="Print the unified diff of what --fix would change, write nothing (exit 1 if any).")
@click.option("--show-fixes", is_flag=True, help="List each fix's edits under its finding.")
@click.option("--list-rules", is_flag=True, help="List the rules (opt-in ones marked) and exit.")
@click.option("--explain", metavar="CODE", help="Explain a rule and exit.")
@click.option("--quiet", "-q", is_flag=True, help="Findings only, no summary line.")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.version_option(__version__, "--version", prog_name="cors-lint")
def main(
    paths: Tuple[str, ...],
    output_format: str,
    select: Optional[str],
    extend_select: Optional[str],
    ignore: Optional[str],
    exclude: Tuple[str, ...],
    fail_on: Optional[str],
    trusted_origins: Tuple[str, ...],
    flask_cors_version: Optional[str],
    config_path: Optional[str],
    isolated: bool,
    stdin_filename: Optional[str],
    show_suppressed: bool,
    jobs: Optional[int],
    timeout: Optional[float],
    fix: Optional[bool],
    unsafe_fixes: Optional[bool],
    diff: bool,
    show_fixes: bool,
    list_rules: bool,
    explain: Optional[str],
    quiet: bool,
    debug: bool,
) -> None:
    """Check the flask-cors configuration of Flask code under PATHS.

    Settings come from the nearest pyproject.toml with a [tool.cors-lint]
    table; command-line options replace them. `cors-lint policy --help`
    describes the per-route inventory.

    Exit status: 0 nothing at or above --fail-on, 1 findings, 2 usage,
    configuration or internal error.
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

    from cors_lint import config

    try:
        settings = config.merged(
            config.settings_for(config_path, isolated),
            {
                "select": _codes(select),
                "extend_select": _codes(extend_select),
                "ignore": _codes(ignore),
                "exclude": exclude,
                "fail_on": fail_on,
                "timeout": timeout,
                "trusted_origins": config.check_trusted_origins(trusted_origins, "--trusted-origin"),
                "fix": fix,
                "unsafe_fixes": unsafe_fixes,
                "flask_cors_version": config.check_flask_cors_version(flask_cors_version, "--flask-cors-version"),
            },
        )
        _check_codes(settings)
    except config.ConfigError as error:
        raise click.UsageError(str(error)) from None
    try:
        with warnings.catch_warnings():
            # re.compile() of the linted code's patterns may warn (FutureWarning:
            # "possible nested set"); those warnings are about that code, not ours.
            warnings.simplefilter("ignore")
            findings, files_checked, stdin_data = _lint(paths, settings, stdin_filename, jobs)
            if diff or settings.fix:
                _fix(paths, settings, stdin_filename, jobs, findings, files_checked, stdin_data, diff, output_format, quiet, show_fixes)
                return
    except click.UsageError:
        raise
    except Exception as error:  # noqa: BLE001 - one line, not a traceback, unless asked
        if debug:
            raise
        click.echo(f"cors-lint: internal error: {type(error).__name__}: {error} (run with --debug for details)", err=True)
        sys.exit(2)
    reported = [finding for finding in findings if show_suppressed or finding.suppressed_by is None]
    _report(reported, files_checked, output_format, quiet, settings.unsafe_fixes, show_fixes)
    sys.exit(1 if _failing(findings, settings.fail_on) else 0)


def _fix(
    paths, settings, stdin_filename, jobs, findings, checked: int, stdin_data, diff: bool, output_format: str, quiet: bool, show_fixes: bool
) -> None:
    """--fix and --diff: the fix front end over the findings of the check,
    each changed file analysed again as it is fixed."""
    from cors_lint import files
    from cors_lint import fix as fixer

    stdin_name = stdin_filename or "-"
    select = _selection(settings)

    def read(path: str) -> bytes:
        if stdin_data is not None and path == stdin_name:
            return stdin_data
        return files.read(path)

    def analyse(contents: Sequence[Tuple[str, bytes]]) -> List:
        return _per_file(_lint_texts(contents, settings, select, jobs), settings)

    result = fixer.run(findings, read, analyse, settings.unsafe_fixes)
    if diff:
        click.echo(fixer.unified_diff(result), nl=False)
        count = f"{result.fixed} finding{'s' if result.fixed != 1 else ''}"
        click.echo(f"Would fix {count}." if result.fixed else "No fixes available.", err=True)
        sys.exit(1 if result.changed() else 0)
    # Standard input's fixed source goes to stdout, never to a file.
    stdin_document = result.documents.pop(stdin_name, None) if stdin_data is not None else None
    fixer.write(result)
    # What is left: the files checked again as they now are.
    file_paths = [path for path in paths if path != "-"]
    remaining: List = []
    files_checked = 0
    if file_paths:
        remaining = _remaining(findings, result.changed(), settings, jobs, stdin_name if stdin_data is not None else None)
        files_checked = checked - (1 if stdin_data is not None else 0)
    if stdin_data is not None:
        fixed_bytes = stdin_document.encoded() if stdin_document is not None else stdin_data
        remaining = list(remaining) + _per_file(_lint_one(stdin_name, fixed_bytes, settings, select), settings)
        files_checked += 1
        click.get_binary_stream("stdout").write(fixed_bytes)
    counted = [finding for finding in remaining if finding.suppressed_by is None]
    to_stderr = stdin_data is not None or output_format != "text"
    _report(counted, files_checked, output_format, True, settings.unsafe_fixes, show_fixes, err=stdin_data is not None)
    if not quiet:
        noun = "finding" if result.fixed == 1 else "findings"
        click.echo(f"Fixed {result.fixed} {noun} ({len(counted)} remaining).", err=to_stderr)
    sys.exit(1 if _failing(remaining, settings.fail_on) else 0)


def _failing(findings: Sequence, fail_on: str) -> bool:
    if not findings:
        return False  # and the findings module need not be loaded
    from cors_lint.findings import Severity

    threshold = Severity.parse(fail_on)
    return any(f.suppressed_by is None and f.severity >= threshold for f in findings)


def _check_codes(settings) -> None:
    if not (settings.select or settings.extend_select or settings.ignore or settings.per_file_ignores):
        return  # nothing to check: the rules need not be loaded at all
    from cors_lint import config
    from cors_lint.rules import ALL_RULES

    known = [rule.code for rule in ALL_RULES]
    config.check_codes(settings.select, known, "select")
    config.check_codes(settings.extend_select, known, "extend-select")
    config.check_codes(settings.ignore, known, "ignore")
    for pattern, codes in settings.per_file_ignores:
        config.check_codes(codes, known, f"per-file-ignores {pattern!r}")


def _selection(settings) -> Tuple[str, ...]:
    """``select`` for the engine: the codes spelt out when the selection is
    not the default one (``extend-select`` is resolved here)."""
    if not (settings.select or settings.extend_select):
        return ()
    from cors_lint.rules import selected_codes

    # A selection that leaves nothing is not the default: a code no rule has.
    return selected_codes(settings.select, settings.extend_select, settings.ignore) or ("CRS-NONE",)


def _remaining(findings: Sequence, changed: Sequence[str], settings, jobs: Optional[int], stdin_name: Optional[str]) -> List:
    """The findings left after --fix: the changed files checked again, each
    as part of its app (as a run over single files does), and every file
    whose findings involve a changed one; the check's own findings for the
    rest, which no fix touched."""
    changed_set = set(changed)
    again = set(changed_set)
    for finding in findings:
        if finding.path != stdin_name and any(related.path in changed_set for related in finding.related):
            again.add(finding.path)
    kept = [finding for finding in findings if finding.path not in again and finding.path != stdin_name]
    if not again:
        return kept
    from cors_lint.findings import Finding

    rechecked, _, _ = _lint(sorted(again), settings, None, jobs)
    return sorted(kept + [finding for finding in rechecked if finding.path in again], key=Finding.sort_key)


def _lint(paths: Sequence[str], settings, stdin_filename: Optional[str], jobs: Optional[int]):
    """The findings of a run, the number of files checked, and the bytes
    read from standard input (None without ``-``)."""
    from cors_lint import files, lint_paths

    select = _selection(settings)
    findings: List = []
    files_checked = 0
    stdin_data: Optional[bytes] = None
    if "-" in paths:
        name = stdin_filename or "-"
        stdin_data = click.get_binary_stream("stdin").read()
        findings.extend(_lint_one(name, stdin_data, settings, select))
        files_checked += 1
    file_paths = [path for path in paths if path != "-"]
    if file_paths:
        try:
            run = lint_paths(
                file_paths,
                settings.exclude,
                select,
                settings.ignore,
                jobs,
                trusted_origins=settings.trusted_origins,
                timeout=settings.timeout,
                flask_cors_version=settings.flask_cors_version,
            )
        except files.MissingPath as missing:
            raise click.UsageError(f"path does not exist: {missing}") from None
        findings.extend(run.findings)
        files_checked += run.files_checked
    return _per_file(findings, settings), files_checked, stdin_data


def _lint_one(name: str, data: bytes, settings, select: Tuple[str, ...]) -> List:
    """One file's contents (standard input, or a file as --fix leaves it),
    under the same time budget as a run over files."""
    return _lint_texts([(name, data)], settings, select, 1)


def _lint_texts(items: Sequence[Tuple[str, bytes]], settings, select: Tuple[str, ...], jobs: Optional[int]) -> List:
    """Files' contents, each analysed on its own (as standard input is),
    under the time budget, in ``jobs`` processes."""
    import functools

    from cors_lint import budget, engine
    from cors_lint.findings import deduplicate, with_routes

    options = dict(checked=tuple(name for name, _ in items), select=select, ignore=settings.ignore)
    found = budget.run(
        functools.partial(
            engine.lint_group,
            trusted_origins=settings.trusted_origins,
            flask_cors_version=settings.flask_cors_version,
            **options,
        ),
        [[item] for item in items],
        timeout=settings.timeout,
        jobs=max(1, min(len(items), jobs or os.cpu_count() or 1)),
        overrun=functools.partial(engine.overrun, **options),
        prepare=engine.prepare_workers,
    )
    return with_routes(deduplicate(finding for findings in found for finding in findings))


def _per_file(findings: List, settings) -> List:
    """per-file-ignores: a second selection, by path."""
    if not (findings and settings.per_file_ignores):
        return findings
    from cors_lint.findings import code_selected

    return [f for f in findings if code_selected(f.code, (), settings.ignored_for(f.path))]


def _report(
    findings: Sequence,
    files_checked: int,
    output_format: str,
    quiet: bool,
    unsafe_fixes: bool = False,
    show_fixes: bool = False,
    err: bool = False,
) -> None:
    if output_format == "json":
        from cors_lint.report import json_output

        click.echo(json_output.render(findings, __version__, files_checked), nl=False, err=err)
    elif output_format == "sarif":
        from cors_lint.report import sarif

        click.echo(sarif.render(findings, __version__), nl=False, err=err)
    elif output_format == "github":
        from cors_lint.report import github

        click.echo(github.render(findings), nl=False, err=err)
    else:
        from cors_lint.report import text

        click.echo(text.render(findings, files_checked, quiet, unsafe_fixes, show_fixes), nl=False, err=err)
