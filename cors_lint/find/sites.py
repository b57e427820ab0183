"""What the finder reports: the places where flask-cors is configured.

A site keeps the argument *expressions* (CST nodes); turning them into values
is the evaluator's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

import libcst as cst

from cors_lint.evaluate.values import Span


@dataclass(frozen=True, eq=False)
class Argument:
    """One argument of a call: ``name=value``, ``**value`` (name None,
    ``star="**"``) or positional (name None, ``star=""``)."""

    name: Optional[str]
    value: cst.BaseExpression
    star: str
    where: Span


@dataclass(frozen=True, eq=False)
class ExtensionCall:
    """``CORS(...)``: the constructor, which registers when given an app."""

    where: Span
    app: Optional[str]  # source text of the app argument, None when absent
    arguments: Tuple[Argument, ...]  # options only (the app argument removed)
    scope: str  # enclosing function, "" for module level


@dataclass(frozen=True, eq=False)
class InitAppCall:
    """``ext.init_app(app, ...)`` on a known ``CORS(...)`` instance."""

    where: Span
    app: Optional[str]
    arguments: Tuple[Argument, ...]
    constructor: ExtensionCall
    scope: str


@dataclass(frozen=True, eq=False)
class DecoratorCall:
    """``cross_origin(...)``, as a decorator or called directly."""

    where: Span
    view: Optional[str]  # the decorated function's name
    arguments: Tuple[Argument, ...]
    scope: str


@dataclass(frozen=True)
class Sites:
    """Everything the finder saw in one module, in source order."""

    extensions: Tuple[ExtensionCall, ...]
    init_apps: Tuple[InitAppCall, ...]
    decorators: Tuple[DecoratorCall, ...]
