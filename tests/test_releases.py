"""The table of flask-cors releases and of what changed when."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from cors_lint.model import releases
from cors_lint.model.advisories import ADVISORIES


def _index_versions():
    """The versions the package index lists for flask-cors (yanked ones are
    not listed), or None when it cannot be reached."""
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pip", "index", "versions", "flask-cors", "--disable-pip-version-check"],
            capture_output=True, text=True, timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = re.search(r"Available versions: (.+)", result.stdout)
    if result.returncode != 0 or not found:
        return None
    return [version.strip() for version in found.group(1).split(",")]


def test_table_is_complete_up_to_the_newest_release_on_the_index() -> None:
    listed = _index_versions()
    if listed is None:
        pytest.skip("the package index cannot be reached")
    assert set(listed) <= set(releases.RELEASED), "new flask-cors releases: add them to releases.RELEASED (and check CHANGES)"
    assert max(listed, key=releases.parse_version) == releases.NEWEST
    assert set(releases.RELEASED) - set(listed) <= releases.YANKED


def test_releases_are_in_order_and_changes_name_releases() -> None:
    numbers = [releases.parse_version(version) for version in releases.RELEASED]
    assert numbers == sorted(numbers)
    assert all(releases.is_released(since) for since, _ in releases.CHANGES)
    assert releases.RELEASED[-1] == releases.NEWEST


def test_newest_behaviour_is_what_the_model_follows_by_default() -> None:
    newest = releases.newest()
    assert newest.path_decoding == releases.UNQUOTE and not newest.paths_ignore_case
    assert newest.resource_order == releases.BY_SPECIFICITY and newest.invalid_regex == releases.RAISES_AT_START_UP
    assert "allow_private_network" in newest.options and not newest.allow_private_network_default


@pytest.mark.parametrize("advisory", ADVISORIES, ids=lambda advisory: advisory.code)
def test_an_advisory_affects_exactly_the_releases_without_its_fix(advisory) -> None:
    """Derived from the behaviour table: a release is affected when applying
    the fix changes its behaviour, except before the behaviour existed."""
    assert releases.is_released(advisory.fixed) and (
        releases.is_released(advisory.introduced) or advisory.introduced == releases.OLDEST_MODELLED
    )
    for version in releases.RELEASED:
        behaviour = releases.behaviour(version)
        has_fix = advisory.fixed_behaviour(behaviour) == behaviour
        if advisory.affects(version):
            assert not has_fix, version
        elif releases.parse_version(version) >= releases.parse_version(advisory.fixed):
            assert has_fix, version


@pytest.mark.parametrize(
    "specifier, expected",
    [("==5.0.1", ("5.0.1",)), (">=5,<6", ("5.0.0", "5.0.1")), ("~=6.0.3", ("6.0.3", "6.0.5")), ("<1.1", ("1.0",)),
     ("==6.0.4", ("6.0.4",)), ("==9.9.9", ()), ("not a specifier", ())],
)
def test_allowed_versions(specifier, expected) -> None:
    assert releases.allowed(specifier) == expected


def test_a_range_that_allows_the_fixed_release_is_explained_not_reported(tmp_path) -> None:
    """pip installs the newest release a requirement allows: with the fix
    allowed, an advisory is listed as not reachable; with every allowed
    release affected (``<5``), it is a finding."""
    from cors_lint import lint_paths

    app = "from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\nCORS(app)\n\n@app.route('/data')\ndef data():\n    return 'ok'\n"
    codes = {}
    for specifier in (">=4.0", ">=4.0,<5"):
        project = tmp_path / specifier.replace(">", "g").replace("<", "l").replace(",", "_").replace("=", "e").replace(".", "d")
        project.mkdir()
        (project / "requirements.txt").write_text(f"flask-cors{specifier}\n")
        (project / "app.py").write_text(app)
        findings = lint_paths([str(project)], jobs=1, timeout=0).findings
        codes[specifier] = sorted({finding.code for finding in findings if finding.code.startswith("CRS6")})
    assert codes[">=4.0"] == []
    assert "CRS601" in codes[">=4.0,<5"]
