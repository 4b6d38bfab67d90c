"""How a stage hands out independent pieces of its work, without knowing who does them.

The parser can parse the files of a large include as independent groups, and the engine
can run its rules in independent groups; each hands a :data:`Runner` the weights of the
pieces and a function computing pieces ``first..stop-1``.  A runner returns every piece's
result, in order.  Without a runner a stage does all its work itself, in order;
:mod:`monitlint.runtime.parallel` (wired in only by :mod:`monitlint.api`) does the pieces in forked processes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

Runner = Callable[[Sequence[int], Callable[[int, int], Any]], list[Any]]
