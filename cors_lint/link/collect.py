"""Which modules make up the project the linker looks at.

A directory run looks at the tree it was given. A run on single files (as
pre-commit makes) looks at each file's whole project: the Python files under
its project root, so that a changed ``settings.py`` is seen as the settings
of the app that loads it. Only files that can take part in a Flask app's set-
up are parsed (a cheap substring test), and a project larger than
``MAX_PROJECT_FILES`` is cut there, with a note saying so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from cors_lint import files
from cors_lint.find.modules import project_root

# Words that a module taking part in an app's CORS set-up contains: it
# creates or imports Flask objects, routes views, registers blueprints or
# hooks, configures flask-cors or writes the headers.
RELEVANT_WORDS = (
    b"flask",
    b"route(",
    b"add_url_rule",
    b"register_blueprint",
    b"after_request",
    b"init_app",
    b"cors_",
    b"cross_origin",
    b"access-control",
)
MAX_PROJECT_FILES = 2000


def is_relevant(source: bytes) -> bool:
    lowered = source.lower()
    return any(word in lowered for word in RELEVANT_WORDS)


@dataclass(frozen=True)
class ProjectFiles:
    files: Tuple[Tuple[str, bytes], ...]  # (display path, bytes) of the relevant files
    truncated: Optional[str]  # why some files were left out, if they were


def project_files(given: Sequence[str], sources: Dict[str, bytes], whole_projects: bool) -> ProjectFiles:
    """The relevant files: those given (already read into ``sources``) and,
    with ``whole_projects``, the other files of their projects' roots."""
    chosen: Dict[str, bytes] = {path: source for path, source in sources.items() if is_relevant(source)}
    truncated = None
    if whole_projects:
        seen = {os.path.abspath(path) for path in chosen}
        roots = sorted({project_root(Path(os.path.abspath(path))) for path in given})
        for root in roots:
            for path in _walk(root):
                if len(chosen) >= MAX_PROJECT_FILES:
                    truncated = (
                        f"the project under {root} has more than {MAX_PROJECT_FILES} files that may configure an app; "
                        "only the first are linked"
                    )
                    break
                absolute = os.path.abspath(path)
                if absolute in seen:
                    continue
                seen.add(absolute)
                try:
                    source = files.read(path)
                except OSError:
                    continue
                if is_relevant(source):
                    chosen[_display(path)] = source
    return ProjectFiles(tuple(sorted(chosen.items())), truncated)


def _walk(root: Path) -> Iterable[str]:
    try:
        return files.python_files([str(root)])
    except files.MissingPath:
        return []


def _display(path: str) -> str:
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


__all__: List[str] = ["MAX_PROJECT_FILES", "ProjectFiles", "is_relevant", "project_files"]
