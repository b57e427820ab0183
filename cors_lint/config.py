"""``[tool.cors-lint]`` in pyproject.toml: discovery and validation.

The nearest pyproject.toml with a ``[tool.cors-lint]`` table, looking from the
current directory upwards (as ruff and black do), configures the run; options
given on the command line replace the file's values.
"""

from __future__ import annotations

import fnmatch
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Optional, Sequence, Tuple

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.9 and 3.10
    import tomli as tomllib

SEVERITIES = ("error", "warning", "note")
KEYS = (
    "select",
    "extend-select",
    "ignore",
    "exclude",
    "per-file-ignores",
    "fail-on",
    "timeout",
    "trusted-origins",
    "fix",
    "unsafe-fixes",
    "flask-cors-version",
)
DEFAULT_TIMEOUT = 10.0  # seconds per unit of analysis (a group of modules: an app, or a lone file)


class ConfigError(Exception):
    """The configuration file is invalid; the message says where and why."""


@dataclass(frozen=True)
class Settings:
    select: Tuple[str, ...] = ()
    extend_select: Tuple[str, ...] = ()
    ignore: Tuple[str, ...] = ()
    exclude: Tuple[str, ...] = ()
    per_file_ignores: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    fail_on: str = "warning"
    trusted_origins: Tuple[str, ...] = ()  # scheme://host[:port] or scheme://*.domain (CRS111)
    timeout: float = DEFAULT_TIMEOUT  # 0: unbounded
    fix: bool = False  # apply the safe fixes in place (--fix)
    unsafe_fixes: bool = False  # also the unsafe ones; without fix, show them as available
    flask_cors_version: Optional[str] = None  # replaces the project's flask-cors requirement (CRS6xx)
    root: Path = field(default_factory=Path.cwd)  # per-file-ignores globs are relative to it
    source: Optional[Path] = None  # the file the settings came from

    def ignored_for(self, path: str) -> Tuple[str, ...]:
        """Extra codes ignored for one file by ``per-file-ignores``."""
        if not self.per_file_ignores:
            return ()
        try:
            relative = Path(os.path.abspath(path)).relative_to(self.root.resolve()).as_posix()
        except ValueError:
            relative = Path(path).as_posix()
        name = Path(path).name
        codes: Tuple[str, ...] = ()
        for pattern, pattern_codes in self.per_file_ignores:
            if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(name, pattern):
                codes += pattern_codes
        return codes


def find_config(start: Path) -> Optional[Path]:
    """The nearest pyproject.toml at or above ``start`` with [tool.cors-lint]."""
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            try:
                document = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue  # not ours to judge unless it is the one in use
            if "cors-lint" in document.get("tool", {}):
                return candidate
    return None


def load_config(path: Path) -> Settings:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    table = document.get("tool", {}).get("cors-lint", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.cors-lint] must be a table")
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise ConfigError(f"{path}: unknown key {unknown[0]!r} in [tool.cors-lint] (known: {', '.join(KEYS)})")
    fail_on = table.get("fail-on", "warning")
    if fail_on not in SEVERITIES:
        raise ConfigError(f"{path}: fail-on must be one of {', '.join(SEVERITIES)}, not {fail_on!r}")
    per_file = table.get("per-file-ignores", {})
    if not isinstance(per_file, dict):
        raise ConfigError(f"{path}: per-file-ignores must be a table of glob = [codes]")
    timeout = table.get("timeout", DEFAULT_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 <= timeout < float("inf"):
        raise ConfigError(f"{path}: timeout must be a number of seconds, 0 or more (0: no limit), not {timeout!r}")
    return Settings(
        fix=_boolean(path, "fix", table.get("fix", False)),
        unsafe_fixes=_boolean(path, "unsafe-fixes", table.get("unsafe-fixes", False)),
        select=_codes(path, "select", table.get("select", [])),
        extend_select=_codes(path, "extend-select", table.get("extend-select", [])),
        timeout=float(timeout),
        ignore=_codes(path, "ignore", table.get("ignore", [])),
        exclude=_strings(path, "exclude", table.get("exclude", [])),
        per_file_ignores=tuple(
            (pattern, _codes(path, f"per-file-ignores.{pattern!r}", codes)) for pattern, codes in per_file.items()
        ),
        fail_on=fail_on,
        trusted_origins=check_trusted_origins(_strings(path, "trusted-origins", table.get("trusted-origins", [])), str(path)),
        flask_cors_version=check_flask_cors_version(table.get("flask-cors-version"), f"{path}: flask-cors-version"),
        root=path.parent,
        source=path,
    )


def _boolean(path: Path, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{path}: {key} must be true or false, not {value!r}")
    return value


def _strings(path: Path, key: str, value: Any) -> Tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{path}: {key} must be a list of strings")
    return tuple(value)


def _codes(path: Path, key: str, value: Any) -> Tuple[str, ...]:
    return normalized_codes(_strings(path, key, value))


def normalized_codes(codes: Sequence[str]) -> Tuple[str, ...]:
    """Upper case, blanks dropped; ``ALL`` is the prefix every code has."""
    upper = (code.strip().upper() for code in codes)
    return tuple("CRS" if code == "ALL" else code for code in upper if code)


def settings_for(explicit: Optional[str], isolated: bool) -> Settings:
    """The settings of this run: an explicit file, the discovered one, or none."""
    if isolated:
        return Settings()
    if explicit is not None:
        return load_config(Path(explicit))
    found = find_config(Path.cwd())
    return load_config(found) if found else Settings()


def merged(settings: Settings, overrides: Dict[str, Any]) -> Settings:
    """Command-line values replace the file's."""
    given = {key: value for key, value in overrides.items() if value not in (None, ())}
    return Settings(**{**settings.__dict__, **given})


def check_trusted_origins(origins: Sequence[str], where: str) -> Tuple[str, ...]:
    """Each must be ``scheme://host[:port]`` or ``scheme://*.domain``."""
    if not origins:
        return ()  # the model is not even imported: a run without CORS code stays light
    from cors_lint.model.language.obtainable import TrustedOriginError, parse_trusted

    for origin in origins:
        try:
            parse_trusted(origin)
        except TrustedOriginError as error:
            raise ConfigError(f"{where}: {error}") from None
    return tuple(origins)


def check_flask_cors_version(version: Any, where: str) -> Optional[str]:
    """A released flask-cors version, exactly (``5.0.1``), or None."""
    if version is None:
        return None
    from cors_lint.model import releases

    if not isinstance(version, str) or not releases.is_released(version.strip()):
        raise ConfigError(
            f"{where}: {version!r} is not a flask-cors release (give one such as {releases.NEWEST}; "
            f"known: {releases.RELEASED[0]} to {releases.NEWEST})"
        )
    return version.strip()


def check_codes(codes: Sequence[str], known: Sequence[str], where: str) -> None:
    for code in codes:
        if not any(rule_code.startswith(code) for rule_code in known):
            raise ConfigError(f"{where}: {code!r} is not a rule code or prefix (see --list-rules)")
