"""Origin entries of a scope, and facts about browser origins.

An entry is one element of the effective ``origins`` option, as flask-cors
sees it after ``ensure_iterable`` and ``re_fix``; it knows whether flask-cors
treats it as a regex and matches request origins exactly as flask-cors does.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import List, Optional, Union

from cors_lint.evaluate.values import Mapping, Pattern, Sequence, Span, Unknown, python_string
from cors_lint.model import flaskcors, regex
from cors_lint.model.policy import Setting


@dataclass(frozen=True)
class OriginEntry:
    text: str  # the literal, or the regex source
    compiled: bool  # given as re.compile(...): its own flags, case-sensitive by default
    flags: int
    where: Span
    from_default: bool  # flask-cors's default '*', nothing written
    env: Optional[str] = None  # the environment variable whose default this is

    @property
    def is_regex(self) -> bool:
        return self.compiled or flaskcors.probably_regex(self.text)

    @property
    def is_wildcard(self) -> bool:
        """flask-cors's own "allow all" marker: the string '*' (or '.*')."""
        return not self.compiled and self.text == ".*"

    @property
    def regex_flags(self) -> int:
        """The flags flask-cors matches this entry with."""
        return self.flags if self.compiled else re.IGNORECASE

    @property
    def cost_reason(self) -> Optional[str]:
        """Why flask-cors's matching of this entry is not run by cors-lint."""
        return regex.too_costly(self.text, self.regex_flags) if self.is_regex else None

    def runtime_value(self) -> Union[str, "re.Pattern[str]"]:
        return re.compile(self.text, self.flags) if self.compiled else self.text

    def accepts(self, origin: str) -> bool:
        try:
            return flaskcors.match_origin(origin, self.runtime_value())
        except re.error:
            return False

    def shown(self) -> str:
        text = python_string(self.text)
        return f"re.compile({text})" if self.compiled else text


# Every origin rule asks for the entries of the same few settings: built once
# per setting object (a list of 10,000 origins took a second per rule).
_ENTRIES: "dict" = {}


def origin_entries(setting: Setting) -> Union[List[OriginEntry], Unknown]:
    """The entries of an ``origins`` setting, or why they are not known."""
    cached = _ENTRIES.get(id(setting))
    if cached is not None and cached[0] is setting:
        return list(cached[1]) if isinstance(cached[1], list) else cached[1]
    if len(_ENTRIES) > 512:
        _ENTRIES.clear()
    result = _origin_entries(setting)
    _ENTRIES[id(setting)] = (setting, result)
    return list(result) if isinstance(result, list) else result


def _origin_entries(setting: Setting) -> Union[List[OriginEntry], Unknown]:
    value = setting.value
    if isinstance(value, Unknown):
        return value
    inner = value.value
    if isinstance(inner, (str, Pattern)):
        items: tuple = (value,)
    elif isinstance(inner, Sequence):
        items = inner.items
    elif isinstance(inner, Mapping):
        items = tuple(key for key, _ in inner.items)
    else:
        return Unknown(f"origins={inner!r} is not a string or a list (flask-cors fails on it)", value.where)
    entries: List[OriginEntry] = []
    for item in items:
        if isinstance(item, Unknown):
            return item
        element = item.value
        if isinstance(element, Pattern):
            entries.append(OriginEntry(element.source, True, element.flags, item.where, setting.is_default, item.env))
        elif isinstance(element, str):
            text = flaskcors.re_fix(element)
            entries.append(OriginEntry(text, False, 0, item.where, setting.is_default, item.env))
        else:
            return Unknown(f"origin entry {element!r} is not a string (flask-cors fails on it)", item.where)
    return entries


# --- Browser origins -------------------------------------------------------

_ORIGIN = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*)://(?P<host>\[[0-9a-f:.]+\]|[^/:?#\s]+)(?::(?P<port>[0-9]{1,5}))?\Z")
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)\Z")
_SECOND_LEVEL = {"co", "com", "net", "org", "gov", "edu", "ac"}
DEFAULT_PORTS = {"http": "80", "https": "443"}


@dataclass(frozen=True)
class BrowserOrigin:
    scheme: str
    host: str
    port: Optional[str]

    @property
    def site(self) -> str:
        """The registrable domain, approximately: the last two labels, or
        three under common second-level suffixes such as ``co.uk``. Whoever
        registers it controls every host below it."""
        if self.host.startswith("[") or _is_ip(self.host):
            return self.host
        labels = self.host.split(".")
        if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
            return ".".join(labels[-3:])
        return ".".join(labels[-2:])

    @property
    def is_loopback(self) -> bool:
        if self.host == "localhost" or self.host.endswith(".localhost"):
            return True
        address = self.host.strip("[]")
        return _is_ip(address) and ipaddress.ip_address(address).is_loopback


def browser_origin(text: str) -> Optional[BrowserOrigin]:
    """Parse ``text`` as an Origin header a browser would send (lower case,
    scheme://host[:port], nothing else); None if no browser sends it."""
    match = _ORIGIN.match(text)
    if not match:
        return None
    host = match.group("host")
    if not host.startswith("["):
        if not all(_LABEL.match(label) for label in host.split(".")):
            return None
        if all(label.isdigit() for label in host.split(".")) and not _is_ip(host):
            return None  # browsers rewrite such hosts as IPv4 addresses
    elif not _is_ip(host.strip("[]")):
        return None
    port = match.group("port")
    if port is not None and (int(port) > 65535 or DEFAULT_PORTS.get(match.group("scheme")) == port):
        return None
    return BrowserOrigin(match.group("scheme"), host, port)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True

