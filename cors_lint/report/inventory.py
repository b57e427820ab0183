"""``cors-lint policy``: the per-route inventory, as a table or as JSON.

The JSON form is a public interface: its names are fixed (see README).
Options use flask-cors's own names, with values as flask-cors holds them
after its normalisation: ``"*"`` is ``".*"``, a scalar is a list, a pattern
compiled in the source is ``{"pattern": ..., "ignorecase": ...}``.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional, Sequence

from cors_lint.model import flaskcors
from cors_lint.model.routes import AppPolicy, RoutePolicy
from cors_lint.model.policy import NotConcrete, Scope, concrete

OPTION_ORDER = (
    "origins",
    "supports_credentials",
    "methods",
    "allow_headers",
    "expose_headers",
    "max_age",
    "send_wildcard",
    "vary_header",
    "always_send",
    "automatic_options",
    "allow_private_network",
)


def options_object(scope: Optional[Scope]) -> Optional[Dict[str, Any]]:
    """The options of a scope as flask-cors holds them; unknown ones are null."""
    if scope is None:
        return None
    raw: Dict[str, Any] = {}
    for setting in scope.settings:
        try:
            raw[setting.name] = concrete(setting.value)
        except NotConcrete:
            raw[setting.name] = _UNKNOWN
    shown: Dict[str, Any] = {}
    for name in OPTION_ORDER:
        value = raw.get(name, _UNKNOWN)
        shown[name] = None if value is _UNKNOWN else _normalised(name, value)
    return shown


class _Unknown:
    pass


_UNKNOWN = _Unknown()


def _normalised(name: str, value: Any) -> Any:
    if name in ("origins", "allow_headers"):
        return [_pattern(item) for item in flaskcors.sanitize_regex_param(value)]
    if name in ("methods", "expose_headers"):
        joined = flaskcors.flexible_str(value)
        if joined is None:
            return None
        items = [item.strip() for item in joined.split(",") if item.strip()]
        return [item.upper() for item in items] if name == "methods" else items
    if name == "max_age":
        if value is None:
            return None
        try:
            return flaskcors.serialize_options({"max_age": value}).max_age
        except Exception:  # noqa: BLE001 - shown as written when flask-cors would not convert it
            return str(value)
    return bool(value)


def _pattern(item: Any) -> Any:
    if isinstance(item, re.Pattern):
        return {"pattern": item.pattern, "ignorecase": bool(item.flags & re.IGNORECASE)}
    return item if isinstance(item, str) else str(item)


def route_object(route: RoutePolicy) -> Dict[str, Any]:
    document: Dict[str, Any] = {
        "rule": route.rule if isinstance(route.rule, str) else None,
        "endpoint": route.endpoint if isinstance(route.endpoint, str) else None,
        "methods": list(route.methods) if isinstance(route.methods, tuple) else None,
        "path": route.where.path,
        "line": route.where.line,
        "cors": route.cors,
        "options": options_object(route.deciding) if route.cors in ("flask-cors", "unknown") else None,
        "unknown": list(route.unknown) + ([] if route.reason is None else []),
    }
    if route.reason is not None:
        document["reason"] = route.reason
    if route.on_error is not None:
        errors = options_object(route.on_error)
        if errors != document["options"]:
            document["on_error"] = errors
    if route.alternatives:
        document["alternatives"] = [
            {"when": alternative.when, "options": options_object(_first_scope(alternative.registration))}
            for alternative in route.alternatives
        ]
    if route.preflight_runs_view is not None:
        where = route.preflight_runs_view
        document["preflight_runs_view"] = {"path": where.path, "line": where.line}
    if route.decorated_methods is not None:
        document["decorated_methods"] = list(route.decorated_methods)
    if route.other_paths:
        document["other_paths"] = [
            {"path": other.path, "cors": "flask-cors" if other.scope is not None else "none", "options": options_object(other.scope)}
            for other in route.other_paths
        ]
    if route.proof is not None:
        document["origins_proof"] = route.proof
    document["decided_by"] = [{"path": where.path, "line": where.line} for where in route.decided_by]
    return document


def _first_scope(registration) -> Optional[Scope]:
    return registration.scopes[0] if registration is not None and registration.scopes else None


def render_json(apps: Sequence[AppPolicy], version: str) -> str:
    return dumps(json_document(apps, version))


def dumps(document: Dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=True) + "\n"


def json_document(apps: Sequence[AppPolicy], version: str) -> Dict[str, Any]:
    document: Dict[str, Any] = {
        "version": version,
        "apps": [
            {
                "app": app.label,
                "path": app.where.path,
                "line": app.where.line,
                "routes": [route_object(route) for route in app.routes],
            }
            for app in apps
        ],
    }
    return document


def render_text(apps: Sequence[AppPolicy], notes: Sequence[str] = ()) -> str:
    lines: List[str] = []
    for app in apps:
        lines.append(f"{app.label} (created at {app.where.path}:{app.where.line}): {len(app.routes)} route{'s' if len(app.routes) != 1 else ''}")
        rows = [("RULE", "METHODS", "CORS", "ORIGINS", "CREDENTIALS", "OUTSIDE TRUSTED", "DECIDED AT")]
        for route in app.routes:
            rows.append(_row(route))
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
        for row in rows:
            lines.append("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        for route in app.routes:
            for alternative in route.alternatives:
                if alternative.registration is None:
                    lines.append(f"  {_rule_text(route)}: {alternative.when}: no flask-cors policy")
                    continue
                origins = _origins_text(options_object(_first_scope(alternative.registration)))
                lines.append(f"  {_rule_text(route)}: {alternative.when}: origins {origins}")
            for other in route.other_paths:
                answer = f"origins {_origins_text(options_object(other.scope))}" if other.scope is not None else "no CORS headers"
                lines.append(f"  {_rule_text(route)}: also serves {other.path}, answered with {answer}")
            if route.decorated_methods is not None:
                lines.append(
                    f"  {_rule_text(route)}: @cross_origin answers {', '.join(route.decorated_methods) or 'no method'} only; "
                    "other requests (and preflights) get the app's other CORS handling"
                )
            if route.preflight_runs_view is not None:
                where = route.preflight_runs_view
                lines.append(
                    f"  {_rule_text(route)}: a preflight runs the view's body (@cross_origin above the route at "
                    f"{where.path}:{where.line} switched Flask's automatic OPTIONS off)"
                )
        lines.append("")
    if not apps:
        lines.append("no Flask app found")
    lines.extend(notes)
    return "\n".join(lines).rstrip("\n") + "\n"


def _rule_text(route: RoutePolicy) -> str:
    return route.rule if isinstance(route.rule, str) else "<unknown rule>"


def _row(route: RoutePolicy) -> tuple:
    methods = ",".join(m for m in route.methods if m not in ("HEAD", "OPTIONS")) if isinstance(route.methods, tuple) else "?"
    options = options_object(route.deciding) if route.cors in ("flask-cors", "unknown") else None
    origins = _origins_text(options) if options is not None else "-"
    credentials = "-"
    if options is not None:
        credentials = "?" if options["supports_credentials"] is None else ("yes" if options["supports_credentials"] else "no")
    if route.cors == "hand-written":
        origins = "hand-written"
    decided = f"{route.decided_by[-1].path}:{route.decided_by[-1].line}" if route.decided_by else "-"
    cors = route.cors + (f" ({route.reason})" if route.reason and len(route.reason) < 40 else "")
    proof = route.proof
    outside = "-"
    if proof is not None:
        # "none (proved)": no attacker-obtainable origin outside the trusted ones.
        outside = proof["outside_trusted"] or ("none (proved)" if proof["proof"] == "exact" else "? (heuristic)")
    return (_rule_text(route), methods or "-", cors, origins, credentials, outside, decided)


def _origins_text(options: Optional[Dict[str, Any]]) -> str:
    if options is None:
        return "-"
    origins = options["origins"]
    if origins is None:
        return "?"
    shown = [item if isinstance(item, str) else f"re({item['pattern']})" for item in origins]
    text = ", ".join("*" if item == ".*" else item for item in shown)
    return text if len(text) <= 60 else text[:57] + "..."
