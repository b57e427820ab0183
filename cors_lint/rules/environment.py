"""CRS501: a permissive fallback of an environment variable."""

from __future__ import annotations

from typing import Iterator

from cors_lint.evaluate.values import join_env
from cors_lint.findings import Finding, Severity
from cors_lint.model.policy import Policy
from cors_lint.rules.base import Rule
from cors_lint.rules.origins import any_origin_entries, credentials_env

ENV_HEADER = "import os\n\nfrom flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\n"


def check_permissive_env_default(policy: Policy) -> Iterator[Finding]:
    for registration, scope, entry, witness in any_origin_entries(policy):
        credentials = bool(scope.setting("supports_credentials").truthy())
        origins_env = entry.env
        creds_env = credentials_env(scope) if credentials else None
        if not (origins_env or creds_env):
            continue
        unset = join_env(origins_env, creds_env)
        verb = "are" if " and " in unset else "is"  # type: ignore[operator]
        allows = "any origin with credentials (flask-cors reflects every Origin)" if credentials else "any origin"
        where = entry.where if origins_env else scope.setting("supports_credentials").where
        yield PERMISSIVE_ENV_DEFAULT.finding(
            where,
            f"wherever {unset} {verb} unset, the fallback allows {allows}: the app is open in every environment that "
            + ("forgets the variable" if verb == "is" else "forgets them"),
            witness=witness,
            severity=Severity.ERROR if credentials else Severity.WARNING,
        )


PERMISSIVE_ENV_DEFAULT = Rule(
    code="CRS501",
    name="permissive-env-default",
    severity=Severity.WARNING,
    summary="An environment variable decides the policy and its fallback is permissive (error with credentials).",
    what=(
        "Finds `os.environ.get(NAME, default)` and `os.getenv(NAME, default)` whose default makes the policy allow "
        "any origin (`\"*\"`, a catch-all regex) or turns credentials on; also when the value is reassigned or "
        "chosen in a branch (`if not ORIGINS: ORIGINS = \"*\"`, `\"*\" if os.getenv(\"ENV\") != \"prod\" else ...`): "
        "the statements are followed as Python runs them wherever the variables are unset."
    ),
    why=(
        "The variable is set in the environments someone thought about; everywhere else (a new staging stack, a "
        "developer's tunnel, a container started without it) the fallback applies and the API is open."
    ),
    bad=ENV_HEADER + 'CORS(app, origins=os.environ.get("CORS_ORIGINS", "*").split(","), supports_credentials=True)\n',
    good=ENV_HEADER + 'CORS(app, origins=os.environ["CORS_ORIGINS"].split(","), supports_credentials=True)\n',
    fix="Fail closed: no default (`os.environ[NAME]`), or a default that is the strict production value.",
    check=check_permissive_env_default,
)

RULES = (PERMISSIVE_ENV_DEFAULT,)
