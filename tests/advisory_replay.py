"""Replaying CRS6xx witnesses against the real releases: the release the
witness names must answer as the model predicts, and the release with the
fix must not grant the same (for the log advisory: must not write the
forged line)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import releases as installed_releases

from cors_lint.applications import analyse_sources
from cors_lint.model import releases
from cors_lint.model.advisories import BY_CODE, LOG
from cors_lint.model.exposures import Exposure, assess, grants
from cors_lint.model.pinned import choose

CACHE = Path(__file__).resolve().parent.parent / ".pytest_cache" / "d" / "flask-cors-releases"
FORGED = "\nWARNING:forged-by-cors-lint"


def exposures_of(source: str, version: str) -> List[Exposure]:
    """The model's witnesses for a one-module app pinned to ``version``."""
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "app.py")
        Path(path).write_text(source)
        analysis = analyse_sources([path], {path: source.encode()}, False)
        return list(assess(analysis.model, choose((), version)).exposures)


def replay_all(items: Sequence[Tuple[str, Exposure]]) -> List[Tuple[object, object]]:
    """For each (source, witness): the answers of the affected release and
    of the first fixed release to the witness request ((headers, log) pairs
    for the log advisory, headers otherwise). One process per release."""
    wanted = {}  # version -> [(item index, side)]
    for index, (_, exposure) in enumerate(items):
        wanted.setdefault(exposure.version, []).append((index, 0))
        wanted.setdefault(BY_CODE[exposure.code].fixed, []).append((index, 1))
    directories = installed_releases.install(sorted(wanted, key=releases.parse_version), CACHE)
    missing = [version for version in wanted if directories[version] is None]
    if missing:
        raise LookupError(f"flask-cors {missing[0]} cannot be installed")
    asked = installed_releases.ask_releases(
        directories, {version: [_case(*items[index]) for index, _ in uses] for version, uses in wanted.items()}  # type: ignore[arg-type]
    )
    answers: Dict[Tuple[int, int], object] = {}
    for version, uses in wanted.items():
        for (index, side), [answer] in zip(uses, asked[version]):
            answers[index, side] = answer
    return [(answers[index, 0], answers[index, 1]) for index in range(len(items))]


def _case(source: str, exposure: Exposure) -> dict:
    request = exposure.request
    return {
        "source": source,
        "requests": [[request.path, request.method, dict(request.headers)]],
        "log": BY_CODE[exposure.code].kind == LOG,
    }


def confirmed(exposure: Exposure, affected: object, fixed: object) -> bool:
    """The witness holds against the real releases' answers."""
    if BY_CODE[exposure.code].kind == LOG:
        return FORGED in affected[1] and FORGED not in fixed[1]  # type: ignore[index]
    as_pairs = lambda answer: tuple(tuple(pair) for pair in answer)  # noqa: E731
    predicted = tuple(tuple(pair) for pair in exposure.affected)
    gained = grants(as_pairs(affected), exposure.request) - grants(as_pairs(fixed), exposure.request)
    return as_pairs(affected) == predicted and bool(gained)


def witnesses_hold(source: str, version: str, code: str) -> bool:
    """Every witness the model finds for ``code`` in this app holds."""
    items = [(source, exposure) for exposure in exposures_of(source, version) if exposure.code == code]
    return bool(items) and all(confirmed(exposure, *answers) for (_, exposure), answers in zip(items, replay_all(items)))
