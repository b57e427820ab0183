"""The benchmark: cors-lint against grep, semgrep and flake8, measured as
whole processes in one run, reported as ratios.

    python bench/run.py            # prints the table (takes a few minutes)
    python bench/run.py --quick    # one run of each, small dense corpus, no semgrep or flake8 (a smoke test)

cors-lint is measured as users install it: this checkout is pip-installed
(not in editable mode, whose import hook costs every process about 15 ms)
into a virtual environment of its own under bench/.cache, with the flake8
extra, and reinstalled at each run so the numbers are about the code as it
is. semgrep and a flake8 without the plugin get virtual environments of their
own too, installed on first use; a column whose tool cannot be installed is
skipped with a message.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
import venv
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import corpora

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
GREP_PATTERN = "CORS|cross_origin|Access-Control"
FLAKE8_CODES = "E9,F63,F7,F82"


@dataclass(frozen=True)
class Measurement:
    seconds: float  # median wall time
    peak_kib: int  # largest resident set of the process or any child it waited for


def measure(commands: Dict[str, Sequence[str]], runs: int, cwd: Path) -> Dict[str, Measurement]:
    """Run each command ``runs`` times, taking turns, so that the machine's
    slow drifts weigh on every tool alike; the order rotates from round to
    round (A B C, B C A, C A B, ...) because on this machine the tool that
    followed another was up to 20% slower than in a run after itself. Exit
    statuses 0 and 1 (findings) are fine."""
    times: Dict[str, List[float]] = {name: [] for name in commands}
    peaks: Dict[str, int] = {name: 0 for name in commands}
    names = list(commands)
    for round_number in range(runs):
        turn = round_number % len(names)
        for name in names[turn:] + names[:turn]:
            command = commands[name]
            start = time.perf_counter()
            process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            _, status, usage = os.wait4(process.pid, 0)
            times[name].append(time.perf_counter() - start)
            returncode = os.waitstatus_to_exitcode(status)
            error = process.stderr.read().decode(errors="replace") if process.stderr else ""
            if returncode not in (0, 1):
                raise RuntimeError(f"{' '.join(command)} exited {returncode}: {error[-500:]}")
            peaks[name] = max(peaks[name], usage.ru_maxrss)
    return {name: Measurement(statistics.median(times[name]), peaks[name]) for name in commands}


def tool_venv(name: str, packages: Sequence[str], executable: str, refresh: Sequence[str] = ()) -> Optional[Path]:
    """A virtual environment of its own for a tool; None if it cannot be
    installed. ``refresh`` is reinstalled each time (without its dependencies)."""
    directory = CACHE / name
    binary = directory / "bin" / executable
    pip = [str(directory / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    steps = [] if binary.exists() else [[*pip, *packages]]
    if refresh:
        steps.append([*pip, "--no-deps", "--force-reinstall", *refresh])
    if not directory.exists():
        venv.create(directory, with_pip=True)
    for step in steps:
        install = subprocess.run(step, capture_output=True, text=True)
        if install.returncode != 0 or not binary.exists():
            print(f"  ({name} could not be installed, its column is skipped: {install.stderr.strip()[-200:]})")
            return None
    return binary


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="one run, a 200-app dense corpus, no semgrep, no flake8")
    parser.add_argument("--skip-flake8", action="store_true", help="leave out flake8, which takes minutes on a large corpus")
    options = parser.parse_args(argv)
    runs = 1 if options.quick else options.runs
    CACHE.mkdir(exist_ok=True)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; median of {runs} run(s)")
    sparse = corpora.sparse(CACHE / "sparse")
    dense = corpora.dense(CACHE / ("dense-quick" if options.quick else "dense"), count=200 if options.quick else 2000)
    for name, corpus in (("sparse", sparse), ("dense", dense)):
        files = list(corpus.rglob("*.py"))
        size = sum(path.stat().st_size for path in files)
        lines = sum(path.read_bytes().count(b"\n") for path in files)
        print(f"{name} corpus: {len(files)} files, {size / 1e6:.0f} MB, {lines} lines")

    installed = tool_venv("cors-lint", [f"{ROOT}[flake8]"], "cors-lint", refresh=[str(ROOT)])
    if installed is None:
        return 1
    cors_lint = [str(installed), "--quiet"]
    grep = shutil.which("grep")
    semgrep = None if options.quick else tool_venv("semgrep", ["semgrep"], "semgrep")
    # flake8 takes minutes on the sparse corpus: not part of a quick run.
    plain_flake8 = None if options.quick or options.skip_flake8 else tool_venv("flake8", ["flake8"], "flake8")
    plugin_flake8 = installed.parent / "flake8"

    rows: Dict[str, Dict[str, Measurement]] = {}
    for name, corpus in (("sparse", sparse), ("dense", dense)):
        commands: Dict[str, Sequence[str]] = {
            "cors-lint": cors_lint + ["."],
            "cors-lint --jobs 1": cors_lint + ["--jobs", "1", "."],
        }
        if grep:
            commands["grep -rlE"] = [grep, "-rlE", GREP_PATTERN, "."]
        if semgrep:
            commands["semgrep"] = [
                str(semgrep), "scan", "--config", str(HERE / "semgrep-flask-cors.yml"), "--metrics=off",
                "--disable-version-check", "--quiet", "--jobs", str(os.cpu_count() or 1), ".",
            ]
        rows[name] = measure(commands, runs, corpus)
    if plain_flake8 and plugin_flake8.exists():
        # flake8 takes minutes on this corpus: at most three runs each.
        flake8_commands: Dict[str, Sequence[str]] = {
            "flake8 (no plugin)": [str(plain_flake8), "--select", FLAKE8_CODES, "."],
            "flake8 + cors-lint": [str(plugin_flake8), "--select", FLAKE8_CODES, "."],
        }
        rows["sparse"].update(measure(flake8_commands, min(runs, 3), sparse))

    print()
    print("| corpus | tool | wall time (s) | peak memory (MiB) |")
    print("|---|---|---|---|")
    for name, row in rows.items():
        for tool, result in row.items():
            print(f"| {name} | {tool} | {result.seconds:.2f} | {result.peak_kib / 1024:.0f} |")
    print()
    print("| target | measured | met |")
    print("|---|---|---|")
    for line in targets(rows):
        print(line)
    return 0


def ratio(rows: Dict[str, Dict[str, Measurement]], corpus: str, tool: str, other: str, field: str) -> Optional[float]:
    row = rows.get(corpus, {})
    if tool not in row or other not in row:
        return None
    ours, theirs = getattr(row[tool], field), getattr(row[other], field)
    return ours / theirs if theirs else None


def targets(rows: Dict[str, Dict[str, Measurement]]) -> List[str]:
    checks = [
        ("sparse: cors-lint / grep, wall time", ratio(rows, "sparse", "cors-lint", "grep -rlE", "seconds"), 2.0),
        ("sparse: cors-lint / semgrep, wall time", ratio(rows, "sparse", "cors-lint", "semgrep", "seconds"), 0.1),
        ("sparse: cors-lint / semgrep, peak memory", ratio(rows, "sparse", "cors-lint", "semgrep", "peak_kib"), 0.5),
        ("dense: cors-lint / semgrep, wall time", ratio(rows, "dense", "cors-lint", "semgrep", "seconds"), 1.0),
        ("flake8 with / without the plugin, sparse", ratio(rows, "sparse", "flake8 + cors-lint", "flake8 (no plugin)", "seconds"), 1.05),
    ]
    lines = []
    for label, value, limit in checks:
        if value is None:
            lines.append(f"| {label} <= {limit} | not measured | - |")
        else:
            lines.append(f"| {label} <= {limit} | {value:.2f} | {'yes' if value <= limit else 'no'} |")
    return lines


if __name__ == "__main__":
    sys.exit(main())
