"""Where a statement stands among the ``if``/``else`` arms (and ``try``/
``except`` handlers) of its function, as plain data: later stages compare
these without the syntax tree."""

from __future__ import annotations

from typing import Tuple

# (id of the If/Try node, arm, the condition in words) triples, outermost first.
Branch = Tuple[Tuple[int, int, str], ...]


def exclusive(first: Branch, second: Branch) -> bool:
    """Can never both run: different arms of one ``if`` (or ``try``/``except``)."""
    arms = {node: arm for node, arm, _ in first}
    return any(node in arms and arms[node] != arm for node, arm, _ in second)


def condition(branch: Branch) -> str:
    """The conditions of a branch in words: "when `app.debug`, when not `x`"."""
    return ", ".join(words for _, _, words in branch)
