"""The project's modules grouped by the imports between them, before any is
parsed: each group (an application, or a lone module) is one unit of work,
so independent apps are analysed in parallel and each module of a group is
parsed once, in one process.

The imports are read from the text with a regular expression: a module
that imports another of the set (absolutely, relatively, or ``from pkg
import submodule``) is in its group. Reading too many links only makes a
group larger; the link stage itself follows the real imports.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Dict, Iterator, List, Sequence

from cors_lint.find.modules import ModuleLoader

_IMPORT_FROM = re.compile(rb"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+\(?([\w, \t*]+)", re.MULTILINE)
_IMPORT = re.compile(rb"^[ \t]*import[ \t]+([\w., \t]+)", re.MULTILINE)
# ``app.config.from_object("pkg.settings")`` imports by a string.
_IMPORT_STRING = re.compile(rb"from_object\(\s*[rRuU]?[\"']([\w.]+)[\"']")


def imported_names(source: bytes) -> Iterator[str]:
    """Every module an import statement of the source may name (for ``from
    m import a``: ``m`` and ``m.a``, which may be a submodule)."""
    for match in _IMPORT_FROM.finditer(source):
        module = match.group(1).decode("latin-1")
        yield module
        for name in match.group(2).decode("latin-1").split(","):
            name = name.strip().split(" ")[0]
            if name and name != "*":
                yield module + name if module.endswith(".") else f"{module}.{name}"
    for match in _IMPORT_STRING.finditer(source):
        name = match.group(1).decode("latin-1")
        yield name
        yield name.rpartition(".")[0]  # "pkg.settings.Config": the class's module
    for match in _IMPORT.finditer(source):
        for part in match.group(1).decode("latin-1").split(","):
            name = part.strip().split(" ")[0]
            if name:
                yield name


def group_by_imports(sources: Dict[str, bytes]) -> List[List[str]]:
    """Groups of paths connected by imports, each sorted, in a stable order."""
    paths = sorted(sources)
    by_file = {Path(os.path.abspath(path)): path for path in paths}
    parent = {path: path for path in paths}

    def find(path: str) -> str:
        while parent[path] != path:
            parent[path] = parent[parent[path]]
            path = parent[path]
        return path

    loader = ModuleLoader()
    located_from: Dict[tuple, object] = {}  # (directory, name) -> file: files of one folder share answers
    for path in paths:
        directory = os.path.dirname(os.path.abspath(path))
        for name in set(imported_names(sources[path])):
            key = (directory, name)
            if key not in located_from:
                located_from[key] = loader.locate(path, name)
            located = located_from[key]
            target = by_file.get(located) if located is not None else None
            if target is not None:
                first, second = find(path), find(target)
                if first != second:
                    parent[max(first, second)] = min(first, second)
    groups: Dict[str, List[str]] = {}
    for path in paths:
        groups.setdefault(find(path), []).append(path)
    return sorted(groups.values())


__all__: Sequence[str] = ("group_by_imports", "imported_names")
