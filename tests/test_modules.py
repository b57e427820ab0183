"""Following project-local imports: settings modules, packages, cycles."""

from __future__ import annotations

import json
from pathlib import Path

from test_cli import cors_lint

from cors_lint import lint_paths
from cors_lint.find import modules

APP = "from flask import Flask\nfrom flask_cors import CORS\n{imports}\nCORS(Flask('x'), origins={origins}, supports_credentials=True)\n"


def _project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (tmp_path / "settings.py").write_text("ORIGINS = '*'\n")
    for index in range(3):
        (tmp_path / f"app_{index}.py").write_text(APP.format(imports="from settings import ORIGINS", origins="ORIGINS"))
    return tmp_path


def test_each_imported_module_is_parsed_once_per_run(tmp_path: Path, monkeypatch) -> None:
    project = _project(tmp_path)
    parsed = []
    original = modules.ModuleLoader._parse
    monkeypatch.setattr(modules.ModuleLoader, "_parse", lambda self, path: parsed.append(path) or original(self, path))
    run = lint_paths([str(project)], jobs=1)
    assert parsed == [project / "settings.py"]
    # The three apps reach one value: one finding, in the settings module.
    assert [(Path(f.path).name, f.where.line, f.code) for f in run.findings] == [("settings.py", 1, "CRS101")]


def test_linting_one_file_still_follows_its_imports(tmp_path: Path) -> None:
    project = _project(tmp_path)
    output = json.loads(cors_lint("--format", "json", "app_1.py", cwd=project).stdout)
    (finding,) = output["findings"]
    assert (finding["path"], finding["code"]) == ("settings.py", "CRS101")
    assert finding["message"].endswith("(the value is used in app_1.py).")


def test_noqa_in_the_settings_module_applies(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "settings.py").write_text("ORIGINS = '*'  # noqa: CRS101\n")
    assert json.loads(cors_lint("--format", "json", ".", cwd=project).stdout)["findings"] == []


def test_cycles_end_and_outside_modules_stay_unknown(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text("")
    (tmp_path / "a.py").write_text("from b import X\n")
    (tmp_path / "b.py").write_text("from a import X\n")
    (tmp_path / "app.py").write_text(APP.format(imports="from a import X\nfrom flask import Y", origins="[X, Y]"))
    run = lint_paths([str(tmp_path / "app.py")], select=("CRS502",))
    reasons = " ".join(finding.message for finding in run.findings)
    assert "import cycle" in reasons
    assert [finding.code for finding in run.findings] == ["CRS502"]


def test_project_root_is_the_nearest_marker_or_the_package_top(tmp_path: Path) -> None:
    (tmp_path / "repo" / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "repo" / "setup.py").write_text("")
    assert modules.project_root(tmp_path / "repo" / "pkg" / "sub" / "m.py") == tmp_path / "repo"
    (tmp_path / "loose" / "pkg").mkdir(parents=True)
    (tmp_path / "loose" / "pkg" / "__init__.py").write_text("")
    root = modules.project_root(tmp_path / "loose" / "pkg" / "m.py")
    assert root == tmp_path / "loose" or any((root / marker).exists() for marker in modules.PROJECT_MARKERS)
