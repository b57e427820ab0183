"""Bounded work: the time budget (cors_lint.budget), CRS003, and the
pathological corpus of issue 15, which must run to completion and account
for every file."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import List, Set

import pytest
from test_cli import cors_lint

from cors_lint import budget


def _processes_in(directory: Path) -> Set[int]:
    """Live processes (other than this one) whose working directory is
    ``directory``: workers and measurement children inherit it, and are found
    even after their parent is gone. SIGKILL is delivered asynchronously, so
    a process killed a moment ago gets two seconds to be gone."""
    deadline = time.monotonic() + 2.0
    while True:
        found = _live_processes_in(directory)
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def _live_processes_in(directory: Path) -> Set[int]:
    found: Set[int] = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                if os.readlink(f"/proc/{entry}/cwd") != str(directory):
                    continue
                with open(f"/proc/{entry}/stat", "rb") as stat:
                    if stat.read().rsplit(b")", 1)[1].split()[0] != b"Z":  # a zombie is already dead
                        found.add(int(entry))
            except OSError:
                continue
    return found


pytestmark = pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc to find leftover processes")


# Units of work for the budget (module level: workers are forked, nothing is pickled but units and results).
def _work(unit: str) -> str:
    if unit == "spin":
        while True:
            pass
    if unit == "stuck":  # deaf to the budget's signal: only the hard limit ends it
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGPROF})
        while True:
            pass
    if unit == "measure-forever":  # a measurement child is running when the budget ends the unit
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGPROF})
        budget.measure(_forever, None, 60.0)
    if unit == "die":
        os._exit(3)
    return unit.upper()


def _forever(_: object, report) -> None:
    while True:
        pass


def _overrun(unit: str, what: budget.Overrun) -> str:
    return f"{unit}:{what.kind}"


@pytest.mark.parametrize("jobs", [1, 2])
def test_budget_returns_every_result_in_order_and_leaves_no_process(
    jobs: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the workers and their children work here
    units = ["a", "spin", "b", "stuck", "c", "die", "measure-forever", "d"]
    results = budget.run(_work, units, timeout=0.3, jobs=jobs, overrun=_overrun)
    assert results == ["A", "spin:timeout", "B", "stuck:timeout", "C", "die:crash", "measure-forever:timeout", "D"]
    assert _processes_in(tmp_path.resolve()) == set()


def test_workers_end_when_their_parent_is_killed(tmp_path: Path) -> None:
    """A run killed from outside (SIGKILL: no clean-up) leaves no worker
    behind: an idle worker sees it is orphaned, a busy one when its unit ends."""
    import subprocess
    import sys

    script = (
        "import time\nfrom cors_lint import budget\n"
        "def work(unit):\n    time.sleep(1.5 if unit == 'slow' else 0)\n    return unit\n"
        "budget.run(work, ['fast', 'slow', 'fast', 'slow'], timeout=30, jobs=2, overrun=lambda u, o: None)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=tmp_path)
    deadline = time.monotonic() + 10
    while len(_live_processes_in(tmp_path.resolve()) - {parent.pid}) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(_live_processes_in(tmp_path.resolve()) - {parent.pid}) == 2, "the workers did not start"
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 2 * budget.PARENT_CHECK + 3.0
    while _live_processes_in(tmp_path.resolve()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _live_processes_in(tmp_path.resolve()) == set()


def test_budget_names_the_step_that_ran_out_of_time() -> None:
    steps: List[str] = []
    budget.run(_work, ["spin"], timeout=0.2, jobs=1, overrun=lambda unit, what: steps.append(what.step))
    assert steps == ["analysing the file"]  # the spinning frame is in this test module, not the pipeline
    assert budget.pipeline_step(None) == "analysing the file"


def test_budget_zero_runs_in_this_process() -> None:
    assert budget.run(lambda unit: (unit, os.getpid()), ["x"], timeout=0, jobs=4, overrun=_overrun) == [("x", os.getpid())]


def test_measure_is_bounded_and_reports_what_the_child_said() -> None:
    def count(limit: int, report) -> None:
        for number in range(limit):
            report(number)

    done = budget.measure(count, 3, 5.0)
    assert done.reports == [0, 1, 2] and done.finished
    stopped = budget.measure(_forever, None, 0.3)
    assert stopped.reports == [] and not stopped.finished and stopped.cpu_seconds > 0


# --- the command --------------------------------------------------------------------

HEADER = "from flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\n"
ORDINARY = HEADER + "CORS(app, supports_credentials=True)\n"
# re.match of this pattern on any origin of 30 characters tries 4**30 ways:
# the witness search alone would never end without the budget.
HANG = HEADER + "CORS(app, origins=[r'^(.|.|.|.)*!$'])\n"


def _codes_by_file(stdout: bytes) -> dict:
    by_file: dict = {}
    for finding in json.loads(stdout)["findings"]:
        by_file.setdefault(finding["path"], set()).add(finding["code"])
    return by_file


def test_a_file_over_budget_is_crs003_and_the_others_are_reported(tmp_path: Path) -> None:
    (tmp_path / "slow.py").write_text(HANG)
    (tmp_path / "ordinary.py").write_text(ORDINARY)
    result = cors_lint("--timeout", "3", "--format", "json", ".", cwd=tmp_path)
    assert result.returncode == 1
    by_file = _codes_by_file(result.stdout)
    assert "CRS003" in by_file["slow.py"] and "CRS101" in by_file["ordinary.py"]
    [timeout] = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "CRS003"]
    assert timeout["message"].startswith("The analysis ran out of its time budget (3 s) while ")
    assert json.loads(result.stdout)["summary"]["unanalysed"] == 1
    assert _processes_in(tmp_path.resolve()) == set()
    # --fail-on error or not: a file that was not analysed fails the run.
    assert cors_lint("--timeout", "1", "--fail-on", "error", "slow.py", cwd=tmp_path).returncode == 1


def test_timeout_from_the_configuration_and_zero_disables(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.cors-lint]\ntimeout = 1\n")
    (tmp_path / "slow.py").write_text(HANG)
    assert "CRS003" in _codes_by_file(cors_lint("--format", "json", ".", cwd=tmp_path).stdout)["slow.py"]
    (tmp_path / "pyproject.toml").write_text('[tool.cors-lint]\ntimeout = "soon"\n')
    refused = cors_lint(".", cwd=tmp_path)
    assert refused.returncode == 2 and b"timeout must be a number of seconds" in refused.stderr


def test_standard_input_is_bounded_too(tmp_path: Path) -> None:
    result = cors_lint("--timeout", "1", "--format", "json", "--stdin-filename", "app.py", "-", stdin=HANG.encode())
    assert _codes_by_file(result.stdout)["app.py"] >= {"CRS003"}


# --- the pathological corpus ----------------------------------------------------------


def _write_pathological_corpus(root: Path) -> Set[str]:
    """Issue 15's corpus, generated here; returns the names of its files."""
    (root / "pyproject.toml").write_text("[project]\nname = 'corpus'\n")
    patterns = {
        "redos_nested_count.py": r"^https://(.*a){30}$",
        "redos_alternation.py": r"(a|a)*b",
        "redos_words.py": r"(\w+\s?)*$",
        "redos_triple_plus.py": r"((a+)+)+",
        "redos_triple_plus_anchored.py": r"^((a+)+)+$",
    }
    for name, pattern in patterns.items():
        (root / name).write_text(HEADER + f"CORS(app, origins=[{pattern!r}], supports_credentials=True)\n")
        path_pattern = "/api/" + pattern.lstrip("^").replace("https://", "")  # faces paths, which start with /
        (root / ("resource_" + name)).write_text(HEADER + f"CORS(app, resources={{{path_pattern!r}: {{}}}})\n")
    alternation = "|".join(f"https://app{i}\\.example\\.com" for i in range(5000))
    (root / "alternation_5000.py").write_text(HEADER + f"CORS(app, origins=[r'^({alternation})$'])\n")
    origins = ", ".join(f"'https://app{i}.example.com'" for i in range(10000))
    (root / "origins_10000.py").write_text(HEADER + f"CORS(app, origins=[{origins}])\n")
    resources = ", ".join(f"r'/api/v{i}/.*': {{'origins': 'https://app{i}.example.com'}}" for i in range(2000))
    (root / "resources_2000.py").write_text(HEADER + f"CORS(app, resources={{{resources}}})\n")
    for i in range(300):  # a cycle: module i imports module i+1, the last imports the first
        (root / f"cycle_{i:03}.py").write_text(
            f"from cycle_{(i + 1) % 300:03} import ORIGINS as NEXT\nORIGINS = NEXT\n"
            + ("from flask_cors import CORS\nCORS(app, origins=ORIGINS)\n" if i % 50 == 0 else "")
        )
    lines = "".join(f"value_{i} = {i}\n" for i in range(50000))
    (root / "long_50000.py").write_text(HEADER + lines + "CORS(app, origins=['https://app.example.com'])\n")
    (root / "ordinary.py").write_text(ORDINARY)
    return {path.name for path in root.glob("*.py")}


