"""Bounded work: units of analysis under a time budget, and bounded
measurements in a child process.

Infrastructure, not analysis: it knows nothing of CORS. Two entry points:

``run(work, units, timeout=..., jobs=..., overrun=...)``
    Applies ``work`` to every unit in worker processes (``jobs`` of them, at
    least one) and returns the results in the order of ``units``. Each unit
    gets ``timeout`` seconds of CPU time (so that a loaded machine does not
    change the results). At the budget a ``SIGPROF`` in the worker interrupts
    the unit (Python code and ``re`` matching both check for signals) and the
    worker goes on with the next unit; ``step_of`` names the step that was
    running from the interrupted stack. A unit still running after
    ``WALL_FACTOR`` times the budget plus ``HARD_GRACE`` seconds of wall time
    (stuck in native code that does not check signals, or blocked) is
    stopped by killing the worker's process group, children included, and a
    fresh worker takes over -- unless its worker has used less CPU time than
    the budget (a starved machine, read from /proc), which is waited for up
    to ``STARVED_FACTOR`` times the budget. Either way the unit's result is
    ``overrun(unit, Overrun(...))``. No process outlives ``run``. With
    ``timeout <= 0`` the units run in this process, unbounded.

``measure(function, argument, limit)``
    Runs ``function(argument, report)`` in a forked child with a hard wall
    limit (and a CPU-time limit as a backstop) and returns what the child
    reported through ``report`` before it finished or was killed.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from types import FrameType
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, TypeVar

U = TypeVar("U")
R = TypeVar("R")

# Wall time a unit gets before its worker is killed: WALL_FACTOR times the
# CPU budget (a machine shared with other work) plus HARD_GRACE.
WALL_FACTOR = 3.0
# A unit past that wall time whose worker has used less CPU than the budget is
# on a starved machine, and gets up to this many times the budget in wall time.
STARVED_FACTOR = 20.0
HARD_GRACE = 2.0
# How often (seconds) an idle worker looks whether its parent still lives.
PARENT_CHECK = 0.5
_TIMER = getattr(signal, "ITIMER_PROF", None)  # CPU time of the process, user and system
_SIGNAL = getattr(signal, "SIGPROF", None)


@dataclass(frozen=True)
class Overrun:
    """Why a unit produced no result of its own."""

    kind: str  # "timeout": over budget; "crash": the worker process died
    step: str  # the step that was running, as step_of named it
    seconds: float  # the budget (timeout) or the time the unit ran (crash)


class _Expired(BaseException):
    """Raised inside a worker at the budget; BaseException so that the
    analysis's own ``except Exception`` handlers do not swallow it."""

    def __init__(self, step: str) -> None:
        super().__init__(step)
        self.step = step


# Where a unit of cors-lint's pipeline spends its time, innermost first.
PIPELINE_STEPS: Tuple[Tuple[str, str], ...] = (
    ("cors_lint/model/redos", "measuring a regular expression's matching time"),
    ("libcst/", "parsing the file with libcst"),
    ("cors_lint/find/guard", "screening the file with Python's parser"),
    ("cors_lint/find/modules", "loading an imported project module"),
    ("cors_lint/find/", "finding the CORS configuration in the parsed file"),
    ("cors_lint/link/", "linking the app's modules (apps, blueprints, routes, config)"),
    ("cors_lint/model/application", "building the app's policy per route"),
    ("cors_lint/evaluate/", "evaluating the configuration's expressions"),
    ("cors_lint/model/", "building the policy model"),
    ("cors_lint/rules/", "checking the rules"),
    ("cors_lint/noqa", "reading the noqa comments"),
    ("/re/", "matching a regular expression"),
    ("sre_", "matching a regular expression"),
)


def pipeline_step(frame: Optional[FrameType]) -> str:
    """The step of cors-lint's pipeline that ``frame`` (or its callers) runs."""
    while frame is not None:
        filename = frame.f_code.co_filename.replace(os.sep, "/")
        for marker, step in PIPELINE_STEPS:
            if marker in filename:
                return step
        frame = frame.f_back
    return "analysing the file"


