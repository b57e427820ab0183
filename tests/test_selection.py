"""Rule selection as ruff does it: --select replaces the default set (opt-in
rules included when named, by code or prefix, or with CRS/ALL),
--extend-select adds, --ignore removes, the most specific prefix wins; the
same keys in [tool.cors-lint]; and the output summaries."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from test_cli import cors_lint

from cors_lint.rules import ALL_RULES, is_reported, selected_codes

DEFAULT = {rule.code for rule in ALL_RULES if rule.enabled_by_default}
EVERY = {rule.code for rule in ALL_RULES}

# (select, extend-select, ignore) -> (codes that must be reported, codes that must not)
TABLE = [
    ((), (), (), (DEFAULT, {"CRS502"})),
    (("CRS",), (), (), (EVERY, set())),
    (("CRS5",), (), (), ({"CRS501", "CRS502", "CRS001", "CRS003"}, {"CRS101"})),
    (("CRS502",), (), (), ({"CRS502"}, {"CRS501", "CRS101"})),
    ((), ("CRS502",), (), (DEFAULT | {"CRS502"}, set())),
    (("CRS1",), ("CRS2",), (), ({"CRS101", "CRS201", "CRS112", "CRS203"}, {"CRS301", "CRS502"})),
    (("CRS1",), (), ("CRS102",), ({"CRS101"}, {"CRS102"})),
    (("CRS102",), (), ("CRS1",), ({"CRS102"}, {"CRS101"})),  # the more specific select wins
    (("CRS1",), (), ("CRS1",), (set(), {"CRS101"})),  # a tie: ignore wins
    ((), (), ("CRS1", "CRS3"), ({"CRS001", "CRS002", "CRS003", "CRS201"}, {"CRS101", "CRS301"})),
    ((), (), ("CRS",), (set(), EVERY)),  # an ignore that matches them hides even CRS001-CRS003
    ((), (), ("CRS001", "CRS003"), ({"CRS002"}, {"CRS001", "CRS003"})),  # file-level findings: only when ignored by name
]


@pytest.mark.parametrize("select, extend, ignore, expected", TABLE)
def test_selection_table(select, extend, ignore, expected) -> None:
    reported, not_reported = expected
    for code in reported:
        assert is_reported(code, select, ignore, extend), code
    for code in not_reported:
        assert not is_reported(code, select, ignore, extend), code
    resolved = set(selected_codes(select, extend, ignore))
    assert reported <= resolved | {"CRS001", "CRS002", "CRS003"} and not (not_reported & resolved - {"CRS001", "CRS002", "CRS003"})


EVALUATION = Path(__file__).resolve().parent.parent / "fixtures" / "evaluation.py"


def _codes(*arguments: str, cwd: Path) -> set:
    result = cors_lint("--format", "json", *arguments, str(EVALUATION), cwd=cwd)
    return {finding["code"] for finding in json.loads(result.stdout)["findings"]}


@pytest.mark.parametrize(
    "arguments, config, has, lacks",
    [
        ([], "", set(), {"CRS502"}),
        (["--select", "CRS"], "", {"CRS502"}, set()),
        (["--select", "ALL"], "", {"CRS502"}, set()),
        (["--extend-select", "CRS502"], "", {"CRS502"}, set()),
        ([], 'select = ["ALL"]', {"CRS502"}, set()),
        ([], 'extend-select = ["CRS5"]', {"CRS502"}, set()),
        ([], 'select = ["CRS"]\nignore = ["CRS502"]', set(), {"CRS502"}),
        (["--ignore", "CRS5"], 'select = ["CRS"]', set(), {"CRS502"}),
        ([], 'select = ["CRS"]\nper-file-ignores = { "*.py" = ["CRS502"] }', set(), {"CRS502"}),
    ],
)
def test_command_line_and_pyproject_keys(tmp_path: Path, arguments, config, has, lacks) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.cors-lint]\n{config}\n")
    codes = _codes(*arguments, cwd=tmp_path)
    assert has <= codes and not (lacks & codes), codes


def test_list_rules_marks_opt_in_rules() -> None:
    listing = cors_lint("--list-rules").stdout.decode()
    [line] = [line for line in listing.splitlines() if line.startswith("| CRS502 ")]
    assert "opt-in" in line
    assert all("opt-in" not in line for line in listing.splitlines() if line.startswith("| CRS101 "))


# --- summaries ----------------------------------------------------------------------------


def test_json_summary_counts_equal_the_findings() -> None:
    document = json.loads(cors_lint("--format", "json", "--select", "CRS", "fixtures").stdout)
    findings, summary = document["findings"], document["summary"]
    assert summary["findings"] == len(findings)
    assert sum(summary["by_severity"].values()) == len(findings)
    assert sum(summary["by_code"].values()) == len(findings)
    for code, count in summary["by_code"].items():
        assert count == sum(1 for finding in findings if finding["code"] == code)
    for severity, count in summary["by_severity"].items():
        assert count == sum(1 for finding in findings if finding["severity"] == severity)
    assert summary["unanalysed"] == len({f["path"] for f in findings if f["code"] in {"CRS001", "CRS002", "CRS003"}})
    text = cors_lint("--select", "CRS", "fixtures").stdout.decode().rstrip().splitlines()[-1]
    assert text.startswith(f"{len(findings)} findings (") and text.endswith(f"in {summary['files']} files checked")
    assert not cors_lint("--quiet", "fixtures").stdout.decode().rstrip().splitlines()[-1].endswith("checked")


def test_one_spelling_of_paths_in_a_run(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "settings.py").write_text("ORIGINS = '*'\n")
    (tmp_path / "app.py").write_text(
        textwrap.dedent(
            """\
            from flask import Flask
            from flask_cors import CORS
            from settings import ORIGINS
            app = Flask(__name__)
            CORS(app, origins=ORIGINS)
            CORS(app, supports_credentials=True)
            """
        )
    )
    for arguments in (["."], ["./app.py"], ["app.py", "./settings.py"], [str(tmp_path)]):
        paths = {f["path"] for f in json.loads(cors_lint("--format", "json", *arguments, cwd=tmp_path).stdout)["findings"]}
        assert paths == {"app.py", "settings.py"}, (arguments, paths)
