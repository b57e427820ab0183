"""The value domain: what an expression in the linted source evaluates to.

Every value remembers the source range that produced it, so a finding can point
at the offending list element rather than at the whole call. A value the tool
cannot work out statically is an ``Unknown`` carrying the reason; it flows
through the model like any other value and rules stay silent on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional, Tuple, Union


@dataclass(frozen=True, order=True)
class Span:
    """A source range: 1-based lines, 1-based columns, end exclusive; ``path``
    names the file when it is not the one being linted (an imported module)."""

    line: int
    column: int
    end_line: int
    end_column: int
    path: str = ""


@dataclass(frozen=True)
class Pattern:
    """A compiled regular expression, ``re.compile(source, flags)``."""

    source: str
    flags: int = 0


@dataclass(frozen=True)
class Duration:
    """A ``datetime.timedelta``, kept as its total seconds."""

    seconds: float


@dataclass(frozen=True)
class Sequence:
    """A list, tuple or set literal; ``kind`` keeps which, since flask-cors
    treats all of them as iterables but a set has no order."""

    kind: str
    items: Tuple["Value", ...]


@dataclass(frozen=True)
class Mapping:
    """A dict literal, as ordered (key, value) pairs; dicts keep insertion order."""

    items: Tuple[Tuple["Value", "Value"], ...]

    def get(self, key: str) -> "Value | None":
        for item_key, item_value in self.items:
            if isinstance(item_key, Known) and item_key.value == key:
                return item_value
        return None


Scalar = Union[str, int, float, bool, None]


@dataclass(frozen=True)
class Known:
    """A value the tool knows exactly, or, with ``env``, the default an
    environment variable falls back to (the value wherever it is unset)."""

    value: Union[Scalar, Pattern, Duration, Sequence, Mapping]
    where: Span
    env: Optional[str] = None  # the environment variable this is the default of

    def is_unknown(self) -> bool:
        return False


@dataclass(frozen=True)
class Unknown:
    """A value the tool cannot determine statically, and why."""

    reason: str
    where: Span

    def is_unknown(self) -> bool:
        return True


Value = Union[Known, Unknown]


def truth(value: Value) -> Optional[bool]:
    """Python's ``bool(value)``; None when the value is not known."""
    if not isinstance(value, Known):
        return None
    inner = value.value
    if isinstance(inner, (Sequence, Mapping)):
        return bool(inner.items)  # unknown items still count
    if isinstance(inner, Duration):
        return inner.seconds != 0
    if isinstance(inner, Pattern):
        return True
    return bool(inner)


def join_env(*names: Optional[str]) -> Optional[str]:
    """Environment variables a value depends on, as one text ("A and B"):
    the value is the one wherever all of them are unset."""
    parts = sorted({part for name in names if name for part in name.split(" and ")})
    return " and ".join(parts) or None


def with_env(value: Value, env: Optional[str]) -> Value:
    """``value`` marked (with everything in it) as the value wherever ``env``
    is unset: a branch decided by the variable chose it."""
    if env is None or not isinstance(value, Known):
        return value
    inner = value.value
    if isinstance(inner, Sequence):
        inner = Sequence(inner.kind, tuple(with_env(item, env) for item in inner.items))
    elif isinstance(inner, Mapping):
        inner = Mapping(tuple((key, with_env(item, env)) for key, item in inner.items))
    return Known(inner, value.where, join_env(value.env, env))


def first_unknown(value: Value) -> "Unknown | None":
    """The first Unknown inside ``value`` (itself included), if any."""
    for part in walk(value):
        if isinstance(part, Unknown):
            return part
    return None


def walk(value: Value) -> Iterator[Value]:
    """``value`` and every value nested in it, depth first."""
    yield value
    if isinstance(value, Known):
        inner = value.value
        if isinstance(inner, Sequence):
            for item in inner.items:
                yield from walk(item)
        elif isinstance(inner, Mapping):
            for key, item in inner.items:
                yield from walk(key)
                yield from walk(item)


def python_string(text: str) -> str:
    """How a string is best written in Python: a raw string when it holds
    backslashes (regexes), so messages show what the user wrote."""
    if "\\" in text and '"' not in text and not text.endswith("\\") and text.isprintable():
        return f'r"{text}"'
    return repr(text)


def describe(value: Value, limit: int = 80) -> str:
    """A short, Python-like rendering of a value for messages."""
    text = _describe(value)
    return text if len(text) <= limit else text[: limit - 4] + " ..."


def _describe(value: Value) -> str:
    if isinstance(value, Unknown):
        return f"<unknown: {value.reason}>"
    inner = value.value
    if isinstance(inner, Pattern):
        return f"re.compile({python_string(inner.source)})"
    if isinstance(inner, Duration):
        return f"timedelta(seconds={inner.seconds:g})"
    if isinstance(inner, Sequence):
        parts = ", ".join(_describe(item) for item in inner.items)
        return {"list": f"[{parts}]", "tuple": f"({parts}{',' if len(inner.items) == 1 else ''})", "set": "{" + parts + "}"}[
            inner.kind
        ]
    if isinstance(inner, Mapping):
        return "{" + ", ".join(f"{_describe(k)}: {_describe(v)}" for k, v in inner.items) + "}"
    if isinstance(inner, str):
        return python_string(inner)
    return repr(inner)