def test_pathological_corpus_runs_to_completion_and_accounts_for_every_file(tmp_path: Path) -> None:
    names = _write_pathological_corpus(tmp_path)
    first = cors_lint("--format", "json", "--jobs", "2", ".", cwd=tmp_path)
    assert first.returncode == 1 and b"Traceback" not in first.stderr
    document = json.loads(first.stdout)
    assert document["summary"]["files"] == len(names)
    by_file = _codes_by_file(first.stdout)
    assert "CRS101" in by_file["ordinary.py"]
    # Nothing ran out of its budget: each of these files is analysed.
    assert not any("CRS003" in codes for codes in by_file.values()), by_file
    for name in ("redos_nested_count.py", "redos_alternation.py", "redos_words.py", "redos_triple_plus_anchored.py"):
        assert "CRS112" in by_file[name], name
    for name in ("resource_redos_nested_count.py", "resource_redos_alternation.py", "resource_redos_words.py"):
        assert "CRS203" in by_file[name], name
    assert "CRS112" not in by_file.get("redos_triple_plus.py", set())  # re.match succeeds at once: linear
    assert by_file.get("origins_10000.py", set()) == set()
    assert "CRS201" not in by_file.get("resources_2000.py", set())
    # Identical bytes on a second run, with one process.
    assert cors_lint("--format", "json", "--jobs", "1", ".", cwd=tmp_path).stdout == first.stdout
    assert _processes_in(tmp_path.resolve()) == set()
