"""Origins an attacker can obtain, trusted origins, and the search for a
witness in the intersection of an accepted language with the former.

An attacker can obtain: ``null`` (a sandboxed iframe); an origin
``scheme://host[:port]`` whose host has a registrable domain under the Public
Suffix List (used strictly: a top-level label that is not on the list, such as
``ioattacker``, gives no registrable domain) and that is not a trusted
origin; and so the ``http`` origin of a host trusted only over https (anyone
on the network path serves it). Witnesses use the reserved ``.example`` name
for "any domain of the attacker's", only where the same origin under ``.com``
is accepted too.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Callable, Dict, FrozenSet, Iterable, Iterator, List, Optional, Sequence, Tuple

from cors_lint.model.language import dfa
from cors_lint.model.language.checks import ORIGIN_ALPHABET, regex_language
from cors_lint.model.language.dfa import Dfa
from cors_lint.model.language.nfa import TooComplex
from cors_lint.model.language.suffixes import suffix_list
from cors_lint.model.origins import browser_origin

PLACEHOLDER_TLD = "example"  # RFC 2606: stands for any domain the attacker registers
STAND_IN_TLD = "com"
# Witnesses end in a top-level domain anyone can register under, when the
# pattern allows one: common generic and country domains first.
PREFERRED_TLDS = (
    "com", "net", "org", "io", "dev", "app", "co", "xyz", "info", "biz", "me", "tv", "cc", "us", "uk", "de", "fr",
    "it", "nl", "eu", "ca", "in", "ai", "sh", "to", "ws", "online", "site", "shop", "tech", "store", "tax", "fyi",
    "ac", "la", "ly", "gg", "fm", "am", "is", "im", "es", "se", "ch", "at", "be", "dk", "no", "pl", "cz", "pt",
)
# Characters in the order witnesses should use them: "evil"-style names.
PREFERRED_CHARS = "evilatckrsxonmdgpbfhjquwyz0123456789-"
MAX_GENERATED = 200  # candidate origins drawn from the automaton before giving up

_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
ORIGIN_SYNTAX = rf"(?:https?://(?:{_LABEL}\.)*{_LABEL}(?::[1-9][0-9]{{0,4}})?|null)"


# --- The Public Suffix List ------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _top_level_trie() -> Dict[str, dict]:
    """The list's top-level labels as a character trie ("" marks an end)."""
    trie: Dict[str, dict] = {}
    for label in suffix_list().top_level_labels():
        if not label or any(char not in ORIGIN_ALPHABET for char in label):
            continue
        node = trie
        for char in label:
            node = node.setdefault(char, {})
        node[""] = {}
    return trie


@functools.lru_cache(maxsize=4096)
def registrable_domain(host: str) -> Optional[str]:
    """The registrable domain of ``host`` (``a.b.example.co.uk`` ->
    ``example.co.uk``), or None when nobody can register one for it."""
    if not host or host.startswith("[") or host.replace(".", "").isdigit():
        return None
    return suffix_list().registrable_domain(host)


# --- Trusted origins ------------------------------------------------------------------


@dataclass(frozen=True)
class TrustedOrigin:
    """Origins the application means to trust: one scheme and host (with or
    without its subdomains), one port or any port."""

    scheme: str
    host: str
    subdomains: bool = False  # hosts below ``host``
    apex: bool = True  # ``host`` itself
    port: Optional[str] = None
    any_port: bool = False

    def regex(self) -> str:
        below = r"(?:[a-z0-9-]+\.)" + ("*" if self.apex else "+") if self.subdomains else ""
        port = r"(?::[0-9]+)?" if self.any_port else (f":{self.port}" if self.port else "")
        return f"{re.escape(self.scheme)}://{below}{re.escape(self.host)}{port}"

    def shown(self) -> str:
        prefix = "*." if self.subdomains and not self.apex else "(*.)" if self.subdomains else ""
        port = ":*" if self.any_port else (f":{self.port}" if self.port else "")
        return f"{self.scheme}://{prefix}{self.host}{port}"


class TrustedOriginError(ValueError):
    pass


def parse_trusted(text: str) -> TrustedOrigin:
    """``https://app.example.com``, ``https://app.example.com:8443`` or
    ``https://*.example.com`` (any subdomain, not the domain itself). This is
    cors-lint's own syntax, not a regex."""
    lowered = text.strip().lower()
    match = re.fullmatch(r"(https?)://(\*\.)?([a-z0-9.-]+)(?::([0-9]{1,5}))?", lowered)
    if not match or browser_origin(f"{match.group(1)}://{match.group(3)}") is None:
        raise TrustedOriginError(
            f"trusted origin {text!r} is not scheme://host[:port] or scheme://*.domain (http or https)"
        )
    scheme, star, host, port = match.groups()
    return TrustedOrigin(scheme, host, subdomains=bool(star), apex=not star, port=port)


