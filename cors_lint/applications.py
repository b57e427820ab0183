"""The pipeline for whole applications: read -> find -> link -> model.

Used by ``cors-lint policy`` (the per-route inventory) and by the check,
which builds each registration in the context of the app it belongs to.
Every module is parsed once; a module that cannot be parsed is left out of
the links and said so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Tuple

from cors_lint import files
from cors_lint.find import guard

if TYPE_CHECKING:
    from cors_lint.link.project import Project
    from cors_lint.model.compare import RouteChange
    from cors_lint.model.exposures import VersionAssessment
    from cors_lint.model.pinned import PinnedFlaskCors
    from cors_lint.model.releases import Behaviour
    from cors_lint.model.routes import AppPolicy, ApplicationModel


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True)
class Analysis:
    model: "ApplicationModel"
    project: "Project"
    skipped: Tuple[Skipped, ...]
    truncated: Optional[str]



def analyse_paths(
    paths: Sequence[str],
    exclude: Sequence[str] = (),
    whole_projects: Optional[bool] = None,
    behaviour: "Optional[Behaviour]" = None,
) -> Analysis:
    """The application model of the apps under ``paths``, under the
    flask-cors release ``behaviour`` describes (None: the newest). Single
    files are analysed as part of their whole project (``whole_projects``,
    by default when no directory is given)."""
    file_paths = [os.path.normpath(path) for path in files.python_files(paths, exclude)]
    sources: Dict[str, bytes] = {}
    skipped: List[Skipped] = []
    for path in file_paths:
        try:
            sources[path] = files.read(path)
        except OSError as error:
            skipped.append(Skipped(path, f"cannot read the file: {error.strerror or error}"))
    if whole_projects is None:
        whole_projects = not any(os.path.isdir(path) for path in paths)
    return analyse_sources(file_paths, sources, whole_projects, skipped, behaviour)


def analyse_sources(
    given: Sequence[str],
    sources: Dict[str, bytes],
    whole_projects: bool,
    skipped: Optional[List[Skipped]] = None,
    behaviour: "Optional[Behaviour]" = None,
) -> Analysis:
    from cors_lint.find.modules import ModuleLoader
    from cors_lint.find.source import SourceIndex, parse
    from cors_lint.link.apps import Linker
    from cors_lint.link.collect import is_relevant, related
    from cors_lint.link.project import Project
    from cors_lint.model.application import build_application_model

    skipped = list(skipped or ())
    truncated = None
    if whole_projects:
        chosen, truncated = related(given, sources, walk=True)
    else:
        chosen = {path: source for path, source in sources.items() if is_relevant(source)}
    project = Project(ModuleLoader())
    for path, source in sorted(chosen.items()):
        verdict = guard.check(source)
        if verdict.refusal is not None:
            skipped.append(Skipped(path, verdict.refusal.message))
            continue
        top_level_lines = guard.top_level_lines(verdict.tree) if verdict.tree is not None else None
        del verdict
        try:
            index = SourceIndex(parse(source), path, source, top_level_lines)
        except Exception as error:  # noqa: BLE001 - one module's failure leaves it out, said so
            skipped.append(Skipped(path, f"cannot parse the file ({type(error).__name__})"))
            continue
        project.add(index, Path(os.path.abspath(path)))
    linker = Linker(project)
    model = build_application_model(linker, linker.link(), behaviour=behaviour)
    return Analysis(model, project, tuple(skipped), truncated)


def pinned_flask_cors(paths: Sequence[str], override: Optional[str] = None) -> "PinnedFlaskCors":
    """The flask-cors releases the project under ``paths`` allows: its
    requirement files, read from the first path up to its project root, or
    ``override``."""
    from cors_lint.find.modules import project_root
    from cors_lint.link.requirements import find_requirements
    from cors_lint.model.pinned import choose

    if override:
        return choose((), override, "the flask-cors-version setting")
    start = Path(os.path.abspath(paths[0] if paths else "."))
    directory = start if start.is_dir() else start.parent
    return choose(find_requirements(directory, project_root(directory / "_")))


def flask_cors_versions(analysis: Analysis, pinned: "PinnedFlaskCors") -> "VersionAssessment":
    """Which advisories of the allowed releases the apps make reachable."""
    from cors_lint.model.exposures import assess

    return assess(analysis.model, pinned)


def compare_versions(analysis: Analysis, before: str, after: str) -> "Tuple[RouteChange, ...]":
    from cors_lint.model.compare import compare_releases

    return compare_releases(analysis.model, before, after)


def with_origin_proofs(apps: Sequence["AppPolicy"], trusted: Sequence[str]) -> List["AppPolicy"]:
    """The apps with each route's ``proof`` (``origins_proof``) against the
    run's trusted origins, for the inventory."""
    import dataclasses

    from cors_lint.model.routes import origins_proof

    return [
        dataclasses.replace(app, routes=tuple(dataclasses.replace(route, proof=origins_proof(route, trusted)) for route in app.routes))
        for app in apps
    ]
