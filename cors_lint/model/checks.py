"""Origin checks written by hand: what an ``if`` test over the request's
Origin lets through, as a predicate the tool can run on candidate origins."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit
from typing import Callable, List, Optional, Tuple

import libcst as cst

from cors_lint.evaluate.expressions import Evaluator
from cors_lint.evaluate.values import Known, Mapping, Pattern, Sequence
from cors_lint.find.headers import Condition
from cors_lint.find.walk import children
from cors_lint.model import regex

REGEX_FUNCTIONS = {"re.match": "match", "re.search": "search", "re.fullmatch": "fullmatch"}


@dataclass(frozen=True)
class OriginCheck:
    """One condition on the Origin. ``kind``: allowlist, equals, endswith,
    startswith, contains (a literal in the origin), substring_of (the origin
    in a literal string), regex, present (truthiness), any (``or``) or unknown."""

    kind: str
    holds: bool
    literals: Tuple[str, ...] = ()
    pattern: Optional[Tuple[str, int, str]] = None  # source, flags, "match"/"search"/"fullmatch"
    text: str = ""
    parts: Tuple["OriginCheck", ...] = ()  # kind "any": one of them passing is enough
    url_part: str = ""  # "hostname" or "netloc": the check is on urlparse(origin).<url_part>

    def passes(self, origin: str) -> Optional[bool]:
        """Does ``origin`` get through? None when it cannot be decided."""
        if self.kind == "unknown":
            return None
        if self.url_part:
            part = getattr(urlsplit(origin), self.url_part) if "://" in origin else None
            if not part:
                return False  # None.endswith(...) raises: the header is not written
            return OriginCheck(self.kind, self.holds, self.literals, self.pattern, self.text, self.parts).passes(part)
        if self.kind == "any":
            verdicts = [part.passes(origin) for part in self.parts]
            return True if any(verdicts) else None if None in verdicts else False
        if self.kind == "present":
            result = bool(origin)
        elif self.kind in ("allowlist", "equals"):
            result = origin in self.literals
        elif self.kind == "endswith":
            result = origin.endswith(self.literals)
        elif self.kind == "startswith":
            result = origin.startswith(self.literals)
        elif self.kind == "contains":
            result = any(literal in origin for literal in self.literals)
        elif self.kind == "substring_of":
            result = any(origin in literal for literal in self.literals)
        else:
            assert self.pattern is not None
            source, flags, mode = self.pattern
            if regex.too_costly(source, flags):
                return None
            try:
                result = getattr(re.compile(source, flags), mode)(origin) is not None
            except re.error:
                return None
        return result if self.holds else not result

    @property
    def is_exact(self) -> bool:
        """An allowlist or equality that holds: only the listed origins pass."""
        return self.holds and self.kind in ("allowlist", "equals")


def origin_checks(
    conditions: Tuple[Condition, ...], is_origin: Callable[[cst.BaseExpression], bool], evaluator: Evaluator
) -> List[OriginCheck]:
    """The checks among ``conditions`` that test the Origin."""
    checks: List[OriginCheck] = []
    for condition in conditions:
        checks.extend(_checks(condition.test, condition.holds, is_origin, evaluator, depth=0))
    return checks


def _checks(test, holds, is_origin, evaluator, depth) -> List[OriginCheck]:
    text = evaluator.index.code(test)
    if depth > 5:
        return [OriginCheck("unknown", holds, text=text)]
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return _checks(test.expression, not holds, is_origin, evaluator, depth + 1)
    if isinstance(test, cst.BooleanOperation):
        # `a and b` holding, or `a or b` failing: each part on its own.
        if (isinstance(test.operator, cst.And) and holds) or (isinstance(test.operator, cst.Or) and not holds):
            return _checks(test.left, holds, is_origin, evaluator, depth + 1) + _checks(
                test.right, holds, is_origin, evaluator, depth + 1
            )
        # `a or b` holding: either part may be what let the origin through.
        left = _checks(test.left, holds, is_origin, evaluator, depth + 1)
        right = _checks(test.right, holds, is_origin, evaluator, depth + 1)
        if not (left or right):
            return []
        if len(left) == 1 and len(right) == 1 and isinstance(test.operator, cst.Or):
            literals = left[0].literals + right[0].literals
            return [OriginCheck("any", True, literals, text=text, parts=(left[0], right[0]))]
        return [OriginCheck("unknown", holds, text=text)]
    if not _mentions_origin(test, is_origin):
        return []
    url_part = _url_part_check(test, holds, is_origin, evaluator, text)
    if url_part is not None:
        return [url_part]
    if is_origin(test):
        return [OriginCheck("present", holds, text=text)]
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and is_origin(test.left):
        target = test.comparisons[0]
        operator = target.operator
        value = evaluator.evaluate(target.comparator)
        flip = isinstance(operator, (cst.NotIn, cst.NotEqual, cst.IsNot))
        if isinstance(operator, (cst.In, cst.NotIn)):
            strings = _strings(value)
            if isinstance(value, Known) and isinstance(value.value, str):
                # `origin in "https://a.example.com"`: a substring test of the origin.
                return [OriginCheck("substring_of", holds != flip, (value.value,), text=text)]
            if strings is not None:
                return [OriginCheck("allowlist", holds != flip, strings, text=text)]
        if isinstance(operator, (cst.Equal, cst.NotEqual)) and isinstance(value, Known) and isinstance(value.value, str):
            return [OriginCheck("equals", holds != flip, (value.value,), text=text)]
        if isinstance(operator, (cst.Is, cst.IsNot)) and isinstance(value, Known) and value.value is None:
            return [OriginCheck("present", holds == flip, text=text)]  # `origin is not None`
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and is_origin(test.comparisons[0].comparator):
        operator = test.comparisons[0].operator
        value = evaluator.evaluate(test.left)
        if isinstance(operator, (cst.In, cst.NotIn)) and isinstance(value, Known) and isinstance(value.value, str):
            # `"example.com" in origin`: a substring test.
            return [OriginCheck("contains", holds != isinstance(operator, cst.NotIn), (value.value,), text=text)]
        if isinstance(operator, (cst.Equal, cst.NotEqual)) and isinstance(value, Known) and isinstance(value.value, str):
            return [OriginCheck("equals", holds != isinstance(operator, cst.NotEqual), (value.value,), text=text)]
    if isinstance(test, cst.Call):
        return [_call_check(test, holds, is_origin, evaluator, text, depth)]
    return [OriginCheck("unknown", holds, text=text)]


def _call_check(test: cst.Call, holds, is_origin, evaluator, text, depth) -> OriginCheck:
    func = test.func
    arguments = [arg.value for arg in test.args]
    if isinstance(func, cst.Attribute) and is_origin(func.value) and func.attr.value in ("endswith", "startswith"):
        literals = _strings(evaluator.evaluate(arguments[0])) if arguments else None
        if literals is None and arguments:
            single = evaluator.evaluate(arguments[0])
            literals = (single.value,) if isinstance(single, Known) and isinstance(single.value, str) else None
        if literals:
            return OriginCheck(func.attr.value, holds, literals, text=text)
    names = evaluator.index.qualified_names(func)
    mode = next((REGEX_FUNCTIONS[name] for name in names if name in REGEX_FUNCTIONS), None)
    if mode and len(arguments) >= 2 and is_origin(arguments[1]):
        pattern = evaluator.evaluate(arguments[0])
        flags = 0
        if len(arguments) > 2:
            flag_value = evaluator.regex_flags(arguments[2])
            if flag_value is None:
                return OriginCheck("unknown", holds, text=text)
            flags = flag_value
        if isinstance(pattern, Known) and isinstance(pattern.value, str):
            return OriginCheck("regex", holds, pattern=(pattern.value, flags, mode), text=text)
        if isinstance(pattern, Known) and isinstance(pattern.value, Pattern):
            return OriginCheck("regex", holds, pattern=(pattern.value.source, pattern.value.flags, mode), text=text)
    if isinstance(func, cst.Attribute) and func.attr.value in ("match", "search", "fullmatch") and arguments:
        compiled = evaluator.evaluate(func.value)
        if is_origin(arguments[0]) and isinstance(compiled, Known) and isinstance(compiled.value, Pattern):
            return OriginCheck(
                "regex", holds, pattern=(compiled.value.source, compiled.value.flags, func.attr.value), text=text
            )
    if isinstance(func, cst.Name) and len(arguments) == 1 and is_origin(arguments[0]):
        inlined = _helper(func, evaluator)
        if inlined is not None:
            parameter, returned = inlined
            checks = _checks(returned, holds, lambda node: isinstance(node, cst.Name) and node.value == parameter, evaluator, depth + 1)
            if len(checks) == 1:
                return checks[0]
    return OriginCheck("unknown", holds, text=text)


URL_PARSERS = {"urllib.parse.urlparse", "urllib.parse.urlsplit"}


def _url_part(node: cst.BaseExpression, is_origin, evaluator: Evaluator) -> str:
    """``urlparse(origin).hostname`` -> "hostname" (or "netloc"); else ""."""
    if not (isinstance(node, cst.Attribute) and node.attr.value in ("hostname", "netloc")):
        return ""
    call = node.value
    if not (isinstance(call, cst.Call) and call.args and is_origin(call.args[0].value)):
        return ""
    return node.attr.value if evaluator.index.qualified_names(call.func) & URL_PARSERS else ""


def _url_part_check(test, holds, is_origin, evaluator: Evaluator, text: str) -> Optional[OriginCheck]:
    """Comparisons and ``startswith``/``endswith`` on ``urlparse(origin).hostname``
    or ``.netloc``: the same checks, on that part of the origin."""
    part_is = lambda node: bool(_url_part(node, is_origin, evaluator))  # noqa: E731
    if not any(part_is(node) for node in _nodes(test)):
        return None
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and part_is(test.left):
        part = _url_part(test.left, is_origin, evaluator)
    elif isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and part_is(test.comparisons[0].comparator):
        part = _url_part(test.comparisons[0].comparator, is_origin, evaluator)
    elif isinstance(test, cst.Call) and isinstance(test.func, cst.Attribute) and part_is(test.func.value):
        part = _url_part(test.func.value, is_origin, evaluator)
    else:
        return OriginCheck("unknown", holds, text=text)
    (check,) = _checks(test, holds, part_is, evaluator, depth=5)
    if check.kind in ("unknown", "present", "any", "regex"):
        return OriginCheck("unknown", holds, text=text)
    return OriginCheck(check.kind, check.holds, check.literals, None, text, (), part)


def _nodes(node: cst.CSTNode) -> List[cst.CSTNode]:
    pending: List[cst.CSTNode] = [node]
    found: List[cst.CSTNode] = []
    while pending:
        child = pending.pop()
        found.append(child)
        pending.extend(children(child))
    return found


def _helper(func: cst.Name, evaluator: Evaluator) -> Optional[Tuple[str, cst.BaseExpression]]:
    """``def is_allowed(origin): return <expr>`` in the same module."""
    bindings = evaluator.index.bindings(func)
    if len(bindings) != 1 or not isinstance(bindings[0].definition, cst.FunctionDef):
        return None
    definition = bindings[0].definition
    params = definition.params.params
    body = definition.body.body
    if len(params) != 1 or len(body) != 1 or not isinstance(body[0], cst.SimpleStatementLine):
        return None
    statement = body[0].body[0]
    if isinstance(statement, cst.Return) and statement.value is not None:
        return params[0].name.value, statement.value
    return None


def _strings(value) -> Optional[Tuple[str, ...]]:
    """The strings of a known list/tuple/set/dict (keys), if all are known strings."""
    if not isinstance(value, Known):
        return None
    inner = value.value
    items = inner.items if isinstance(inner, Sequence) else tuple(k for k, _ in inner.items) if isinstance(inner, Mapping) else None
    if items is None or not all(isinstance(item, Known) and isinstance(item.value, str) for item in items):
        return None
    return tuple(item.value for item in items)


def _mentions_origin(node: cst.BaseExpression, is_origin) -> bool:
    pending: List[cst.CSTNode] = [node]
    while pending:
        child = pending.pop()
        if isinstance(child, cst.BaseExpression) and is_origin(child):
            return True
        pending.extend(children(child))
    return False
