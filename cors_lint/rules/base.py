"""What a rule is: its public code and name, its documentation, its bad and
good examples (run by the test suite) and a pure check from policy to
findings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Optional, Tuple

from cors_lint.evaluate.values import Span
from cors_lint.findings import Finding, Severity
from cors_lint.fixes import Fix
from cors_lint.model.policy import Policy, Scope

Check = Callable[[Policy], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str  # kebab-case
    severity: Severity  # the default; some findings are raised to error with credentials
    summary: str  # one line
    what: str  # what it does
    why: str  # why it is bad
    bad: str  # a complete example that triggers the rule
    good: str  # the fixed example, which must not trigger it
    fix: str  # use instead
    check: Optional[Check]  # None for rules the engine itself reports (CRS001)
    enabled_by_default: bool = True  # opt-in rules are reported only when selected by name
    example_trusted_origins: Tuple[str, ...] = ()  # the ``trusted-origins`` the examples run with
    example_flask_cors_version: Optional[str] = None  # the flask-cors release the examples pin
    # Rules that propose a fix: ``bad`` as ``--fix --unsafe-fixes`` leaves it,
    # and when the fix is safe (the applicability is decided per finding).
    fixed: str = ""
    fix_applicability: str = ""
    fix_always_unsafe: bool = False  # else safe or unsafe, decided per finding from the model

    def finding(
        self,
        where: Span,
        message: str,
        *,
        witness: Optional[str] = None,
        severity: Optional[Severity] = None,
        proof: Optional[str] = None,
        fix: Optional[Fix] = None,
    ) -> Finding:
        return Finding(
            self.code, self.name, severity or self.severity, where, sentence(message), witness, proof=proof, fix=fix
        )


# A message that begins with a plain word starts with a capital letter; one
# that begins with code (``echo()``, ``max_age``, an option name) keeps it.
_PLAIN_WORD = re.compile(r"[a-z][a-z-]*(?= )")
OPTION_NAMES = frozenset({"origins", "resources", "methods", "expose_headers", "allow_headers", "supports_credentials"})


def sentence(message: str) -> str:
    """One sentence: a capital first letter where it starts with a word, and
    a full stop at the end."""
    word = _PLAIN_WORD.match(message)
    if word and word.group() not in OPTION_NAMES:
        message = message[0].upper() + message[1:]
    return message if message.endswith((".", "!", "?")) else message + "."


def credentials_clause(scope: Scope) -> str:
    """The end of a sentence about a bypass: whether the response allows credentials."""
    truthy = scope.setting("supports_credentials").truthy()
    if truthy:
        return ", and the response allows credentials"
    if truthy is None:
        return " (whether credentials are allowed could not be determined)"
    return ""


def credentials_severity(scope: Scope, otherwise: Severity = Severity.WARNING) -> Severity:
    """Error when the scope sends ``Access-Control-Allow-Credentials: true``."""
    return Severity.ERROR if scope.setting("supports_credentials").truthy() else otherwise


def credentials_note(scope: Scope) -> str:
    truthy = scope.setting("supports_credentials").truthy()
    if truthy:
        return " with credentials"
    if truthy is None:
        return " (whether credentials are allowed could not be determined)"
    return ""


EXAMPLE_HEADER = "from flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\n"


def example_app(body: str) -> str:
    """A rule example: a small Flask app whose last lines configure CORS."""
    return EXAMPLE_HEADER + body
