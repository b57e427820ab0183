"""The apps of ``tests/apps``: every line marked ``# expect: CRSnnn`` gets
exactly those findings in a whole-tree run; linting any one file alone (as
pre-commit does) gives that file the same findings; flake8 reports the same."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from test_fixtures import expected_findings

from cors_lint import lint_paths

APPS = Path(__file__).resolve().parent / "apps"
APP_FILES = sorted(path for pattern in ("*.py", "*.cfg") for path in APPS.rglob(pattern))


def _by_file(findings) -> dict:
    by_file: dict = {}
    for finding in findings:
        by_file.setdefault(Path(finding.path).resolve(), Counter())[(finding.where.line, finding.code)] += 1
    return by_file


@pytest.fixture(scope="module")
def whole_tree() -> dict:
    return _by_file(lint_paths([str(APPS)], jobs=1).findings)


@pytest.mark.parametrize("path", APP_FILES, ids=lambda path: str(path.relative_to(APPS)))
def test_app_findings_are_exactly_the_expected_ones(path: Path, whole_tree: dict) -> None:
    assert whole_tree.get(path, Counter()) == expected_findings(path)


@pytest.mark.parametrize("path", [p for p in APP_FILES if p.suffix == ".py"], ids=lambda path: str(path.relative_to(APPS)))
def test_a_file_linted_alone_gets_the_findings_of_the_whole_tree(path: Path, whole_tree: dict, monkeypatch) -> None:
    monkeypatch.chdir(path.parent)
    alone = _by_file(lint_paths([path.name], jobs=1).findings)
    assert alone.get(path, Counter()) == whole_tree.get(path, Counter())


def test_flake8_reports_what_the_cli_reports(whole_tree: dict) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "CRS", "--format", "%(path)s|%(row)d|%(code)s", str(APPS)],
        capture_output=True,
        text=True,
    )
    flake8: dict = {}
    for line in result.stdout.splitlines():
        path, row, code = line.split("|", 2)
        flake8.setdefault(Path(path).resolve(), Counter())[(int(row), code)] += 1
    cli = {path: counts for path, counts in whole_tree.items() if path.suffix == ".py"}
    assert flake8 == cli
