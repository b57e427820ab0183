"""Comparisons and string methods on known values, as Python computes them.

Conditions decide which arm of an ``if`` (or of ``a if c else b``) sets a
value; they are decided only when every value they look at is known, and an
answer that depends on an environment variable is the answer wherever the
variable is unset (the ``env`` the operands carry).
"""

from __future__ import annotations

from typing import Optional

from cors_lint.evaluate.values import Known, Mapping, Sequence, Value

# Python's comparison operators, by libcst's node names.
_EQUAL = {"Equal": True, "NotEqual": False}
_IDENTITY = {"Is": True, "IsNot": False}
_MEMBERSHIP = {"In": True, "NotIn": False}

# ``str`` methods without arguments, or with one known string argument, that
# origin lists are cleaned up with (``o.strip().rstrip("/")``).
STRING_METHODS = frozenset({"strip", "lstrip", "rstrip", "lower", "upper", "casefold", "removesuffix", "removeprefix"})


def compare(operator: str, left: Value, right: Value) -> Optional[bool]:
    """``left <operator> right``; None when it cannot be decided."""
    if not (isinstance(left, Known) and isinstance(right, Known)):
        return None
    if operator in _EQUAL:
        equal = same_value(left, right)
        return None if equal is None else equal == _EQUAL[operator]
    if operator in _IDENTITY:
        # Only the singletons have a known identity.
        if not (_singleton(left) or _singleton(right)):
            return None
        return (left.value is right.value and type(left.value) is type(right.value)) == _IDENTITY[operator]
    if operator in _MEMBERSHIP:
        contained = _contains(right, left)
        return None if contained is None else contained == _MEMBERSHIP[operator]
    return None


def same_value(left: Value, right: Value) -> Optional[bool]:
    """Python's ``==`` of two values, wherever they are written; None when an
    unknown part decides it."""
    if not (isinstance(left, Known) and isinstance(right, Known)):
        return None
    a, b = left.value, right.value
    if isinstance(a, Sequence) and isinstance(b, Sequence):
        if a.kind != b.kind:
            return False  # a list never equals a tuple
        if a.kind == "set":
            return _same_set(a, b)
        if len(a.items) != len(b.items):
            return False
        answers = [same_value(x, y) for x, y in zip(a.items, b.items)]
        return False if False in answers else None if None in answers else True
    if isinstance(a, Mapping) or isinstance(b, Mapping):
        return None if isinstance(a, Mapping) and isinstance(b, Mapping) else False
    if isinstance(a, Sequence) or isinstance(b, Sequence):
        return False
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - odd values simply are not decided
        return None


def _same_set(a: Sequence, b: Sequence) -> Optional[bool]:
    scalars = []
    for items in (a.items, b.items):
        if not all(isinstance(item, Known) and _hashable(item) for item in items):
            return None
        scalars.append({item.value for item in items})  # type: ignore[union-attr]
    return scalars[0] == scalars[1]


def _contains(container: Known, item: Known) -> Optional[bool]:
    inner = container.value
    if isinstance(inner, str):
        return item.value in inner if isinstance(item.value, str) else None
    if isinstance(inner, Sequence):
        answers = [same_value(item, element) for element in inner.items]
        return True if True in answers else None if None in answers else False
    if isinstance(inner, Mapping):
        answers = [same_value(item, key) for key, _ in inner.items]
        return True if True in answers else None if None in answers else False
    return None


def string_method(method: str, text: str, argument: Optional[str]) -> Optional[str]:
    """``text.<method>(argument)`` for the methods above; None otherwise."""
    if method not in STRING_METHODS:
        return None
    if method in ("lower", "upper", "casefold"):
        return getattr(text, method)() if argument is None else None
    if method in ("removesuffix", "removeprefix"):
        return getattr(text, method)(argument) if argument is not None else None
    return getattr(text, method)(argument)


def _singleton(value: Known) -> bool:
    return value.value is None or isinstance(value.value, bool)


def _hashable(value: Known) -> bool:
    return not isinstance(value.value, (Sequence, Mapping))