@dataclass(frozen=True)
class Trust:
    """The trusted origins a verdict is relative to: given (``trusted-origins``)
    or derived from the origins the configuration names, lazily, because the
    derivation needs the Public Suffix List (0.1 s to load) and a check that
    accepts nothing beyond the named hosts never needs it."""

    explicit: Tuple[TrustedOrigin, ...] = ()
    configured: bool = False  # from ``trusted-origins``; else derived from ``named``
    named: Tuple[str, ...] = ()  # origins the configuration names

    @property
    def origins(self) -> Tuple[TrustedOrigin, ...]:
        return self.explicit if self.configured else _derived_origins(self.named)

    def conservative_language(self) -> Dfa:
        """A subset of the trusted origins known without the Public Suffix
        List: the named hosts and their subdomains, with the schemes named."""
        if self.configured:
            return self.language()
        return _trusted_language(tuple(origin.regex() for origin in _named_hosts(self.named)))

    def contains(self, origin: str) -> bool:
        return any(re.fullmatch(trusted.regex(), origin) for trusted in self.origins)

    def language(self) -> Dfa:
        return _trusted_language(tuple(trusted.regex() for trusted in self.origins))

    def shown(self) -> str:
        return ", ".join(trusted.shown() for trusted in self.origins) or "nothing"


@functools.lru_cache(maxsize=256)
def _trusted_language(regexes: Tuple[str, ...]) -> Dfa:
    if not regexes:
        return dfa.nothing(ORIGIN_ALPHABET)
    outcome = regex_language("|".join(f"(?:{regex})" for regex in regexes), 0, "fullmatch")
    if outcome.automaton is None:
        raise TooComplex(outcome.reason)
    return outcome.automaton


def derived_trust(named_origins: Iterable[str]) -> Trust:
    """Without ``trusted-origins``: every host under a registrable domain that
    the configuration names, on any port, with the schemes it names for that
    domain (so ``http`` of an https-only domain stays an attacker's)."""
    return Trust(named=tuple(sorted({text.lower() for text in named_origins})))


# Memos of pure functions of the named origins, bounded.
@functools.lru_cache(maxsize=256)
def _derived_origins(named: Tuple[str, ...]) -> Tuple[TrustedOrigin, ...]:
    return _by_host(named, lambda host: registrable_domain(host) or host)


@functools.lru_cache(maxsize=256)
def _named_hosts(named: Tuple[str, ...]) -> Tuple[TrustedOrigin, ...]:
    return _by_host(named, lambda host: host)


def _by_host(named: Tuple[str, ...], domain_of: Callable[[str], str]) -> Tuple[TrustedOrigin, ...]:
    schemes: Dict[str, set] = {}
    for text in named:
        origin = browser_origin(text)
        if origin is not None:
            schemes.setdefault(domain_of(origin.host), set()).add(origin.scheme)
    return tuple(
        TrustedOrigin(scheme, domain, subdomains=True, apex=True, any_port=True)
        for domain in sorted(schemes)
        for scheme in sorted(schemes[domain])
    )


# --- Verdicts ----------------------------------------------------------------------------

EXACT = "exact"
HEURISTIC = "heuristic"


@dataclass(frozen=True)
class Verdict:
    """``proof`` exact: ``witness`` is an accepted, obtainable origin, or None
    because no such origin exists. Heuristic: the language could not be
    computed or searched; ``reason`` says why."""

    proof: str
    witness: Optional[str]
    reason: str = ""

    @property
    def proved_safe(self) -> bool:
        return self.proof == EXACT and self.witness is None


@functools.lru_cache(maxsize=1)
def origin_syntax() -> Dfa:
    outcome = regex_language(ORIGIN_SYNTAX, 0, "fullmatch")
    assert outcome.automaton is not None
    return outcome.automaton


def obtainable(origin: str, trust: Trust) -> bool:
    """Can an attacker's page have this Origin? (``.example`` hosts: see
    ``search``, which checks the ``.com`` stand-in.)"""
    if origin == "null":
        return True
    parsed = browser_origin(origin)
    if parsed is None or parsed.scheme not in ("http", "https") or trust.contains(origin):
        return False
    host = parsed.host
    if host.endswith("." + PLACEHOLDER_TLD):
        host = host[: -len(PLACEHOLDER_TLD)] + STAND_IN_TLD
    return registrable_domain(host) is not None


