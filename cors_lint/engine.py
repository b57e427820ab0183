"""The pipeline for one file: read -> find -> evaluate -> model -> rules.

Each file is analysed in isolation: whatever goes wrong in one becomes a
finding for that file and the others are still checked.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, List, Optional, Sequence, Tuple, Union

from cors_lint import files
from cors_lint.find import guard, screen

if TYPE_CHECKING:
    from cors_lint import budget

# Findings, spans and rules are imported where a finding is made: a run over
# files without CORS code never needs them.
if TYPE_CHECKING:
    from cors_lint.findings import Finding
    from cors_lint.model.policy import Policy
    from cors_lint.find.modules import ModuleLoader
    from cors_lint.find.source import SourceIndex

# A file that never imports flask_cors cannot use it: no need to parse it.
# The substring test is the fast path; the regex confirms an import statement.
CANDIDATE_MARKER = "flask_cors"
CANDIDATE_IMPORT = re.compile(
    r"(?:^|[\s;]|\xef\xbb\xbf|\ufeff)(?:from[ \t\\]+flask_cors\b"
    r"|import[ \t\\]+(?:[\w.]+(?:[ \t]+as[ \t]+\w+)?[ \t]*,[ \t\\]*)*flask_cors\b)",
    re.MULTILINE,
)

Source = Union[str, bytes]  # bytes from disk; str from editors and flake8


HEADER_MARKER = re.compile(screen.ALLOW_ORIGIN, re.IGNORECASE)
HEADER_MARKER_BYTES = screen.ALLOW_ORIGIN.encode()


def is_candidate(source: Source) -> bool:
    """Can this file configure CORS: does it import flask_cors, or write the
    Access-Control-Allow-Origin header by hand (in any letter case)?"""
    # Cheap substring tests first; the regexes run on the few files that pass.
    # lower() and a substring test beat a case-insensitive regex by far.
    if isinstance(source, bytes):
        if CANDIDATE_MARKER.encode() not in source and HEADER_MARKER_BYTES not in source.lower():
            return False
    elif CANDIDATE_MARKER not in source and screen.ALLOW_ORIGIN not in source.lower():
        return False
    text = _text(source)
    return imports_flask_cors(text) or HEADER_MARKER.search(text) is not None


def imports_flask_cors(source: Source) -> bool:
    text = _text(source)
    return CANDIDATE_MARKER in text and CANDIDATE_IMPORT.search(text) is not None


def _text(source: Source) -> str:
    # The markers are ASCII in every encoding Python reads (a BOM stays 3 chars).
    return source.decode("latin-1") if isinstance(source, bytes) else source


def new_loader() -> "ModuleLoader":
    """A loader for the project modules one run imports (each parsed once)."""
    from cors_lint.find.modules import ModuleLoader

    return ModuleLoader()


def _parsed(
    source: Source,
    path: str = "",
    loader: "Optional[ModuleLoader]" = None,
    top_level_lines: "Optional[Sequence[Tuple[int, bool]]]" = None,
) -> "Tuple[SourceIndex, Policy]":
    # libcst is imported here, for candidate files only: a run over a tree
    # without CORS code never loads it.
    from cors_lint.evaluate.expressions import Evaluator
    from cors_lint.find.source import SourceIndex, parse
    from cors_lint.find.visitor import find_sites
    from cors_lint.model.policy import build_policy

    index = SourceIndex(parse(source), path, source, top_level_lines)
    return index, build_policy(find_sites(index), Evaluator(index, loader))


def policy_of(source: Source, path: str = "", loader: "Optional[ModuleLoader]" = None) -> "Policy":
    """The policy model of one module (raises on unparseable input)."""
    return _parsed(source, path, loader)[1]


def lint_source(
    source: Source,
    path: str = "<stdin>",
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    loader: "Optional[ModuleLoader]" = None,
) -> List[Finding]:
    """All findings for one file's bytes, sorted, selected by code prefix;
    findings silenced by ``# noqa`` are included, marked ``suppressed_by``.
    Findings about values written in an imported module name that module."""
    return _selected(_analyse(source, path, loader), path, select, ignore)


def lint_file(path: str, select: Sequence[str] = (), ignore: Sequence[str] = ()) -> List[Finding]:
    """Findings for one file on disk; an unreadable file is a CRS001 finding."""
    try:
        source = files.read(path)
    except OSError as error:
        return unreadable(path, error, select, ignore)
    return lint_source(source, path, select, ignore)


def lint_candidates(
    candidates: Sequence[Tuple[str, bytes]], select: Sequence[str], ignore: Sequence[str]
) -> List[Finding]:
    """``lint_source`` for a batch of (path, bytes) pairs sharing one module
    loader: the unit of parallel work."""
    loader = new_loader() if candidates else None
    return [finding for path, source in candidates for finding in lint_source(source, path, select, ignore, loader)]


# One loader per worker process of a bounded run (cors_lint.budget): an
# imported settings module is parsed once per worker, not once per file.
_worker_loader: "Optional[ModuleLoader]" = None


def needs_analysis(source: Source) -> bool:
    """Beyond ``is_candidate``: does it import flask_cors, or may it write the
    header by hand (CPython's ``ast`` screen)? Cheap enough for the parent of
    a bounded run, which so starts no worker for files that only name the
    header. Unparseable files need analysis: it reports them."""
    if imports_flask_cors(source):
        return True
    verdict = guard.parse(source)
    return verdict.tree is None or screen.may_write_allow_origin(verdict.tree)


def lint_candidate(candidate: Tuple[str, bytes], select: Sequence[str], ignore: Sequence[str]) -> List[Finding]:
    """``lint_source`` for one (path, bytes) pair: the unit of bounded work."""
    global _worker_loader
    if _worker_loader is None:
        _worker_loader = new_loader()
    path, source = candidate
    return lint_source(source, path, select, ignore, _worker_loader)


def prepare_workers() -> None:
    """Imports every worker needs, made once before they are forked. Not
    libcst: a run whose candidates only mention the header never loads it."""
    import cors_lint.noqa  # noqa: F401
    import cors_lint.rules  # noqa: F401


def reset_worker_loader() -> None:
    """After an interrupted unit: its half-loaded modules are dropped."""
    global _worker_loader
    _worker_loader = None


def overrun(candidate: Tuple[str, bytes], what: "budget.Overrun", select: Sequence[str], ignore: Sequence[str]) -> List[Finding]:
    """The finding for a unit the time budget stopped (CRS003) or whose
    worker process died (CRS002)."""
    from cors_lint.rules.parse import ANALYSIS_TIMEOUT, FILE_START, INTERNAL_ERROR

    if what.kind == "timeout":
        finding = ANALYSIS_TIMEOUT.finding(
            FILE_START,
            f"The analysis ran out of its time budget ({what.seconds:g} s) while {what.step}, so this file was not checked.",
        )
    else:
        finding = INTERNAL_ERROR.finding(
            FILE_START, "The process analysing this file died, so this file was not checked; please report this."
        )
    return _selected([finding], candidate[0], select, ignore)


def unreadable(path: str, error: OSError, select: Sequence[str], ignore: Sequence[str]) -> List[Finding]:
    from cors_lint.rules.parse import FILE_START, UNPARSEABLE

    finding = UNPARSEABLE.finding(FILE_START, f"cannot read the file, not checked: {error.strerror or error}")
    return _selected([finding], path, select, ignore)


def _selected(findings: List[Finding], path: str, select: Sequence[str], ignore: Sequence[str]) -> List[Finding]:
    if not findings:
        return []
    from cors_lint.rules import is_reported

    return [
        _placed(finding, path) for finding in findings if is_reported(finding.code, select, ignore)
    ]


def _placed(finding: Finding, path: str) -> Finding:
    """Reported in the file where the offending value is written; a value
    from an imported module says which file uses it."""
    if finding.where.path and finding.where.path != path:
        message = finding.message[:-1] if finding.message.endswith(".") else finding.message
        return dataclasses.replace(finding, path=finding.where.path, message=f"{message} (the value is used in {path}).")
    return dataclasses.replace(finding, path=path)


def _analyse(source: Source, path: str, loader: "Optional[ModuleLoader]") -> List[Finding]:
    if not is_candidate(source):
        return []
    verdict = guard.parse(source)
    top_level_lines = None
    if verdict.tree is not None:
        if not imports_flask_cors(source) and not screen.may_write_allow_origin(verdict.tree):
            return []  # it only mentions the header: nothing for libcst to find
        # A long module loses the statements that cannot matter (lines blanked).
        sliced = guard.slice_module(verdict.tree, source)
        source, top_level_lines = sliced.source, sliced.top_level_lines
        # CPython's tree is freed here, before libcst builds its own.
        verdict = dataclasses.replace(verdict, refusal=guard.too_complex(verdict.tree, sliced.kept), tree=None)
    if verdict.refusal is not None:
        return [_unparseable(verdict.refusal)]
    import libcst as cst

    from cors_lint.evaluate.values import Span
    from cors_lint.rules.parse import FILE_START, UNPARSEABLE

    loader = loader or new_loader()
    try:
        index, policy = _parsed(source, path, loader, top_level_lines)
    except cst.ParserSyntaxError as error:
        if verdict.python_error is not None:
            return [_unparseable(verdict.python_error)]
        where = Span(error.raw_line, error.raw_column + 1, error.raw_line, error.raw_column + 1)
        return [UNPARSEABLE.finding(where, "syntax that libcst cannot parse yet, file not checked")]
    except (UnicodeDecodeError, LookupError, SyntaxError) as error:
        return [UNPARSEABLE.finding(FILE_START, f"cannot decode the file, not checked: {error}")]
    except RecursionError:
        return [UNPARSEABLE.finding(FILE_START, "nesting too deep to parse, file not checked")]
    except Exception as error:  # noqa: BLE001 - one file's bug must not hide the others' findings
        return [_internal_error(error)]
    try:
        return _apply_noqa(check_policy(policy), index, loader)
    except Exception as error:  # noqa: BLE001 - same reason
        return [_internal_error(error)]


def _apply_noqa(findings: List[Finding], index: "SourceIndex", loader: "ModuleLoader") -> List[Finding]:
    """A finding is silenced by the comments of the file it is reported in
    (an imported settings module's own ``# noqa`` for its values)."""
    from cors_lint.noqa import noqa_comments, suppressing_comment

    silenced = []
    read: dict = {}  # path -> that module's comments, read once
    for finding in findings:
        module = index if finding.where.path in ("", index.path) else loader.by_path(finding.where.path)
        if module is not None and module.path not in read:
            read[module.path] = noqa_comments(module.text)
        comments = read[module.path] if module is not None else {}
        if comments:
            statements = module.statement_lines()
            finding = dataclasses.replace(
                finding, suppressed_by=suppressing_comment(finding.code, finding.where.line, statements, comments)
            )
        silenced.append(finding)
    return silenced


def check_policy(policy: "Policy") -> List[Finding]:
    """Every rule's findings on one module's policy, deduplicated and sorted."""
    from cors_lint.findings import deduplicate
    from cors_lint.rules import ALL_RULES

    return deduplicate(finding for rule in ALL_RULES if rule.check for finding in rule.check(policy))


def _unparseable(refusal: guard.Refusal) -> Finding:
    from cors_lint.evaluate.values import Span
    from cors_lint.rules.parse import UNPARSEABLE

    where = Span(refusal.line, refusal.column, refusal.line, refusal.column)
    return UNPARSEABLE.finding(where, refusal.message)


def _internal_error(error: Exception) -> Finding:
    from cors_lint.rules.parse import FILE_START, INTERNAL_ERROR

    return INTERNAL_ERROR.finding(
        FILE_START,
        f"internal error ({type(error).__name__}: {error}); the file was not fully checked, please report this",
    )
