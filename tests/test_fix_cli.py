"""--fix, --unsafe-fixes, --diff and --show-fixes as users run them: a real
subprocess over a copy of the fixtures, standard input, the configuration
file, JSON and SARIF output, hostile input, and the pre-commit hook."""

from __future__ import annotations

import difflib
import json
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Dict

import jsonschema
import pytest
from test_cli import FIXTURES, ROOT, cors_lint
from test_integrations import BIN, SCHEMA, _git

TYPO = "from flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\nCORS(app, origin='https://app.example.com')  # keep\n"
TYPO_FIXED = TYPO.replace("origin=", "origins=")
GLOB = "from flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\nCORS(app, origins=['https://*.example.com'])\n"


def _snapshot(directory: Path) -> Dict[str, bytes]:
    return {str(path.relative_to(directory)): path.read_bytes() for path in sorted(directory.rglob("*.py"))}


def _key(finding: dict):
    return (finding["path"], finding["code"], finding["line"])


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    """A copy of fixtures/ before and after ``--fix --unsafe-fixes``, with
    the findings of each run."""
    work = tmp_path_factory.mktemp("round_trip")
    # Three fixtures are left out: none has anything to fix, and timing
    # ReDoS patterns and proving hand-written checks would double the cost
    # of each of these four runs.
    shutil.copytree(
        FIXTURES, work / "fixtures", ignore=shutil.ignore_patterns("redos.py", "handwritten_headers.py", "undecided.py")
    )
    before_files = _snapshot(work)
    before = json.loads(cors_lint("--isolated", "--format", "json", "fixtures", cwd=work).stdout)["findings"]
    fixed = cors_lint("--isolated", "--fix", "--unsafe-fixes", "--format", "json", "fixtures", cwd=work)
    after_files = _snapshot(work)
    # A second --fix changes nothing: what --diff shows (what --fix would
    # do, as test_diff_writes_nothing_and_shows_what_fix_does checks)
    # is empty, for every file the first one changed.
    changed = [name for name in after_files if after_files[name] != before_files[name]]
    again = cors_lint("--isolated", "--unsafe-fixes", "--diff", *changed, cwd=work)
    return {
        "before": before,
        "before_files": before_files,
        "fixed": fixed,
        "after": json.loads(fixed.stdout)["findings"],
        "after_files": after_files,
        "again": again,
        "again_files": _snapshot(work),
    }


def test_fix_removes_the_fixed_findings_and_adds_none(round_trip) -> None:
    before, after = round_trip["before"], round_trip["after"]
    fixable = [finding for finding in before if finding["fix"] is not None]
    assert len(fixable) >= 25
    assert {finding["code"] for finding in fixable} >= {"CRS104", "CRS105", "CRS106", "CRS107", "CRS109", "CRS201", "CRS202", "CRS301", "CRS311"}
    assert [finding for finding in after if finding["fix"] is not None] == []
    # No new finding: every finding left was there before, at the same place.
    # (Lines do not move: every fix stays within its line.)
    remaining, earlier = Counter(map(_key, after)), Counter(map(_key, before))
    # The one change of code allowed: a fix that turns credentials off
    # (supports_credentials="false" -> False) leaves "any origin" (CRS102)
    # where "any origin with credentials" (CRS101) was.
    weakened = Counter(
        (path, "CRS102", line) for path, code, line in earlier if code == "CRS101" and (path, "CRS101", line) not in remaining
    )
    assert remaining - earlier - weakened == Counter()
    for key, count in Counter(map(_key, fixable)).items():
        assert remaining[key] <= earlier[key] - count, key
    stderr = round_trip["fixed"].stderr.decode()
    assert f"({len(after)} remaining)." in stderr
    fixed_count = int(stderr.split("Fixed ", 1)[1].split(" ", 1)[0])
    assert fixed_count >= len(fixable)  # and the finding one fix removes with it
    assert round_trip["fixed"].returncode == 1  # findings remain


