"""Reading the project's flask-cors requirement: table-driven over the
file formats, with ranges, extras, markers, comments and includes; and the
released versions a requirement allows."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Optional, Tuple

import pytest

from cors_lint.link.requirements import find_requirements, poetry_specifier
from cors_lint.model import releases
from cors_lint.model.pinned import ASSUMED, LOCKED, REQUIRED, choose

ALL_6 = ("6.0.0", "6.0.1", "6.0.2", "6.0.3", "6.0.5")  # 6.0.4 was yanked

# (files, the versions allowed (None: check newest and how only), how, newest allowed)
CASES: Dict[str, Tuple[Dict[str, str], Optional[Tuple[str, ...]], str, str]] = {
    "requirements exact pin": ({"requirements.txt": "flask==3.0\nflask-cors==5.0.1\n"}, ("5.0.1",), REQUIRED, "5.0.1"),
    "extras, marker, comment, spelling": (
        {"requirements.txt": '# web\nFlask_CORS[extra] >= 4.0, <5 ; python_version >= "3.8"  # keep below 5\n'},
        ("4.0.0", "4.0.1", "4.0.2"),
        REQUIRED,
        "4.0.2",
    ),
    "-r include": ({"requirements.txt": "-r base.txt\n", "base.txt": "flask-cors~=4.0.1\n"}, ("4.0.1", "4.0.2"), REQUIRED, "4.0.2"),
    "-c constraints with --requirement= spelling": (
        {"requirements-dev.txt": "--requirement=requirements.txt\n-c constraints.txt\n", "requirements.txt": "flask-cors\n",
         "constraints.txt": "flask-cors<5\n"},
        None,
        REQUIRED,
        "4.0.2",
    ),
    "line continuation and hashes": (
        {"requirements.txt": "flask-cors \\\n    ==3.0.10 --hash=sha256:0123\n"}, ("3.0.10",), REQUIRED, "3.0.10"),
    "other packages only": ({"requirements.txt": "flask-corsair==1.0\nflask==3.0\n"}, (releases.NEWEST,), ASSUMED, releases.NEWEST),
    "exclusive markers allow both": (
        {"requirements.txt": 'flask-cors==3.0.10; python_version < "3.8"\nflask-cors==6.0.5; python_version >= "3.8"\n'},
        ("3.0.10", "6.0.5"),
        REQUIRED,
        "6.0.5",
    ),
    "yanked release only by exact pin": ({"requirements.txt": "flask-cors==6.0.4\n"}, ("6.0.4",), REQUIRED, "6.0.4"),
    "range skips the yanked release": ({"requirements.txt": "flask-cors>=6\n"}, ALL_6, REQUIRED, "6.0.5"),
    "pyproject dependencies": (
        {"pyproject.toml": '[project]\nname = "x"\ndependencies = ["flask>=3", "flask-cors>=5,<6"]\n'},
        ("5.0.0", "5.0.1"),
        REQUIRED,
        "5.0.1",
    ),
    "pyproject optional group": (
        {"pyproject.toml": '[project]\nname = "x"\n[project.optional-dependencies]\nweb = ["Flask-Cors==4.0.0"]\n'},
        ("4.0.0",),
        REQUIRED,
        "4.0.0",
    ),
    "dependency-groups": ({"pyproject.toml": '[dependency-groups]\ndev = ["flask-cors==5.0.0"]\n'}, ("5.0.0",), REQUIRED, "5.0.0"),
    "poetry caret": ({"pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.9"\nflask-cors = "^5.0"\n'}, ("5.0.0", "5.0.1"), REQUIRED, "5.0.1"),
    "poetry table with tilde": (
        {"pyproject.toml": '[tool.poetry.dependencies]\nflask-cors = {version = "~4.0.1", extras = ["x"]}\n'},
        ("4.0.1", "4.0.2"),
        REQUIRED,
        "4.0.2",
    ),
    "poetry group": ({"pyproject.toml": '[tool.poetry.group.web.dependencies]\nflask_cors = "4.0.2"\n'}, ("4.0.2",), REQUIRED, "4.0.2"),
    "pdm dev-dependencies": ({"pyproject.toml": '[tool.pdm.dev-dependencies]\ntest = ["flask-cors==3.0.9"]\n'}, ("3.0.9",), REQUIRED, "3.0.9"),
    "poetry.lock wins": (
        {"pyproject.toml": '[tool.poetry.dependencies]\nflask-cors = ">=4"\n',
         "poetry.lock": '[[package]]\nname = "flask"\nversion = "3.0.0"\n\n[[package]]\nname = "flask-cors"\nversion = "4.0.1"\n'},
        ("4.0.1",),
        LOCKED,
        "4.0.1",
    ),
    "uv.lock": ({"uv.lock": 'version = 1\n\n[[package]]\nname = "flask-cors"\nversion = "5.0.1"\nsource = { registry = "https://pypi.org/simple" }\n'},
                ("5.0.1",), LOCKED, "5.0.1"),
    "Pipfile": ({"Pipfile": '[packages]\nflask = "*"\nflask-cors = "==5.0.0"\n'}, ("5.0.0",), REQUIRED, "5.0.0"),
    "Pipfile any version": ({"Pipfile": '[dev-packages]\n"flask_cors" = "*"\n'}, None, REQUIRED, releases.NEWEST),
    "Pipfile.lock": ({"Pipfile.lock": '{"_meta": {}, "default": {"flask-cors": {"version": "==4.0.0"}}, "develop": {}}'},
                     ("4.0.0",), LOCKED, "4.0.0"),
    "setup.cfg": (
        {"setup.cfg": "[options]\ninstall_requires =\n    flask>=3  # web\n    flask-cors>=4.0.2,<5.0.1\n"},
        ("4.0.2", "5.0.0"),
        REQUIRED,
        "5.0.0",
    ),
    "setup.py": (
        {"setup.py": 'from setuptools import setup\nsetup(name="x", install_requires=["flask", "flask-cors==3.0.10"])\n'},
        ("3.0.10",),
        REQUIRED,
        "3.0.10",
    ),
    "requirements and pyproject together": (
        {"requirements.txt": "flask-cors==5.0.1\n", "pyproject.toml": '[project]\nname = "x"\ndependencies = ["flask-cors>=5"]\n'},
        ("5.0.1",),
        REQUIRED,
        "5.0.1",
    ),
    "nothing": ({}, (releases.NEWEST,), ASSUMED, releases.NEWEST),
}


@pytest.mark.parametrize("files, versions, how, newest", CASES.values(), ids=list(CASES))
def test_requirement_formats(tmp_path: Path, files, versions, how, newest) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    pinned = choose(find_requirements(tmp_path, tmp_path))
    if versions is not None:
        assert pinned.versions == versions
    assert pinned.how == how
    assert pinned.newest_allowed == newest


def test_requirement_location(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("flask\n\n  flask-cors==5.0.1  # pinned\n")
    [declared] = find_requirements(tmp_path, tmp_path)
    assert (declared.line, declared.column, declared.text) == (3, 3, "flask-cors==5.0.1")
    (tmp_path / "poetry.lock").write_text('[[package]]\nname = "flask-cors"\nversion = "5.0.1"\n')
    [locked] = find_requirements(tmp_path, tmp_path)
    assert (locked.line, locked.locked) == (3, True)


def test_requirements_are_found_above_the_package(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["flask-cors==4.0.0"]\n')
    package = tmp_path / "src" / "app"
    package.mkdir(parents=True)
    assert choose(find_requirements(package, tmp_path)).versions == ("4.0.0",)


def test_an_include_cycle_ends(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("-r other.txt\nflask-cors==5.0.0\n")
    (tmp_path / "other.txt").write_text("-r requirements.txt\n")
    assert choose(find_requirements(tmp_path, tmp_path)).versions == ("5.0.0",)


@pytest.mark.parametrize(
    "constraint, specifier",
    [("^5.0", ">=5.0,<6"), ("^0.2.3", ">=0.2.3,<0.3"), ("~4.0.1", ">=4.0.1,<4.1"), ("~4", ">=4,<5"), ("4.0.2", "==4.0.2"),
     ("*", ""), (">=4,<6", ">=4,<6"), ("4.0.*", "==4.0.*")],
)
def test_poetry_constraints(constraint: str, specifier: str) -> None:
    assert poetry_specifier(constraint) == specifier


def test_an_override_replaces_the_requirement() -> None:
    pinned = choose((), "4.0.1", "--flask-cors-version")
    assert pinned.versions == ("4.0.1",) and "--flask-cors-version" in pinned.describe()


@pytest.mark.parametrize(
    "name, text",
    [("setup.cfg", "[options\ninstall_requires = flask-cors==5.0.1"), ("Pipfile.lock", "{not json flask-cors"),
     ("pyproject.toml", "[project\ndependencies = ['flask-cors==5.0.1']"), ("setup.py", "setup(install_requires=['flask-cors==5.0.1'")],
)
def test_a_broken_file_declares_nothing(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text)
    assert find_requirements(tmp_path, tmp_path) == ()
