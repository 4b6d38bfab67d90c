"""How a stage hands out independent pieces of its work, without knowing who does them.

The parser can parse the files of a large include as independent groups, and the engine
can run its rules in independent groups; each hands a :data:`Runner` the weights of the
pieces and a function computing pieces ``first..stop-1``.  A runner returns every piece's
result, in order.  Without a runner a stage does all its work itself, in order;
:mod:`monitlint.runtime.parallel` (wired in only by :mod:`monitlint.api`) does the pieces in forked processes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol


class Runner(Protocol):
    """Computes ``work(i, i + 1)`` for every piece, returning the results in order."""

    def __call__(
        self, weights: Sequence[int], work: Callable[[int, int], Any], /, lead: float | None = None
    ) -> list[Any]:
        """``lead``: how much of the work the caller's own process should take next to each other worker,
        when a piece done elsewhere costs more than here (None: the runner's own measure)."""
        ...
