"""flask-cors releases and how each one behaves: the one place that knows
what changed between versions.

Every behaviour that differs between releases is a field of ``Behaviour``;
``behaviour(version)`` looks it up from ``CHANGES``, a table of the releases
that changed something. The rest of the model (``flaskcors``) reads the
``Behaviour`` it is given and never compares version numbers itself.

Each entry was checked against the real release's source and, through the
oracle tests (``tests/test_releases_oracle.py``), its responses.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Dict, Optional, Tuple

Version = Tuple[int, ...]

# Every release of flask-cors on PyPI, oldest first, as ``pip index versions
# flask-cors`` listed them on 2026-12-01 (6.0.5 the newest), plus 6.0.4, which
# was yanked ("This accidentally broke MyPy for blueprints"): an exact pin
# still installs it, a range never selects it (PEP 592).
# ``tests/test_releases.py`` compares this with the package index when it is
# reachable.
RELEASED = (
    "1.0", "1.1", "1.1.1", "1.1.2", "1.1.3", "1.2.0", "1.2.1", "1.3.0", "1.3.1", "1.4.0", "1.5.0", "1.6.0",
    "1.6.1", "1.7.0", "1.7.1", "1.7.2", "1.7.3", "1.7.4", "1.8.0", "1.8.1", "1.9.0", "1.10.0", "1.10.1",
    "1.10.2", "1.10.3", "2.0.0", "2.0.1", "2.1.0", "2.1.1", "2.1.2", "2.1.3", "3.0.0", "3.0.1", "3.0.2",
    "3.0.3", "3.0.4", "3.0.6", "3.0.7", "3.0.8", "3.0.9", "3.0.10", "4.0.0", "4.0.1", "4.0.2", "5.0.0",
    "5.0.1", "6.0.0", "6.0.1", "6.0.2", "6.0.3", "6.0.4", "6.0.5",
)
YANKED = frozenset({"6.0.4"})
NEWEST = "6.0.5"

# What each value of a behaviour field means.
# path_decoding: how the request path is decoded before resource matching.
NO_DECODING = "none"  # request.path as Werkzeug gives it (before 3.0.9)
UNQUOTE_PLUS = "unquote_plus"  # urllib's unquote_plus: "+" becomes a space (3.0.9 to 5.0.1)
UNQUOTE = "unquote"  # percent-decoding only (6.0.0 and later)
# resource_order: the order flask-cors tries the patterns of a resources dict.
BY_LENGTH = "length"  # longest pattern text first, ties in dict order (before 6.0.0)
FEWER_SLASHES_FIRST = "specificity, fewer '/' first"  # 6.0.0 only: its sort key forgot a minus sign
BY_SPECIFICITY = "specificity"  # literal paths, then compiled, then regex strings; more '/', then longer first
# private_network: how a preflight with Access-Control-Request-Private-Network is answered.
NO_PRIVATE_NETWORK = "absent"  # no such header is ever sent (before 4.0.0)
ALWAYS_ALLOWED = "always true"  # answered "true" whatever the options (4.0.0, 4.0.1)
FROM_OPTION = "allow_private_network"  # the option decides (4.0.2 and later)
# invalid_regex: what an invalid regular expression in origins, headers or resources does.
RAISES_PER_REQUEST = "raises when a request is matched against it"  # before 6.0.0
NEVER_MATCHES = "never matches"  # 6.0.0 to 6.0.3
RAISES_AT_START_UP = "raises at start-up"  # 6.0.4 and later


@dataclass(frozen=True)
class Behaviour:
    """How one flask-cors release behaves, where releases differ."""

    path_decoding: str
    paths_ignore_case: bool  # resource patterns matched ignoring case (regex strings and literal paths)
    resource_order: str
    private_network: str
    allow_private_network_default: bool  # the option's default, where it exists
    options: Tuple[str, ...]  # the option names the release reads; any other is ignored like a misspelt one
    debug_log_escapes_path: bool  # the debug log line shows the request path with repr() (CR/LF escaped)
    invalid_regex: str


BASE_OPTIONS = (
    "origins", "methods", "allow_headers", "expose_headers", "supports_credentials", "max_age", "send_wildcard",
    "automatic_options", "vary_header", "resources", "intercept_exceptions", "always_send",
)

# The oldest release modelled: 3.0.0 (older releases are treated like it, and
# said to be outside what the model was checked against).
OLDEST_MODELLED = "3.0.0"
_OLDEST = Behaviour(
    path_decoding=NO_DECODING,
    paths_ignore_case=True,
    resource_order=BY_LENGTH,
    private_network=NO_PRIVATE_NETWORK,
    allow_private_network_default=False,
    options=BASE_OPTIONS,
    debug_log_escapes_path=False,
    invalid_regex=RAISES_PER_REQUEST,
)

# The release that changed each behaviour, and how: read top to bottom.
CHANGES: Tuple[Tuple[str, Dict[str, object]], ...] = (
    ("3.0.9", {"path_decoding": UNQUOTE_PLUS}),  # CVE-2020-25032's fix
    ("4.0.0", {"private_network": ALWAYS_ALLOWED}),  # CVE-2024-6221 introduced
    ("4.0.1", {"debug_log_escapes_path": True}),  # CVE-2024-1681's fix: '%s' became '%r'
    (
        "4.0.2",
        {
            "private_network": FROM_OPTION,
            "allow_private_network_default": True,  # configurable, still permissive by default
            "options": BASE_OPTIONS + ("allow_private_network",),
        },
    ),
    ("5.0.0", {"allow_private_network_default": False}),  # CVE-2024-6221's fix
    (
        "6.0.0",
        {
            "path_decoding": UNQUOTE,  # CVE-2024-6844's fix
            "paths_ignore_case": False,  # CVE-2024-6866's fix
            "resource_order": FEWER_SLASHES_FIRST,  # CVE-2024-6839's fix, with a sign error
            "invalid_regex": NEVER_MATCHES,
        },
    ),
    ("6.0.1", {"resource_order": BY_SPECIFICITY}),
    ("6.0.4", {"invalid_regex": RAISES_AT_START_UP}),
)


def parse_version(text: str) -> Version:
    """"6.0.5" -> (6, 0, 5); "1.1" -> (1, 1, 0). ValueError for anything else."""
    parts = text.strip().split(".")
    if not parts or not all(part.isdigit() for part in parts):
        raise ValueError(f"not a flask-cors release number: {text!r}")
    numbers = tuple(int(part) for part in parts)
    return numbers + (0,) * (3 - len(numbers)) if len(numbers) < 3 else numbers


def _build_table() -> Dict[str, Behaviour]:
    """Each release's behaviour: the releases in order, each change applied
    once, from its release on (built when the model is imported, so cheap)."""
    table = {}
    current = _OLDEST
    pending = list(CHANGES)
    for version in RELEASED:
        number = parse_version(version)
        while pending and number >= parse_version(pending[0][0]):
            current = replace(current, **pending.pop(0)[1])  # type: ignore[arg-type]
        table[version] = current
    return table


BEHAVIOURS: Dict[str, Behaviour] = _build_table()


def behaviour(version: str) -> Behaviour:
    """The behaviour of a release; KeyError for a version never released."""
    return BEHAVIOURS[version]


def is_released(version: str) -> bool:
    return version in BEHAVIOURS


def newest() -> Behaviour:
    return BEHAVIOURS[NEWEST]


def first_release_where(predicate, after: Optional[str] = None) -> Optional[str]:
    """The oldest release (after ``after``, if given) whose behaviour satisfies ``predicate``."""
    for version in RELEASED:
        if after is not None and parse_version(version) <= parse_version(after):
            continue
        if version not in YANKED and predicate(BEHAVIOURS[version]):
            return version
    return None


def allowed(specifier: str) -> Tuple[str, ...]:
    """The released versions a PEP 440 specifier allows, oldest first. A
    yanked release only through an exact ``==`` pin (PEP 592)."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        specifiers = SpecifierSet(specifier)
    except InvalidSpecifier:
        return ()
    exact = {spec.version for spec in specifiers if spec.operator in ("==", "===")}
    return tuple(
        version
        for version in RELEASED
        if specifiers.contains(version, prereleases=False) and (version not in YANKED or version in exact)
    )


def describe_range(versions: Tuple[str, ...]) -> str:
    """"5.0.1", "4.0.0 to 5.0.1", or "3.0.10, 6.0.5" (not a contiguous run)."""
    if not versions:
        return "no released version"
    if len(versions) == 1:
        return versions[0]
    indices = [RELEASED.index(version) for version in versions]
    contiguous = all(
        RELEASED[index] in YANKED or index in indices for index in range(indices[0], indices[-1] + 1)
    )
    return f"{versions[0]} to {versions[-1]}" if contiguous else ", ".join(versions)
