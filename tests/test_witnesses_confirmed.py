"""Witnesses are replayed against the real flask-cors.

For every fixture finding that carries a witness, the options the linter
evaluated for that place are given to flask-cors, and the witness request must
be accepted (with credentials where the finding says so). Registrations with
no expected finding must reject a set of standard attacker origins.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List

import pytest
from oracle import ATTACKER_ORIGINS, OracleStartupError, accepted, ask, extension_app
from test_fixtures import FIXTURE_FILES, expected_findings, trusted_origins_of

from cors_lint import lint_paths
from cors_lint.engine import new_loader, policy_of
from cors_lint.model.origins import origin_entries
from cors_lint.model.policy import NotConcrete, Scope, concrete

PROBE_ORIGIN = "https://app.example.com"
REDOS_CODES = {"CRS112", "CRS203"}
# The advisories of a pinned flask-cors (CRS6xx) have requests as witnesses,
# replayed against the releases they name in test_advisory_witnesses.py.
ADVISORY_CODES = {"CRS601", "CRS602", "CRS603", "CRS604", "CRS605", "CRS606"}


def runtime_options(scope: Scope) -> Dict[str, object]:
    """The scope's effective options as flask-cors receives them, for a
    single catch-all resource."""
    return {
        setting.name: concrete(setting.value)
        for setting in scope.settings
        if setting.name != "resources" and not setting.is_default
    }


def policy_for(path: Path):
    """The policy as a run over the fixtures sees it: imported modules followed."""
    return policy_of(path.read_bytes(), str(path), new_loader())


def same_place(where, finding) -> bool:
    return (where.line, where.column) == (finding.where.line, finding.where.column) and Path(
        where.path or "."
    ).resolve() == Path(finding.path).resolve()


def scopes_at(path: Path, finding) -> List[Scope]:
    """The scopes whose origins hold the finding's place, in the policies of
    the linted file and of the modules beside it (a settings file linted
    alone gets the findings of the app that uses it)."""
    found = []
    neighbours = [other for other in FIXTURE_FILES if other.parent == path.parent and other.suffix == ".py"]
    registrations = [registration for other in neighbours for registration in _policy_or_none(other)]
    for registration in registrations:
        for scope in registration.scopes:
            entries = origin_entries(scope.setting("origins"))
            if isinstance(entries, list) and any(same_place(entry.where, finding) for entry in entries):
                found.append(scope)
    return found


def _policy_or_none(path: Path):
    try:
        return policy_for(path).registrations
    except Exception:  # noqa: BLE001 - the unparseable fixture has no policy
        return ()


def _witnessed(is_path: bool):
    """(the linted file, the finding) for every finding with a witness."""
    for path in FIXTURE_FILES:
        for finding in lint_paths([str(path)], trusted_origins=trusted_origins_of(path)).findings:
            # Hand-written headers (CRS4xx, CRS111 on a reflection) run for real in
            # test_handwritten_oracle.py and test_exact_origins.py, and the routes of
            # hooks against flask-cors (CRS312) in test_apps_oracle.py.
            # ReDoS witnesses (CRS112, CRS203) are attack strings, not accepted
            # origins: sending one would pin this process; test_redos measures them.
            if finding.code in REDOS_CODES | ADVISORY_CODES:
                continue
            handwritten = finding.code.startswith("CRS4") or "reflects the request's Origin" in finding.message
            replayed_elsewhere = handwritten or finding.code == "CRS312"
            if finding.witness and finding.witness.startswith("/") == is_path and not replayed_elsewhere:
                yield pytest.param(path, finding, id=f"{path.name}:{finding.where.line}:{finding.code}")


def origin_witnesses():
    return _witnessed(is_path=False)


def path_witnesses():
    return _witnessed(is_path=True)


@pytest.mark.parametrize("path, finding", list(origin_witnesses()))
def test_origin_witness_is_accepted_by_flask_cors(path: Path, finding) -> None:
    scopes = [scope for scope in scopes_at(path, finding) if scope.failure is None]
    assert scopes, "the finding's place is an origin entry of a working scope"
    confirmed = False
    for scope in scopes:
        app = extension_app([runtime_options(scope)])
        grant = accepted(ask(app, "/probe", headers={"Origin": finding.witness}), finding.witness)
        wants_credentials = "with credentials" in finding.message or finding.code == "CRS101"
        confirmed |= grant["allowed"] and (grant["credentials"] or not wants_credentials)
    assert confirmed, f"flask-cors does not grant {finding.witness}"


@pytest.mark.parametrize("path, finding", list(path_witnesses()))
def test_path_witness_is_covered_by_flask_cors(path: Path, finding) -> None:
    policy = policy_for(path)
    resources = [
        concrete(scope.resource)
        for registration in policy.registrations
        for scope in registration.scopes
        if scope.resource is not None and (scope.resource.where.line, scope.resource.where.column)
        == (finding.where.line, finding.where.column)
    ]
    assert resources
    app = extension_app([{"resources": {resources[0]: {}}, "origins": [PROBE_ORIGIN]}])
    assert accepted(ask(app, finding.witness, headers={"Origin": PROBE_ORIGIN}), PROBE_ORIGIN)["allowed"]


def unflagged_scopes():
    marked = {path: {line for line, _ in expected_findings(path)} for path in FIXTURE_FILES}
    for path in FIXTURE_FILES:
        try:
            policy = policy_for(path)
        except Exception:  # noqa: BLE001 - the unparseable fixture has no policy
            continue
        for registration in policy.registrations:
            places = {(path, line) for line in range(registration.where.line, registration.where.end_line + 1)}
            for scope in registration.scopes:
                entries = origin_entries(scope.setting("origins"))
                for entry in entries if isinstance(entries, list) else []:
                    places.add((Path(entry.where.path).resolve() if entry.where.path else path, entry.where.line))
            if any(line in marked.get(file, set()) for file, line in places):
                continue
            for index, scope in enumerate(registration.scopes):
                try:
                    options = runtime_options(scope)
                except NotConcrete:
                    continue  # unknown values: nothing is claimed
                yield pytest.param(options, id=f"{path.name}:{registration.where.line}:{index}")


@pytest.mark.parametrize("options", list(unflagged_scopes()))
def test_unflagged_configuration_rejects_attacker_origins(options) -> None:
    try:
        app = extension_app([options])
    except OracleStartupError:
        pytest.fail("a configuration without findings must start")
    for origin in ATTACKER_ORIGINS:
        assert not accepted(ask(app, "/probe", headers={"Origin": origin}), origin)["allowed"], origin


def _obtainable_somewhere(witness: str) -> bool:
    """``null``, or an origin whose host has a registrable domain under the
    Public Suffix List (``.example`` standing for ``.com``)."""
    from cors_lint.model.language.verdicts import registrable_domain
    from cors_lint.model.origins import browser_origin

    if witness == "null":
        return True
    origin = browser_origin(witness)
    if origin is None:
        return False
    host = origin.host[: -len("example")] + "com" if origin.host.endswith(".example") else origin.host
    return registrable_domain(host) is not None


def test_no_fixture_finding_has_an_unobtainable_witness() -> None:
    witnesses = [
        (path.name, finding.code, finding.witness)
        for path in FIXTURE_FILES
        for finding in lint_paths([str(path)], trusted_origins=trusted_origins_of(path)).findings
        # ReDoS witnesses are attack strings sent as an Origin, not origins to obtain.
        if finding.witness and not finding.witness.startswith("/") and finding.code not in REDOS_CODES | ADVISORY_CODES
    ]
    assert len(witnesses) > 40
    assert [item for item in witnesses if not _obtainable_somewhere(item[2])] == []