def run(
    work: Callable[[U], R],
    units: Sequence[U],
    *,
    timeout: float,
    jobs: int,
    overrun: Callable[[U, Overrun], R],
    reset: Optional[Callable[[], None]] = None,
    prepare: Optional[Callable[[], None]] = None,
    step_of: Callable[[Optional[FrameType]], str] = pipeline_step,
) -> List[R]:
    """``[work(unit) for unit in units]``, each unit bounded by ``timeout``
    seconds (see the module's documentation). ``prepare`` runs once in this
    process before the workers are forked (imports they all need, outside
    any unit's budget); ``reset`` runs in a worker after one of its units was
    interrupted (to drop half-built caches)."""
    if timeout <= 0 or not units:
        return [work(unit) for unit in units]
    if prepare is not None:
        prepare()
    import multiprocessing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    results: Dict[int, R] = {}
    pending = list(range(len(units)))
    pending.reverse()  # pop() from the end takes them in order
    idle: List[_Worker] = []
    busy: Dict[Any, _Worker] = {}  # connection -> worker
    started = 0
    try:
        while pending or busy:
            while pending and len(idle) + len(busy) < max(1, jobs):
                idle.append(_Worker(context, work, reset, timeout, step_of))
                started += 1
            while pending and idle:
                worker = idle.pop()
                index = pending.pop()
                worker.start(index, units[index])
                busy[worker.connection] = worker
            now = time.monotonic()
            deadline = min(worker.deadline for worker in busy.values())
            for connection in wait(list(busy), timeout=max(0.0, deadline - now)):
                worker = busy.pop(connection)
                index = worker.index
                try:
                    kind, payload = connection.recv()
                except (EOFError, OSError):
                    worker.stop()
                    results[index] = overrun(units[index], Overrun("crash", "", time.monotonic() - worker.began))
                    continue
                if kind == "done":
                    results[index] = payload
                else:
                    results[index] = overrun(units[index], Overrun("timeout", payload, timeout))
                worker.index = -1
                idle.append(worker)
            now = time.monotonic()
            for connection, worker in list(busy.items()):
                if now >= worker.deadline and worker.starved(now):
                    worker.deadline = now + HARD_GRACE
                elif now >= worker.deadline:
                    del busy[connection]
                    worker.stop()
                    step = "native code that could not be interrupted (probably parsing)"
                    results[worker.index] = overrun(units[worker.index], Overrun("timeout", step, timeout))
    finally:
        for worker in idle + list(busy.values()):
            worker.stop(gently=not busy)
    return [results[index] for index in range(len(units))]


class _Worker:
    def __init__(self, context: Any, work: Callable, reset: Optional[Callable], timeout: float, step_of: Callable) -> None:
        self.connection, child_end = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child_end, work, reset, timeout, step_of, os.getpid(), self.connection)
        )  # not a daemon: a daemon may not start the children that ``measure`` needs
        self.process.start()
        child_end.close()
        self.timeout = timeout
        self.index = -1
        self.began = 0.0
        self.deadline = 0.0
        self.cpu_at_start: Optional[float] = None

    def start(self, index: int, unit: Any) -> None:
        self.index = index
        self.began = time.monotonic()
        self.deadline = self.began + WALL_FACTOR * self.timeout + HARD_GRACE
        self.cpu_at_start = _process_cpu(self.process.pid)
        self.connection.send((index, unit))

    def starved(self, now: float) -> bool:
        """Past its wall deadline with less CPU time than its budget: the
        machine is busy, not the analysis stuck (a unit stuck in native code
        uses its CPU). Waited for, up to STARVED_FACTOR times the budget."""
        spent = _process_cpu(self.process.pid)
        if spent is None or self.cpu_at_start is None or now - self.began > STARVED_FACTOR * self.timeout:
            return False
        return spent - self.cpu_at_start < self.timeout

    def stop(self, gently: bool = False) -> None:
        """End the worker and every process it started; never leaves one behind."""
        if gently and self.process.is_alive():
            try:
                self.connection.send(None)
            except OSError:
                pass
            self.process.join(1.0)
        if self.process.is_alive():
            _kill_group(self.process.pid)
            self.process.kill()  # in case it had not yet made its own group
        self.process.join()
        _kill_group(self.process.pid)  # a measurement child still in the worker's group
        self.connection.close()


def _kill_group(pid: Optional[int]) -> None:
    if pid is None:
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass


_armed = False
_step_of: Callable[[Optional[FrameType]], str] = pipeline_step


def _alarm(signum: int, frame: Optional[FrameType]) -> None:
    if _armed:
        raise _Expired(_step_of(frame))


