"""Every CRS6xx witness is replayed against the real release it names and
against the release that fixed the advisory: the first answers as the model
predicts, the second does not grant the same (``advisory_replay``)."""

from __future__ import annotations

from pathlib import Path
from typing import List, Tuple

import pytest

from advisory_replay import confirmed, exposures_of, replay_all
from cors_lint.rules.versions import RULES

DATA = Path(__file__).resolve().parent / "data" / "versioned"
PROJECT = Path(__file__).resolve().parent / "data" / "versioned_project"
# A few more apps, beyond the rules' bad examples: each pinned release with
# the advisories it makes reachable.
APPS: List[Tuple[str, str]] = [(rule.bad, rule.example_flask_cors_version) for rule in RULES]
APPS += [
    (path.read_text(), version)
    for path in [*sorted(DATA.glob("*.py")), PROJECT / "shop" / "__init__.py"]
    for version in ("4.0.0", "5.0.1", "6.0.0")
]
# The fixtures pinned by a requirements.txt next to them.
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
APPS += [((FIXTURES / "pinned_flask_cors_4" / "app.py").read_text(), "4.0.0")]
APPS += [((FIXTURES / "pinned_flask_cors_3" / "app.py").read_text(), "3.0.8")]


def _cases():
    for source, version in APPS:
        for exposure in exposures_of(source, version):
            yield pytest.param(source, exposure, id=f"{exposure.code}-{exposure.version}-{exposure.request.method}-{exposure.route}")


CASES = list(_cases())


def test_every_advisory_rule_has_a_replayed_witness() -> None:
    assert {case.values[1].code for case in CASES} == {rule.code for rule in RULES}


@pytest.fixture(scope="module")
def replayed():
    try:
        answers = replay_all([tuple(case.values) for case in CASES])
    except LookupError as missing:
        pytest.skip(str(missing))
    return {id(case.values[1]): answer for case, answer in zip(CASES, answers)}


@pytest.mark.parametrize("source, exposure", CASES)
def test_witness_holds_against_the_real_releases(source, exposure, replayed) -> None:
    affected, fixed = replayed[id(exposure)]
    assert confirmed(exposure, affected, fixed), (exposure, affected, fixed)
