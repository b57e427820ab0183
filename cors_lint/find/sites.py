"""What the finder reports: the places where flask-cors is configured.

A site keeps the argument *expressions* (CST nodes); turning them into values
is the evaluator's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Tuple

import libcst as cst

from cors_lint.evaluate.values import Span
from cors_lint.find.branches import Branch

if TYPE_CHECKING:
    from cors_lint.find.headers import HeaderWrite


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
    shared: bool = False  # the app is a module-level object
    branch: Branch = ()  # the if/else arms it stands in


@dataclass(frozen=True, eq=False)
class InitAppCall:
    """``ext.init_app(app, ...)`` on a known ``CORS(...)`` instance."""

    where: Span
    app: Optional[str]
    arguments: Tuple[Argument, ...]
    constructor: ExtensionCall
    scope: str
    shared: bool = False
    branch: Branch = ()


@dataclass(frozen=True, eq=False)
class ForeignInitAppCall:
    """``ext.init_app(app, ...)`` where ``ext`` is not created in this module
    (``from .extensions import cors``): the link stage finds its constructor."""

    where: Span
    app: Optional[str]
    arguments: Tuple[Argument, ...]
    receiver: cst.BaseExpression
    scope: str
    branch: Branch = ()


@dataclass(frozen=True, eq=False)
class DecoratorCall:
    """``cross_origin(...)``, as a decorator or called directly."""

    where: Span
    view: Optional[str]  # the decorated function's name
    arguments: Tuple[Argument, ...]
    scope: str
    position: Optional[int] = None  # index among the view's decorators, 0 = outermost


@dataclass(frozen=True)
class Sites:
    """Everything the finder saw in one module, in source order."""

    extensions: Tuple[ExtensionCall, ...]
    init_apps: Tuple[InitAppCall, ...]
    decorators: Tuple[DecoratorCall, ...]
    config_writes: Tuple["ConfigWrite", ...] = ()
    routes: Tuple["RouteDecorator", ...] = ()
    blueprints: frozenset = frozenset()  # app expressions that are flask Blueprints
    header_writes: Tuple["HeaderWrite", ...] = ()  # hand-written Access-Control-* and Vary headers
    foreign_init_apps: Tuple[ForeignInitAppCall, ...] = ()


@dataclass(frozen=True, eq=False)
class ConfigWrite:
    """A write to ``<app>.config``: one key, or something that may set any key
    (``opaque``: ``from_object("pkg.settings")``, ``update(load())``)."""

    app: str
    scope: str
    key: Optional[str]
    value: Optional[cst.BaseExpression]
    where: Span  # where the key is written (a class attribute for from_object)
    conditional: bool
    opaque: Optional[str] = None  # why the keys written are not known
    at: Optional[Span] = None  # where the write happens in the flow, if not ``where``
    shared: bool = False  # the app is a module-level object, the same in every function
    loads: Optional[str] = None  # "pkg.settings[.Class]" for from_object, "file:x.cfg" for from_pyfile
    selects: Optional[cst.Subscript] = None  # ``from_object(configs[name])``: one of several named configs

    @property
    def happens_at(self) -> Span:
        return self.at or self.where


@dataclass(frozen=True, eq=False)
class RouteDecorator:
    """``@app.route(...)`` (or ``.get``/``.post``/...) on a view."""

    app: str
    view: str
    position: int  # index among the view's decorators, 0 = outermost
    where: Span
