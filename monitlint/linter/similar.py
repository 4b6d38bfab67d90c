"""Close-name suggestions in bounded time.

The "did you mean" hints of MON202 and MON204 compare names pairwise, which is
quadratic: a config from a stranger with thousands of made-up names took
minutes.  These helpers give the same answers as the ``difflib`` calls they
replace, looking only at names of a compatible length, and spend at most a
budget of comparisons that grows linearly with the config; past it (never on
an ordinary config) they only find names equal but for case.
"""

from __future__ import annotations

import difflib
from collections import defaultdict

# Names longer than this are never compared letter by letter: a SequenceMatcher on
# two long strings can take time quadratic in their length, and a typo hint for a
# 200-character name helps nobody.
MAX_COMPARED_LENGTH = 128


class Budget:
    """A number of name comparisons that may still be made (shared by the queries of one rule run)."""

    def __init__(self, items: int, per_item: int = 8, base: int = 20_000) -> None:
        self.left = base + per_item * items

    def spend(self) -> bool:
        """Take one comparison; False when none are left."""
        self.left -= 1
        return self.left >= 0


class CloseMatcher:
    """``difflib.get_close_matches(word, names, n=1)`` for many words over one list of names."""

    def __init__(self, names: list[str], budget: Budget, cutoff: float = 0.6) -> None:
        self.cutoff = cutoff
        self.budget = budget
        self.by_length: dict[int, list[str]] = defaultdict(list)
        for name in names:
            self.by_length[len(name)].append(name)
        self._memo: dict[str, str | None] = {}

    def best(self, word: str) -> str | None:
        """The closest name scoring at least the cutoff (ties to the greatest name), or None."""
        if word in self._memo:
            return self._memo[word]
        found = self._best(word)
        self._memo[word] = found
        return found

    def _best(self, word: str) -> str | None:
        size = len(word)
        if not size or size > MAX_COMPARED_LENGTH:
            return None
        cutoff = self.cutoff
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(word)
        best: tuple[float, str] | None = None
        # real_quick_ratio() is 2*min(len)/(sum of len): lengths outside this range can never reach the cutoff.
        for length in sorted(self.by_length):
            if length > MAX_COMPARED_LENGTH or 2 * min(length, size) / (length + size) < cutoff:
                continue
            for name in self.by_length[length]:
                if not self.budget.spend():
                    return None  # out of budget: no suggestion rather than a partial one
                matcher.set_seq1(name)
                if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff:
                    score = matcher.ratio()
                    if score >= cutoff and (best is None or (score, name) > best):
                        best = (score, name)
        return best[1] if best is not None else None
