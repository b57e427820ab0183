"""The evaluator: argument expressions to values, without running anything.

It understands literals and containers, implicit and ``+`` string
concatenation, ``re.compile`` (with its flags), ``datetime.timedelta``,
``list()``/``tuple()``/``set()``/``dict()``, ``str.split`` and the string
clean-up methods, comprehensions over known sequences, comparisons and
``and``/``or``/``not``/``a if c else b`` on known values, and names bound
to such expressions (a name bound several times is followed through the
statements before its use: ``evaluate/flow.py``). Everything else becomes
``Unknown`` with a reason.

Environment variables are unknown, except that wherever one is unset its
read gives the default (``Known.env`` names the variable): conditions on it
are decided for that case, so ``ORIGINS = os.getenv("O"); if not ORIGINS:
ORIGINS = "*"`` is ``"*"`` wherever O is unset.
"""

from __future__ import annotations

import ast
import dataclasses
import re
import warnings
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Protocol, Tuple, Union

import libcst as cst

from cors_lint.evaluate.conditions import compare, same_value, string_method
from cors_lint.evaluate.flow import value_before
from cors_lint.evaluate.values import (
    Duration,
    Known,
    Mapping,
    Pattern,
    Sequence,
    Span,
    Unknown,
    Value,
    join_env,
    truth,
    with_env,
)
from cors_lint.find.modules import ModuleLoader
from cors_lint.find.source import SourceIndex

_RE_FLAGS = {
    "re.I": re.IGNORECASE,
    "re.IGNORECASE": re.IGNORECASE,
    "re.X": re.VERBOSE,
    "re.VERBOSE": re.VERBOSE,
    "re.S": re.DOTALL,
    "re.DOTALL": re.DOTALL,
    "re.M": re.MULTILINE,
    "re.MULTILINE": re.MULTILINE,
    "re.A": re.ASCII,
    "re.ASCII": re.ASCII,
    "re.U": re.UNICODE,
    "re.UNICODE": re.UNICODE,
}
_TIMEDELTA_UNITS = {
    "weeks": 604800.0,
    "days": 86400.0,
    "hours": 3600.0,
    "minutes": 60.0,
    "seconds": 1.0,
    "milliseconds": 0.001,
    "microseconds": 0.000001,
}
_TIMEDELTA_POSITIONAL = ("days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks")
_CONTAINERS = {"builtins.list": "list", "builtins.tuple": "tuple", "builtins.set": "set", "builtins.frozenset": "set"}
_MAX_DEPTH = 50
# Modules followed at once through imports (``from c1 import X`` in c0, ...):
# each hop starts a fresh expression, so the depth above does not count them.
MAX_IMPORT_HOPS = 400
_ENV_GETTERS = frozenset({"os.environ.get", "os.getenv", "os.environ.setdefault"})
_ENVIRON = frozenset({"os.environ"})
# Bindings a name bound several times is followed through (``evaluate/flow.py``).
_FOLLOWED = frozenset({"assign", "update"})
# Items a comprehension is evaluated for; a longer list is left unknown.
MAX_COMPREHENSION_ITEMS = 1000
_COMPARISONS = {
    cst.Equal: "Equal",
    cst.NotEqual: "NotEqual",
    cst.Is: "Is",
    cst.IsNot: "IsNot",
    cst.In: "In",
    cst.NotIn: "NotIn",
}


