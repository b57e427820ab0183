"""Which modules the linker looks at besides the files that configure CORS.

An app's CORS set-up is spread over the modules around it: the factory that
imports ``extensions.py``, the views that route a blueprint, the settings a
factory loads. Those modules live in the same package as the file that
configures CORS, or next to that package (``wsgi.py``, ``config.py``): its
*neighbourhood*. Only neighbourhood files that can take part in an app's
set-up are parsed (a cheap substring test), and at most
``MAX_PROJECT_FILES`` of them, with a note when a project is cut there.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from cors_lint import files

# Words that a module taking part in an app's CORS set-up contains: it
# creates or imports Flask objects, routes views, registers blueprints or
# hooks, configures flask-cors or writes the headers.
RELEVANT_WORDS = (
    b"flask",
    b"Flask",
    b"route(",
    b"add_url_rule",
    b"add_resource",  # Flask-RESTful: a module of ``api.add_resource(...)`` lines
    b"register_blueprint",
    b"after_request",
    b"init_app",
    b"CORS",
    b"cross_origin",
    b"Access-Control",
)
MAX_PROJECT_FILES = 2000


# ``@bp.get("/items")`` in a views module that imports ``bp`` from its package
# names neither flask nor ``route(``.
ROUTE_SHORTCUT = re.compile(rb"@[\w.]+\.(?:get|post|put|patch|delete)\(")


def is_relevant(source: bytes) -> bool:
    return any(word in source for word in RELEVANT_WORDS) or ROUTE_SHORTCUT.search(source) is not None


def package_top(path: Path) -> Path:
    """The outermost package folder holding ``path`` (its own folder when
    that is not a package)."""
    top = path.parent
    while (top / "__init__.py").exists() and (top.parent / "__init__.py").exists() and top.parent != top:
        top = top.parent
    return top


def neighbourhood(path: Path) -> Tuple[Path, Path]:
    """(the package tree, the folder around it) of a module."""
    top = package_top(path)
    return top, (top.parent if (top / "__init__.py").exists() else top)


def in_neighbourhood(path: str, tree: str, around: str) -> bool:
    """Is the absolute ``path`` in the package tree or directly in the folder around it?"""
    folder = os.path.dirname(path)
    return folder == around or folder == tree or folder.startswith(tree + os.sep)


def related(
    seeds: Iterable[str], available: Mapping[str, Optional[bytes]], walk: bool
) -> Tuple[Dict[str, bytes], Optional[str]]:
    """The relevant modules around ``seeds``: among ``available`` (the files
    of a directory run; None for bytes not kept, read again here), or, with
    ``walk``, read from disk (a run on single files, as pre-commit makes)."""
    folders: Dict[str, Tuple[str, str]] = {}  # a seed's folder -> its area: seeds of one folder share it
    for seed in seeds:
        folder = os.path.dirname(os.path.abspath(seed))
        if folder not in folders:
            tree, around = neighbourhood(Path(os.path.abspath(seed)))
            folders[folder] = (str(tree), str(around))
    areas: Set[Tuple[str, str]] = set(folders.values())
    chosen: Dict[str, bytes] = {}
    truncated: Optional[str] = None
    by_absolute = {os.path.abspath(path): path for path in available}
    candidates: List[Tuple[str, Optional[bytes]]] = []
    for absolute, path in sorted(by_absolute.items()):
        if any(in_neighbourhood(absolute, tree, around) for tree, around in areas):
            candidates.append((path, available[path]))  # None: read below
    if walk:
        for tree, around in sorted(areas):
            for path in _walk_area(Path(tree), Path(around)):
                if os.path.abspath(path) not in by_absolute:
                    candidates.append((path, None))
    for path, source in candidates:
        if len(chosen) >= MAX_PROJECT_FILES:
            truncated = f"more than {MAX_PROJECT_FILES} modules around the linted files may configure an app: only the first were linked"
            break
        if source is None:
            try:
                source = files.read(path)
            except OSError:
                continue
        if is_relevant(source):
            chosen[path] = source
    return chosen, truncated


def _walk_area(tree: Path, around: Path) -> List[str]:
    found = [_display(str(path)) for path in sorted(around.glob("*.py"))]
    if (tree / "__init__.py").exists():
        try:
            found += files.python_files([_display(str(tree))])
        except files.MissingPath:
            pass
    return sorted(set(found))


def _display(path: str) -> str:
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


__all__: Sequence[str] = ("MAX_PROJECT_FILES", "is_relevant", "neighbourhood", "related")
