"""Where a project declares its dependencies: the packaging files next to
its code, found without reading them as requirements.

Kept apart from ``requirements.py`` so that a run over a project that never
mentions flask-cors in them (the common case) costs a directory listing and
a substring search, nothing more.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator, List, Sequence, Set

# A line that may mention flask-cors, in any of its spellings (Flask-CORS, flask_cors).
MENTION = re.compile(r"flask[-_.]?cors", re.IGNORECASE)
# pip's includes: a requirements file may get flask-cors from another file.
INCLUDE = re.compile(r"^\s*(?:-r|-c|--requirement|--constraint)\b", re.MULTILINE)
REQUIREMENT_GLOBS = ("requirements*.txt", "requirements/*.txt", "constraints*.txt", "requirements*.in")
LOCK_FILES = ("poetry.lock", "uv.lock", "Pipfile.lock")
DECLARING_FILES = ("pyproject.toml", "Pipfile", "setup.cfg", "setup.py")


def nearest_packaging_files(start: Path, root: Path) -> List[Path]:
    """The packaging files of the nearest directory from ``start`` up to
    ``root`` (the project root) that holds any, sorted."""
    directory = start if start.is_dir() else start.parent
    for folder in _upwards(directory, root):
        files = packaging_files(folder)
        if files:
            return files
    return []


def may_declare_flask_cors(files: Sequence[Path]) -> bool:
    """Does any of the files mention flask-cors, or include another file
    that may? (A file that cannot be read declares nothing.)"""
    for path in files:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if MENTION.search(text) or (path.suffix in (".txt", ".in") and INCLUDE.search(text)):
            return True
    return False


def packaging_files(folder: Path) -> List[Path]:
    found: Set[Path] = set()
    for pattern in REQUIREMENT_GLOBS:
        found.update(path for path in folder.glob(pattern) if path.is_file())
    for name in LOCK_FILES + DECLARING_FILES:
        if (folder / name).is_file():
            found.add(folder / name)
    return sorted(found)


def _upwards(directory: Path, root: Path) -> Iterator[Path]:
    """``directory`` and its parents up to ``root``; only ``directory`` when
    it is not under ``root``."""
    try:
        directory.relative_to(root)
    except ValueError:
        yield directory
        return
    while True:
        yield directory
        if directory == root or directory.parent == directory:
            return
        directory = directory.parent
