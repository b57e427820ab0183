"""The Public Suffix List: which hosts have a domain someone can register.

The list itself is the one the ``publicsuffixlist`` package ships (it keeps it
up to date); it is read here rather than through the package's class, whose
loading cost a sixth of a second of every run's start (it encodes all 10,000
rules to punycode with Python's slow ``idna`` codec, and cors-lint needs the
list in nearly every run). The
lookup follows the list's algorithm exactly as the package implements it with
``accept_unknown=False`` -- the test suite compares the two on every rule --
so a top-level label that is not on the list (``ioattacker``) gives no
registrable domain.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from typing import FrozenSet, Optional, Sequence


@dataclass(frozen=True)
class SuffixList:
    rules: FrozenSet[str]  # "co.uk", "*.ck" (wildcard), "!www.ck" (exception), lower case, punycode beside unicode
    longest: int  # labels in the longest rule

    def registrable_domain(self, host: str) -> Optional[str]:
        """The public suffix with one more label (``a.b.example.co.uk`` ->
        ``example.co.uk``); None when the host is a public suffix itself,
        ends in a label that is not on the list, or is not a host name."""
        if host.endswith("."):
            host = host[:-1]
        labels = host.lower().split(".")
        if "" in labels:
            return None
        public = self._public_labels(labels)
        if not public or len(labels) < public + 1:
            return None
        return ".".join(labels[-(public + 1):])

    def _public_labels(self, labels: Sequence[str]) -> int:
        """How many labels at the end of ``labels`` form the public suffix
        (0: none, the top-level label is unknown). From the longest suffix a
        rule can have: an exception rule, a wildcard, then an exact rule;
        a wildcard rule also makes its own parent public (the list's linter
        requires it, and its test data assume it)."""
        count = len(labels)
        for start in range(max(0, count - (self.longest + 1)), count):
            depth = count - start
            suffix = ".".join(labels[start:])
            if "!" + suffix in self.rules:
                return depth - 1
            if "*." + suffix in self.rules:
                return depth + 1 if start > 0 else depth
            if suffix in self.rules:
                return depth
        return 0

    def top_level_labels(self) -> FrozenSet[str]:
        return frozenset(rule.rsplit(".", 1)[-1] for rule in self.rules)


def parse_suffix_list(text: str) -> SuffixList:
    """Rules from the list's text: the first word of each line that is not a
    comment (lines do not start with a space); a rule with non-ASCII labels
    also in punycode, the form hosts arrive in."""
    rules = {line.split(" ", 1)[0].rstrip() for line in text.lower().splitlines() if line[:1] not in ("", "/", " ")}
    rules.update([".".join(_punycode(label) for label in rule.split(".")) for rule in rules if not rule.isascii()])
    longest = max(rule.count(".") for rule in rules) + 1
    return SuffixList(frozenset(rules), longest)


def _punycode(label: str) -> str:
    """A label as IDNA 2003 writes it (``"!"`` kept for exception rules).
    Python's ``idna`` codec costs three times more than its last step,
    punycode; the steps before it (nameprep: case folding, NFKC) change
    nothing in a label that is already folded and normalised, as the list's
    labels are, so for those punycode alone gives the same."""
    bang = "!" if label.startswith("!") else ""
    label = label[len(bang):]
    if label.isascii():
        return bang + label
    if unicodedata.normalize("NFKC", label.casefold()) == label:
        return bang + "xn--" + label.encode("punycode").decode("ascii")
    return bang + label.encode("idna").decode("ascii")


@functools.lru_cache(maxsize=1)
def suffix_list() -> SuffixList:
    """The bundled list, read once when first needed."""
    from publicsuffixlist import PSLFILE

    with open(PSLFILE, encoding="utf-8") as text:
        return parse_suffix_list(text.read())
