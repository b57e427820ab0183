"""cors-lint: a static analyser for the CORS configuration of Flask applications.

The public API shared by the front ends is ``lint_paths`` and ``lint_source``.
Heavy imports (libcst) happen only when something is linted.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, List, Optional, Sequence, Tuple

__version__ = "0.1.0"

# Fewer candidate files than this are analysed in-process: starting workers
# costs more than a pre-commit run's handful of files.
PARALLEL_FROM = 16

if TYPE_CHECKING:
    from cors_lint.findings import Finding


@dataclass(frozen=True)
class LintRun:
    findings: "Tuple[Finding, ...]"  # sorted by path and position
    files_checked: int


def lint_source(
    source: "str | bytes", path: str = "<stdin>", select: Sequence[str] = (), ignore: Sequence[str] = ()
) -> "List[Finding]":
    """Findings for one file's contents."""
    from cors_lint import engine

    return engine.lint_source(source, path, select, ignore)


def lint_paths(
    paths: Sequence[str],
    exclude: Sequence[str] = (),
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    jobs: Optional[int] = None,
    timeout: float = 0,
) -> LintRun:
    """Findings for files and directories, sorted; the same whatever ``jobs``.

    Every file is read once and pre-filtered in this process; the few that
    can contain flask-cors code are analysed, in a pool of ``jobs`` processes
    (default: one per CPU) when there are enough of them to pay for it.
    With ``timeout`` > 0 each file's analysis runs in a worker process
    under that many seconds (``cors_lint.budget``): over budget, the file gets
    a CRS003 finding and the others are still analysed.
    Raises ``cors_lint.files.MissingPath`` for a path that does not exist.
    """
    from cors_lint import engine, files

    file_paths = files.python_files(paths, exclude)
    findings: List[Finding] = []
    candidates: List[Tuple[str, bytes]] = []
    for path in file_paths:
        try:
            source = files.read(path)
        except OSError as error:
            findings.extend(engine.unreadable(path, error, select, ignore))
            continue
        if engine.is_candidate(source):
            candidates.append((path, source))
    workers = jobs or os.cpu_count() or 1
    if timeout > 0:
        from cors_lint import budget

        # Files that only name the header are screened out here: no worker to start for them.
        candidates = [candidate for candidate in candidates if engine.needs_analysis(candidate[1])]

        for result in budget.run(
            functools.partial(engine.lint_candidate, select=tuple(select), ignore=tuple(ignore)),
            candidates,
            timeout=timeout,
            jobs=1 if len(candidates) < PARALLEL_FROM else workers,
            overrun=functools.partial(engine.overrun, select=tuple(select), ignore=tuple(ignore)),
            reset=engine.reset_worker_loader,
            prepare=engine.prepare_workers,
        ):
            findings.extend(result)
        candidates = []
    analyse = functools.partial(engine.lint_candidates, select=tuple(select), ignore=tuple(ignore))
    if not candidates:
        pass
    elif workers == 1 or len(candidates) < PARALLEL_FROM:
        findings.extend(analyse(candidates))
    else:
        # Batches, each with its own module loader: an imported settings
        # module is parsed once per batch, not once per importing file.
        size = max(1, -(-len(candidates) // (workers * 4)))
        batches = [candidates[start : start + size] for start in range(0, len(candidates), size)]
        import concurrent.futures  # 10 ms of imports (logging among them) that small runs skip

        with concurrent.futures.ProcessPoolExecutor(workers) as pool:
            for result in pool.map(analyse, batches):
                findings.extend(result)
    if findings:  # the findings module is not even imported for a clean tree
        from cors_lint.findings import deduplicate

        findings = deduplicate(findings)
    return LintRun(tuple(findings), len(file_paths))
