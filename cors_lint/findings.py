"""Findings: what a rule reports, and how they are ordered and selected."""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from typing import Iterable, List, Optional, Sequence, Tuple

from cors_lint.evaluate.values import Span
from cors_lint.fixes import Fix


class Severity(enum.IntEnum):
    NOTE = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Severity":
        return cls[text.upper()]


@dataclass(frozen=True, order=True)
class Related:
    """A place that makes a finding live: the registration that uses the
    offending value."""

    path: str
    line: int
    column: int
    message: str


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    severity: Severity
    where: Span
    message: str
    witness: Optional[str] = None
    path: str = ""
    suppressed_by: Optional[int] = None  # line of the ``# noqa`` comment that silences it
    related: Tuple[Related, ...] = ()
    exposes: Tuple[Related, ...] = ()  # the routes the finding exposes (said in the message by ``with_routes``)
    # For verdicts on origin checks: "exact" (decided from the accepted
    # language) or "heuristic" (a construct without a regular equivalent, or
    # beyond the automaton budget); None for findings of other kinds.
    proof: Optional[str] = None
    # The edit the rule proposes, with its applicability (``cors_lint.fixes``).
    fix: Optional[Fix] = None

    def sort_key(self) -> Tuple:
        return (self.path, self.where, self.code, self.message)


def deduplicate(findings: Iterable[Finding]) -> List[Finding]:
    """One finding per code, place and witness: the same origin list shared by
    several resources is reported once, at its most severe."""
    best = {}
    related: dict = {}
    exposes: dict = {}
    for finding in findings:
        key = (finding.path, finding.code, finding.where, finding.witness)
        related.setdefault(key, set()).update(finding.related)
        exposes.setdefault(key, set()).update(finding.exposes)
        if key not in best or finding.severity > best[key].severity:
            best[key] = finding
    return sorted(
        (
            dataclasses.replace(finding, related=tuple(sorted(related[key])), exposes=tuple(sorted(exposes[key])))
            for key, finding in best.items()
        ),
        key=Finding.sort_key,
    )


# A finding names this many of the routes it exposes.
EXAMPLE_ROUTES = 3


def before_full_stop(message: str, addition: str) -> str:
    """``addition`` inside the sentence: before its full stop, if it has one."""
    if message.endswith("."):
        return message[:-1] + addition + "."
    return message + addition


def with_routes(findings: Iterable[Finding]) -> List[Finding]:
    """The last step of a run: each finding says how many routes it exposes
    and names a few, which also become related locations."""
    described = []
    for finding in findings:
        if finding.exposes:
            routes = sorted(set(finding.exposes), key=lambda route: (route.message, route.path, route.line))
            count = len(routes)
            # A few examples, each a different text (51 routes whose rule is
            # unknown are one example, at one place), and those as related locations.
            shown = list({route.message: route for route in reversed(routes)}.values())
            shown = sorted(shown, key=lambda route: (route.message, route.path, route.line))[:EXAMPLE_ROUTES]
            examples = ", ".join(
                route.message.split(" ", 1)[1] if route.message.startswith("exposes ") else route.message for route in shown
            )
            finding = dataclasses.replace(
                finding,
                message=before_full_stop(finding.message, f" (on {count} route{'s' if count != 1 else ''}, e.g. {examples})"),
                related=tuple(sorted(set(finding.related) | set(shown))),
                exposes=(),
            )
        described.append(finding)
    return described


def code_selected(code: str, select: Sequence[str], ignore: Sequence[str]) -> bool:
    """ruff style: the longest matching prefix decides, ``ignore`` wins a tie;
    an empty ``select`` selects everything."""
    selected = max((len(prefix) for prefix in select if code.startswith(prefix)), default=-1 if select else 0)
    ignored = max((len(prefix) for prefix in ignore if code.startswith(prefix)), default=-1)
    return selected >= 0 and selected > ignored
