"""Every fixture line marked ``# expect: CRSnnn`` must produce exactly those
findings, and no other line any finding."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from cors_lint import lint_paths
from cors_lint.rules import ALL_RULES

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FIXTURE_FILES = sorted(FIXTURES.rglob("*.py"))
MARKER = re.compile(r"#\s*expect:\s*((?:CRS\d{3}[\s,]*)+)")
# A fixture for an opt-in rule names it: ``# fixture-select: CRS502``.
SELECT = re.compile(r"^#\s*fixture-select:\s*(\S+)", re.MULTILINE)


def expected_findings(path: Path) -> Counter:
    expected: Counter = Counter()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            for code in re.findall(r"CRS\d{3}", match.group(1)):
                expected[(number, code)] += 1
    return expected


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda path: path.name)
def test_fixture_findings_are_exactly_the_expected_ones(path: Path) -> None:
    selected = SELECT.search(path.read_text(encoding="utf-8"))
    run = lint_paths([str(path)], select=tuple(selected.group(1).split(",")) if selected else ())
    actual = Counter((finding.where.line, finding.code) for finding in run.findings)
    assert actual == expected_findings(path)


def test_fixtures_cover_every_rule() -> None:
    covered = set()
    for path in FIXTURE_FILES:
        covered.update(code for _, code in expected_findings(path))
    engine_only = {"CRS002"}  # an internal error has no honest fixture
    assert {rule.code for rule in ALL_RULES} - engine_only <= covered
