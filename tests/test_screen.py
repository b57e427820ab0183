"""The screen that keeps header-only modules away from libcst must never turn
away a module in which the header finder finds a write."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from cors_lint.find.headers import ACAO, find_header_writes
from cors_lint.find.screen import may_write_allow_origin
from cors_lint.find.source import SourceIndex, parse
from cors_lint.rules import ALL_RULES

ROOT = Path(__file__).resolve().parent.parent

WRITES = {
    "subscript": 'def f(resp):\n    resp.headers["Access-Control-Allow-Origin"] = "*"\n',
    "upper case, method": 'class H:\n    def after(self, resp):\n        resp.headers.add("ACCESS-CONTROL-ALLOW-ORIGIN", "*")\n',
    "async, set": 'async def f(resp):\n    resp.headers.set("access-control-allow-origin", "*")\n',
    "nested function": 'def outer():\n    def inner(r):\n        r.headers["Access-Control-Allow-Origin"] = "*"\n    return inner\n',
    "module constant": 'ACAO = "Access-Control-Allow-Origin"\ndef f(r):\n    r.headers[ACAO] = "*"\n',
    "annotated constant": 'ACAO: str = "Access-Control-Allow-Origin"\ndef f(r):\n    r.headers.setdefault(ACAO, "*")\n',
    "dict in a tuple": 'def f():\n    return "", 200, {"Access-Control-Allow-Origin": "*"}\n',
    "make_response": (
        "from flask import make_response\n"
        'def f():\n    return make_response("", {"Access-Control-Allow-Origin": "*"})\n'
    ),
}

MENTIONS = {
    "docstring": 'def f():\n    """Sets Access-Control-Allow-Origin."""\n',
    "comment and module string": '# Access-Control-Allow-Origin\nHEADER = "Access-Control-Allow-Origin"\n',
    "class-level property (werkzeug)": (
        "class Response:\n"
        '    access_control_allow_origin = header_property("Access-Control-Allow-Origin")\n'
    ),
    "a read, not a write (flask-cors)": (
        'ACL_ORIGIN = "Access-Control-Allow-Origin"\n'
        'def f(headers):\n    return headers[ACL_ORIGIN] == "*" or headers.get(ACL_ORIGIN)\n'
    ),
}


def writes_allow_origin(source: str) -> bool:
    return any(write.header == ACAO for write in find_header_writes(SourceIndex(parse(source))))


@pytest.mark.parametrize("source", WRITES.values(), ids=list(WRITES))
def test_writes_pass_the_screen(source: str) -> None:
    assert writes_allow_origin(source)  # the finder reads this shape...
    assert may_write_allow_origin(ast.parse(source))  # ...so the screen lets it through


@pytest.mark.parametrize("source", MENTIONS.values(), ids=list(MENTIONS))
def test_mentions_are_screened_out(source: str) -> None:
    assert not writes_allow_origin(source)
    assert not may_write_allow_origin(ast.parse(source))


def example_sources():
    """Every fixture and rule example that CPython can parse (the others never
    reach the screen)."""
    examples = [(path.name, path.read_text(encoding="utf-8", errors="replace")) for path in sorted((ROOT / "fixtures").rglob("*.py"))]
    examples += [(f"{rule.code}-{kind}", source) for rule in ALL_RULES for kind, source in (("bad", rule.bad), ("good", rule.good)) if source]
    for name, source in examples:
        try:
            ast.parse(source)
        except SyntaxError:
            continue
        yield name, source


@pytest.mark.parametrize("name, source", list(example_sources()), ids=lambda value: value if len(value) < 40 else "")
def test_screen_keeps_every_example_the_finder_reports_on(name: str, source: str) -> None:
    if writes_allow_origin(source):
        assert may_write_allow_origin(ast.parse(source)), name


def test_examples_include_hand_written_writes() -> None:
    """The test above is only as good as its examples: some must write the header."""
    assert sum(writes_allow_origin(source) for _, source in example_sources()) >= 5


def test_header_mentions_do_not_load_libcst(tmp_path: Path) -> None:
    for name, source in MENTIONS.items():
        (tmp_path / f"{len(name)}.py").write_text(source)
    probe = (
        "import sys\nfrom cors_lint.cli import main\n"
        f"try:\n    main([{str(tmp_path)!r}])\nexcept SystemExit:\n    pass\n"
        "print('libcst' in sys.modules)\n"
    )
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT).stdout
    assert output.strip().splitlines()[-1] == "False"