def _serve(
    connection: Any,
    work: Callable,
    reset: Optional[Callable],
    timeout: float,
    step_of: Callable,
    parent: int,
    parent_end: Any,
) -> None:
    """A worker's loop: one unit at a time, each under a CPU-time budget.

    A worker ends when its parent does, however the parent ended: the fork
    gave it a copy of the parent's end of the pipe (closed here) and of other
    workers' ends, so end-of-file alone cannot be relied on; the parent is
    looked for while the worker waits."""
    global _armed, _step_of
    parent_end.close()
    try:
        os.setpgid(0, 0)  # its own process group: killing it kills its children too
    except OSError:  # pragma: no cover
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and ends the workers
    signal.signal(_SIGNAL, _alarm)
    _step_of = step_of
    while True:
        try:
            while not connection.poll(PARENT_CHECK):
                if os.getppid() != parent:
                    return  # orphaned: the parent was killed
            message = connection.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if message is None:
            return
        index, unit = message
        try:
            _armed = True
            signal.setitimer(_TIMER, timeout)
            try:
                result: Tuple[str, Any] = ("done", work(unit))
            finally:
                _armed = False
                signal.setitimer(_TIMER, 0)
        except _Expired as expired:
            result = ("timeout", expired.step)
            if reset is not None:
                reset()
        try:
            connection.send(result)
        except (OSError, ValueError):
            return


@dataclass(frozen=True)
class Measurement:
    reports: List[Any]  # what the child passed to ``report``, in order
    finished: bool  # the function returned (False: stopped, or it died)
    cpu_seconds: float  # CPU time the child used, as the kernel counted it


def measure(
    function: Callable[[Any, Callable[[Any], None]], None],
    argument: Any,
    limit: float,
    patience: Optional[float] = None,
    cpu_limit: Optional[float] = None,
) -> Measurement:
    """Run ``function(argument, report)`` in a forked child for at most
    ``limit`` seconds of wall time, at most ``cpu_limit`` seconds of the
    child's CPU time, and at most ``patience`` seconds of its CPU time
    without a report. A CPU limit gives the child the same work on a busy
    machine as on an idle one (the wall limit then only guards against a
    starved one). The child also gets an operating-system CPU-time limit, so
    it ends even if this process is killed first. Nothing of the child
    outlives the call."""
    from multiprocessing.connection import Connection

    if not hasattr(os, "fork"):  # pragma: no cover - Windows: nothing is measured
        return Measurement([], False, 0.0)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        _measure_child(Connection(write_end, readable=False), function, argument, min(limit, cpu_limit or limit))
    os.close(write_end)
    receiver = Connection(read_end, writable=False)
    reports: List[Any] = []
    finished = False
    cpu = 0.0
    try:
        end = time.monotonic() + limit
        cpu_at_report = 0.0
        while True:
            remaining = end - time.monotonic()
            if remaining <= 0:
                break
            if receiver.poll(min(remaining, 0.05)):
                try:
                    message = receiver.recv()
                except (EOFError, OSError):
                    break
                if message == ("finished",):
                    finished = True
                    break
                reports.append(message[1])
                cpu_at_report = _cpu_of(pid)
                if cpu_limit is not None and cpu_at_report > cpu_limit:
                    break
            else:
                spent = _cpu_of(pid)
                if cpu_limit is not None and spent > cpu_limit:
                    break
                if patience is not None and spent - cpu_at_report > patience:
                    break  # the child has spent ``patience`` seconds of CPU since it last reported
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _, _, usage = os.wait4(pid, 0)
        cpu = usage.ru_utime + usage.ru_stime
        receiver.close()
    return Measurement(reports, finished, cpu)


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _process_cpu(pid: Optional[int]) -> Optional[float]:
    """CPU seconds a live process has used, or None where /proc is not there."""
    if pid is None or not os.path.exists(f"/proc/{pid}/stat"):
        return None
    return _cpu_of(pid)


def _cpu_of(pid: int) -> float:
    """CPU seconds a process has used so far (Linux: /proc; elsewhere 0, and
    only the wall limit applies)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS
    except (OSError, IndexError, ValueError):
        return 0.0


def _measure_child(sender: Any, function: Callable, argument: Any, limit: float) -> None:
    # The child must not inherit a budget alarm of the worker that forked it.
    signal.setitimer(_TIMER, 0)
    signal.signal(_SIGNAL, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        import resource

        cpu = int(limit) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    except (ImportError, ValueError, OSError):  # pragma: no cover
        pass
    try:
        function(argument, lambda value: sender.send(("report", value)))
        sender.send(("finished",))
    except BaseException:  # noqa: BLE001 - the child reports nothing more; the parent sees it unfinished
        pass
    finally:
        sender.close()
        os._exit(0)  # no atexit handlers or pytest machinery of the parent


__all__ = ["HARD_GRACE", "Measurement", "Overrun", "measure", "pipeline_step", "run"]
