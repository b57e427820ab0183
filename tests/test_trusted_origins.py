"""The ``trusted-origins`` setting, CRS111, ``proof`` in every output format,
and ``origins_proof`` (the per-route summary the policy inventory shows)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from oracle import accepted, ask
from test_exact_origins import assert_no_mutation_gets_through
from test_fixtures import FIXTURES, trusted_origins_of
from test_handwritten_oracle import app_and_path

from cors_lint import lint_paths, lint_source
from cors_lint.cli import main
from cors_lint.config import ConfigError, load_config
from cors_lint.evaluate.values import Span
from cors_lint.model.language import verdicts
from cors_lint.model.language.obtainable import TrustedOriginError, parse_trusted
from cors_lint.model.origins import OriginEntry

TRUSTED_FIXTURE = FIXTURES / "trusted_origins.py"
REGEX_APP = b'from flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\nCORS(app, origins=[r"^https://[a-z]+\\.example\\.com$"])\n'
LOOKAHEAD_APP = b'from flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\nCORS(app, origins=[r"^https://(?!x)[a-z]+\\.example\\.com"])\n'


def _load(path: Path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("trusted_origins_fixture", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_crs111_is_off_without_the_setting() -> None:
    assert not [f for f in lint_source(REGEX_APP, "app.py") if f.code == "CRS111"]


def test_crs111_reports_an_origin_outside_the_trusted_ones() -> None:
    findings = [f for f in lint_source(REGEX_APP, "app.py", trusted_origins=("https://app.example.com",)) if f.code == "CRS111"]
    assert len(findings) == 1
    assert findings[0].witness and findings[0].witness != "https://app.example.com"
    assert re.match(r"^https://[a-z]+\.example\.com$", findings[0].witness, re.IGNORECASE)
    assert findings[0].proof == "exact"
    # Every subdomain trusted: nothing to report, and the mutations agree.
    trusted = ("https://*.example.com",)
    assert not [f for f in lint_source(REGEX_APP, "app.py", trusted_origins=trusted) if f.code == "CRS111"]
    trust = verdicts.trust_for((), trusted)
    assert_no_mutation_gets_through(lambda origin: bool(re.match(r"^https://[a-z]+\.example\.com$", origin, re.I)), trust, ["https://app.example.com"])


def test_handwritten_crs111_witnesses_run_for_real() -> None:
    module = _load(TRUSTED_FIXTURE)
    findings = [
        f for f in lint_paths([str(TRUSTED_FIXTURE)], trusted_origins=trusted_origins_of(TRUSTED_FIXTURE)).findings
        if f.code == "CRS111" and "reflects" in f.message
    ]
    assert findings
    for finding in findings:
        app, path = app_and_path(module, finding.message.split("()", 1)[0])
        assert accepted(ask(app, path, headers={"Origin": finding.witness}), finding.witness)["allowed"]
        assert not verdicts.trust_for((), trusted_origins_of(TRUSTED_FIXTURE)).contains(finding.witness)


@pytest.mark.parametrize(
    "text, origin, trusted",
    [
        ("https://app.example.com", "https://app.example.com", True),
        ("https://app.example.com", "http://app.example.com", False),
        ("https://app.example.com", "https://app.example.com:8443", False),
        ("https://app.example.com:8443", "https://app.example.com:8443", True),
        ("https://*.example.com", "https://a.b.example.com", True),
        ("https://*.example.com", "https://example.com", False),
        ("https://*.example.com", "https://evilexample.com", False),
        ("HTTPS://App.Example.com", "https://app.example.com", True),
    ],
)
def test_trusted_origin_syntax(text: str, origin: str, trusted: bool) -> None:
    assert verdicts.trust_for((), (text,)).contains(origin) is trusted
    assert verdicts.trust_for((), (text,)).language().accepts(origin) is trusted


@pytest.mark.parametrize("text", ["app.example.com", "https://app.example.com/", "ftp://x.example.com", "https://*example.com", "https://a_b.com", "https://"])
def test_invalid_trusted_origins_are_refused(text: str) -> None:
    with pytest.raises(TrustedOriginError):
        parse_trusted(text)


def test_configuration_file_and_command_line(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "app.py").write_bytes(REGEX_APP)
    (tmp_path / "pyproject.toml").write_text('[tool.cors-lint]\ntrusted-origins = ["https://app.example.com"]\n')
    assert load_config(tmp_path / "pyproject.toml").trusted_origins == ("https://app.example.com",)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["app.py", "--format", "json"])
    codes = [f["code"] for f in json.loads(result.output)["findings"]]
    assert "CRS111" in codes
    # The command line replaces the file's value.
    result = CliRunner().invoke(main, ["app.py", "--format", "json", "--trusted-origin", "https://*.example.com"])
    assert "CRS111" not in [f["code"] for f in json.loads(result.output)["findings"]]
    result = CliRunner().invoke(main, ["app.py", "--trusted-origin", "example.com"])
    assert result.exit_code == 2 and "trusted origin" in result.output
    (tmp_path / "pyproject.toml").write_text('[tool.cors-lint]\ntrusted-origins = ["*.example.com"]\n')
    with pytest.raises(ConfigError, match="trusted origin"):
        load_config(tmp_path / "pyproject.toml")


def test_proof_in_json_sarif_and_text(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_bytes(LOOKAHEAD_APP)
    document = json.loads(CliRunner().invoke(main, [str(path), "--isolated", "--format", "json"]).output)
    proofs = {f["code"]: f["proof"] for f in document["findings"]}
    assert proofs.get("CRS104") == "heuristic"
    sarif = json.loads(CliRunner().invoke(main, [str(path), "--isolated", "--format", "sarif"]).output)
    results = sarif["runs"][0]["results"]
    assert any(r["properties"].get("proof") == "heuristic" for r in results)
    text = CliRunner().invoke(main, [str(path), "--isolated"]).output
    assert "proof: heuristic" in text
    path.write_bytes(REGEX_APP.replace(b"com$", b"com"))
    document = json.loads(CliRunner().invoke(main, [str(path), "--isolated", "--format", "json"]).output)
    assert [f["proof"] for f in document["findings"] if f["code"] == "CRS104"] == ["exact"]


def _entry(text: str) -> OriginEntry:
    return OriginEntry(text, False, 0, Span(1, 1, 1, 1), False)


def test_origins_proof_per_route() -> None:
    safe = [_entry(r"^https://([a-z0-9-]+\.)*acme-corp\.io$"), _entry("https://partner.example.com")]
    assert verdicts.origins_proof(safe) == {"proof": "exact", "outside_trusted": None}
    # Trusted origins narrower than what the entries accept.
    narrow = verdicts.origins_proof(safe, ["https://app.acme-corp.io", "https://partner.example.com"])
    assert narrow["proof"] == "exact" and narrow["outside_trusted"]
    assert re.match(safe[0].text, narrow["outside_trusted"], re.I)
    loose = verdicts.origins_proof([_entry(r"^https://.*acme-corp\.io$")])
    assert loose == {"proof": "exact", "outside_trusted": "https://evilacme-corp.io"}
    assert verdicts.origins_proof([_entry("https://app.acme-corp.io"), _entry("null")])["outside_trusted"] == "null"
    assert verdicts.origins_proof([_entry(r"^https://(?!x)[a-z]+\.acme-corp\.io$")]) == {"proof": "heuristic", "outside_trusted": None}


def test_runs_without_cors_code_load_neither_the_engine_nor_the_suffix_list(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "plain.py").write_text("import os\n")
    probe = (
        "import sys\nfrom cors_lint.cli import main\n"
        f"try:\n    main([{str(tmp_path)!r}])\nexcept SystemExit:\n    pass\n"
        "print(any(name.startswith(('cors_lint.model', 'publicsuffixlist')) for name in sys.modules))\n"
    )
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout
    assert output.strip().splitlines()[-1] == "False"