def search(
    accepted: Dfa,
    trust: Trust,
    confirm: Callable[[str], Optional[bool]],
    candidates: Sequence[str] = (),
    include_null: bool = True,
) -> Verdict:
    """The first obtainable origin that ``accepted`` contains and ``confirm``
    (the real check, run on it) lets through: the readable ``candidates``
    first, then origins drawn from the automaton. No witness and ``exact``:
    no obtainable origin is accepted at all."""
    try:
        origins = dfa.intersection(accepted, origin_syntax())
        if dfa.difference(origins, trust.conservative_language()).is_empty():
            return Verdict(EXACT, None)  # nothing beyond the named hosts themselves
        outside = dfa.difference(origins, trust.language())
    except TooComplex as error:
        return Verdict(HEURISTIC, None, f"too complex to decide exactly ({error})")
    accepted_by = _Acceptor(outside, trust, confirm)
    for candidate in candidates:
        if candidate and (include_null or candidate != "null") and accepted_by(candidate.lower()):
            return Verdict(EXACT, candidate.lower())
    if include_null and accepted_by("null"):
        return Verdict(EXACT, "null")
    live = outside.live()
    if outside.start not in live or (not include_null and _only_null(outside, live)):
        return Verdict(EXACT, None)
    # A proof needs the walk to find no accepted origin under a listed
    # top-level domain at all. A drawn origin that is turned down (its host is
    # itself a public suffix, a label is too long, the check disagrees)
    # proves nothing: another string to the same automaton state, with more
    # labels, might be obtainable.
    drawn_any = False
    for tried, candidate in enumerate(_drawn_https_first(outside, live)):
        if tried >= MAX_GENERATED:
            break
        drawn_any = True
        if accepted_by(candidate):
            return Verdict(EXACT, _readable(candidate, accepted_by))
    if not drawn_any:
        return Verdict(EXACT, None)
    return Verdict(HEURISTIC, None, "accepted origins outside the trusted ones exist, but none was confirmed obtainable")


def first_accepted(
    accepted: Dfa, trust: Trust, confirm: Callable[[str], Optional[bool]], candidates: Iterable[Optional[str]]
) -> Optional[str]:
    """The first of ``candidates`` that is accepted, obtainable and confirmed."""
    try:
        outside = dfa.difference(dfa.intersection(accepted, origin_syntax()), trust.language())
    except TooComplex:
        return None
    accepted_by = _Acceptor(outside, trust, confirm)
    return next((c.lower() for c in candidates if c and accepted_by(c.lower())), None)


class _Acceptor:
    def __init__(self, outside: Dfa, trust: Trust, confirm: Callable[[str], Optional[bool]]) -> None:
        self.outside = outside
        self.trust = trust
        self.confirm = confirm

    def __call__(self, origin: str) -> bool:
        if not self.outside.accepts(origin) or not obtainable(origin, self.trust):
            return False
        stand_in = stand_in_origin(origin)
        if stand_in != origin and not (self.outside.accepts(stand_in) and self.confirm(stand_in) is True):
            return False
        return self.confirm(origin) is True


def stand_in_origin(origin: str) -> str:
    """``https://a.attacker.example:8443`` -> ``https://a.attacker.com:8443``:
    the real domain an ``.example`` witness stands for."""
    parsed = browser_origin(origin)
    if parsed is None or not parsed.host.endswith("." + PLACEHOLDER_TLD):
        return origin
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.scheme}://{parsed.host[: -len(PLACEHOLDER_TLD)]}{STAND_IN_TLD}{port}"


def _only_null(outside: Dfa, live: FrozenSet[int]) -> bool:
    """Is ``null`` the only string left?"""
    without = dfa.difference(outside, dfa.finite(["null"], ORIGIN_ALPHABET))
    return without.is_empty()


def _drawn_https_first(outside: Dfa, live: FrozenSet[int]) -> Iterator[str]:
    """``_drawn``, https origins first: they read as the real thing."""
    try:
        secure = dfa.intersection(outside, _https())
    except TooComplex:
        secure = None
    if secure is not None:
        secure_live = secure.live()
        if secure.start in secure_live:
            for count, candidate in enumerate(_drawn(secure, secure_live)):
                if count >= MAX_GENERATED // 4:
                    break
                yield candidate
    yield from _drawn(outside, live)


@functools.lru_cache(maxsize=1)
def _https() -> Dfa:
    outcome = regex_language("https://", 0, "match")
    assert outcome.automaton is not None
    return outcome.automaton


