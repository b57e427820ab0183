"""Where a statement stands among the ``if``/``else`` arms (and ``try``/
``except`` handlers) of its function, as plain data: later stages compare
these without the syntax tree."""

from __future__ import annotations

from typing import Any, Tuple

# (id of the If/Try node, arm, what decides the arm) triples, outermost first.
# What decides is the ``if`` test node, or a text for ``try``/``except``: it
# is put in words only when a message needs it (code generation costs).
Branch = Tuple[Tuple[int, int, Any], ...]


def exclusive(first: Branch, second: Branch) -> bool:
    """Can never both run: different arms of one ``if`` (or ``try``/``except``)."""
    arms = {node: arm for node, arm, _ in first}
    return any(node in arms and arms[node] != arm for node, arm, _ in second)


def condition(branch: Branch) -> str:
    """The conditions of a branch in words: "when `app.debug`, when not `x`"."""
    return ", ".join(_words(arm, decider) for _, arm, decider in branch)


def _words(arm: int, decider: Any) -> str:
    if isinstance(decider, str):
        return decider
    import libcst as cst  # only when a message shows a condition

    code = " ".join(cst.Module([]).code_for_node(decider).split())
    code = code if len(code) <= 50 else code[:47] + "..."
    return f"when `{code}`" if arm == 0 else f"when not `{code}`"
