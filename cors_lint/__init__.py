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
    source: "str | bytes",
    path: str = "<stdin>",
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    trusted_origins: Sequence[str] = (),
    flask_cors_version: Optional[str] = None,
) -> "List[Finding]":
    """Findings for one file's contents. ``flask_cors_version`` replaces the
    flask-cors requirement found next to ``path``."""
    from cors_lint import engine

    return engine.lint_source(
        source, path, select, ignore, trusted_origins=tuple(trusted_origins), flask_cors_version=flask_cors_version
    )


def lint_paths(
    paths: Sequence[str],
    exclude: Sequence[str] = (),
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    jobs: Optional[int] = None,
    trusted_origins: Sequence[str] = (),
    timeout: float = 0,
    flask_cors_version: Optional[str] = None,
) -> LintRun:
    """Findings for files and directories, sorted; the same whatever ``jobs``.

    Every file is read once and pre-filtered in this process; the few that
    can contain flask-cors code are analysed with the modules around them
    (grouped by imports: an app's modules are linked together), in a pool of
    ``jobs`` processes (default: one per CPU) when there are enough groups
    to pay for it.
    With ``timeout`` > 0 each group's analysis runs in a worker process under
    that many seconds of CPU (``cors_lint.budget``): over budget, its files
    get a CRS003 finding and the others are still analysed.
    Raises ``cors_lint.files.MissingPath`` for a path that does not exist.
    """
    from cors_lint import engine, files

    file_paths = files.python_files(paths, exclude)
    findings: List[Finding] = []
    sources: Dict[str, Optional[bytes]] = {}
    candidates: List[str] = []
    for path in file_paths:
        try:
            source = files.read(path)
        except OSError as error:
            findings.extend(engine.unreadable(path, error, select, ignore))
            continue
        # Only the files that configure CORS are kept in memory; the modules
        # around them are read again when they are linked (a tree without CORS
        # code must cost little more than reading it).
        if engine.is_candidate(source):
            candidates.append(path)
            sources[path] = source
        else:
            sources[path] = None
    # A run on single files (as pre-commit makes) sees each file as part of its
    # app: the modules around it are read from disk, and its findings are
    # those a run over the whole tree gives for it.
    single_files = not any(os.path.isdir(path) for path in paths)
    findings.extend(
        _analyse(sources, candidates, single_files, select, ignore, jobs, tuple(trusted_origins), timeout, flask_cors_version)
    )
    if findings:  # the findings module is not even imported for a clean tree
        from cors_lint.findings import deduplicate, with_routes

        findings = with_routes(deduplicate(findings))
    return LintRun(tuple(findings), len(file_paths))


def lint_in_project(
    path: str,
    source: bytes,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    trusted_origins: Sequence[str] = (),
    timeout: float = 0,
    flask_cors_version: Optional[str] = None,
) -> "List[Finding]":
    """Findings for one file seen as part of its app (the modules around it
    are read from disk), as ``cors-lint PATH`` reports them: the flake8
    plugin's view of a file."""
    from cors_lint import engine
    from cors_lint.findings import deduplicate, with_routes

    candidates = [path] if engine.is_candidate(source) else []
    found = _analyse({path: source}, candidates, True, select, ignore, 1, tuple(trusted_origins), timeout, flask_cors_version)
    return with_routes(deduplicate(found))


def _analyse(
    sources: Dict[str, Optional[bytes]],
    candidates: List[str],
    single_files: bool,
    select: Sequence[str],
    ignore: Sequence[str],
    jobs: Optional[int],
    trusted_origins: Tuple[str, ...] = (),
    timeout: float = 0,
    flask_cors_version: Optional[str] = None,
) -> "List[Finding]":
    from cors_lint import engine

    groups, checked = _groups(sources, candidates, single_files)
    reported = tuple(sources) if single_files else None
    workers = jobs or os.cpu_count() or 1
    if timeout > 0 and groups:
        from cors_lint import budget

        options = dict(checked=checked, select=tuple(select), ignore=tuple(ignore), reported=reported)
        bounded: List[Finding] = []
        for result in budget.run(
            functools.partial(
                engine.lint_group, trusted_origins=trusted_origins, flask_cors_version=flask_cors_version, **options
            ),
            groups,
            timeout=timeout,
            jobs=1 if len(groups) < PARALLEL_FROM else workers,
            overrun=functools.partial(engine.overrun, **options),
            prepare=engine.prepare_workers,
        ):
            bounded.extend(result)
        return bounded
    analyse = functools.partial(
        engine.lint_groups,
        checked=checked,
        select=tuple(select),
        ignore=tuple(ignore),
        reported=reported,
        trusted_origins=trusted_origins,
        flask_cors_version=flask_cors_version,
    )
    if workers == 1 or len(groups) < PARALLEL_FROM:
        return analyse(groups)
    # Batches of groups, each with its own module loader: a module imported
    # from several files of a batch is parsed once.
    size = max(1, -(-len(groups) // (workers * 4)))
    batches = [groups[start : start + size] for start in range(0, len(groups), size)]
    import concurrent.futures  # 10 ms of imports (logging among them) that small runs skip

    findings: List[Finding] = []
    with concurrent.futures.ProcessPoolExecutor(workers) as pool:
        for result in pool.map(analyse, batches):
            findings.extend(result)
    return findings


def _groups(
    sources: Dict[str, Optional[bytes]], candidates: List[str], single_files: bool
) -> Tuple[List[List[Tuple[str, bytes]]], Tuple[str, ...]]:
    """The groups to analyse (modules connected by imports, with at least one
    file that configures CORS) and the files whose policies are checked."""
    if not candidates and not single_files:
        return [], ()
    from cors_lint import engine, files
    from cors_lint.link.collect import related
    from cors_lint.link.components import group_by_imports

    # Files that only name the header are screened out here (CPython's ast):
    # no group, and under a time budget no worker, for them.
    candidates = [path for path in candidates if engine.needs_analysis(sources[path])]
    if not candidates and not single_files:
        return [], ()
    seeds = list(sources) if single_files else candidates
    around, _ = related(seeds, sources, walk=single_files)
    for path in seeds:
        if path not in around:
            source = sources[path]
            around[path] = source if source is not None else files.read(path)
    checked = {path for path in around if path in candidates or (single_files and engine.is_candidate(around[path]))}
    if not checked:
        return [], ()
    groups = [
        [(path, around[path]) for path in group]
        for group in group_by_imports(around)
        if any(path in checked for path in group) and (not single_files or any(path in sources for path in group))
    ]
    return groups, tuple(sorted(checked))