class Evaluator:
    """Evaluates expressions of one module; with a loader, names imported from
    other modules of the project are followed."""

    def __init__(
        self, index: SourceIndex, loader: Optional[ModuleLoader] = None, config: Optional["ConfigReader"] = None
    ) -> None:
        self.index = index
        self.loader = loader
        # Names whose value is set while a statement or a comprehension is
        # followed: the name being reassigned, a comprehension's variable.
        self.assumed: Dict[str, Value] = {}
        # Reads of ``app.config`` in the app's code, answered from the app's
        # config writes (``config_reader``); None: such a read is unknown.
        self.config = config

    def _reads_config(self, node: cst.BaseExpression) -> bool:
        """``app.config`` of the app whose config this evaluator knows."""
        return (
            self.config is not None
            and isinstance(node, cst.Attribute)
            and node.attr.value == "config"
            and isinstance(node.value, cst.Name)
            and node.value.value in self.config.names
        )

    def reading_config(self, config: "ConfigReader") -> "Evaluator":
        """This module's evaluator, with ``app.config.get(K, default)`` and
        ``app.config[K]`` answered by ``config`` (the app's own writes)."""
        return Evaluator(self.index, self.loader, config)

    def evaluate(self, node: cst.BaseExpression) -> Value:
        return self._eval(node, frozenset(), 0)

    def _eval(self, node: cst.BaseExpression, following: FrozenSet[int], depth: int) -> Value:
        where = self.index.span(node)
        if depth > _MAX_DEPTH:
            return Unknown("expression nested too deeply to evaluate", where)
        depth += 1
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            return self._string(node, where)
        if isinstance(node, (cst.Integer, cst.Float)):
            try:
                return Known(ast.literal_eval(node.value), where)
            except (ValueError, SyntaxError):  # e.g. more digits than int() converts
                return Unknown("number literal could not be read", where)
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus)):
            operand = self._eval(node.expression, following, depth)
            if isinstance(operand, Known) and type(operand.value) in (int, float):
                sign = -1 if isinstance(node.operator, cst.Minus) else 1
                return Known(sign * operand.value, where)
            return Unknown(f"cannot evaluate {self.index.code(node)!r}", where)
        if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            kind = {cst.List: "list", cst.Tuple: "tuple", cst.Set: "set"}[type(node)]
            return self._sequence(kind, node.elements, where, following, depth)
        if isinstance(node, cst.Dict):
            return self._dict(node, where, following, depth)
        if isinstance(node, cst.Name):
            return self._name(node, where, following, depth)
        if isinstance(node, cst.Call):
            return self._call(node, where, following, depth)
        if isinstance(node, cst.Attribute):
            return self._attribute(node, where, following, depth)
        if isinstance(node, cst.Subscript) and self._reads_config(node.value):
            key = self._eval(node.slice[0].slice.value, following, depth) if isinstance(node.slice[0].slice, cst.Index) else None
            if isinstance(key, Known) and isinstance(key.value, str):
                return self.config.read(key.value, None, where)  # type: ignore[union-attr]
        if isinstance(node, cst.Subscript) and self.index.qualified_names(node.value) & _ENVIRON:
            key = self._eval(node.slice[0].slice.value, following, depth) if isinstance(node.slice[0].slice, cst.Index) else None
            name = key.value if isinstance(key, Known) and isinstance(key.value, str) else "?"
            return Unknown(f"environment variable {name} (read without a default)", where)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            return self._add(node, where, following, depth)
        if isinstance(node, cst.BooleanOperation):
            return self._boolean(node, where, following, depth)
        if isinstance(node, cst.Comparison):
            return self._comparison(node, where, following, depth)
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
            operand = self.operand(node.expression, following, depth)
            decided = truth(operand)
            if decided is None:
                return Unknown(f"cannot evaluate {_shorten(self.index.code(node))!r} statically", where)
            return Known(not decided, where, operand.env)  # type: ignore[union-attr]
        if isinstance(node, cst.IfExp):
            return self._if_expression(node, where, following, depth)
        if isinstance(node, (cst.ListComp, cst.SetComp, cst.GeneratorExp)):
            return self._comprehension(node, where, following, depth)
        if isinstance(node, cst.FormattedString):
            if all(isinstance(part, cst.FormattedStringText) for part in node.parts):
                # An f-string without substitutions is the same string without the f.
                text = "".join(part.value for part in node.parts)  # type: ignore[union-attr]
                prefix = node.start.lower().replace("f", "")
                return self._string(cst.SimpleString(prefix + text + node.end), where)
            return Unknown("f-string with substitutions", where)
        return Unknown(f"cannot evaluate {_shorten(self.index.code(node))!r} statically", where)

    def _string(self, node: cst.BaseExpression, where: Span) -> Value:
        code = node.value if isinstance(node, cst.SimpleString) else self.index.code(node)
        try:
            # Parentheses let an implicit concatenation span lines (and comments).
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # invalid escapes in the linted code
                value = ast.literal_eval("(" + code + "\n)")
        except (ValueError, SyntaxError):
            return Unknown("string literal could not be read", where)
        if isinstance(value, bytes):
            return Unknown("bytes literal (flask-cors expects str)", where)
        return Known(value, where)

    def _sequence(
        self, kind: str, elements: Tuple[cst.BaseElement, ...], where: Span, following: FrozenSet[int], depth: int
    ) -> Value:
        items: List[Value] = []
        for element in elements:
            value = self._eval(element.value, following, depth)
            if isinstance(element, cst.StarredElement):
                if isinstance(value, Known) and isinstance(value.value, Sequence):
                    items.extend(value.value.items)
                    continue
                return Unknown(f"unpacking {_shorten(self.index.code(element.value))!r}", where)
            items.append(value)
        return Known(Sequence(kind, tuple(items)), where)

    def _dict(self, node: cst.Dict, where: Span, following: FrozenSet[int], depth: int) -> Value:
        pairs = _Pairs()
        for element in node.elements:
            if isinstance(element, cst.StarredDictElement):
                unpacked = self._eval(element.value, following, depth)
                if isinstance(unpacked, Known) and isinstance(unpacked.value, Mapping):
                    for key, value in unpacked.value.items:
                        pairs.add(key, value)
                    continue
                return Unknown(f"unpacking {_shorten(self.index.code(element.value))!r}", where)
            key = self._eval(element.key, following, depth)
            value = self._eval(element.value, following, depth)
            pairs.add(key, value)
        return Known(Mapping(tuple(pairs.pairs)), where)

    def _name(self, node: cst.Name, where: Span, following: FrozenSet[int], depth: int) -> Value:
        constants = {"True": True, "False": False, "None": None}
        if node.value in constants:
            return Known(constants[node.value], where)
        if node.value in self.assumed:
            return self.assumed[node.value]
        bindings = self.index.bindings(node)
        if len(bindings) > 1 and all(binding.kind in _FOLLOWED for binding in bindings):
            block = self.index.binding_block(node)
            if block is not None:
                return value_before(self, block, node.value, node, where, following, depth)
        if len(bindings) == 1 and bindings[0].kind == "import" and bindings[0].qualified_name:
            return self._imported(bindings[0].qualified_name, where, depth)
        if not bindings and self.index.star_imports:
            # ``from .origins import *``: the first star-imported project module
            # that binds the name gives it.
            for qualified in sorted(self.index.qualified_names(node)):
                value = self._imported(qualified, where, depth)
                if isinstance(value, Known) or "is not defined" not in value.reason:
                    return value
            return Unknown(f"name {node.value!r} is not defined in this file or the modules it star-imports", where)
        bound = self.index.binding(node)
        if isinstance(bound, str):
            return Unknown(bound, where)
        if id(bound) in following:
            return Unknown(f"name {node.value!r} refers to itself", where)
        value = self._eval(bound, following | {id(bound)}, depth)
        # The value keeps the location of its definition: that is where a fix goes.
        return value

    def _attribute(self, node: cst.Attribute, where: Span, following: FrozenSet[int], depth: int) -> Value:
        """``settings.ALLOWED_ORIGINS`` after ``import settings``."""
        names = self.index.qualified_names(node)
        if len(names) == 1:
            return self._imported(next(iter(names)), where, depth)
        return Unknown(f"cannot evaluate {_shorten(self.index.code(node))!r} statically", where)

    def _imported(self, qualified: str, where: Span, depth: int) -> Value:
        """The value of ``module.NAME``, read from the module's file when it
        belongs to the project."""
        module, _, name = qualified.rpartition(".")
        if not module or self.loader is None:
            return Unknown(f"{qualified!r} is imported from another module", where)
        path = self.loader.locate(self.index.path, module)
        if path is None:
            return Unknown(f"{qualified!r} comes from {module.lstrip('.') or module!r}, outside the project", where)
        if path in self.loader.loading:
            return Unknown(f"{qualified!r} is part of an import cycle", where)
        if len(self.loader.loading) >= MAX_IMPORT_HOPS:
            return Unknown(f"{qualified!r} is reached through more than {MAX_IMPORT_HOPS} imports", where)
        loaded = self.loader.load(path)
        if loaded is None:
            return Unknown(f"{qualified!r}: module {module!r} could not be parsed", where)
        self.loader.loading.add(path)
        try:
            return Evaluator(loaded.index, self.loader).module_value(name, where, 0)
        finally:
            self.loader.loading.discard(path)

    def loaded_config(self, reference: str, where: Span) -> Union[List[Tuple[str, Value]], Unknown]:
        """The upper-case names ``app.config.from_object(reference)`` (a module
        or a class of the project) or ``from_pyfile`` (``file:name``) sets."""
        if self.loader is None:
            return Unknown(f"{reference} is not followed", where)
        if reference.startswith("file:"):
            # Flask resolves it against the app's root path: the app module's folder.
            candidate = Path(self.index.path or ".").resolve().parent / reference[len("file:") :]
            loaded = self.loader.load(candidate) if candidate.is_file() else None
            if loaded is None:
                return Unknown(f"from_pyfile({reference[5:]!r}): no readable Python file next to the app module", where)
            return self._module_config(loaded.index, where)
        path = self.loader.locate(self.index.path, reference)
        if path is not None and self.loader.load(path) is not None:
            return self._module_config(self.loader.load(path).index, where)  # type: ignore[union-attr]
        module, _, class_name = reference.rpartition(".")
        path = self.loader.locate(self.index.path, module) if module else None
        loaded = self.loader.load(path) if path is not None else None
        attributes = loaded.index.class_attributes(class_name) if loaded is not None else None
        if attributes is None:
            return Unknown(f"from_object({reference!r}) loads something outside the project", where)
        evaluator = Evaluator(loaded.index, self.loader)  # type: ignore[union-attr]
        return [(key, evaluator.evaluate(value)) for key, value, _ in attributes]

    def _module_config(self, index: SourceIndex, where: Span) -> List[Tuple[str, Value]]:
        evaluator = Evaluator(index, self.loader)
        return [(name, evaluator.module_value(name, where)) for name in sorted(index.module_names()) if name.isupper()]

    def module_value(self, name: str, where: Span, depth: int = 0) -> Value:
        """The value a module-level name is bound to, as another module sees it."""
        bindings = self.index.module_bindings(name)
        if len(bindings) > 1 and all(binding.kind in _FOLLOWED for binding in bindings):
            # Another module reads it after this one has run to its end.
            return value_before(self, self.index.module, name, None, where, frozenset(), depth + 1)
        if len(bindings) != 1:
            reason = "not defined" if not bindings else f"assigned {len(bindings)} times"
            return Unknown(f"{name!r} is {reason} in {self.index.path}", where)
        binding = bindings[0]
        if binding.kind == "import" and binding.qualified_name:
            return self._imported(binding.qualified_name, where, depth)
        if binding.kind == "assign" and binding.value is not None:
            return self._eval(binding.value, frozenset(), depth + 1)
        return Unknown(f"{name!r} in {self.index.path} is not bound by a simple assignment", where)

    def _call(self, node: cst.Call, where: Span, following: FrozenSet[int], depth: int) -> Value:
        names = self.index.qualified_names(node.func)
        if names & _ENV_GETTERS:
            return self._environment(node, where, following, depth)
        if "re.compile" in names:
            return self._re_compile(node, where, following, depth)
        if "datetime.timedelta" in names:
            return self._timedelta(node, where, following, depth)
        container = next((_CONTAINERS[name] for name in sorted(names) if name in _CONTAINERS), None)
        if container is not None and len(node.args) <= 1 and all(arg.keyword is None and not arg.star for arg in node.args):
            if not node.args:
                return Known(Sequence(container, ()), where)
            inner = self._eval(node.args[0].value, following, depth)
            if isinstance(inner, Known) and isinstance(inner.value, Sequence):
                return Known(Sequence(container, inner.value.items), where)
            if isinstance(inner, Known) and isinstance(inner.value, Mapping):
                return Known(Sequence(container, tuple(key for key, _ in inner.value.items)), where)
            if isinstance(inner, Known) and isinstance(inner.value, str):
                return Known(Sequence(container, tuple(Known(char, inner.where) for char in inner.value)), where)
            return inner if isinstance(inner, Unknown) else Unknown(f"{container}() of a non-sequence", where)
        if "builtins.dict" in names and all(arg.keyword is not None for arg in node.args):
            pairs = tuple(
                (Known(arg.keyword.value, self.index.span(arg.keyword)), self._eval(arg.value, following, depth))
                for arg in node.args
                if arg.keyword is not None
            )
            return Known(Mapping(pairs), where)
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "split":
            return self._split(node, where, following, depth)
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "get" and self._reads_config(node.func.value):
            arguments = [self._eval(arg.value, following, depth) for arg in node.args if arg.keyword is None and not arg.star]
            if 1 <= len(arguments) == len(node.args) <= 2 and isinstance(arguments[0], Known) and isinstance(arguments[0].value, str):
                default = arguments[1] if len(arguments) == 2 else Known(None, where)
                return self.config.read(arguments[0].value, default, where)  # type: ignore[union-attr]
        if isinstance(node.func, cst.Attribute) and len(node.args) <= 1 and not any(a.keyword or a.star for a in node.args):
            cleaned = self._string_method(node, node.func, following, depth)
            if cleaned is not None:
                return cleaned
        return Unknown(f"result of calling {_shorten(self.index.code(node.func))}() is not evaluated", where)

    def _re_compile(self, node: cst.Call, where: Span, following: FrozenSet[int], depth: int) -> Value:
        if not node.args or node.args[0].keyword is not None or node.args[0].star:
            return Unknown("re.compile() without a literal pattern", where)
        source = self._eval(node.args[0].value, following, depth)
        if not (isinstance(source, Known) and isinstance(source.value, str)):
            return Unknown("re.compile() of a pattern that is not a known string", where)
        flags = 0
        for arg in node.args[1:]:
            if arg.keyword is not None and arg.keyword.value != "flags":
                return Unknown(f"re.compile() argument {arg.keyword.value!r}", where)
            flag_value = self._flags(arg.value)
            if flag_value is None:
                return Unknown("re.compile() flags could not be evaluated", where)
            flags |= flag_value
        return Known(Pattern(source.value, flags), where)

    def regex_flags(self, node: cst.BaseExpression) -> Union[int, None]:
        """The value of a flags argument (``re.I | re.M``, an integer), or None."""
        return self._flags(node)

    def _flags(self, node: cst.BaseExpression) -> Union[int, None]:
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            left, right = self._flags(node.left), self._flags(node.right)
            return None if left is None or right is None else left | right
        if isinstance(node, cst.Integer):
            try:
                return int(ast.literal_eval(node.value))
            except (ValueError, SyntaxError):
                return None
        for name in self.index.qualified_names(node):
            if name in _RE_FLAGS:
                return _RE_FLAGS[name]
        return None

    def _timedelta(self, node: cst.Call, where: Span, following: FrozenSet[int], depth: int) -> Value:
        seconds = 0.0
        for position, arg in enumerate(node.args):
            if arg.star:
                return Unknown("timedelta() with unpacked arguments", where)
            unit = arg.keyword.value if arg.keyword is not None else None
            if unit is None:
                if position >= len(_TIMEDELTA_POSITIONAL):
                    return Unknown("timedelta() with too many arguments", where)
                unit = _TIMEDELTA_POSITIONAL[position]
            amount = self._eval(arg.value, following, depth)
            if unit not in _TIMEDELTA_UNITS or not (
                isinstance(amount, Known) and type(amount.value) in (int, float)
            ):
                return Unknown("timedelta() with an argument that is not a known number", where)
            seconds += _TIMEDELTA_UNITS[unit] * amount.value
        return Known(Duration(seconds), where)

    def _environment(self, node: cst.Call, where: Span, following: FrozenSet[int], depth: int) -> Value:
        """``os.environ.get(K, default)`` / ``os.getenv(K, default)``: unknown
        at lint time, but wherever K is unset the value is the default."""
        arguments = [arg for arg in node.args if arg.keyword is None and not arg.star]
        key = self._eval(arguments[0].value, following, depth) if arguments else None
        name = key.value if isinstance(key, Known) and isinstance(key.value, str) else "?"
        if len(arguments) < 2:
            return Unknown(f"environment variable {name} (its default is None)", where)
        default = self._eval(arguments[1].value, following, depth)
        if isinstance(default, Unknown):
            return Unknown(f"environment variable {name} with a default that is not known", where)
        return dataclasses.replace(default, env=name)

    def operand(self, node: cst.BaseExpression, following: FrozenSet[int], depth: int) -> Value:
        """A value as a condition sees it: an environment variable read without
        a default is None wherever it is unset (``os.getenv("X") or "*"``)."""
        if isinstance(node, cst.Name) and node.value not in self.assumed:
            bindings = self.index.bindings(node)
            if len(bindings) == 1 and bindings[0].kind == "assign" and bindings[0].value is not None:
                if id(bindings[0].value) not in following:
                    return self.operand(bindings[0].value, following | {id(bindings[0].value)}, depth + 1)
        if isinstance(node, cst.Call) and self.index.qualified_names(node.func) & _ENV_GETTERS:
            arguments = [arg for arg in node.args if arg.keyword is None and not arg.star]
            if len(arguments) == 1 == len(node.args):
                key = self._eval(arguments[0].value, following, depth)
                if isinstance(key, Known) and isinstance(key.value, str):
                    return Known(None, self.index.span(node), key.value)
        return self._eval(node, following, depth)

    def _boolean(self, node: cst.BooleanOperation, where: Span, following: FrozenSet[int], depth: int) -> Value:
        """``a or b`` / ``a and b``: the operand Python returns, when the left
        side's truth is known (wherever its variables are unset)."""
        left = self.operand(node.left, following, depth)
        decided = truth(left)
        if decided is None:
            return Unknown(f"cannot evaluate {_shorten(self.index.code(node))!r} statically", where)
        assert isinstance(left, Known)
        if decided == isinstance(node.operator, cst.Or):
            return left
        right = self.operand(node.right, following, depth)
        if isinstance(right, Unknown) and left.env:
            return Unknown(f"environment variable {left.env} with a fallback that is not known", where)
        return with_env(right, left.env)

    def _comparison(self, node: cst.Comparison, where: Span, following: FrozenSet[int], depth: int) -> Value:
        """``a == b``, ``a in (...)``, ``a is None``, chained as Python chains them."""
        left = self.operand(node.left, following, depth)
        env = left.env if isinstance(left, Known) else None
        for target in node.comparisons:
            operator = _COMPARISONS.get(type(target.operator))
            right = self.operand(target.comparator, following, depth)
            answer = compare(operator, left, right) if operator is not None else None
            if answer is None:
                return Unknown(f"cannot evaluate {_shorten(self.index.code(node))!r} statically", where)
            env = join_env(env, right.env)  # type: ignore[union-attr]
            if not answer:
                return Known(False, where, env)
            left = right
        return Known(True, where, env)

    def _if_expression(self, node: cst.IfExp, where: Span, following: FrozenSet[int], depth: int) -> Value:
        """``a if test else b``: the arm the test picks (wherever the variables
        it reads are unset); both arms when they agree."""
        test = self.operand(node.test, following, depth)
        decided = truth(test)
        if decided is not None:
            chosen = self._eval(node.body if decided else node.orelse, following, depth)
            return with_env(chosen, test.env)  # type: ignore[union-attr]
        body = self._eval(node.body, following, depth)
        orelse = self._eval(node.orelse, following, depth)
        if same_value(body, orelse):
            return body
        return Unknown(f"the value is chosen by `{_shorten(self.index.code(node.test))}` at run time", where)

    def _comprehension(
        self, node: Union[cst.ListComp, cst.SetComp, cst.GeneratorExp], where: Span, following: FrozenSet[int], depth: int
    ) -> Value:
        """``[o.strip() for o in ORIGINS.split(",") if o]``: one ``for`` over a
        known sequence, evaluated item by item."""
        loop = node.for_in
        if loop.inner_for_in is not None or loop.asynchronous is not None or not isinstance(loop.target, cst.Name):
            return Unknown(f"cannot evaluate {_shorten(self.index.code(node))!r} statically", where)
        source = self._eval(loop.iter, following, depth)
        if isinstance(source, Known) and isinstance(source.value, str):
            source = Known(Sequence("list", tuple(Known(char, source.where, source.env) for char in source.value)), where)
        if not (isinstance(source, Known) and isinstance(source.value, Sequence)):
            return source if isinstance(source, Unknown) else Unknown("a comprehension over a value that is not a sequence", where)
        if len(source.value.items) > MAX_COMPREHENSION_ITEMS:
            return Unknown(f"a comprehension over more than {MAX_COMPREHENSION_ITEMS} items", where)
        variable = loop.target.value
        saved = self.assumed.get(variable)
        items: List[Value] = []
        try:
            for item in source.value.items:
                self.assumed[variable] = item
                keep = [truth(self.operand(condition.test, following, depth)) for condition in loop.ifs]
                if None in keep:
                    return Unknown(f"a comprehension condition that is not known for {variable} = {item!r}"[:120], where)
                if all(keep):
                    items.append(self._eval(node.elt, following, depth))
        finally:
            if saved is None:
                self.assumed.pop(variable, None)
            else:
                self.assumed[variable] = saved
        kind = "set" if isinstance(node, cst.SetComp) else "list"  # a generator is consumed as a list would be
        return Known(Sequence(kind, tuple(items)), where, source.env)

    def _string_method(
        self, node: cst.Call, function: cst.Attribute, following: FrozenSet[int], depth: int
    ) -> Optional[Value]:
        """``o.strip()``, ``o.lower()``, ``o.rstrip("/")``: the value keeps the
        place of the string it cleans (where a fix would go)."""
        text = self._eval(function.value, following, depth)
        if not (isinstance(text, Known) and isinstance(text.value, str)):
            return None
        argument: Optional[str] = None
        if node.args:
            value = self._eval(node.args[0].value, following, depth)
            if not (isinstance(value, Known) and (value.value is None or isinstance(value.value, str))):
                return None
            argument = value.value  # type: ignore[assignment]
        cleaned = string_method(function.attr.value, text.value, argument)
        return None if cleaned is None else Known(cleaned, text.where, text.env)

    def _split(self, node: cst.Call, where: Span, following: FrozenSet[int], depth: int) -> Value:
        assert isinstance(node.func, cst.Attribute)
        text = self._eval(node.func.value, following, depth)
        arguments = [self._eval(arg.value, following, depth) for arg in node.args if arg.keyword is None and not arg.star]
        if len(arguments) != len(node.args) or len(arguments) > 1:
            return Unknown("str.split() with arguments that are not evaluated", where)
        separator = arguments[0] if arguments else Known(None, where)
        if not (isinstance(text, Known) and isinstance(text.value, str)):
            return text if isinstance(text, Unknown) else Unknown("split() of a value that is not a string", where)
        if not (isinstance(separator, Known) and (separator.value is None or isinstance(separator.value, str))):
            return Unknown("str.split() separator is not a known string", where)
        if separator.value == "":
            return Unknown("str.split() with an empty separator raises ValueError", where)
        parts = text.value.split(separator.value)
        return Known(Sequence("list", tuple(Known(part, text.where, text.env) for part in parts)), where, text.env)

    def _add(self, node: cst.BinaryOperation, where: Span, following: FrozenSet[int], depth: int) -> Value:
        left = self._eval(node.left, following, depth)
        right = self._eval(node.right, following, depth)
        return self.add(left, right, node, where)

    def add(self, left: Value, right: Value, node: cst.CSTNode, where: Span) -> Value:
        """``left + right`` for strings and for lists or tuples."""
        if isinstance(left, Unknown):
            return left
        if isinstance(right, Unknown):
            return right
        if isinstance(left.value, str) and isinstance(right.value, str):
            return Known(left.value + right.value, where, left.env or right.env)
        if (
            isinstance(left.value, Sequence)
            and isinstance(right.value, Sequence)
            and left.value.kind == right.value.kind != "set"
        ):
            return Known(Sequence(left.value.kind, left.value.items + right.value.items), where, join_env(left.env, right.env))
        return Unknown(f"cannot evaluate {_shorten(self.index.code(node))!r} statically", where)


