"""cors-lint: a static analyser for the CORS configuration of Flask applications.

The public API shared by the front ends is ``lint_paths`` and ``lint_source``.
Heavy imports (libcst) happen only when something is linted.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Tuple

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
) -> LintRun:
    """Findings for files and directories, sorted; the same whatever ``jobs``.

    Every file is read once and pre-filtered in this process; the few that
    can contain flask-cors code are analysed with the modules around them
    (grouped by imports: an app's modules are linked together), in a pool of
    ``jobs`` processes (default: one per CPU) when there are enough groups
    to pay for it.
    Raises ``cors_lint.files.MissingPath`` for a path that does not exist.
    """
    from cors_lint import engine, files

    file_paths = files.python_files(paths, exclude)
    findings: List[Finding] = []
    sources: Dict[str, bytes] = {}
    candidates: List[str] = []
    for path in file_paths:
        try:
            source = files.read(path)
        except OSError as error:
            findings.extend(engine.unreadable(path, error, select, ignore))
            continue
        sources[path] = source
        if engine.is_candidate(source):
            candidates.append(path)
    groups = _groups(paths, sources, candidates) if candidates else []
    workers = jobs or os.cpu_count() or 1
    analyse = functools.partial(engine.lint_groups, checked=tuple(candidates), select=tuple(select), ignore=tuple(ignore))
    if workers == 1 or len(groups) < PARALLEL_FROM:
        findings.extend(analyse(groups))
    else:
        # Batches of groups, each with its own module loader: a module imported
        # from several files of a batch is parsed once.
        size = max(1, -(-len(groups) // (workers * 4)))
        batches = [groups[start : start + size] for start in range(0, len(groups), size)]
        import concurrent.futures  # 10 ms of imports (logging among them) that small runs skip

        with concurrent.futures.ProcessPoolExecutor(workers) as pool:
            for result in pool.map(analyse, batches):
                findings.extend(result)
    if findings:  # the findings module is not even imported for a clean tree
        from cors_lint.findings import deduplicate

        findings = deduplicate(findings)
    return LintRun(tuple(findings), len(file_paths))


def _groups(paths: Sequence[str], sources: Dict[str, bytes], candidates: List[str]) -> List[List[Tuple[str, bytes]]]:
    """The files that configure CORS with the modules around them, grouped
    by imports; only groups holding such a file. A run on single files (as
    pre-commit makes) reads the modules around them from disk."""
    from cors_lint.link.collect import related
    from cors_lint.link.components import group_by_imports

    walk = not any(os.path.isdir(path) for path in paths)
    around, _ = related(candidates, sources, walk)
    for path in candidates:
        around.setdefault(path, sources[path])
    wanted = set(candidates)
    return [
        [(path, around[path]) for path in group]
        for group in group_by_imports(around)
        if any(path in wanted for path in group)
    ]
