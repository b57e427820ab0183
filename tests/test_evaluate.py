"""The evaluator: expressions to values, unknown never guessed."""

from __future__ import annotations

import re

import libcst as cst
import pytest

from cors_lint.evaluate.expressions import Evaluator
from cors_lint.evaluate.values import Duration, Known, Mapping, Pattern, Sequence, Unknown
from cors_lint.find.source import SourceIndex
from cors_lint.model.policy import concrete


def evaluate_last(source: str):
    """Evaluate the value of the last statement, ``RESULT = <expr>``."""
    module = cst.parse_module(source)
    index = SourceIndex(module)
    statement = module.body[-1].body[0]
    assert isinstance(statement, cst.Assign)
    return Evaluator(index).evaluate(statement.value)


@pytest.mark.parametrize(
    "source, expected",
    [
        ('RESULT = "a"', "a"),
        ('RESULT = r"https://.*\\.example\\.com"', r"https://.*\.example\.com"),
        ('RESULT = ("https://"\n    "app.example.com")', "https://app.example.com"),
        ('RESULT = "https://" + "app.example.com"', "https://app.example.com"),
        ("RESULT = 3600", 3600),
        ("RESULT = -1", -1),
        ("RESULT = True", True),
        ("RESULT = None", None),
        ('RESULT = f"plain"', "plain"),
        ('RESULT = ["a", ("b",)]', ["a", ("b",)]),
        ('RESULT = {"a", "a"}', ["a"]),
        ('RESULT = {"k": 1, **{"k": 2, "j": 3}}', {"k": 2, "j": 3}),
        ('RESULT = dict(origins="*", max_age=5)', {"origins": "*", "max_age": 5}),
        ('X = ["a"]\nRESULT = list(X) + ["b"]', ["a", "b"]),
        ('X = ("a", "b")\nRESULT = [*X, "c"]', ["a", "b", "c"]),
        ('RESULT = "a, b".split(", ")', ["a", "b"]),
        ('RESULT = "a b".split()', ["a", "b"]),
    ],
)
def test_known_values(source: str, expected) -> None:
    value = evaluate_last(source)
    assert isinstance(value, Known), value
    assert concrete(value) == expected


def test_re_compile_keeps_flags_and_is_case_sensitive_by_default() -> None:
    value = evaluate_last('import re\nRESULT = re.compile(r"^https://a\\.example$", re.I | re.X)')
    assert value.value == Pattern(r"^https://a\.example$", re.IGNORECASE | re.VERBOSE)
    plain = evaluate_last('from re import compile as c\nRESULT = c("x")')
    assert plain.value == Pattern("x", 0)


def test_environment_defaults_are_known_and_tagged() -> None:
    value = evaluate_last('import os\nRESULT = os.environ.get("ORIGINS", "a,b").split(",")')
    assert concrete(value) == ["a", "b"]
    assert value.env == "ORIGINS" and all(item.env == "ORIGINS" for item in value.value.items)
    aliased = evaluate_last('from os import getenv as env\nRESULT = env("X", "*")')
    assert (aliased.value, aliased.env) == ("*", "X")


def test_timedelta() -> None:
    value = evaluate_last("import datetime\nRESULT = datetime.timedelta(1, hours=2, minutes=1)")
    assert value.value == Duration(86400 + 7200 + 60)
    aliased = evaluate_last("from datetime import timedelta as td\nRESULT = td(weeks=1)")
    assert aliased.value == Duration(604800)


def test_names_follow_single_assignments_inside_functions_too() -> None:
    source = 'ORIGINS = ["https://a.example"]\ndef f():\n    local = ORIGINS\n    return local\nRESULT = ORIGINS'
    assert concrete(evaluate_last(source)) == ["https://a.example"]


@pytest.mark.parametrize(
    "source, reason",
    [
        ("RESULT = load()", "result of calling load()"),
        ('import os\nRESULT = os.environ["X"]', "environment variable X (read without a default)"),
        ('import os\nRESULT = os.getenv("X")', "environment variable X (its default is None)"),
        ("if f():\n    X = 1\nelse:\n    X = 2\nRESULT = X", "'X' is chosen by `if f()` at run time"),
        ("Y = X\nX = 1\nX = 2\nRESULT = Y", "'X' is not bound before it is read"),
        ("for X in f():\n    pass\nX = 1\nRESULT = X", "assigned 2 times"),
        ("X = 1\nwhile f():\n    X = 2\nRESULT = X", "reassigned inside a `while` statement"),
        ("X = 1\ntry:\n    X = 2\nexcept E:\n    pass\nRESULT = X", "reassigned inside a `try` statement"),
        ('import os\nX = os.getenv("X", "*")\nif X == "*":\n    raise SystemExit\nX = X.split(",")\nRESULT = X', "the module raises before"),
        ('import os\nX = os.getenv("X")\nif X:\n    X = X.split(",")\nRESULT = X', "environment variable X (its default is None)"),
        ("RESULT = 1 if f() else 2", "chosen by `f()` at run time"),
        ("from settings import X\nRESULT = X", "imported"),
        ("RESULT = UNDEFINED", "not defined"),
        ('RESULT = f"{x}"', "f-string"),
        ("RESULT = [*load()]", "unpacking"),
        ('RESULT = b"bytes"', "bytes"),
        ("A = B\nB = A\nRESULT = A", "itself"),
        ('RESULT = "".split("")', "empty separator"),
    ],
)
def test_unknown_values_carry_a_reason(source: str, reason: str) -> None:
    value = evaluate_last(source)
    assert isinstance(value, Unknown)
    assert reason in value.reason


