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
# *.cfg: files loaded with app.config.from_pyfile, which hold findings too.
FIXTURE_FILES = sorted(path.resolve() for pattern in ("*.py", "*.cfg") for path in FIXTURES.rglob(pattern))
MARKER = re.compile(r"#\s*expect:\s*((?:CRS\d{3}[\s,]*)+)")
# A fixture for an opt-in rule names it: ``# fixture-select: CRS502``.
SELECT = re.compile(r"^#\s*fixture-select:\s*(\S+)", re.MULTILINE)
# A fixture for CRS111 names the setting it runs with: ``# fixture-trusted-origins: A,B``.
TRUSTED = re.compile(r"^#\s*fixture-trusted-origins:\s*(\S+)", re.MULTILINE)


def trusted_origins_of(path: Path) -> tuple:
    found = TRUSTED.search(path.read_text(encoding="utf-8"))
    return tuple(found.group(1).split(",")) if found else ()


def expected_findings(path: Path) -> Counter:
    expected: Counter = Counter()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            for code in re.findall(r"CRS\d{3}", match.group(1)):
                expected[(number, code)] += 1
    return expected


def _findings_by_file(select: tuple) -> dict:
    """One run over the whole fixtures tree, as users run it: values from
    imported modules are reported in the module that writes them."""
    by_file: dict = {}
    for finding in lint_paths([str(FIXTURES)], select=select).findings:
        by_file.setdefault(Path(finding.path).resolve(), Counter())[(finding.where.line, finding.code)] += 1
    return by_file


@pytest.fixture(scope="module")
def default_run() -> dict:
    return _findings_by_file(())


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda path: str(path.relative_to(FIXTURES)))
def test_fixture_findings_are_exactly_the_expected_ones(path: Path, default_run: dict) -> None:
    selected = SELECT.search(path.read_text(encoding="utf-8"))
    trusted = trusted_origins_of(path)
    if trusted:  # its own run, with the setting (CRS111 is off without it)
        actual = Counter((f.where.line, f.code) for f in lint_paths([str(path)], trusted_origins=trusted).findings)
        assert actual == expected_findings(path)
        return
    if selected:
        run = _findings_by_file(tuple(selected.group(1).split(",")))
        selected_codes = set(selected.group(1).split(","))
        actual = Counter({key: n for key, n in run.get(path, Counter()).items() if key[1] in selected_codes})
        expected = Counter({key: n for key, n in expected_findings(path).items() if key[1] in selected_codes})
        assert actual == expected
        return
    assert default_run.get(path, Counter()) == expected_findings(path)


def test_fixtures_cover_every_rule() -> None:
    covered = set()
    for path in FIXTURE_FILES:
        covered.update(code for _, code in expected_findings(path))
    engine_only = {"CRS002", "CRS003"}  # an internal error, a timeout: no honest (or quick) fixture
    assert {rule.code for rule in ALL_RULES} - engine_only <= covered
