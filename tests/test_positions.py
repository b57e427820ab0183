"""Positions computed statement by statement must be libcst's own."""

from __future__ import annotations

import ast
from pathlib import Path

import libcst as cst
import pytest

from cors_lint.find.guard import top_level_lines
from cors_lint.find.positions import Positions, whole_module_positions
from cors_lint.find.source import SourceIndex, parse
from cors_lint.find.walk import children
from cors_lint.rules import ALL_RULES

ROOT = Path(__file__).resolve().parent.parent

SNIPPETS = {
    "no final newline": "import os\nx = f(1)",
    "comments and blank lines": "# head\n\n#!x\nimport os\n\n\n# about x\nx = 1  # note\n",
    "decorators with comments": "@a\n# between\n@b(1,\n   2)\ndef f():\n    return g()\n\n# tail\n",
    "comment before decorator": "x = 1\n\n# says\n@d\nclass C:\n    y = h()\n",
    "semicolons and continuation": "a = 1; b = f(2)\nc = \\\n    g(3)\n",
    "crlf": "import os\r\nx = f(1)\r\n\r\ndef g():\r\n    return [1,\r\n            2]\r\n",
    "cr only": "import os\rx = f(1)\r",
    "form feed": "import os\n\x0c\nx = f(1)\n",
    "strings over lines": 's = """a\nb\n"""\nt = f("""\n""")\n',
    "compound": "if a:\n    b()\nelif c:\n    d()\nelse:\n    e()\nasync def f():\n    async with g() as h:\n        pass\n",
    "parenthesised decorator": "@(\n    d\n)\ndef f(): pass\n",
    "unicode": "x = 'é'; y = f('日本')\nz = 1\n",
}


def sources():
    yield from SNIPPETS.items()
    for path in sorted((ROOT / "fixtures").rglob("*.py")):
        yield path.name, path.read_text(encoding="utf-8", errors="replace")
    for rule in ALL_RULES:
        for kind, source in (("bad", rule.bad), ("good", rule.good)):
            if source:
                yield f"{rule.code} {kind}", source


def parsed(source: str):
    try:
        return parse(source), ast.parse(source)
    except Exception:  # noqa: BLE001 - CPython's SyntaxError or libcst's ParserSyntaxError
        return None


@pytest.mark.parametrize("name, source", [item for item in sources() if parsed(item[1])], ids=lambda v: v if len(v) < 40 else "")
def test_statement_positions_are_libcsts(name: str, source: str) -> None:
    module, tree = parsed(source)
    expected = whole_module_positions(module)
    # Ask in reverse order, so that later statements are computed first.
    nodes = []
    pending = list(module.body)
    while pending:
        node = pending.pop()
        nodes.append(node)
        pending.extend(children(node))
    positions = Positions(module, source, top_level_lines(tree))
    for node in reversed(nodes):
        assert positions[node] == expected[node], (name, type(node).__name__)
    # Only a decorator whose expression starts on a later line than its "@"
    # gives CPython a different start line: that module falls back, no other.
    assert (positions._whole is None) == (name != "parenthesised decorator")  # noqa: SLF001


def test_a_start_that_does_not_match_the_text_falls_back_to_the_whole_module() -> None:
    source = "import os\nx = f(1)\n"
    module = parse(source)
    wrong_tree = ast.parse("\nimport os\nx = f(1)\n")  # every line one too far
    positions = Positions(module, source, top_level_lines(wrong_tree))
    call = module.body[1].body[0].value
    assert positions[call] == whole_module_positions(module)[call]


def test_spans_of_a_linted_module_need_only_their_statements() -> None:
    functions = "".join(f"def f{n}(r):\n    return r\n\n" for n in range(50))
    source = functions + "from flask_cors import CORS\nCORS(app, origins='*')\n"
    index = SourceIndex(parse(source), "app.py", source, top_level_lines(ast.parse(source)))
    call = index.module.body[-1].body[0].value
    assert index.span(call).line == 152
    assert len(index._positions._done) == 1  # noqa: SLF001 - the point of the test


@pytest.mark.parametrize("name, source", [item for item in sources() if parsed(item[1])], ids=lambda v: v if len(v) < 40 else "")
def test_decorators_asked_first_get_libcsts_positions_without_the_body(name: str, source: str) -> None:
    module, tree = parsed(source)
    expected = whole_module_positions(module)
    positions = Positions(module, source, top_level_lines(tree))
    decorated = [statement for statement in module.body if isinstance(statement, (cst.FunctionDef, cst.ClassDef)) and statement.decorators]
    for statement in decorated:
        pending = list(statement.decorators)
        while pending:
            node = pending.pop()
            assert positions[node] == expected[node], (name, type(node).__name__)
            pending.extend(children(node))
    if positions._whole is None:  # noqa: SLF001 - the point of the test
        # The bodies were not generated: only the decorators.
        assert not positions._done  # noqa: SLF001
    # The rest of each statement is still libcst's when asked afterwards.
    for statement in decorated:
        pending = [statement]
        while pending:
            node = pending.pop()
            assert positions[node] == expected[node], (name, type(node).__name__)
            pending.extend(children(node))