def test_fixed_files_still_parse_and_only_the_fixed_lines_change(round_trip) -> None:
    before, after = round_trip["before_files"], round_trip["after_files"]
    changed = [name for name in after if after[name] != before[name]]
    assert len(changed) >= 8
    # The lines the edits cover (a decorator moved takes its lines with it).
    fixed_lines = {
        (edit["path"], line)
        for finding in round_trip["before"]
        if finding["fix"] is not None
        for edit in finding["fix"]["edits"]
        for line in range(edit["line"], edit["end_line"] + (0 if edit["end_column"] == 1 and edit["end_line"] > edit["line"] else 1))
    }
    for name in changed:
        old, new = before[name].decode().splitlines(True), after[name].decode().splitlines(True)
        assert len(old) == len(new), name
        for number, (line_before, line_after) in enumerate(zip(old, new), start=1):
            if line_before != line_after:
                assert (f"fixtures/{name.split('/', 1)[1]}", number) in fixed_lines or any(
                    path.endswith(name.split("/", 1)[1]) and line == number for path, line in fixed_lines
                ), (name, number)
        if not name.endswith("syntax_error.py"):
            compile(after[name], name, "exec")


def test_a_second_fix_changes_nothing(round_trip) -> None:
    assert round_trip["again_files"] == round_trip["after_files"]
    assert round_trip["again"].returncode == 0 and round_trip["again"].stdout == b""
    assert b"No fixes available." in round_trip["again"].stderr


def test_diff_writes_nothing_and_shows_what_fix_does(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "regex_origins.py", tmp_path / "regex_origins.py")
    shutil.copy(FIXTURES / "unknown_options.py", tmp_path / "unknown_options.py")
    before = _snapshot(tmp_path)
    # One process, then two: the same edits whatever --jobs.
    diff = cors_lint("--isolated", "--unsafe-fixes", "--diff", "-j", "1", ".", cwd=tmp_path)
    assert diff.returncode == 1
    assert _snapshot(tmp_path) == before
    fixed = cors_lint("--isolated", "--unsafe-fixes", "--fix", "-j", "2", ".", cwd=tmp_path)
    after = _snapshot(tmp_path)
    expected = []
    for name, old in before.items():
        if after[name] != old:
            expected.extend(
                difflib.unified_diff(
                    old.decode().splitlines(True), after[name].decode().splitlines(True), fromfile=f"a/{name}", tofile=f"b/{name}"
                )
            )
    assert expected and diff.stdout.decode() == "".join(expected)
    fixes = int(fixed.stdout.decode().split("Fixed ", 1)[1].split(" ", 1)[0])
    assert f"Would fix {fixes} findings.".encode() in diff.stderr


def test_fix_on_standard_input_prints_the_fixed_source(tmp_path: Path) -> None:
    result = cors_lint("--isolated", "--fix", "-", stdin=TYPO.encode(), cwd=tmp_path)
    assert result.stdout == TYPO_FIXED.encode()
    assert result.returncode == 0, result.stderr
    assert b"Fixed 1 finding (0 remaining)." in result.stderr
    unsafe = cors_lint("--isolated", "--fix", "-", stdin=GLOB.encode(), cwd=tmp_path)
    assert unsafe.stdout == GLOB.encode() and unsafe.returncode == 1  # the glob's fix is unsafe: not applied


def test_config_fix_and_unsafe_fixes(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.cors-lint]\nfix = true\nunsafe-fixes = true\n")
    (tmp_path / "app.py").write_text(GLOB)
    result = cors_lint("app.py", cwd=tmp_path)
    assert "origins=[r'^https://[a-z0-9-]+\\.example\\.com$']" in (tmp_path / "app.py").read_text()
    assert result.returncode == 0, result.stdout + result.stderr
    (tmp_path / "pyproject.toml").write_text("[tool.cors-lint]\nfix = 'yes'\n")
    error = cors_lint("app.py", cwd=tmp_path)
    assert error.returncode == 2 and b"fix must be true or false" in error.stderr


