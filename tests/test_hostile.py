"""Broken and hostile input: never a crash, never a hang, never a silently
skipped file, and the findings of the good files next to them still reported."""

from __future__ import annotations

import json
import os
from pathlib import Path

import hypothesmith
import pytest
from fuzz_lint import PREFIX, check_one_input
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cli import cors_lint
from test_fixtures import FIXTURE_FILES

from cors_lint import lint_source

GOOD = b"from flask_cors import CORS\nCORS(app, supports_credentials=True)\n"
HEADER = b"from flask_cors import CORS\n"

# name -> (bytes, the finding codes expected for that file)
CORPUS = {
    "nul_byte.py": (HEADER + b"CORS(app)\x00\n", {"CRS001"}),
    "unknown_codec.py": (b"# -*- coding: no-such-codec -*-\n" + HEADER, {"CRS001"}),
    "undecodable.py": (HEADER + b"x = '\xff\xfe'\n", {"CRS001"}),
    "latin1_declared.py": (b"# -*- coding: latin-1 -*-\n" + HEADER + b"CORS(app, origins=['https://\xe9.example'])\n", {"CRS109"}),
    "bom.py": (b"\xef\xbb\xbf" + GOOD, {"CRS101"}),
    "crlf.py": (GOOD.replace(b"\n", b"\r\n"), {"CRS101"}),
    "old_mac.py": (GOOD.replace(b"\n", b"\r"), {"CRS101"}),
    "tabs.py": (HEADER + b"if True:\n\tCORS(app, supports_credentials=True)\n", {"CRS101"}),
    "long_line.py": (HEADER + b"CORS(app, origins=['https://" + b"a" * 200_000 + b".example'])\n", {"CRS109"}),
    "python2.py": (HEADER + b"print 'hello'\n", {"CRS001"}),
    "empty.py": (b"", set()),
    "too_large.py": (HEADER + b"# " + b"x" * (1024 * 1024) + b"\n", {"CRS001"}),
    "deep_brackets.py": (HEADER + b"x = " + b"[" * 3000 + b"]" * 3000 + b"\n", {"CRS001"}),
    "deep_unary.py": (HEADER + b"x = " + b"-" * 20000 + b"1\n", {"CRS001"}),
    "long_and_chain.py": (HEADER + b"x = " + b" and ".join([b"a"] * 20000) + b"\n", {"CRS001"}),
    "deep_if_else.py": (HEADER + b"x = " + b"1 if a else " * 1000 + b"1\n", {"CRS001"}),
    "huge_repeat.py": (HEADER + b"CORS(app, origins=[r'^https://a{1000000000}\\.example\\.com$'])\n", set()),
    # Never run by Python's re: the automaton decides ^(.*)*x$ (it accepts https://evil.tax), and
    # the ReDoS measurement confirms that it backtracks catastrophically.
    "catastrophic.py": (HEADER + b"CORS(app, origins=[r'^(.*)*x$', r'(a+)+$'])\n", {"CRS104", "CRS112"}),
    "escape_codes.py": (HEADER + b"CORS(app, origins=['https://\\x1b[2J.example/'])\n", {"CRS110"}),
    "good.py": (GOOD, {"CRS101"}),
}


def _write_corpus(directory: Path) -> None:
    for name, (content, _) in CORPUS.items():
        (directory / name).write_bytes(content)
    (directory / "a_directory.py").mkdir()  # a *.py that cannot be read as a file
    (directory / "broken_link.py").symlink_to(directory / "missing.py")
    (directory / "loop_a.py").symlink_to(directory / "loop_b.py")
    (directory / "loop_b.py").symlink_to(directory / "loop_a.py")
    (directory / "linked_dir").symlink_to(directory, target_is_directory=True)  # not followed


def test_hostile_corpus(tmp_path: Path) -> None:
    _write_corpus(tmp_path)
    result = cors_lint("--format", "json", str(tmp_path))
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr
    by_file = {}
    for finding in json.loads(result.stdout)["findings"]:
        by_file.setdefault(Path(finding["path"]).name, set()).add(finding["code"])
    expected = {name: codes for name, (_, codes) in CORPUS.items() if codes}
    expected.update({"broken_link.py": {"CRS001"}, "loop_a.py": {"CRS001"}, "loop_b.py": {"CRS001"}})
    # a_directory.py is a directory: walking does not take it for a file.
    assert by_file == expected


def test_named_directory_ending_in_py_and_missing_path(tmp_path: Path) -> None:
    (tmp_path / "pkg.py").mkdir()
    (tmp_path / "pkg.py" / "app.py").write_bytes(GOOD)
    assert cors_lint(str(tmp_path / "pkg.py")).returncode == 1
    missing = cors_lint(str(tmp_path / "nope.py"))
    assert missing.returncode == 2 and b"path does not exist" in missing.stderr


def test_output_does_not_depend_on_file_system_order(tmp_path: Path) -> None:
    first = tmp_path / "first"
    second = tmp_path / "second"
    for directory, names in ((first, sorted(CORPUS)), (second, sorted(CORPUS, reverse=True))):
        directory.mkdir()
        for name in names:  # creation order differs
            (directory / name).write_bytes(CORPUS[name][0])
    run_first = cors_lint("--format", "json", ".", cwd=first).stdout
    run_second = cors_lint("--format", "json", ".", cwd=second).stdout
    assert run_first == run_second


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_never_crash(data: bytes) -> None:
    check_one_input(data)


# hypothesmith compiles what it generates; its SyntaxWarnings are not ours.
@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(hypothesmith.from_grammar())
def test_random_python_never_crashes(source: str) -> None:
    check_one_input(source.encode("utf-8", "surrogatepass"))


@st.composite
def mutated_fixtures(draw) -> bytes:
    content = bytearray(draw(st.sampled_from(FIXTURE_FILES)).read_bytes())
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(content)))
        action = draw(st.sampled_from(["delete", "insert", "duplicate"]))
        if action == "delete":
            del content[position : position + draw(st.integers(1, 20))]
        elif action == "insert":
            content[position:position] = draw(st.sampled_from([b"(", b")", b"[", b"'", b'"', b"\\", b"*", b"\n", b"\t", b"**", b"#", b"\x00", b"\xff"]))
        else:
            content[position:position] = content[position : position + draw(st.integers(1, 40))]
    return bytes(content)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_fixtures())
def test_mutated_fixtures_never_crash(source: bytes) -> None:
    findings = lint_source(source, "mutated.py", select=("CRS",))
    assert all(finding.code != "CRS002" for finding in findings), findings


def test_fuzz_target_smoke() -> None:
    for data in (b"", b"CORS(app)", b"\xff" * 10, b"CORS(app, origins=[r'(a+)+$'])", os.urandom(64)):
        check_one_input(data)
    assert lint_source(PREFIX + b"CORS(app)")  # the prefix reaches the analysis