def test_values_carry_the_location_of_their_definition() -> None:
    value = evaluate_last('X = [\n    "https://a.example",\n]\nRESULT = X')
    assert isinstance(value.value, Sequence)
    element = value.value.items[0]
    assert (element.where.line, element.where.column) == (2, 5)


def test_deep_nesting_becomes_unknown_not_a_crash() -> None:
    value = evaluate_last("RESULT = " + "[" * 80 + "]" * 80)
    assert isinstance(concrete_or_unknown(value), Unknown)


def concrete_or_unknown(value):
    from cors_lint.evaluate.values import first_unknown

    return first_unknown(value)


def test_mapping_lookup() -> None:
    value = evaluate_last('RESULT = {"origins": "*"}')
    assert isinstance(value.value, Mapping)
    assert value.value.get("origins").value == "*"
    assert value.value.get("missing") is None


@pytest.mark.parametrize(
    "source, expected, env",
    [
        # Reassigned: the statements before the read are followed in order.
        ('import os\nX = os.environ.get("O", "*")\nif X != "*":\n    X = X.split(",")\nRESULT = X', "*", "O"),
        ('import os\nX = os.getenv("O")\nif not X:\n    X = "*"\nRESULT = X', "*", "O"),
        ("X = ['a']\nX += ['b']\nRESULT = X", ["a", "b"], None),
        ("X = 'a'\nX = X + ',b'\nRESULT = X.split(',')", ["a", "b"], None),
        # Chosen in a branch: a test on an environment variable is decided where it is unset.
        ('import os\nif os.getenv("ENV") == "production":\n    X = ["a"]\nelse:\n    X = "*"\nRESULT = X', "*", "ENV"),
        ('import os\nif os.getenv("ENV", "prod").lower() in ("prod", "production"):\n    X = ["a"]\nelse:\n    X = "*"\nRESULT = X', ["a"], "ENV"),
        ('DEBUG = False\nif DEBUG:\n    X = "*"\nelif True:\n    X = ["a"]\nRESULT = X', ["a"], None),
        # An arm that raises is a path on which the app never starts.
        ('import os\nX = os.getenv("O", "")\nif not X:\n    raise RuntimeError("set O")\nX = X.split(",")\nRESULT = X', None, "unknown"),
        # Undecided arms that agree.
        ("if f():\n    X = 1\nelse:\n    X = 1\nRESULT = X", 1, None),
        ("X = 1\nif f():\n    raise E\nRESULT = X", 1, None),
        # Conditional expressions, comparisons, and/or/not.
        ('import os\nRESULT = "*" if os.getenv("ENV", "dev") == "dev" else ["a"]', "*", "ENV"),
        ('import os\nRESULT = os.getenv("C", "true").lower() == "true"', True, "C"),
        ('import os\nRESULT = not os.getenv("C")', True, "C"),
        ('import os\nRESULT = os.environ.get("O", "https://a") or "*"', "https://a", "O"),
        ('RESULT = 1 is None or "x" in "xyz" and [1] == [1]', True, None),
        # Comprehensions over known sequences, with the string clean-up methods.
        ('import os\nRESULT = [o.strip().rstrip("/") for o in os.getenv("O", " a/, ,b ").split(",") if o.strip()]', ["a", "b"], "O"),
        ('RESULT = {o.lower() for o in ["A", "B"]}', {"a", "b"}, None),
    ],
)
def test_reassigned_and_chosen_values(source: str, expected, env) -> None:
    value = evaluate_last(source)
    if env == "unknown":
        assert isinstance(value, Unknown)
        return
    assert isinstance(value, Known), value
    result = concrete(value)
    assert (set(result) if isinstance(expected, set) else result) == expected
    assert value.env == env


def test_a_reassigned_name_read_in_a_function_is_its_final_value() -> None:
    module = cst.parse_module("X = 1\ndef f():\n    return X\nX = 2\n")
    index = SourceIndex(module)
    read = module.body[1].body.body[0].body[0].value
    assert concrete(Evaluator(index).evaluate(read)) == 2


def test_environment_names_join_in_a_finding() -> None:
    value = evaluate_last(
        'import os\nO = os.getenv("O", "*")\nif os.getenv("MODE") == "prod":\n    O = ["a"]\nRESULT = O'
    )
    assert (concrete(value), value.env) == ("*", "MODE and O")
