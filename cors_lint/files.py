"""Which files to check: walking directories, skipping what is not project
code, and reading each file's bytes."""

from __future__ import annotations

import fnmatch
import os
import stat
from typing import Iterable, Iterator, List, Sequence

# Directories that hold tools' caches, dependencies or build output.
SKIPPED_DIRECTORIES = frozenset(
    {
        ".bzr",
        ".direnv",
        ".eggs",
        ".git",
        ".hg",
        ".mypy_cache",
        ".nox",
        ".pytest_cache",
        ".ruff_cache",
        ".svn",
        ".tox",
        ".venv",
        "__pycache__",
        "__pypackages__",
        "node_modules",
        "site-packages",
        "venv",
    }
)
MAX_FILE_BYTES = 10 * 1024 * 1024


class MissingPath(Exception):
    """A path given on the command line does not exist."""


def excluded(path: str, patterns: Sequence[str]) -> bool:
    """``--exclude`` globs match the whole path or any one part of it."""
    normalized = path.replace(os.sep, "/")
    parts = normalized.split("/")
    return any(fnmatch.fnmatch(normalized, pattern) or any(fnmatch.fnmatch(part, pattern) for part in parts) for pattern in patterns)


def display_path(path: str) -> str:
    """The one spelling of a path in a run's output: relative to the current
    directory when it lies inside it (``./app.py`` is ``app.py``), else
    absolute."""
    if os.path.isabs(path):
        relative = os.path.relpath(path)
        return path if relative == ".." or relative.startswith(".." + os.sep) else relative
    return os.path.normpath(path)


def python_files(paths: Iterable[str], exclude: Sequence[str] = ()) -> List[str]:
    """The files to check, sorted; directories are walked for ``*.py``.
    Files named explicitly are checked whatever their suffix. Paths are
    spelt as ``display_path`` spells them."""
    found = set()
    for given in paths:
        if not os.path.lexists(given):
            raise MissingPath(given)
        # Spelt once at the top: the walk builds every path below from it.
        path = display_path(given)
        if os.path.isdir(path):
            found.update(_walk(path, exclude))
        elif not excluded(path, exclude):
            found.add(path)
    return sorted(found)


def _walk(top: str, exclude: Sequence[str]) -> Iterator[str]:
    # Symbolic links to directories are not followed: no loops, no escaping the tree.
    for directory, subdirectories, files in os.walk(top):
        subdirectories[:] = sorted(
            name
            for name in subdirectories
            if name not in SKIPPED_DIRECTORIES
            and not os.path.exists(os.path.join(directory, name, "pyvenv.cfg"))
            and not excluded(os.path.join(directory, name), exclude)
        )
        if directory == "." or directory.startswith("." + os.sep):
            directory = directory[2:]  # `cors-lint .` reports app.py, not ./app.py
        for name in files:
            path = os.path.join(directory, name)
            if name.endswith(".py") and not excluded(path, exclude):
                yield path


def read(path: str) -> bytes:
    """The file's bytes; OSError (with a message naming the problem) when it
    cannot be read or is too large."""
    # os-level calls: a tree walk reads thousands of files, and pathlib plus a
    # buffered file object cost three times the reading itself.
    descriptor = os.open(path, os.O_RDONLY)
    try:
        status = os.fstat(descriptor)
        size, is_regular = status.st_size, stat.S_ISREG(status.st_mode)
        if size > MAX_FILE_BYTES:
            raise OSError(f"file is {size} bytes, larger than the {MAX_FILE_BYTES} byte limit")
        chunks = []
        total = 0
        while True:
            # Asking for one byte more than the size ends a regular file in one
            # call; pipes and special files may return less and are read on.
            chunk = os.read(descriptor, size + 1 if not chunks else 1 << 16)
            total += len(chunk)
            if total > MAX_FILE_BYTES:
                raise OSError(f"file is larger than the {MAX_FILE_BYTES} byte limit")
            if chunk:
                chunks.append(chunk)
            if not chunk or (is_regular and total <= size):
                return b"".join(chunks)
    finally:
        os.close(descriptor)
