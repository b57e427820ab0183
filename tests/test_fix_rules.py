"""Each fixable rule's fix, in process: its bad example becomes its fixed
example byte for byte, the bytes around the node (comments, quotes, odd
spacing, trailing commas, line endings) stay as they were, and the
applicability is the one the model decides."""

from __future__ import annotations

from typing import List, Sequence, Tuple

import pytest

from cors_lint import fix as fixer
from cors_lint.engine import lint_source
from cors_lint.findings import Finding
from cors_lint.fixes import Edit, string_literal
from cors_lint.rules import ALL_RULES, RULES_BY_CODE
from cors_lint.rules.base import EXAMPLE_HEADER

FIXABLE = [rule for rule in ALL_RULES if rule.fixed]
PATH = "example.py"


def fixed(source: str, unsafe: bool = True, trusted: Tuple[str, ...] = ()) -> str:
    """``source`` as ``--fix`` (with ``--unsafe-fixes``) leaves it."""

    def analyse(contents: Sequence[Tuple[str, bytes]]) -> List[Finding]:
        return [f for path, data in contents for f in lint_source(data, path, trusted_origins=trusted)]

    result = fixer.run(analyse([(PATH, source.encode())]), lambda path: source.encode(), analyse, unsafe)
    document = result.documents.get(PATH)
    return document.text if document is not None else source


def fix_of(source: str, code: str) -> Tuple[str, str]:
    """(applicability, message) of the one fix of ``code`` in ``source``."""
    (finding,) = [f for f in lint_source(source.encode(), PATH) if f.code == code and f.fix is not None]
    assert finding.fix is not None
    return finding.fix.applicability, finding.fix.message


def test_the_fixable_rules() -> None:
    assert {rule.code for rule in FIXABLE} == {
        "CRS101", "CRS102", "CRS104", "CRS105", "CRS106", "CRS107", "CRS109", "CRS201", "CRS202", "CRS301", "CRS305", "CRS311",
    }
    for rule in FIXABLE:
        assert rule.fix_applicability


@pytest.mark.parametrize("rule", FIXABLE, ids=lambda rule: rule.code)
def test_bad_example_becomes_the_fixed_example(rule) -> None:
    assert fixed(rule.bad, trusted=rule.example_trusted_origins).encode() == rule.fixed.encode()
    # The fixed example no longer triggers the rule, and a second --fix changes nothing.
    codes = [f.code for f in lint_source(rule.fixed.encode(), PATH, trusted_origins=rule.example_trusted_origins)]
    assert rule.code not in codes
    assert fixed(rule.fixed, trusted=rule.example_trusted_origins) == rule.fixed


@pytest.mark.parametrize("rule", [rule for rule in ALL_RULES if not rule.fixed], ids=lambda rule: rule.code)
def test_rules_without_a_fix_propose_none(rule) -> None:
    if not rule.bad:
        return
    findings = lint_source(rule.bad.encode(), PATH, trusted_origins=rule.example_trusted_origins)
    assert all(finding.fix is None for finding in findings if finding.code == rule.code)