def test_text_marks_fixable_findings_and_show_fixes_lists_edits(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(TYPO + "CORS(Flask('b'), origins=['https://*.example.com'])\n")
    text = cors_lint("--isolated", "app.py", cwd=tmp_path).stdout.decode()
    assert "CRS301 [*] [warning]" in text and "CRS107 [warning]" in text
    assert "[*] 1 fixable with the --fix option (1 hidden fix can be enabled with the --unsafe-fixes option)." in text
    shown = cors_lint("--isolated", "--unsafe-fixes", "--show-fixes", "app.py", cwd=tmp_path).stdout.decode()
    assert "CRS107 [*] [warning]" in shown
    assert "    fix (unsafe): Write the regex the glob means" in shown
    assert "      app.py:5:11-5:17 -> origins" in shown
    assert (tmp_path / "app.py").read_text().startswith(TYPO)  # nothing written


def test_json_and_sarif_carry_the_fix(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(TYPO + "CORS(Flask('b'), origins=['https://*.example.com', 'https://x.example.com/'])\n")
    findings = json.loads(cors_lint("--isolated", "--format", "json", "app.py", cwd=tmp_path).stdout)["findings"]
    (typo,) = [finding for finding in findings if finding["code"] == "CRS301"]
    assert typo["fix"] == {
        "applicability": "safe",
        "message": "Rename 'origin' to 'origins'",
        "edits": [{"path": "app.py", "line": 5, "column": 11, "end_line": 5, "end_column": 17, "content": "origins"}],
    }
    document = json.loads(cors_lint("--isolated", "--format", "sarif", "app.py", cwd=tmp_path).stdout)
    jsonschema.validate(document, SCHEMA)
    (result,) = [entry for entry in document["runs"][0]["results"] if entry["ruleId"] == "CRS301"]
    (change,) = result["fixes"][0]["artifactChanges"]
    assert sum(1 for entry in document["runs"][0]["results"] if "fixes" in entry) == 3
    assert change["replacements"] == [
        {"deletedRegion": {"startLine": 5, "startColumn": 11, "endLine": 5, "endColumn": 17}, "insertedContent": {"text": "origins"}}
    ]


BAD_INPUT = {
    "syntax.py": b"from flask_cors import CORS\nCORS(app, origin=[\n",
    "bytes.py": b"\xff\xfe\x00garbage flask_cors",
    "coding.py": b"# -*- coding: nope -*-\nimport flask_cors\n",
    "typo.py": TYPO.encode(),
}


def test_bad_input_never_gives_a_traceback(tmp_path: Path) -> None:
    for name, content in BAD_INPUT.items():
        (tmp_path / name).write_bytes(content)
    result = cors_lint("--isolated", "--fix", "--unsafe-fixes", ".", cwd=tmp_path)
    assert b"Traceback" not in result.stderr + result.stdout
    assert result.returncode == 1, result.stderr  # CRS001 for the files that could not be read
    for name, content in BAD_INPUT.items():
        assert (tmp_path / name).read_bytes() == (TYPO_FIXED.encode() if name == "typo.py" else content)
    piped = cors_lint("--isolated", "--fix", "-", stdin=BAD_INPUT["syntax.py"], cwd=tmp_path)
    assert b"Traceback" not in piped.stderr and piped.stdout == BAD_INPUT["syntax.py"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_pre_commit_fixing_hook(tmp_path: Path) -> None:
    """The ``cors-lint-fix`` entry of .pre-commit-hooks.yaml, run by
    pre-commit on a git repository. Installing the hook from this checkout
    (``try-repo``) costs a package installation, which the checking hook's
    test pays already; here the manifest's entry runs as a local hook with
    the cors-lint of this environment, its arguments as the manifest gives them."""
    import yaml

    (manifest,) = [hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text()) if hook["id"] == "cors-lint-fix"]
    assert manifest["args"] == ["--fix"] and manifest["entry"] == "cors-lint"
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text(TYPO)
    (project / "clean.py").write_text(TYPO_FIXED)
    local = {**manifest, "entry": str(BIN / "cors-lint"), "language": "system"}
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]}))
    _git(project, "init", "-q")
    _git(project, "add", ".")
    environment = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}

    def run(*files: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(BIN / "pre-commit"), "run", "cors-lint-fix", "--files", *files],
            cwd=project,
            capture_output=True,
            text=True,
            env=environment,
            timeout=300,
        )

    result = run("app.py", "clean.py")
    output = result.stdout + result.stderr
    # The hook fixed the file, so pre-commit fails the run and says so.
    assert result.returncode == 1, output
    assert "files were modified by this hook" in output
    assert (project / "app.py").read_text() == TYPO_FIXED
    assert run("app.py", "clean.py").returncode == 0
