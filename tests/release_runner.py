"""Run generated Flask apps against one flask-cors release, in a process of
its own: ``python release_runner.py DIR < cases.json`` with the release
installed in DIR (first on ``sys.path``). Each case is ``{"source": ...,
"requests": [[path, method, headers], ...]}``; the answer, on stdout, is one
list per case: the CORS headers of each response (``oracle.ask``), or
``"startup error"`` where flask-cors raised (at start-up, or with a 500)."""

import json
import logging
import sys

if len(sys.argv) > 1 and sys.argv[1]:
    sys.path.insert(0, sys.argv[1])
sys.path.insert(1, __file__.rsplit("/", 1)[0])

import flask_cors  # noqa: E402 - the release in DIR, not the installed one
import oracle  # noqa: E402

logging.getLogger("flask_cors").setLevel(logging.CRITICAL)
STARTUP_ERROR = "startup error"


class _Captured(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.text = []

    def emit(self, record):
        self.text.append(record.getMessage())


def run(case):
    if case.get("log"):
        return _run_logged(case)
    namespace = {"__name__": "generated"}
    try:
        exec(compile(case["source"], "generated.py", "exec"), namespace)  # noqa: S102 - the tests' own generated code
    except (ValueError, TypeError):
        return [STARTUP_ERROR] * len(case["requests"])
    app = namespace["app"]
    answers = []
    for path, method, headers in case["requests"]:
        try:
            answers.append([list(pair) for pair in oracle.ask(app, path, method, headers)])
        except Exception:  # noqa: BLE001 - a 500: flask-cors raised while answering
            answers.append(STARTUP_ERROR)
    return answers


def _run_logged(case):
    """Each request's headers and what flask-cors logged at DEBUG for it."""
    namespace = {"__name__": "generated"}
    exec(compile(case["source"], "generated.py", "exec"), namespace)  # noqa: S102
    app = namespace["app"]
    logger = logging.getLogger("flask_cors")
    answers = []
    for path, method, headers in case["requests"]:
        captured = _Captured()
        logger.addHandler(captured)
        logger.setLevel(logging.DEBUG)
        try:
            answer = [list(pair) for pair in oracle.ask(app, path, method, headers)]
        finally:
            logger.removeHandler(captured)
            logger.setLevel(logging.CRITICAL)
        answers.append([answer, "\n".join(captured.text)])
    return answers


def main():
    cases = json.load(sys.stdin)
    json.dump({"version": getattr(flask_cors, "__version__", "?"), "file": flask_cors.__file__,
               "answers": [run(case) for case in cases]}, sys.stdout)


if __name__ == "__main__":
    main()
