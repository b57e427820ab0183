"""The ``cors-lint`` program: ``cors-lint policy ...`` prints the per-route
inventory; anything else is the check (``cors-lint src/``).

A subcommand word rather than a click group keeps ``cors-lint PATH...`` as it
always was; a directory called ``policy`` is checked as ``./policy``.
"""

from __future__ import annotations

import sys
from typing import List, Optional


def main(argv: Optional[List[str]] = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "policy":
        from cors_lint.policy_cli import policy

        policy.main(args[1:], prog_name="cors-lint policy")
    else:
        from cors_lint.cli import main as check

        check.main(args, prog_name="cors-lint")


if __name__ == "__main__":
    main()
