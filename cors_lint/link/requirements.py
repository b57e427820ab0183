"""The project's flask-cors requirement, read from its packaging files.

Project-level data, like the rest of ``link``: which flask-cors the project
declares (``requirements*.txt`` and constraints files with their ``-r``/``-c``
includes, ``pyproject.toml``'s ``[project]`` dependencies and optional
groups, ``[dependency-groups]``, Poetry's and PDM's tables, ``setup.cfg``,
``setup.py``) or locks (``poetry.lock``, ``uv.lock``, ``Pipfile.lock``), and
where. Turning a specifier into released versions is the model's job
(``cors_lint.model.releases.allowed``).

Nothing is imported or executed: ``setup.py`` is read with ``ast``, TOML
with ``tomllib``. Environment markers are not evaluated: a requirement under
any marker counts, so two requirements under exclusive markers allow the
versions of both.
"""

from __future__ import annotations

import dataclasses
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

from cors_lint.link.packaging_files import MENTION, nearest_packaging_files

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - older Pythons
    import tomli as tomllib

NAME = "flask-cors"
# packaging is imported only when a file mentions flask-cors: its import
# (platform tags, markers) would cost every run about 20 ms.


def canonicalize_name(name: str) -> str:
    """PEP 503's normalised name: ``Flask_CORS`` and ``flask.cors`` are ``flask-cors``."""
    return re.sub(r"[-_.]+", "-", name).lower()
MAX_INCLUDES = 50  # -r/-c files followed, against cycles and runaway trees


@dataclass(frozen=True)
class Declared:
    """One flask-cors requirement as written: a PEP 440 specifier (``""``:
    any version), or an exact version from a lock file."""

    path: str
    line: int
    column: int
    specifier: str
    locked: bool = False  # from a lock file: the version that is installed
    text: str = ""  # the requirement as written, for messages

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


def find_requirements(start: Path, root: Path) -> Tuple[Declared, ...]:
    """The flask-cors requirements of the project: the nearest directory from
    ``start`` up to ``root`` (the project root) that holds packaging files.
    Lock files, when they mention flask-cors, stand for the others."""
    found: List[Declared] = []
    for path in nearest_packaging_files(start, root):
        found.extend(read_file(path))
    locked = [declared for declared in found if declared.locked]
    shown = {dataclasses.replace(declared, path=shown_path(declared.path)) for declared in locked or found}
    return tuple(sorted(shown, key=lambda declared: (declared.path, declared.line, declared.column, declared.specifier)))


def shown_path(path: str) -> str:
    """Relative to the current directory when the file lies inside it, as
    cors-lint reports every path."""
    absolute = os.path.abspath(path)
    cwd = os.getcwd()
    return os.path.relpath(absolute, cwd) if absolute.startswith(cwd + os.sep) else absolute


