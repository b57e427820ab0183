"""Real flask-cors releases for the tests, each installed once in a cached
directory of its own (pytest's cache: ``.pytest_cache/d/flask-cors-releases``)
and run in a subprocess with ``release_runner.py``.

By default the tests use ``DEFAULT_RELEASES``; ``CORS_LINT_ALL_RELEASES=1``
runs every release from 3.0.8 on (``ALL_RELEASES``). Without access to the
package index the tests that need an uninstalled release are skipped.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from cors_lint.model import releases

HERE = Path(__file__).resolve().parent
INSTALLED = "6.0.5"  # the test extra pins it: it runs from the virtual environment
# Each release that changed a modelled behaviour, and the one before it.
# (6.0.3 behaves as 6.0.1 in every modelled respect; the full matrix runs it.)
DEFAULT_RELEASES = ("3.0.8", "3.0.9", "3.0.10", "4.0.0", "4.0.1", "4.0.2", "5.0.0", "5.0.1", "6.0.0", "6.0.1", INSTALLED)
# 3.0.0 to 3.0.7 use ``collections.Iterable``, gone since Python 3.10: they
# cannot serve a request on the Python the tests run (nor on any a project
# would run them on today), so the matrix starts at 3.0.8.
OLDEST_RUNNABLE = "3.0.8"
ALL_RELEASES = tuple(
    version
    for version in releases.RELEASED
    if releases.parse_version(version) >= releases.parse_version(OLDEST_RUNNABLE)
)


def wanted() -> Sequence[str]:
    return ALL_RELEASES if os.environ.get("CORS_LINT_ALL_RELEASES") == "1" else DEFAULT_RELEASES


def needs_six(version: str) -> bool:
    """flask-cors 3.x imports ``six``; the test environment does not have it."""
    return releases.parse_version(version) < (4, 0, 0)


def _install(version: str, root: Path) -> Optional[str]:
    """The directory holding the release, installed there if needed; None
    when it cannot be installed (no package index)."""
    if version == INSTALLED:
        return ""
    target = root / version
    done = target / ".installed"
    if done.exists():
        return str(target)
    packages = [f"flask-cors=={version}"] + (["six"] if needs_six(version) else [])
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-compile", "--disable-pip-version-check",
               "--target", str(target), *packages]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        return None
    done.write_text(version)
    return str(target)


def install(versions: Sequence[str], root: Path) -> Dict[str, Optional[str]]:
    """Every release in its own directory, installed in parallel."""
    root.mkdir(parents=True, exist_ok=True)
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        found = pool.map(lambda version: _install(version, root), versions)
        return dict(zip(versions, found))


def ask_release(directory: str, cases: List[dict]) -> List[list]:
    """Every case's answers from the release installed in ``directory``
    (``""``: the installed flask-cors)."""
    result = subprocess.run(
        [sys.executable, str(HERE / "release_runner.py"), directory],
        input=json.dumps(cases), capture_output=True, text=True, timeout=600,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return json.loads(result.stdout)["answers"]


def ask_releases(directories: Dict[str, str], cases_by_version: Dict[str, List[dict]]) -> Dict[str, List[list]]:
    """``ask_release`` for several releases at once, in parallel processes."""
    workers = max(2, os.cpu_count() or 2)
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {version: pool.submit(ask_release, directories[version], cases) for version, cases in cases_by_version.items()}
        return {version: future.result() for version, future in futures.items()}
