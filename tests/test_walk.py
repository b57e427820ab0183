"""The read-only walk must see what libcst's own visitor sees, in the same
order, minus only whitespace and punctuation."""

from __future__ import annotations

from pathlib import Path
from typing import List

import libcst as cst
import pytest

from cors_lint.find.walk import Walker, find_all
from cors_lint.rules import ALL_RULES

ROOT = Path(__file__).resolve().parent.parent

# Shapes whose fields are not declared in source order, and a few more.
SNIPPETS = {
    "parameters": "def f(a, /, b, *args, c=1, **kw): pass\nlambda x, /, y, *, z: x\n",
    "if expression": "x = a() if b() else c()\n",
    "keyword argument": "f(key=value(), *rest, **more)\n",
    "decorated class": "@d(1)\nclass C(Base, metaclass=M):\n    x = 1\n",
    "decorated function": "@app.route('/')\n@cross_origin(origins='*')\ndef view(a: int = g()) -> str:\n    return h()\n",
    "except": "try:\n    a()\nexcept (E, F) as e:\n    b(e)\nelse:\n    c()\nfinally:\n    d()\n",
    "match": "match v:\n    case [x, *rest] if x > 0:\n        f(x)\n    case {'k': y}:\n        g(y)\n",
    "one-line suite": "if a: pass; b = 1\nwhile c(): break\n",
    "comprehensions": "[x for x in y() if x]\n{k: v for k, v in z()}\n(i async for i in g())\n",
    "strings": "s = f'{a!r:>{w}}' 'b' \"c\"\n",
}


def examples():
    sources = dict(SNIPPETS)
    sources.update((path.name, path.read_text()) for path in sorted((ROOT / "fixtures").rglob("*.py")))
    sources.update((f"{rule.code} bad", rule.bad) for rule in ALL_RULES if rule.bad)
    for name, source in sources.items():
        try:
            yield name, cst.parse_module(source)
        except cst.ParserSyntaxError:
            continue


class _Everything(cst.CSTVisitor):
    def __init__(self) -> None:
        self.seen: List[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.seen.append(node)
        return True


class _Recording(Walker):
    def __init__(self) -> None:
        self.seen: List[cst.CSTNode] = []

    def walk(self, node: cst.CSTNode) -> None:
        self.seen.append(node)
        super().walk(node)


CODE = (cst.BaseExpression, cst.BaseStatement, cst.BaseSmallStatement, cst.BaseSuite, cst.Arg, cst.Param, cst.Decorator)


@pytest.mark.parametrize("name, module", list(examples()), ids=lambda value: value if isinstance(value, str) else "")
def test_walk_matches_libcst_visit_order(name: str, module: cst.Module) -> None:
    everything = _Everything()
    module.visit(everything)
    ours = _Recording()
    ours.walk(module)
    walked = {id(node) for node in ours.seen}
    assert [id(node) for node in everything.seen if id(node) in walked] == [id(node) for node in ours.seen]
    skipped = [type(node).__name__ for node in everything.seen if id(node) not in walked and isinstance(node, CODE)]
    assert skipped == []


def test_visit_false_skips_children_and_leave_still_runs() -> None:
    events: List[str] = []

    class Calls(Walker):
        def visit_Call(self, node: cst.Call) -> bool:
            events.append("visit " + cst.Module([]).code_for_node(node.func))
            return False

        def leave_Call(self, node: cst.Call) -> None:
            events.append("leave")

    Calls().walk(cst.parse_module("f(g(x))\nh()\n"))
    assert events == ["visit f", "leave", "visit h", "leave"]


def test_find_all_in_source_order_and_skips() -> None:
    module = cst.parse_module("a(b(), lambda: c())\nd()\n")
    calls = find_all(module, (cst.Call,), skip=(cst.Lambda,))
    assert [cst.Module([]).code_for_node(call.func) for call in calls] == ["a", "b", "d"]
