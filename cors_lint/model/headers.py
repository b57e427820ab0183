"""Hand-written CORS headers, per function: reflected origins with the checks
that guard them, literal ``*`` origins, credentials and ``Vary``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from cors_lint.evaluate.expressions import Evaluator
from cors_lint.evaluate.values import Known, Span
from cors_lint.find.headers import ACAC, ACAO, VARY, HeaderWrite, is_origin_expression
from cors_lint.model.checks import OriginCheck, origin_checks


@dataclass(frozen=True)
class Reflection:
    """The request's Origin written to Access-Control-Allow-Origin."""

    where: Span
    checks: Tuple[OriginCheck, ...]


@dataclass(frozen=True)
class FunctionHeaders:
    function: str
    reflections: Tuple[Reflection, ...]
    wildcard: Optional[Span]  # Access-Control-Allow-Origin: * written literally
    credentials: bool  # Access-Control-Allow-Credentials: true written
    vary_origin: bool  # Vary: Origin written
    null_origin: Optional[Span] = None  # Access-Control-Allow-Origin: null written literally


def build_header_policy(writes: Sequence[HeaderWrite], evaluator: Evaluator) -> Tuple[FunctionHeaders, ...]:
    by_function: Dict[str, List[HeaderWrite]] = {}
    for write in writes:
        by_function.setdefault(write.function, []).append(write)
    functions = []
    for function, function_writes in by_function.items():
        reflections = []
        wildcard = None
        credentials = vary = False
        null = None
        for write in function_writes:
            value = evaluator.evaluate(write.value)
            text = value.value.strip().lower() if isinstance(value, Known) and isinstance(value.value, str) else None
            if write.header == ACAO and write.reflected:
                names = write.origin_names
                checks = origin_checks(
                    write.conditions, lambda node, names=names: is_origin_expression(evaluator.index, node, names), evaluator
                )
                reflections.append(Reflection(write.where, tuple(checks)))
            elif write.header == ACAO and text == "*":
                wildcard = write.where
            elif write.header == ACAO and text == "null":
                null = write.where
            elif write.header == ACAC and text == "true":
                credentials = True
            elif write.header == VARY and text is not None and "origin" in text:
                vary = True
        if reflections or wildcard or null:
            functions.append(FunctionHeaders(function, tuple(reflections), wildcard, credentials, vary, null))
    return tuple(functions)
