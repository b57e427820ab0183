"""Which flask-cors releases a project runs: its requirement (or the
override), turned into released versions."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

from cors_lint.link.requirements import Declared
from cors_lint.model import releases

# How the versions were chosen.
OVERRIDE = "override"  # --flask-cors-version or [tool.cors-lint] flask-cors-version
LOCKED = "lock file"
REQUIRED = "requirement"
ASSUMED = "assumed"  # no requirement found: the newest release


@dataclass(frozen=True)
class PinnedFlaskCors:
    versions: Tuple[str, ...]  # released versions the project allows, oldest first
    how: str
    declared: Tuple[Declared, ...] = ()  # where the requirement is written
    override_from: str = ""  # "--flask-cors-version", "pyproject.toml"

    @property
    def newest_allowed(self) -> Optional[str]:
        return self.versions[-1] if self.versions else None

    def deciding(self) -> Optional[Declared]:
        """The declaration that narrows the releases most (``==4.0.1`` in
        requirements.txt over a bare ``flask-cors`` in pyproject.toml)."""
        return min(
            self.declared,
            # On a tie, the runtime requirements over a development file's.
            key=lambda declared: (len(releases.allowed(declared.specifier)), "dev" in os.path.basename(declared.path).lower()),
            default=None,
        )

    def describe(self) -> str:
        """One line for ``cors-lint policy``."""
        allowed = releases.describe_range(self.versions)
        if self.how == OVERRIDE:
            return f"flask-cors {allowed} (set by {self.override_from})"
        if self.how == ASSUMED:
            return f"flask-cors {allowed} assumed: no flask-cors requirement found (the newest release)"
        where = ", ".join(f"{declared.text or declared.specifier} at {declared.location}" for declared in self.declared)
        if len(self.versions) == 1:
            return f"flask-cors {allowed} ({self.how}: {where})"
        return f"flask-cors {allowed} allowed ({self.how}: {where})"


ASSUME_NEWEST = PinnedFlaskCors((releases.NEWEST,), ASSUMED)


def choose(declared: Sequence[Declared], override: Optional[str] = None, override_from: str = "") -> PinnedFlaskCors:
    """The override if given; else the locked versions; else the versions
    every declared requirement allows (all of them hold where the files are
    installed together; when none is allowed by all, those any allows);
    else the newest release, said to be assumed."""
    if override:
        return PinnedFlaskCors((override,), OVERRIDE, (), override_from)
    if not declared:
        return ASSUME_NEWEST
    locked = [item for item in declared if item.locked]
    if locked:
        versions = sorted({v for item in locked for v in releases.allowed(item.specifier)}, key=releases.parse_version)
        return PinnedFlaskCors(tuple(versions), LOCKED, tuple(locked)) if versions else ASSUME_NEWEST
    each = [set(releases.allowed(item.specifier)) for item in declared]
    common = set.intersection(*each) if each else set()
    chosen = common or set.union(*each)
    if not chosen:
        return ASSUME_NEWEST
    return PinnedFlaskCors(tuple(sorted(chosen, key=releases.parse_version)), REQUIRED, tuple(declared))
