"""The repaired text of an origin or resource pattern: what the author meant,
as pure functions of the text. Whether a repair is safe is not decided here
but from the model (``cors_lint.model.narrowing``), finding by finding.

Each function returns None when it cannot tell what was meant; the rule then
proposes no fix.
"""

from __future__ import annotations

import re
from typing import Optional, Tuple

from cors_lint.model.origins import DEFAULT_PORTS, browser_origin

# One DNS label of any subdomain, and any number of them followed by a dot.
ONE_LABEL = "[a-z0-9-]+"
SUBDOMAINS = r"([a-z0-9-]+\.)*"


def anchored_at_end(pattern: str) -> Optional[str]:
    """``pattern`` with ``$`` at its end (around a top-level alternation,
    which ``$`` would otherwise end only the last branch of)."""
    if pattern.endswith(("$", "\\Z")) and not pattern.endswith("\\$"):
        return None  # anchored already: a branch or a repetition runs on, no mechanical repair
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError):
        return None
    if _top_level_alternation(pattern):
        return f"(?:{pattern})$"
    return pattern + "$"


def _top_level_alternation(pattern: str) -> bool:
    depth, index, in_class = 0, 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[index + 1 : index + 2] == "]":
                index += 1  # a ']' first in a class is a literal
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return True
        index += 1
    return False


def escaped_host_dots(pattern: str) -> Optional[str]:
    """Every ``.`` between two letters or digits escaped: the dots between
    host labels (``app.example.com``), not ``.*`` or ``.+``."""
    out = []
    index = 0
    in_class = False
    changed = False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "." and 0 < index < len(pattern) - 1 and _label_char(pattern[index - 1]) and _label_char(pattern[index + 1]):
            out.append("\\.")
            changed = True
            index += 1
            continue
        out.append(char)
        index += 1
    return "".join(out) if changed else None


def _label_char(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "-")


# A repetition that runs straight into a host name: ``.*example``, ``\w+example``, ``[a-z]+example``.
_OPEN_PREFIX = re.compile(r"(?<![\\\]])(?:\.[*+]|\\w[*+]|\[[^\]\\]*\][*+])(?=[a-z0-9])", re.IGNORECASE)


def subdomain_boundary(pattern: str) -> Optional[str]:
    """The open prefix before the host name replaced by whole subdomain
    labels, each ending with a dot: ``https://.*acme-corp\\.io`` becomes
    ``https://([a-z0-9-]+\\.)*acme-corp\\.io``. A prefix that also stood for
    the scheme (``^.*acme-corp\\.io``) gets ``https://``."""
    match = _OPEN_PREFIX.search(pattern)
    if match is None:
        return None
    before = pattern[: match.start()]
    if before in ("", "^"):
        replacement = "https://" + SUBDOMAINS
    elif before.endswith("://") or before.endswith(("(", "|")):
        replacement = SUBDOMAINS
    else:
        return None
    return before + replacement + pattern[match.end() :]


_GLOB = re.compile(r"(?:(?P<scheme>[a-z][a-z0-9+.-]*)://)?(?P<host>[a-z0-9*.-]+)(?::(?P<port>\*|[0-9]{1,5}))?\Z", re.IGNORECASE)


def glob_regex(glob: str) -> Optional[str]:
    """The anchored regex a glob origin means: ``*`` as one host label (one
    subdomain level) or any port; ``https`` when no scheme is written."""
    match = _GLOB.match(glob.strip())
    if match is None:
        return None
    labels = match.group("host").lower().split(".")
    if not labels or any(not label or ("*" in label and label != "*") for label in labels) or "*" in labels[-1]:
        return None
    host = r"\.".join(ONE_LABEL if label == "*" else label for label in labels)
    port = match.group("port")
    port_regex = "" if port is None else (":[0-9]+" if port == "*" else ":" + port)
    scheme = (match.group("scheme") or "https").lower()
    if "*" not in glob and port != "*":
        return None
    return f"^{scheme}://{host}{port_regex}$"


def browser_origins(text: str) -> Optional[Tuple[str, ...]]:
    """The origin(s) a browser sends for an entry that never matches: without
    surrounding whitespace, trailing slash, path or default port, with a
    scheme, one string per origin of a comma-joined list."""
    parts = [part.strip() for part in text.split(",")] if "," in text else [text.strip()]
    origins = []
    for part in parts:
        origin = _as_origin(part)
        if origin is None:
            return None
        origins.append(origin)
    return tuple(dict.fromkeys(origins))


def _as_origin(text: str) -> Optional[str]:
    if not text:
        return None
    if "://" not in text:
        text = "https://" + text
    scheme, rest = text.split("://", 1)
    rest = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    host, _, port = rest.rpartition(":") if ":" in rest and not rest.endswith("]") else (rest, "", "")
    if port and DEFAULT_PORTS.get(scheme.lower()) == port:
        rest = host
    origin = f"{scheme}://{rest}"
    return origin if browser_origin(origin.lower()) is not None else None


def escaped_literal_origin(text: str) -> Optional[str]:
    """An origin flask-cors takes for a regex by accident (the brackets of an
    IPv6 address), as the anchored regex that matches exactly it."""
    if browser_origin(text.lower()) is None:
        return None
    return "^" + re.escape(text) + "$"


def path_prefix_regex(pattern: str) -> Optional[str]:
    """``/api/*`` (meant as a glob) as the regex ``/api/.*``: the ``/`` is
    then required, so ``/apiary`` and ``/api-admin`` are no longer covered."""
    if not pattern.endswith("/*") or len(pattern) < 3:
        return None
    head = pattern[:-1]
    if any(char in head for char in "*\\]?$^[()+{}|"):
        return None
    return head + ".*"


def rooted_path(pattern: str) -> Optional[str]:
    """A resource pattern without its leading ``/``, with it."""
    if pattern.startswith("^"):
        return "^/" + pattern[1:] if pattern[1:2] and not pattern[1:2] == "/" else None
    return "/" + pattern if pattern and not pattern.startswith("/") else None
