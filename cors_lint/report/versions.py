"""``cors-lint policy``: the flask-cors releases the project allows, the
advisories that affect them (reachable, with a witness, or not, and why),
and with ``--compare-version`` what changes route by route. Rendering only."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

from cors_lint.model import releases
from cors_lint.model.advisories import BY_CODE
from cors_lint.model.compare import RouteChange
from cors_lint.model.exposures import Exposure, VersionAssessment

Compared = Optional[Tuple[str, str, Sequence[RouteChange]]]


def _headers(answer) -> str:
    return "; ".join(f"{name}: {value}" for name, value in answer) or "no CORS headers"


def render_text(assessment: VersionAssessment, compared: Compared, apps: Set[str]) -> str:
    pinned = assessment.pinned
    lines = [pinned.describe()]
    if len(pinned.versions) > 1:
        lines.append(f"  the routes above are shown under {pinned.newest_allowed}, the newest of them")
    for advisory_code, exposures, versions, why in _by_advisory(assessment):
        advisory = BY_CODE[advisory_code]
        affected = releases.describe_range(versions)
        head = f"  {', '.join(advisory.ids)} ({advisory.code}; affects {affected} of the allowed releases, fixed in {advisory.fixed})"
        if exposures:
            routes = sorted({exposure.route for exposure in exposures})
            first = exposures[0]
            lines.append(f"{head}: reachable on {len(routes)} route{'s' if len(routes) != 1 else ''}: {', '.join(routes[:3])}")
            lines.append(f"    witness under {first.version}: {first.request.describe()}")
        else:
            lines.append(f"{head}: not reachable: {why}")
    if not any(True for _ in _by_advisory(assessment)):
        lines.append("  no known flask-cors advisory affects the allowed releases")
    if compared is not None:
        before, after, changes = compared
        changes = [change for change in changes if not apps or change.app in apps]
        changed = [change for change in changes if change.changes]
        verb = "upgrading" if releases.parse_version(after) > releases.parse_version(before) else "moving"
        lines.append(
            f"{verb} from flask-cors {before} to {after} changes the policy of {len(changed)} "
            f"route{'s' if len(changed) != 1 else ''}" + (":" if changes else "")
        )
        for change in changes:
            if change.why and not change.changes:
                lines.append(f"  {change.rule}: not known ({change.why})")
                continue
            lines.append(f"  {change.rule} ({change.where.path}:{change.where.line})")
            for answer in change.changes:
                lines.append(f"    {answer.request.describe()}")
                lines.append(f"      {before}: {_headers(answer.before)}")
                lines.append(f"      {after}: {_headers(answer.after)}")
    return "\n".join(lines) + "\n"


def _by_advisory(assessment: VersionAssessment):
    """(code, exposures, affected versions, why not) per advisory, in code order."""
    grouped: Dict[str, List[Exposure]] = {}
    for exposure in assessment.exposures:
        grouped.setdefault(exposure.code, []).append(exposure)
    rows = []
    for code, exposures in grouped.items():
        versions = tuple(v for v in assessment.pinned.versions if BY_CODE[code].affects(v))
        rows.append((code, exposures, versions, None))
    for unreachable in assessment.unreachable:
        rows.append((unreachable.code, [], unreachable.versions, unreachable.why))
    return sorted(rows, key=lambda row: row[0])


def json_object(assessment: VersionAssessment, compared: Compared, apps: Set[str]) -> Dict[str, Any]:
    pinned = assessment.pinned
    document: Dict[str, Any] = {
        "versions": list(pinned.versions),
        "how": pinned.how,
        "requirements": [
            {"path": declared.path, "line": declared.line, "requirement": declared.text or declared.specifier, "locked": declared.locked}
            for declared in pinned.declared
        ],
        "advisories": [],
    }
    for code, exposures, versions, why in _by_advisory(assessment):
        advisory = BY_CODE[code]
        entry: Dict[str, Any] = {
            "ids": list(advisory.ids),
            "code": code,
            "affected": list(versions),
            "fixed": advisory.fixed,
            "reachable": bool(exposures),
        }
        if exposures:
            entry["witnesses"] = [
                {
                    "version": exposure.version,
                    "route": exposure.route,
                    "path": exposure.route_where.path,
                    "line": exposure.route_where.line,
                    "request": {"method": exposure.request.method, "path": exposure.request.path, "headers": dict(exposure.request.headers)},
                    "answer": [list(pair) for pair in exposure.affected],
                    "answer_with_fix": [list(pair) for pair in exposure.fixed],
                }
                for exposure in exposures
            ]
        else:
            entry["why_not"] = why
        document["advisories"].append(entry)
    if compared is not None:
        before, after, changes = compared
        document["compare"] = {
            "from": before,
            "to": after,
            "routes": [
                {
                    "app": change.app,
                    "rule": change.rule,
                    "endpoint": change.endpoint,
                    "path": change.where.path,
                    "line": change.where.line,
                    "changes": [
                        {
                            "request": {"method": a.request.method, "path": a.request.path, "headers": dict(a.request.headers)},
                            "from": [list(pair) for pair in a.before],
                            "to": [list(pair) for pair in a.after],
                        }
                        for a in change.changes
                    ],
                    **({"why": change.why} if change.why else {}),
                }
                for change in changes
                if not apps or change.app in apps
            ],
        }
    return document