# (source after the header, fixed, the code and applicability of its fix)
AROUND_THE_NODE = [
    (
        "CORS(app,  # the app\n    origin = 'https://app.example.com',   # typo\n)\n",
        "CORS(app,  # the app\n    origins = 'https://app.example.com',   # typo\n)\n",
        ("CRS301", "safe"),
    ),
    (
        "CORS(app, support_credentials=True, origins=['https://app.example.com'],)\n",
        "CORS(app, supports_credentials=True, origins=['https://app.example.com'],)\n",
        ("CRS301", "unsafe"),
    ),
    (
        "CORS(app, origins=['https://app.example.com'], supports_credentials='false' ,)  # off\n",
        "CORS(app, origins=['https://app.example.com'], supports_credentials=False ,)  # off\n",
        ("CRS311", "safe"),
    ),
    (
        "CORS(app, origins=['https://app.example.com'], vary_header='false')\n",
        "CORS(app, origins=['https://app.example.com'], vary_header=False)\n",
        ("CRS311", "unsafe"),
    ),
    (
        "CORS(app, origins=[\n    R'https://app\\.example\\.com',  # prod\n    \"https://b.example.com\",\n])\n",
        "CORS(app, origins=[\n    R'https://app\\.example\\.com$',  # prod\n    \"https://b.example.com\",\n])\n",
        ("CRS104", "safe"),
    ),
    (
        "CORS(app, origins=(r'https://(app|www)\\.example\\.com|https://admin\\.example\\.com'))\n",
        "CORS(app, origins=(r'(?:https://(app|www)\\.example\\.com|https://admin\\.example\\.com)$'))\n",
        ("CRS104", "safe"),
    ),
    (
        "CORS(app, origins='^https://app.example.com$')\n",
        "CORS(app, origins=r'^https://app\\.example\\.com$')\n",
        ("CRS105", "safe"),
    ),
    (
        "CORS(app, origins=[r'^https://.*acme-corp\\.io$'])\n",
        "CORS(app, origins=[r'^https://([a-z0-9-]+\\.)*acme-corp\\.io$'])\n",
        ("CRS106", "safe"),
    ),
    (
        "CORS(app, origins=[r'^https://\\w+acme-corp\\.io$'])\n",
        "CORS(app, origins=[r'^https://([a-z0-9-]+\\.)*acme-corp\\.io$'])\n",
        ("CRS106", "unsafe"),
    ),
    (
        "CORS(app, origins=['https://*.acme-corp.io'])  # all of them\n",
        "CORS(app, origins=[r'^https://[a-z0-9-]+\\.acme-corp\\.io$'])  # all of them\n",
        ("CRS107", "unsafe"),
    ),
    (
        "CORS(app, origins='https://a.example.com, https://b.example.com')\n",
        "CORS(app, origins=['https://a.example.com', 'https://b.example.com'])\n",
        ("CRS109", "unsafe"),
    ),
    (
        "CORS(app, origins=['https://app.example.com/', 'https://app.example.com'])\n",
        "CORS(app, origins=['https://app.example.com', 'https://app.example.com'])\n",
        ("CRS109", "safe"),
    ),
    (
        "CORS(app, origins=['https://app.example.com:443'])\n",
        "CORS(app, origins=['https://app.example.com'])\n",
        ("CRS109", "unsafe"),
    ),
    (
        "CORS(app, resources={r'/api/*': {'origins': 'https://app.example.com'}},)\n",
        "CORS(app, resources={r'/api/.*': {'origins': 'https://app.example.com'}},)\n",
        ("CRS201", "safe"),
    ),
    (
        "CORS(app, resources={r'/api/*': {'origins': 'https://app.example.com'}})\n@app.route('/api')\ndef api():\n    return ''\n",
        "CORS(app, resources={r'/api/.*': {'origins': 'https://app.example.com'}})\n@app.route('/api')\ndef api():\n    return ''\n",
        ("CRS201", "unsafe"),
    ),
    (
        "CORS(app, resources={'api/.*': {'origins': 'https://app.example.com'}})\n",
        "CORS(app, resources={'/api/.*': {'origins': 'https://app.example.com'}})\n",
        ("CRS202", "unsafe"),
    ),
]


@pytest.mark.parametrize("body, expected, fix", AROUND_THE_NODE)
def test_only_the_node_changes(body: str, expected: str, fix: Tuple[str, str]) -> None:
    source = EXAMPLE_HEADER + body
    code, applicability = fix
    assert fix_of(source, code)[0] == applicability
    assert fixed(source).encode() == (EXAMPLE_HEADER + expected).encode()
    # Without --unsafe-fixes an unsafe fix is not applied.
    assert fixed(source, unsafe=False) == (source if applicability == "unsafe" else EXAMPLE_HEADER + expected)


DECORATORS = (
    "from flask import Flask\nfrom flask_cors import cross_origin\n\napp = Flask(__name__)\n\n\n"
    "class Views:\n"
    "    @staticmethod\n"
    "    @cross_origin(  # the front end\r\n"
    "        origins=['https://app.example.com'],\r\n"
    "    )\r\n"
    "    @app.route('/a')  # first\r\n"
    "    @app.route('/b')\r\n"
    "    def view():\n"
    "        return 'ok'\n"
)


def test_cross_origin_moves_below_the_route_decorators_with_its_lines() -> None:
    assert fix_of(DECORATORS, "CRS305")[0] == "unsafe"
    lines = DECORATORS.splitlines(True)
    expected = "".join(lines[:8] + lines[11:13] + lines[8:11] + lines[13:])
    assert fixed(DECORATORS) == expected
    assert fixed(DECORATORS, unsafe=False) == DECORATORS


TRUSTED = ("https://app.example.com", "https://*.acme-corp.io")
TRUSTED_LIST = '"https://app.example.com", r"^https://(?:[a-z0-9-]+\\.)+acme-corp\\.io$"'
TRUSTED_SINGLE = TRUSTED_LIST.replace('"', "'")  # in the quotes of the literal replaced


@pytest.mark.parametrize(
    "body, expected",
    [
        (
            "CORS(\n    app,  # the app\n    supports_credentials=True,\n)\n",
            f"CORS(\n    app,  # the app\n    supports_credentials=True,\n    origins=[{TRUSTED_LIST}],\n)\n",
        ),
        ("CORS(app)\n", f"CORS(app, origins=[{TRUSTED_LIST}])\n"),
        ("CORS(app, origins='*', supports_credentials=True)\n", f"CORS(app, origins=[{TRUSTED_SINGLE}], supports_credentials=True)\n"),
        ("CORS(app, origins=['*', 'https://x.example.com'])\n", f"CORS(app, origins=[{TRUSTED_SINGLE}, 'https://x.example.com'])\n"),
    ],
)
def test_wildcards_become_the_trusted_origins(body: str, expected: str) -> None:
    source = EXAMPLE_HEADER + body
    findings = [f for f in lint_source(source.encode(), PATH, trusted_origins=TRUSTED) if f.code in ("CRS101", "CRS102")]
    assert findings and all(f.fix is not None and f.fix.applicability == "unsafe" for f in findings)
    assert all(f.fix is None for f in lint_source(source.encode(), PATH) if f.code in ("CRS101", "CRS102"))
    assert fixed(source, trusted=TRUSTED) == EXAMPLE_HEADER + expected