def _drawn(outside: Dfa, live: FrozenSet[int]) -> Iterator[str]:
    """Accepted origins whose host ends in a top-level label of the Public
    Suffix List, preferred labels first; every such label is tried, so when
    this runs dry within the limit, no obtainable origin is accepted."""
    paths = outside.paths_from(outside.start, PREFERRED_CHARS)
    dot = ORIGIN_ALPHABET.index(".")
    # States just after a '.' between host labels, with the way there.
    after_dot: Dict[int, str] = {}
    for state, path in sorted(paths.items(), key=lambda item: (len(item[1]), item[1])):
        if state not in live or "://" not in path or ":" in path.split("://", 1)[1]:
            continue
        target = outside.trans[state][dot]
        if target in live and target not in after_dot:
            after_dot[target] = path + "."
    if not after_dot:
        return
    tails: Dict[int, Optional[str]] = {}

    def tail(state: int) -> Optional[str]:
        if state not in tails:
            tails[state] = "" if state in outside.accepting else _port_tail(outside, state, live)
        return tails[state]

    trie = _top_level_trie()
    seen = set()
    for label in PREFERRED_TLDS:
        node = trie
        for char in label:
            node = node.get(char, {})
        if "" in node:
            yield from _ends(outside, after_dot, label, tail, seen, live)
    yield from _walk(outside, trie, after_dot, "", tail, seen, live)


def _ends(outside: Dfa, starts: Dict[int, str], label: str, tail, seen, live) -> Iterator[str]:
    current = dict(starts)
    for char in label:
        index = ORIGIN_ALPHABET.index(char)
        current = {outside.trans[state][index]: path for state, path in current.items() if outside.trans[state][index] in live}
        if not current:
            return
    for state, path in current.items():
        end = tail(state)
        if end is not None and (path, label) not in seen:
            seen.add((path, label))
            yield path + label + end


def _walk(outside: Dfa, node: Dict[str, dict], current: Dict[int, str], label: str, tail, seen, live) -> Iterator[str]:
    if "" in node:
        for state, path in current.items():
            end = tail(state)
            if end is not None and (path, label) not in seen:
                seen.add((path, label))
                yield path + label + end
    for char in sorted(node):
        if not char:
            continue
        index = ORIGIN_ALPHABET.index(char)
        following = {}
        for state, path in current.items():
            target = outside.trans[state][index]
            if target in live and target not in following:
                following[target] = path
        if following:
            yield from _walk(outside, node[char], following, label + char, tail, seen, live)


def _port_tail(outside: Dfa, state: int, live: FrozenSet[int]) -> Optional[str]:
    colon = ORIGIN_ALPHABET.index(":")
    after = outside.trans[state][colon]
    if after not in live:
        return None
    usual = outside.run_from(after, "8443")
    if usual is not None and usual in outside.accepting:
        return ":8443"
    digits = outside.shortest("8123456790", source=after)
    if digits is None or not digits.isdigit():
        return None
    return ":" + digits


def _readable(origin: str, accepted_by: Callable[[str], bool]) -> str:
    """A few rounds of ``_nicer``, each keeping a variant with one more ``evil``."""
    for round_ in range(3):
        variants = _nicer(origin, labels_only=round_ > 0)
        better = next((nicer for nicer in variants if nicer.count("evil") > origin.count("evil") and accepted_by(nicer)), None)
        if better is None:
            break
        origin = better
    return origin


def _nicer(origin: str, labels_only: bool = False) -> List[str]:
    """Readable variants of a drawn origin, best first: ``evil.<tld>``, one
    host label replaced by ``evil``, one character replaced by (or ``evil``
    inserted before it). The caller keeps the first that is still accepted."""
    if "://" not in origin:
        return []
    scheme, rest = origin.split("://", 1)
    host, _, port = rest.partition(":")
    suffix = f":{port}" if port else ""
    labels = host.split(".")
    hosts = [f"evil.{labels[-1]}"]
    hosts += [".".join(labels[:i] + ["evil"] + labels[i + 1 :]) for i in range(len(labels) - 1)]
    if not labels_only:  # the start of the first label as "evil", longest first
        hosts += ["evil" + host[i:] for i in range(len(labels[0]), 0, -1)]
    for i, char in enumerate("" if labels_only else host):
        if char != ".":
            hosts.append(host[:i] + "evil" + host[i + 1 :])
            hosts.append(host[:i] + "evil" + host[i:])
    return [f"{scheme}://{candidate}{suffix}" for candidate in hosts if candidate != host]
