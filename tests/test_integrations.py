"""The integrations, each with the real tool: flake8, pre-commit, SARIF
(validated against the official schema), GitHub annotations, configuration,
``# noqa``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest
from test_cli import ROOT, cors_lint

BIN = Path(sys.executable).parent
SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
PERMISSIVE = "from flask_cors import CORS\nCORS(app, supports_credentials=True)\n"
STRICT = "from flask_cors import CORS\nCORS(app, origins=['https://app.example.com'])\n"


def findings_json(*arguments: str, cwd: Path = ROOT):
    return json.loads(cors_lint("--format", "json", *arguments, cwd=cwd).stdout)["findings"]


# --- flake8 ------------------------------------------------------------------


def test_flake8_reports_what_cors_lint_reports() -> None:
    result = subprocess.run(
        [str(BIN / "flake8"), "--select", "CRS", "--format", "%(path)s|%(row)d|%(col)d|%(code)s", "fixtures"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    flake8 = {tuple(line.split("|")) for line in result.stdout.splitlines()}
    ours = {
        (os.path.normpath(f["path"]), str(f["line"]), str(f["column"]), f["code"])
        for f in findings_json("fixtures")
        # flake8 reports E999 for files it cannot parse and runs no plugin on them, and checks
        # only *.py files (not the settings files that from_pyfile loads); a finding in an
        # imported settings module is reported when flake8 checks that module.
        if f["code"] != "CRS001" and f["path"].endswith(".py")
    }
    flake8 = {(os.path.normpath(path), row, col, code) for path, row, col, code in flake8}
    assert flake8 == ours
    assert result.returncode == 1


def test_flake8_noqa_and_clean_files(tmp_path: Path) -> None:
    (tmp_path / "silenced.py").write_text(PERMISSIVE.replace(")\n", ")  # noqa: CRS101\n"))
    (tmp_path / "clean.py").write_text(STRICT)
    (tmp_path / "unrelated.py").write_text("import os\nprint(os.sep)\n")
    result = subprocess.run(
        [str(BIN / "flake8"), "--select", "CRS", str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert (result.returncode, result.stdout) == (0, "")


# --- pre-commit ------------------------------------------------------------------


def _git(directory: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *arguments],
        cwd=directory,
        check=True,
        capture_output=True,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_pre_commit_hook_fails_on_findings_and_passes_clean_files(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "bad.py").write_text(PERMISSIVE)
    (project / "good.py").write_text(STRICT)
    _git(project, "init", "-q")
    _git(project, "add", ".")
    environment = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}

    def try_repo(*files: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(BIN / "pre-commit"), "try-repo", str(ROOT), "cors-lint", "--files", *files],
            cwd=project,
            capture_output=True,
            text=True,
            env=environment,
            timeout=600,
        )

    failing = try_repo("bad.py", "good.py")
    output = failing.stdout + failing.stderr
    if failing.returncode != 1 and ("Could not find a version" in output or "Failed to establish" in output):
        pytest.skip("pre-commit could not install the hook: the package registry is unreachable")
    assert failing.returncode == 1, output
    assert "bad.py:2:1: CRS101" in output
    assert "good.py" not in output.split("cors-lint", 2)[-1]
    passing = try_repo("good.py")
    assert passing.returncode == 0, passing.stdout + passing.stderr


# --- SARIF and GitHub ---------------------------------------------------------------


def test_sarif_validates_against_the_official_schema() -> None:
    result = cors_lint("--format", "sarif", "fixtures")
    document = json.loads(result.stdout)
    jsonschema.validate(document, SCHEMA)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == sorted(rule["id"] for rule in rules)
    for rule in rules:
        assert rule["properties"]["security-severity"]
        assert rule["help"]["text"] and rule["shortDescription"]["text"]
    results = run["results"]
    assert len(results) == len(findings_json("fixtures"))
    first = results[0]
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("fixtures/")
    witnessed = [r for r in results if r["properties"]["witness"]]
    assert witnessed
    for entry in results:
        text = entry["message"]["text"]
        assert "Witness" not in text and text.endswith("."), text  # the message alone, a full sentence
    for entry in witnessed:
        assert "\n\nWitness: `" in entry["message"]["markdown"]  # on a line of its own
    for rule in rules:
        assert rule["helpUri"].endswith("docs/rules.md#" + rule["id"].lower())
        assert rule["help"]["markdown"].startswith(f"**{rule['name']}**")
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)


def test_sarif_for_hostile_bytes_is_valid(tmp_path: Path) -> None:
    (tmp_path / "odd.py").write_bytes(
        b'from flask_cors import CORS\nCORS(app, origins=["https://\\x1b[31m\\u202e.example/"])\n'
    )
    document = json.loads(cors_lint("--format", "sarif", str(tmp_path)).stdout)
    jsonschema.validate(document, SCHEMA)
    assert document["runs"][0]["results"]


def test_github_annotations() -> None:
    result = cors_lint("--format", "github", "fixtures/any_origin.py")
    lines = result.stdout.decode().splitlines()
    assert lines[0].startswith("::warning file=fixtures/any_origin.py,line=8,col=1,endLine=8,endColumn=18,title=CRS102 any-origin::")
    assert any(line.startswith("::error ") for line in lines)
    assert all("\n" not in line for line in lines)


# --- configuration ------------------------------------------------------------------------


def _project(tmp_path: Path, config: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent(config))
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    (tmp_path / "src" / "pkg" / "app.py").write_text(PERMISSIVE)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_app.py").write_text(PERMISSIVE)
    return tmp_path


def test_config_is_found_from_a_subdirectory_and_applies(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        """
        [tool.cors-lint]
        ignore = ["CRS3"]
        exclude = ["build"]
        per-file-ignores = { "tests/*" = ["CRS1"] }
        fail-on = "error"
        """,
    )
    findings = findings_json(".", cwd=project / "src")
    assert [(Path(f["path"]).name, f["code"]) for f in findings] == [("app.py", "CRS101")]
    from_root = findings_json(".", cwd=project)
    assert {Path(f["path"]).as_posix() for f in from_root} == {"src/pkg/app.py"}


def test_command_line_overrides_config(tmp_path: Path) -> None:
    project = _project(tmp_path, '[tool.cors-lint]\nselect = ["CRS2"]\nfail-on = "note"\n')
    assert findings_json(".", cwd=project) == []
    assert len(findings_json("--select", "CRS101", ".", cwd=project)) == 2
    assert cors_lint("--select", "CRS101", "--fail-on", "error", ".", cwd=project).returncode == 1
    assert len(findings_json("--isolated", ".", cwd=project)) == 2


@pytest.mark.parametrize(
    "config, message",
    [
        ('[tool.cors-lint]\nselectt = ["CRS1"]\n', "unknown key 'selectt'"),
        ('[tool.cors-lint]\nfail-on = "fatal"\n', "fail-on must be one of"),
        ('[tool.cors-lint]\nselect = "CRS1"\n', "select must be a list of strings"),
        ('[tool.cors-lint]\nignore = ["XYZ9"]\n', "'XYZ9' is not a rule code"),
        ("[tool.cors-lint\n", "cannot read"),
    ],
)
def test_config_errors_name_the_problem(tmp_path: Path, config: str, message: str) -> None:
    project = _project(tmp_path, config)
    result = cors_lint("--config", "pyproject.toml", ".", cwd=project)
    assert result.returncode == 2
    assert message in result.stderr.decode()


def test_stdin_filename_is_reported_and_matched_by_per_file_ignores(tmp_path: Path) -> None:
    project = _project(tmp_path, '[tool.cors-lint]\nper-file-ignores = { "tests/*" = ["CRS101"] }\n')
    stdin = PERMISSIVE.encode()
    named = cors_lint("--stdin-filename", "src/pkg/app.py", "-", stdin=stdin, cwd=project)
    assert named.stdout.decode().startswith("src/pkg/app.py:2:1: CRS101")
    ignored = cors_lint("--stdin-filename", "tests/test_app.py", "-", stdin=stdin, cwd=project)
    assert ignored.returncode == 0


# --- noqa ---------------------------------------------------------------------------------------


NOQA_SOURCE = '''\
from flask_cors import CORS

CORS(app_a, supports_credentials=True)  # noqa: CRS101
CORS(app_b, supports_credentials=True)  # noqa
CORS(app_c, supports_credentials=True)  # noqa: CRS104
CORS(
    app_d,
    origins="*",
    supports_credentials=True,
)  # noqa: CRS1
CORS(app_e, origins=["null"], note="# noqa")  # expect CRS103 and CRS301
'''


def test_noqa_on_single_and_multi_line_statements(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(NOQA_SOURCE)
    reported = [(f["line"], f["code"]) for f in findings_json(str(tmp_path))]
    assert reported == [(5, "CRS101"), (11, "CRS103"), (11, "CRS301")]
    shown = findings_json("--show-suppressed", str(tmp_path))
    suppressed = [(f["line"], f["code"], f.get("suppressed_by")) for f in shown if "suppressed_by" in f]
    assert suppressed == [(3, "CRS101", 3), (4, "CRS101", 4), (8, "CRS101", 10)]
    text = cors_lint("--show-suppressed", str(tmp_path)).stdout.decode()
    assert "(suppressed by # noqa on line 10)" in text
    assert "3 findings" in text.splitlines()[-1]


def test_the_tool_has_no_undefined_names_or_unused_imports() -> None:
    """pyflakes (flake8's own checker) over the package: an undefined name in
    a rarely taken path (an except block) is a crash waiting for its input."""
    result = subprocess.run([sys.executable, "-m", "pyflakes", "cors_lint"], cwd=ROOT, capture_output=True, text=True)
    reports = []
    for report in result.stdout.splitlines():
        path, line = report.split(":")[:2]
        if "# noqa" not in Path(ROOT, path).read_text(encoding="utf-8").splitlines()[int(line) - 1]:
            reports.append(report)  # pyflakes itself does not read flake8's noqa comments
    assert reports == [] and not result.stderr, result.stdout + result.stderr