def read_file(path: Path) -> List[Declared]:
    """The flask-cors requirements one file declares (and the files it
    includes, for requirements files). A file that cannot be read or parsed
    declares nothing."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    if not MENTION.search(text) and not name.endswith(".txt") and not name.endswith(".in"):
        return []
    try:
        if name == "pyproject.toml":
            return _pyproject(path, text)
        if name in ("poetry.lock", "uv.lock"):
            return _toml_lock(path, text)
        if name == "Pipfile.lock":
            return _pipfile_lock(path, text)
        if name == "Pipfile":
            return _pipfile(path, text)
        if name == "setup.cfg":
            return _setup_cfg(path, text)
        if name == "setup.py":
            return _setup_py(path, text)
        return _requirements_txt(path, set())
    except (ValueError, SyntaxError, tomllib.TOMLDecodeError, RecursionError):
        return []  # json's errors are ValueErrors; setup.cfg's are caught where it is read


# --- PEP 508 strings ---------------------------------------------------------


def parse_line(text: str) -> Optional[str]:
    """The specifier of a PEP 508 requirement on flask-cors (``""`` for any
    version); None when it is about another package or not a requirement.
    Extras and markers are allowed and do not change the versions."""
    if not MENTION.search(text):
        return None
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        requirement = Requirement(text.strip())
    except InvalidRequirement:
        return None
    if canonicalize_name(requirement.name) != NAME:
        return None
    if requirement.url:
        return None  # a direct reference: the version is not known
    return str(requirement.specifier)


def _locate(text: str, needle: str, after: int = 0) -> Tuple[int, int]:
    """1-based line and column of ``needle`` (else of the first mention of
    flask-cors) in ``text``."""
    index = text.find(needle, after) if needle else -1
    if index < 0:
        match = MENTION.search(text, after)
        index = match.start() if match else 0
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def _declared(path: Path, text: str, written: str, specifier: str, locked: bool = False, after: int = 0) -> Declared:
    line, column = _locate(text, written, after)
    return Declared(str(path), line, column, specifier, locked, written.strip())


# --- requirements.txt --------------------------------------------------------

_INCLUDE = re.compile(r"^(?:-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+)(?P<file>\S+)")
_OPTION = re.compile(r"^-")


def _requirements_txt(path: Path, seen: Set[Path]) -> List[Declared]:
    """pip's requirements format: comments (`` #``), line continuations,
    options (ignored), ``-r``/``-c`` includes relative to the file."""
    resolved = path.resolve()
    if resolved in seen or len(seen) >= MAX_INCLUDES:
        return []
    seen.add(resolved)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    found: List[Declared] = []
    lines = text.splitlines()
    number = 0
    while number < len(lines):
        start = number
        logical = lines[number]
        while logical.endswith("\\") and number + 1 < len(lines):
            number += 1
            logical = logical[:-1] + lines[number]
        number += 1
        content = re.sub(r"(^|\s)#.*$", "", logical).strip()
        if not content:
            continue
        include = _INCLUDE.match(content)
        if include:
            found.extend(_requirements_txt(path.parent / include.group("file"), seen))
            continue
        if _OPTION.match(content):
            continue
        # pip allows options after the requirement (``--hash=...``).
        requirement = re.split(r"\s+--?\w", content, maxsplit=1)[0]
        specifier = parse_line(requirement)
        if specifier is not None:
            column = lines[start].find(requirement.split()[0]) + 1 if requirement.split() else 1
            found.append(Declared(str(path), start + 1, max(column, 1), specifier, False, requirement))
    return found


# --- TOML and JSON files -----------------------------------------------------


def _pyproject(path: Path, text: str) -> List[Declared]:
    data = tomllib.loads(text)
    strings: List[str] = []
    project = data.get("project", {})
    strings.extend(_list(project.get("dependencies")))
    for group in _dict(project.get("optional-dependencies")).values():
        strings.extend(_list(group))
    for group in _dict(data.get("dependency-groups")).values():  # PEP 735
        strings.extend(item for item in _list(group) if isinstance(item, str))
    tool = _dict(data.get("tool"))
    pdm = _dict(tool.get("pdm"))
    for group in _dict(pdm.get("dev-dependencies")).values():
        strings.extend(_list(group))
    found = [_declared(path, text, string, spec) for string in strings if (spec := parse_line(string)) is not None]
    poetry = _dict(tool.get("poetry"))
    tables = [_dict(poetry.get("dependencies")), _dict(poetry.get("dev-dependencies"))]
    tables += [_dict(_dict(group).get("dependencies")) for group in _dict(poetry.get("group")).values()]
    for table in tables:
        found.extend(_poetry_entries(path, text, table))
    return found


def _poetry_entries(path: Path, text: str, table: Dict[str, Any]) -> List[Declared]:
    found = []
    for name, value in table.items():
        if canonicalize_name(name) != NAME:
            continue
        entries = value if isinstance(value, list) else [value]  # multiple constraints
        for entry in entries:
            constraint = entry.get("version", "*") if isinstance(entry, dict) else entry
            if not isinstance(constraint, str):
                continue
            found.append(_declared(path, text, name, poetry_specifier(constraint)))
    return found


def poetry_specifier(constraint: str) -> str:
    """Poetry's constraint syntax as a PEP 440 specifier: ``^1.2`` is
    ``>=1.2,<2.0``, ``~1.2.3`` is ``>=1.2.3,<1.3.0``, ``1.2.3`` is exact,
    ``*`` any, comma- or space-separated parts combined, ``||`` not supported
    (any version)."""
    constraint = constraint.strip()
    if constraint in ("", "*") or "||" in constraint:
        return ""
    parts = []
    for part in re.split(r"\s*,\s*|\s+(?=[<>=!~^])", constraint):
        part = part.strip()
        if not part:
            continue
        if part.startswith("^"):
            numbers = _numbers(part[1:])
            upper = _caret_upper(numbers)
            parts += [f">={_join(numbers)}", f"<{_join(upper)}"]
        elif part.startswith("~") and not part.startswith("~="):
            numbers = _numbers(part[1:])
            upper = [numbers[0] + 1] if len(numbers) == 1 else [numbers[0], numbers[1] + 1]
            parts += [f">={_join(numbers)}", f"<{_join(upper)}"]
        elif part[0].isdigit():
            parts.append("==" + part)  # a bare version is exact; "1.2.*" a prefix match
        else:
            parts.append(part)
    return ",".join(parts)


def _numbers(text: str) -> List[int]:
    return [int(piece) for piece in text.strip().split(".") if piece.isdigit()] or [0]


def _caret_upper(numbers: List[int]) -> List[int]:
    for index, number in enumerate(numbers):
        if number != 0 or index == len(numbers) - 1:
            return numbers[:index] + [number + 1]
    return [numbers[0] + 1]


def _join(numbers: Sequence[int]) -> str:
    return ".".join(str(number) for number in numbers)


def _toml_lock(path: Path, text: str) -> List[Declared]:
    """``poetry.lock`` and ``uv.lock``: ``[[package]]`` tables with a name and
    the version installed."""
    found = []
    for package in _list(tomllib.loads(text).get("package")):
        if isinstance(package, dict) and canonicalize_name(str(package.get("name", ""))) == NAME:
            version = str(package.get("version", ""))
            entry = max(text.find(f'name = "{package.get("name")}"'), 0)  # the version line after the name
            found.append(_declared(path, text, f'version = "{version}"', f"=={version}", True, entry))
    return found


def _pipfile(path: Path, text: str) -> List[Declared]:
    data = tomllib.loads(text)
    found = []
    for section in ("packages", "dev-packages"):
        for name, value in _dict(data.get(section)).items():
            if canonicalize_name(name) != NAME:
                continue
            specifier = value.get("version", "*") if isinstance(value, dict) else value
            if isinstance(specifier, str):
                found.append(_declared(path, text, name, "" if specifier.strip() == "*" else specifier.strip()))
    return found


def _pipfile_lock(path: Path, text: str) -> List[Declared]:
    import json

    data = json.loads(text)
    found = []
    for section in ("default", "develop"):
        for name, value in _dict(data.get(section)).items():
            if canonicalize_name(name) == NAME and isinstance(value, dict) and isinstance(value.get("version"), str):
                found.append(_declared(path, text, f'"{name}"', value["version"], True))
    return found


# --- setup.cfg and setup.py --------------------------------------------------


def _setup_cfg(path: Path, text: str) -> List[Declared]:
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    strings: List[str] = []
    if parser.has_option("options", "install_requires"):
        strings.extend(parser.get("options", "install_requires").splitlines())
    if parser.has_section("options.extras_require"):
        for _, value in parser.items("options.extras_require"):
            strings.extend(value.splitlines())
    strings = [re.sub(r"(^|\s)#.*$", "", string).strip() for string in strings]
    return [_declared(path, text, string, spec) for string in strings if string and (spec := parse_line(string)) is not None]


def _setup_py(path: Path, text: str) -> List[Declared]:
    """``install_requires=[...]`` and ``extras_require={...}`` of a ``setup()``
    call, as literal strings."""
    import ast

    found = []
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg not in ("install_requires", "extras_require"):
                continue
            for item in ast.walk(keyword.value):
                if isinstance(item, ast.Constant) and isinstance(item.value, str):
                    specifier = parse_line(item.value)
                    if specifier is not None:
                        found.append(Declared(str(path), item.lineno, item.col_offset + 1, specifier, False, item.value))
    return found


def _list(value: Any) -> List[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}
