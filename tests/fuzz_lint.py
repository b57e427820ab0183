"""Fuzz target: any bytes through the whole pipeline and every formatter.

By hand, with atheris (``pip install atheris``):

    python tests/fuzz_lint.py -max_total_time=600 fixtures/

The test suite runs ``check_one_input`` on a few inputs as a smoke test.
"""

from __future__ import annotations

import json
import sys

from cors_lint import __version__, lint_source
from cors_lint.report import github, json_output, sarif, text

# Without the marker most inputs would stop at the pre-filter.
PREFIX = b"from flask_cors import CORS, cross_origin\n"


def check_one_input(data: bytes) -> None:
    """Raises if the engine raises or a formatter produces invalid output."""
    findings = lint_source(PREFIX + data, "fuzzed.py", select=("CRS",))
    json.loads(json_output.render(findings, __version__))
    json.loads(sarif.render(findings, __version__))
    rendered = text.render(findings, 1) + github.render(findings)
    assert "\x1b" not in rendered, "control characters must be escaped"


def main() -> None:  # pragma: no cover - needs atheris
    import atheris

    atheris.Setup(sys.argv, check_one_input)
    atheris.Fuzz()


if __name__ == "__main__":  # pragma: no cover
    main()
