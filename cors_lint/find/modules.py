"""Project modules, parsed on demand: ``from settings import ALLOWED_ORIGINS``
is followed into ``settings.py`` when that file belongs to the linted project.

Each module is parsed at most once per loader (one loader serves a whole
serial run, or one batch of a parallel run); import cycles end in an unknown
value; modules outside the project (site-packages, the standard library) are
never parsed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Dict, Optional, Set

from cors_lint import files
from cors_lint.find import guard

if TYPE_CHECKING:  # imported when a module is parsed: a loader alone must not load libcst
    from cors_lint.find.source import SourceIndex

PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")
# Without a project marker, absolute imports are looked for this many folders up.
MAX_PARENTS = 5


def project_root(path: Path) -> Path:
    """The nearest directory above ``path`` that holds a project marker, else
    the top of the file's package."""
    for directory in path.parents:
        # A package's own ``setup.py`` (a views module so named) marks no project.
        if any((directory / marker).exists() for marker in PROJECT_MARKERS) and not (directory / "__init__.py").exists():
            return directory
    top = path.parent
    while (top / "__init__.py").exists() and top.parent != top:
        top = top.parent
    return top


@dataclass
class LoadedModule:
    path: str
    index: "SourceIndex"


class ModuleLoader:
    """Finds and parses the project modules that linted files import."""

    def __init__(self) -> None:
        self._modules: Dict[Path, Optional[LoadedModule]] = {}
        self._adopted: Set[Path] = set()
        self.loading: Set[Path] = set()  # modules being evaluated: a cycle stops here
        self._roots: Dict[Path, Path] = {}  # directory -> project root

    def locate(self, importer: str, module: str) -> Optional[Path]:
        """The file of ``module`` (``config.settings``, or ``.settings`` relative
        to the importer's package) inside the importer's project."""
        importer_path = Path(os.path.abspath(importer))
        level = len(module) - len(module.lstrip("."))
        parts = [part for part in module.lstrip(".").split(".") if part]
        if level:
            base = importer_path.parent
            for _ in range(level - 1):
                base = base.parent
            bases = [base]
        else:
            if importer_path.parent not in self._roots:
                self._roots[importer_path.parent] = project_root(importer_path)
            root = self._roots[importer_path.parent]
            bases = [root, root / "src", importer_path.parent]
            if not any((root / marker).exists() for marker in PROJECT_MARKERS) or (root / "__init__.py").exists():
                # No project marker: the app may be started from any folder above
                # (``controller/Routes/x.py`` importing ``controller``, a
                # namespace package without ``__init__.py``).
                bases += list(importer_path.parents)[1:MAX_PARENTS]
        for base in bases:
            target = base.joinpath(*parts) if parts else base
            for candidate in (target.with_suffix(".py") if parts else None, target / "__init__.py"):
                if candidate is not None and candidate.is_file():
                    return candidate
        return None

    def by_path(self, display: str) -> "Optional[SourceIndex]":
        """A loaded module's index, by the path its spans carry."""
        for loaded in self._modules.values():
            if loaded is not None and loaded.path == display:
                return loaded.index
        return None

    def adopt(self, path: Path, index: "SourceIndex") -> None:
        """A module the caller has parsed already (a linted file): imports of
        it reuse that parse, until ``forget_adopted``."""
        if path not in self._modules:  # ``path`` is absolute
            self._modules[path] = LoadedModule(index.path, index)
            self._adopted.add(path)

    def forget_adopted(self) -> None:
        """Drop the modules adopted so far (one group's files, analysed):
        the loader keeps only what it parsed itself for imports."""
        for path in self._adopted:
            del self._modules[path]
        self._adopted.clear()

    def load(self, path: Path) -> Optional[LoadedModule]:
        if path not in self._modules:
            self._modules[path] = self._parse(path)
        return self._modules[path]

    def _parse(self, path: Path) -> Optional[LoadedModule]:
        from cors_lint.find.source import SourceIndex, parse

        try:
            source = files.read(str(path))
        except OSError:
            return None
        verdict = guard.check(source)
        if verdict.refusal is not None:
            return None
        top_level_lines = guard.top_level_lines(verdict.tree) if verdict.tree is not None else None
        del verdict  # CPython's tree, before libcst builds its own
        try:
            module = parse(source)
        except Exception:  # noqa: BLE001 - an unparseable settings module only makes its values unknown
            return None
        display = files.display_path(str(path))
        return LoadedModule(display, SourceIndex(module, display, source, top_level_lines))