def test_no_keyword_is_added_to_a_call_that_unpacks_options() -> None:
    source = EXAMPLE_HEADER + "OPTIONS = {'supports_credentials': True}\nCORS(app, **OPTIONS)\n"
    findings = [f for f in lint_source(source.encode(), PATH, trusted_origins=TRUSTED) if f.code == "CRS101"]
    assert findings and all(f.fix is None for f in findings)


def test_line_endings_and_the_rest_of_the_file_are_kept() -> None:
    source = (EXAMPLE_HEADER + "x = 1\t# tab\r\n\x0c\r\nCORS(app, origin='https://app.example.com')\r\n# end").replace("\n", "\r\n").replace("\r\r\n", "\r\n")
    result = fixed(source)
    assert result == source.replace("origin=", "origins=")


def test_values_written_elsewhere_are_fixed_where_they_are_written() -> None:
    source = EXAMPLE_HEADER + "ORIGINS = [  # the front ends\n    r'https://app\\.example\\.com',\n]\nCORS(app, origins=ORIGINS)\n"
    assert fixed(source) == source.replace("com',", "com$',")


def test_no_fix_when_the_literal_cannot_be_rewritten_faithfully() -> None:
    # Implicit concatenation and f-strings are not one literal: the finding stays, without a fix.
    source = EXAMPLE_HEADER + "CORS(app, origins=['https://app.example.com' '/'])\n"
    findings = [f for f in lint_source(source.encode(), PATH) if f.code == "CRS109"]
    assert findings and all(f.fix is None for f in findings)
    assert fixed(source) == source


def test_environment_defaults_are_not_rewritten() -> None:
    source = "import os\n" + EXAMPLE_HEADER + "CORS(app, origins=['https://app.example.com'], supports_credentials=os.getenv('C', 'false'))\n"
    findings = [f for f in lint_source(source.encode(), PATH) if f.code == "CRS311"]
    assert all(f.fix is None for f in findings)


def test_overlapping_fixes_are_applied_over_several_passes() -> None:
    # CRS104 and CRS105 both rewrite this literal: one per pass, both in the end.
    source = EXAMPLE_HEADER + "CORS(app, origins=r'https://api.example.com(:443)?')\n"
    assert fixed(source) == EXAMPLE_HEADER + "CORS(app, origins=r'https://api\\.example\\.com(:443)?$')\n"


def test_noqa_silences_the_fix_too() -> None:
    source = EXAMPLE_HEADER + "CORS(app, origin='https://app.example.com')  # noqa: CRS301\n"
    assert fixed(source) == source


@pytest.mark.parametrize(
    "original, value, expected",
    [
        ('"a"', "b", '"b"'),
        ("'a'", 'say "hi"', "'say \"hi\"'"),
        ('r"a"', "\\.", 'r"\\."'),
        ('"a"', "\\.", 'r"\\."'),
        ("r'a'", "it's\\.", "'it\\'s\\\\.'"),
        ('"""a"""', "b", '"""b"""'),
        ('u"a"', "b", 'u"b"'),
        ('b"a"', "b", None),
        ('f"a"', "b", None),
        ('"a" "b"', "c", None),
    ],
)
def test_string_literals_keep_their_style(original: str, value: str, expected) -> None:
    assert string_literal(original, value) == expected


def test_edits_outside_the_text_are_refused() -> None:
    assert fixer.apply_edits("ab\ncd", [Edit("p", 3, 1, 3, 2, "x")]) is None
    assert fixer.apply_edits("ab\ncd", [Edit("p", 1, 2, 2, 2, "x")]) == "axd"
    assert fixer.apply_edits("ab\ncd", [Edit("p", 2, 3, 2, 3, "!")]) == "ab\ncd!"


def test_explain_shows_the_automatic_fix() -> None:
    from cors_lint.report.explain import explain

    assert "Automatic fix (unsafe)" in explain(RULES_BY_CODE["CRS305"])
    assert "Automatic fix (safe or unsafe, decided per finding)" in explain(RULES_BY_CODE["CRS107"])
    assert "Fixed example" in explain(RULES_BY_CODE["CRS104"])
    assert "Automatic fix (none)" in explain(RULES_BY_CODE["CRS103"])


def test_a_declared_encoding_is_kept_across_passes() -> None:
    source = ("# -*- coding: latin-1 -*-\n" + EXAMPLE_HEADER + "CORS(app, origins=r'https://api.example.com(:443)?')  # é\n").encode("latin-1")

    def analyse(contents: Sequence[Tuple[str, bytes]]) -> List[Finding]:
        return [f for path, data in contents for f in lint_source(data, path)]

    result = fixer.run(analyse([(PATH, source)]), lambda path: source, analyse, True)
    assert result.fixed == 2
    assert result.documents[PATH].encoded() == source.replace(b"api.example.com(:443)?", b"api\\.example\\.com(:443)?$")
