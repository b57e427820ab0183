"""The command as users run it: a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cors_lint import __version__
from cors_lint.report.explain import markdown, rule_table
from cors_lint.rules import ALL_RULES

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
JSON_KEYS = {
    "code", "name", "severity", "path", "line", "column", "end_line", "end_column", "message", "witness", "proof", "related", "fix",
}


def cors_lint(*arguments: str, stdin: bytes = b"", cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cors_lint", *arguments], input=stdin, capture_output=True, cwd=cwd, timeout=120
    )


def test_fixtures_directory_reports_findings_and_exits_1() -> None:
    result = cors_lint("fixtures")
    assert result.returncode == 1
    output = result.stdout.decode()
    assert "fixtures/any_origin.py:11:1: CRS101 [error]" in output
    assert "    witness: https://attacker.example" in output
    assert output.rstrip().splitlines()[-1].endswith("files checked")


def test_json_output_schema() -> None:
    result = cors_lint("--format", "json", "fixtures")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["version"] == __version__
    assert document["findings"]
    for finding in document["findings"]:
        assert set(finding) == JSON_KEYS
        assert finding["severity"] in {"error", "warning", "note"}
        assert finding["line"] >= 1 and finding["column"] >= 1
        assert (finding["end_line"], finding["end_column"]) >= (finding["line"], finding["column"])
        assert finding["witness"] is None or isinstance(finding["witness"], str)
    keys = [(f["path"], f["line"], f["column"]) for f in document["findings"]]
    assert keys == sorted(keys)


def test_output_is_deterministic() -> None:
    first = cors_lint("--format", "json", "fixtures").stdout
    second = subprocess.run(
        [sys.executable, "-m", "cors_lint", "--format", "json", "fixtures"],
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
        timeout=120,
    ).stdout
    assert first == second


def test_parallel_and_serial_runs_print_the_same_bytes(tmp_path: Path) -> None:
    for index, fixture in enumerate(sorted(FIXTURES.glob("*.py")) * 3):
        (tmp_path / f"copy_{index:02d}_{fixture.name}").write_bytes(fixture.read_bytes())
    serial = cors_lint("--format", "json", "--jobs", "1", str(tmp_path))
    parallel = cors_lint("--format", "json", "--jobs", "2", str(tmp_path))
    assert serial.returncode == parallel.returncode == 1
    assert serial.stdout == parallel.stdout
    assert len(json.loads(serial.stdout)["findings"]) > 100


def test_runs_without_cors_code_do_not_load_libcst(tmp_path: Path) -> None:
    (tmp_path / "plain.py").write_text("import os\n")
    probe = (
        "import sys\nfrom cors_lint.cli import main\n"
        "try:\n    main([sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "print('libcst' in sys.modules)\n"
    )
    for arguments in ([str(tmp_path)], ["--version"], ["--help"], ["--explain", "CRS101"]):
        output = subprocess.run(
            [sys.executable, "-c", probe.replace("[sys.argv[1]]", repr(arguments))], capture_output=True, text=True, cwd=ROOT
        ).stdout
        assert output.strip().splitlines()[-1] == "False", arguments


def test_warnings_about_the_linted_code_are_not_printed(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text('from flask_cors import CORS\nCORS(app, origins=[r"[[a]https://x"])\n')
    result = cors_lint(str(tmp_path / "app.py"))
    assert result.stderr == b""
    # The regex can only match origins with a scheme no web page has: no witness, no finding.
    assert result.returncode == 0


def test_clean_file_exits_0() -> None:
    result = cors_lint("fixtures/clean_app.py")
    assert result.returncode == 0
    assert result.stdout.decode().strip() == "0 findings (0 errors, 0 warnings, 0 notes) in 1 file checked"


@pytest.mark.parametrize(
    "arguments, code",
    [
        (["--select", "CRS309", "fixtures/options.py"], 0),  # notes do not fail by default
        (["--select", "CRS309", "--fail-on", "note", "fixtures/options.py"], 1),
        (["--fail-on", "error", "fixtures/resources.py"], 0),
        (["--ignore", "CRS1,CRS3", "fixtures/any_origin.py"], 0),
        (["--select", "CRS1", "--ignore", "CRS102", "fixtures/duplicate_registration.py"], 0),
    ],
)
def test_selection_and_fail_on(arguments, code) -> None:
    assert cors_lint(*arguments).returncode == code


def test_select_filters_codes_but_never_hides_broken_files() -> None:
    document = json.loads(cors_lint("--format", "json", "--select", "CRS104", "fixtures").stdout)
    assert {finding["code"] for finding in document["findings"]} == {"CRS104", "CRS001"}
    ignored = json.loads(cors_lint("--format", "json", "--select", "CRS104", "--ignore", "CRS001", "fixtures").stdout)
    assert {finding["code"] for finding in ignored["findings"]} == {"CRS104"}


def test_opt_in_rule_is_reported_only_when_named() -> None:
    everything = json.loads(cors_lint("--format", "json", "fixtures/evaluation.py").stdout)
    assert "CRS502" not in {finding["code"] for finding in everything["findings"]}
    named = json.loads(cors_lint("--format", "json", "--select", "CRS502", "fixtures/evaluation.py").stdout)
    reasons = [finding["message"] for finding in named["findings"]]
    assert any("result of calling load_origins()" in reason for reason in reasons)
    assert any("'CHOSEN' is chosen by `if load_flag()` at run time" in reason for reason in reasons)


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["does/not/exist.py"], "path does not exist: does/not/exist.py"),
        ([], "give at least one PATH"),
        (["--select", "XYZ", "fixtures"], "'XYZ' is not a rule code"),
        (["--explain", "CRS999"], "unknown rule"),
        (["--format", "xml", "fixtures"], "Invalid value for '--format'"),
    ],
)
def test_usage_errors_exit_2_with_a_message(arguments, message) -> None:
    result = cors_lint(*arguments)
    assert result.returncode == 2
    assert message in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()


def test_explain_reads_like_a_rule_page() -> None:
    result = cors_lint("--explain", "crs101")
    assert result.returncode == 0
    text = result.stdout.decode()
    for heading in ("What it does", "Why is this bad?", "Example", "Use instead", "Fix"):
        assert f"\n{heading}\n" in text
    assert text.startswith("CRS101 any-origin-with-credentials [error]")


def test_list_rules_and_version() -> None:
    listing = cors_lint("--list-rules").stdout.decode()
    assert all(rule.code in listing for rule in ALL_RULES)
    assert cors_lint("--version").stdout.decode().strip() == f"cors-lint, version {__version__}"


def test_standard_input() -> None:
    result = cors_lint("-", stdin=b"from flask_cors import CORS\nCORS(app, supports_credentials=True)\n")
    assert result.returncode == 1
    assert result.stdout.decode().startswith("-:2:1: CRS101 [error]")


def test_walks_directories_skipping_virtual_environments_and_excludes(tmp_path: Path) -> None:
    source = b"from flask_cors import CORS\nCORS(app)\n"
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "app.py").write_bytes(source)
    (tmp_path / "pkg" / "generated.py").write_bytes(source)
    (tmp_path / "pkg" / "notes.txt").write_bytes(source)
    for skipped in ("node_modules", ".git", "__pycache__", "env"):
        (tmp_path / skipped).mkdir()
        (tmp_path / skipped / "app.py").write_bytes(source)
    (tmp_path / "env" / "pyvenv.cfg").write_bytes(b"home = /usr\n")
    result = cors_lint("--format", "json", "--exclude", "generated.py", str(tmp_path))
    paths = {finding["path"] for finding in json.loads(result.stdout)["findings"]}
    assert paths == {str(tmp_path / "pkg" / "app.py")}


def test_unreadable_and_broken_files_are_findings_not_crashes(tmp_path: Path) -> None:
    (tmp_path / "bad_encoding.py").write_bytes(b"# -*- coding: no-such-codec -*-\nimport flask_cors\n")
    (tmp_path / "latin.py").write_bytes(b"\xff\xfe import flask_cors\n")
    (tmp_path / "good.py").write_bytes(b"from flask_cors import CORS\nCORS(app)\n")
    result = cors_lint("--format", "json", str(tmp_path))
    findings = json.loads(result.stdout)["findings"]
    by_file = {Path(f["path"]).name: f["code"] for f in findings}
    assert by_file == {"bad_encoding.py": "CRS001", "latin.py": "CRS001", "good.py": "CRS102"}
    assert result.returncode == 1


def test_text_output_escapes_control_characters(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_bytes(b'from flask_cors import CORS\nCORS(app, origins=["https://a.example/\\x1b[31m"])\n')
    output = cors_lint(str(tmp_path / "app.py")).stdout.decode()
    assert "\x1b" not in output and "\\x1b" in output


def test_docs_rules_md_is_generated_from_the_rules() -> None:
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == markdown(ALL_RULES), (
        "docs/rules.md is stale: python -m cors_lint.report.explain > docs/rules.md"
    )


def test_readme_rule_table_is_current() -> None:
    assert rule_table(ALL_RULES) in (ROOT / "README.md").read_text(encoding="utf-8")


def test_policy_subcommand_prints_the_inventory_in_both_forms() -> None:
    app = str(ROOT / "tests" / "apps" / "a05_nested_blueprints")
    text = cors_lint("policy", app)
    assert text.returncode == 0
    assert b"/api/threads/<int:thread_id>" in text.stdout and b"flask-cors" in text.stdout
    document = json.loads(cors_lint("policy", "--format", "json", app).stdout)
    (only,) = document["apps"]
    rules = [route["rule"] for route in only["routes"]]
    assert rules == sorted(rules) and "/api/status" in rules
    status = next(route for route in only["routes"] if route["rule"] == "/api/status")
    assert status["cors"] == "flask-cors" and status["options"]["origins"] == ["https://forum.example.com"]
    assert status["options"]["supports_credentials"] is True and status["endpoint"] == "api.status"
    assert cors_lint("policy", "--format", "json", app).stdout == cors_lint("policy", "--format", "json", app).stdout


def test_policy_subcommand_filters_apps_and_refuses_unknown_ones() -> None:
    app_dir = ROOT / "tests" / "apps" / "a09_branches"
    listed = json.loads(cors_lint("policy", "--format", "json", str(app_dir)).stdout)
    label = listed["apps"][0]["app"]
    chosen = json.loads(cors_lint("policy", "--format", "json", "--app", label, str(app_dir)).stdout)
    assert [app["app"] for app in chosen["apps"]] == [label]
    refused = cors_lint("policy", "--app", "nowhere.py:app", str(app_dir))
    assert refused.returncode == 2 and b"no app" in refused.stderr
    missing = cors_lint("policy", str(app_dir / "missing"))
    assert missing.returncode == 2 and b"Traceback" not in missing.stderr


VERSIONED = Path("tests") / "data" / "versioned_project"


def test_advisories_of_the_pinned_flask_cors_are_reported_with_the_requirement() -> None:
    result = cors_lint("--format", "json", "--select", "CRS6", str(VERSIONED))
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    # >=4.0,<6 allows 5.0.1, which has the fixes of CRS601 and CRS606: pip
    # installs it, so only the advisories every allowed release has remain.
    assert {finding["code"] for finding in findings} == {"CRS603"}
    requirement = str(VERSIONED / "requirements.txt")
    for finding in findings:
        assert any(r["path"] == requirement and r["line"] == 3 for r in finding["related"]), finding
        assert finding["witness"]
    assert "CVE-2024-6866" in next(f["message"] for f in findings if f["code"] == "CRS603")
    # Pinned to the fixed release, nothing is reachable.
    fixed = cors_lint("--select", "CRS6", "--flask-cors-version", "6.0.5", str(VERSIONED))
    assert fixed.returncode == 0 and fixed.stdout.decode().startswith("0 findings"), fixed.stdout


def test_flask_cors_version_must_be_a_release(tmp_path: Path) -> None:
    result = cors_lint("--flask-cors-version", "5.9.9", str(VERSIONED))
    assert result.returncode == 2 and b"not a flask-cors release" in result.stderr
    (tmp_path / "pyproject.toml").write_text('[tool.cors-lint]\nflask-cors-version = "7"\n')
    result = cors_lint("--config", str(tmp_path / "pyproject.toml"), str(VERSIONED))
    assert result.returncode == 2 and b"flask-cors-version" in result.stderr


def test_policy_lists_advisories_and_compares_versions() -> None:
    result = cors_lint("policy", str(VERSIONED), "--compare-version", "6.0.5")
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    assert "flask-cors 4.0.0 to 5.0.1 allowed (requirement: flask-cors>=4.0,<6" in text
    assert "CVE-2024-6866 (CRS603; affects 4.0.0 to 5.0.1 of the allowed releases, fixed in 6.0.0): reachable on 1 route" in text
    assert "CVE-2024-6844 (CRS602; affects 4.0.0 to 5.0.1 of the allowed releases, fixed in 6.0.0): not reachable:" in text
    assert "upgrading from flask-cors 5.0.1 to 6.0.5 changes the policy of 1 route:" in text
    document = json.loads(cors_lint("policy", "--format", "json", str(VERSIONED), "--compare-version", "6.0.5").stdout)
    versions = document["flask_cors"]
    assert versions["versions"] == ["4.0.0", "4.0.1", "4.0.2", "5.0.0", "5.0.1"] and versions["how"] == "requirement"
    reachable = {advisory["code"]: advisory["reachable"] for advisory in versions["advisories"]}
    assert reachable == {"CRS601": False, "CRS602": False, "CRS603": True, "CRS604": False, "CRS606": False}
    assert "CVE-2024-1681 (CRS606; affects 4.0.0 of the allowed releases, fixed in 4.0.1): not reachable: the requirement also allows" in text
    assert [route["rule"] for route in versions["compare"]["routes"]] == ["/API/admin"]


def test_policy_says_when_the_newest_release_is_assumed(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\nCORS(app)\n")
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = x\n")
    result = cors_lint("policy", str(tmp_path / "app.py"))
    assert "assumed: no flask-cors requirement found (the newest release)" in result.stdout.decode()


def test_policy_shows_each_routes_origins_proof_against_the_trusted_origins(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n"
        "CORS(app, origins=[r'https://.*\\.acme-corp\\.io'])\n"
    )
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = x\n")
    document = json.loads(cors_lint("policy", "--format", "json", "--trusted-origin", "https://*.acme-corp.io", str(tmp_path)).stdout)
    (route,) = document["apps"][0]["routes"]
    assert route["origins_proof"]["proof"] == "exact"
    assert route["origins_proof"]["outside_trusted"]  # unanchored: an attacker's origin gets through
    text = cors_lint("policy", "--trusted-origin", "https://*.acme-corp.io", str(tmp_path)).stdout.decode()
    assert route["origins_proof"]["outside_trusted"] in text
