"""How a stage hands out independent pieces of its work, without knowing who does them.

The parser can parse the files of a large include as independent groups, and the engine
can run its rules in independent groups; each hands a :data:`Runner` the weights of the
pieces and a function computing pieces ``first..stop-1``.  A runner returns every piece's
result, in order.  :func:`in_order` does them here, one by one; :mod:`monitlint.parallel`
(wired in only by :mod:`monitlint.api`) does them in forked processes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

Runner = Callable[[Sequence[int], Callable[[int, int], Any]], list[Any]]


def in_order(weights: Sequence[int], work: Callable[[int, int], Any]) -> list[Any]:
    """Every piece's result, computed here in order."""
    return [work(index, index + 1) for index in range(len(weights))]
