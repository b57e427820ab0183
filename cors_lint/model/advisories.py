"""flask-cors's security advisories, as differences between releases.

Each advisory names the ``Behaviour`` fields its fix changed: for each, the
vulnerable values and what the fix turned them into (a later change of the
same field, such as 6.0.0's ``unquote`` after 3.0.9's ``unquote_plus``, is
not undone by an older advisory's fix). Whether the configuration makes it reachable is
decided by comparing a release with the same release *with only that fix
applied* (``exposures.py``): what differs is exactly what the advisory
is about, whatever else changed between the two releases.

The ranges were checked against the real releases (``tests/test_releases_oracle.py``
and ``tests/test_advisory_witnesses.py``), not taken from the advisory texts;
``advisory_says`` records where those differ.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping, Tuple

from cors_lint.model import releases
from cors_lint.model.releases import Behaviour

HEADERS = "headers"  # the fix changes the CORS headers of some response
LOG = "log"  # the fix changes what flask-cors writes to its log


@dataclass(frozen=True)
class Advisory:
    code: str  # the cors-lint rule that reports it
    ids: Tuple[str, ...]  # CVE (and GHSA where known)
    what: str  # the behaviour, as a clause: "answers ... whenever asked"
    introduced: str  # the first affected release (the oldest modelled when it always was)
    fixed: str  # the first release without it, as the releases behave
    # Per Behaviour field, (vulnerable value, fixed value) pairs.
    fix: Tuple[Tuple[str, Tuple[Tuple[Any, Any], ...]], ...]
    kind: str = HEADERS
    advisory_says: str = ""  # where the advisory text differs from the releases

    @property
    def name(self) -> str:
        return self.ids[0]

    def affects(self, version: str) -> bool:
        number = releases.parse_version(version)
        return releases.parse_version(self.introduced) <= number < releases.parse_version(self.fixed)

    def fixed_behaviour(self, behaviour: Behaviour) -> Behaviour:
        """The release's behaviour with only this advisory's fix applied."""
        changes = {}
        for field, pairs in self.fix:
            current = getattr(behaviour, field)
            for vulnerable, fixed in pairs:
                if current == vulnerable:
                    changes[field] = fixed
        return replace(behaviour, **changes)


def _fix(**fields: Mapping[Any, Any]) -> Tuple[Tuple[str, Tuple[Tuple[Any, Any], ...]], ...]:
    return tuple((field, tuple(pairs.items())) for field, pairs in fields.items())


ADVISORIES: Tuple[Advisory, ...] = (
    Advisory(
        code="CRS601",
        ids=("CVE-2024-6221", "GHSA-hxwh-jpp2-84pm"),
        what="answers a preflight's Access-Control-Request-Private-Network with "
        "Access-Control-Allow-Private-Network: true (always in 4.0.0 and 4.0.1; by default in 4.0.2)",
        introduced="4.0.0",
        fixed="5.0.0",
        fix=_fix(
            private_network={releases.ALWAYS_ALLOWED: releases.FROM_OPTION},
            allow_private_network_default={True: False},
            options={releases.BASE_OPTIONS: releases.BASE_OPTIONS + ("allow_private_network",)},
        ),
    ),
    Advisory(
        code="CRS602",
        ids=("CVE-2024-6844",),
        what="decodes the request path with unquote_plus before matching resources, so '+' in a path is a space",
        introduced="3.0.9",
        fixed="6.0.0",
        fix=_fix(path_decoding={releases.UNQUOTE_PLUS: releases.UNQUOTE}),
    ),
    Advisory(
        code="CRS603",
        ids=("CVE-2024-6866",),
        what="matches resource patterns ignoring letter case",
        introduced=releases.OLDEST_MODELLED,
        fixed="6.0.0",
        fix=_fix(paths_ignore_case={True: False}),
    ),
    Advisory(
        code="CRS604",
        ids=("CVE-2024-6839",),
        what="tries resource patterns in an order where a broader pattern can win over a more specific one "
        "(longest text first before 6.0.0; fewest '/' first among regexes in 6.0.0)",
        introduced=releases.OLDEST_MODELLED,
        fixed="6.0.1",
        fix=_fix(resource_order={releases.BY_LENGTH: releases.BY_SPECIFICITY, releases.FEWER_SLASHES_FIRST: releases.BY_SPECIFICITY}),
        advisory_says="fixed in 6.0.0; but 6.0.0 sorts regex patterns with the fewest '/' first "
        "(a sign error corrected in 6.0.1), so /api/.* still wins over /api/admin/.*",
    ),
    Advisory(
        code="CRS605",
        ids=("CVE-2020-25032",),
        what="matches resources against the request path without decoding it again, so an encoded '/' "
        "(%252F) is not a '/' to the resource patterns",
        introduced=releases.OLDEST_MODELLED,
        fixed="3.0.9",
        fix=_fix(path_decoding={releases.NO_DECODING: releases.UNQUOTE_PLUS}),
        advisory_says="describes '../' path traversal; the fix in 3.0.9 only decodes the path again "
        "(unquote_plus): a path with '..' is matched the same before and after it",
    ),
    Advisory(
        code="CRS606",
        ids=("CVE-2024-1681",),
        what="writes the request path unescaped into its debug log line, so CR/LF in a path forge log lines",
        introduced=releases.OLDEST_MODELLED,
        fixed="4.0.1",
        fix=_fix(debug_log_escapes_path={False: True}),
        kind=LOG,
    ),
)
BY_CODE = {advisory.code: advisory for advisory in ADVISORIES}