class ConfigReader(Protocol):
    """What the app's config holds for a key where the code reads it; the
    application model gives one to the evaluator of the app's registrations."""

    names: FrozenSet[str]  # the names the app goes by in that code ("app", "current_app")

    def read(self, key: str, default: Optional[Value], where: Span) -> Value: ...


class _Pairs:
    """Dict semantics: a repeated known key replaces the earlier entry's value
    but keeps its position. Hashable keys are found through an index (a
    literal dict of thousands of keys must not cost their square)."""

    def __init__(self) -> None:
        self.pairs: List[Tuple[Value, Value]] = []
        self._positions: Dict[Tuple[type, object], int] = {}
        self._unhashable: List[int] = []  # positions of known keys without a hash

    def add(self, key: Value, value: Value) -> None:
        if not isinstance(key, Known):
            self.pairs.append((key, value))
            return
        try:
            slot: Optional[Tuple[type, object]] = (type(key.value), key.value)
            position = self._positions.get(slot)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - unhashable (or odd) key values are compared one by one
            slot, position = None, None
        if position is None:
            position = next(
                (where for where in self._unhashable if _same_key(self.pairs[where][0], key)), None  # type: ignore[arg-type]
            )
        if position is not None:
            self.pairs[position] = (self.pairs[position][0], value)
            return
        if slot is None:
            self._unhashable.append(len(self.pairs))
        else:
            self._positions[slot] = len(self.pairs)
        self.pairs.append((key, value))


def _same_key(a: Known, b: Known) -> bool:
    try:
        return bool(a.value == b.value) and type(a.value) is type(b.value)
    except Exception:  # noqa: BLE001 - any odd value simply is not the same key
        return False


def _shorten(code: str, limit: int = 60) -> str:
    code = " ".join(code.split())
    return code if len(code) <= limit else code[: limit - 3] + "..."
