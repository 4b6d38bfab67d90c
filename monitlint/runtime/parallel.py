"""Run a piece of work over contiguous slices of a list in forked processes.

The one module that knows about processes.  :mod:`monitlint.api` wires
:func:`forking_runner` in as the :data:`monitlint.runtime.work.Runner` that the parser
hands the files of a large ``include`` (each slice parsed in its own process)
and the engine hands the rules of a large config (each slice of rules run over
the whole model, which a forked child sees without copying).  The parent takes the first
slice itself and the results come back pickled, in order.  Forking means the
children start with the parser tables and every module already loaded, so a
slice costs only its own work.

Where ``fork`` is unavailable, or a child fails for any reason, the work is
done in the parent instead: splitting may make monitlint faster, never wrong.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, BinaryIO, TypeVar

from monitlint.runtime.work import Runner

T = TypeVar("T")
# The parent's slice against each child's.  Measured on 2,000 services in four conf.d files
# (benchmarks/run.py's layout), CPU of each side: a child parses and pickles (1.16x a parse),
# the parent parses and unpickles what children send (0.3x a parse): even at 0.86, and near
# 1 for the rule groups, whose results are small.
PARENT_LEAD = 0.9


def usable_cpus() -> int:
    """How many CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether forking is safe here (Linux only: macOS frameworks and threads make fork risky)."""
    return hasattr(os, "fork") and sys.platform.startswith("linux")


def slices(weights: Sequence[int], parts: int, lead: float = 1.0) -> list[tuple[int, int]]:
    """Cut ``range(len(weights))`` into at most ``parts`` contiguous, non-empty slices by weight.

    The first slice is ``lead`` times the size of each other one, as near as whole pieces allow:
    each cut goes at the piece boundary nearest its share (not the first one past it, which gave
    the parent three of four equal files at a lead of 1.2).
    """
    parts = max(1, min(parts, len(weights)))
    total = sum(weights) or 1
    units = lead + parts - 1
    running = [0]
    for weight in weights:
        running.append(running[-1] + weight)
    cuts = [0]
    for k in range(1, parts):
        target = total * (lead + k - 1) / units
        lowest = cuts[-1] + 1  # every slice holds at least one piece
        highest = len(weights) - (parts - k)  # and leaves one for each slice after it
        cut = min(range(lowest, highest + 1), key=lambda index: abs(running[index] - target))
        cuts.append(cut)
    cuts.append(len(weights))
    return [(cuts[i], cuts[i + 1]) for i in range(len(cuts) - 1)]


def run_sliced(
    weights: Sequence[int],
    parts: int,
    work: Callable[[int, int], T],
    lead: float = PARENT_LEAD,
    meanwhile: Callable[[], object] | None = None,
) -> list[T]:
    """``work(i, i + 1)`` for every index, in order: the first slice here, the others in child processes.

    A child pickles each index's result as soon as it has it (so its pickle memo stays
    small) into an unnamed in-memory file, which the parent reads once the child is done.
    ``meanwhile`` (called at most once per process) is work the parent will need later and
    does while children are still busy with their slices, which end later than its own.
    """
    # The parent's slice is larger: each child also pays for pickling what it sends.
    bounds = slices(weights, parts if can_fork() else 1, lead=lead)
    children: dict[tuple[int, int], tuple[int, BinaryIO]] = {}
    for first, stop in bounds[1:]:
        child = _fork(work, first, stop)
        if child is None:
            break
        children[(first, stop)] = child
    results: list[T] = []
    for first, stop in bounds:  # the first slice is never forked: the parent works while the children do
        child = children.get((first, stop))
        if child is None:
            results.extend(work(index, index + 1) for index in range(first, stop))
        else:
            if meanwhile is not None:
                meanwhile()
                meanwhile = None
            results.extend(_collect(*child, work, first, stop))
    return results


def forking_runner(jobs: int, meanwhile: Callable[[], object] | None = None) -> Runner:
    """A :data:`monitlint.runtime.work.Runner` over ``jobs`` processes (this one included).

    ``meanwhile`` is done once, the first time the parent would wait for a child (see :func:`run_sliced`).
    """
    pending = [meanwhile] if meanwhile is not None else []

    def run(weights: Sequence[int], work: Callable[[int, int], Any]) -> list[Any]:
        return run_sliced(weights, jobs, work, meanwhile=pending.pop() if pending else None)

    return run


def _spool() -> BinaryIO:
    """An unnamed file for a child's results: in memory where Linux allows it."""
    if hasattr(os, "memfd_create"):
        try:
            return os.fdopen(os.memfd_create("monitlint-results"), "w+b")
        except OSError:
            pass
    import tempfile  # rarely needed: imported here to keep start-up short

    return tempfile.TemporaryFile()


def _fork(work: Callable[[int, int], T], first: int, stop: int) -> tuple[int, BinaryIO] | None:
    """Start a child computing ``work`` for ``first..stop-1``; (pid, its result file), or None if fork fails."""
    try:
        spool = _spool()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        spool.close()
        return None
    import pickle

    if pid == 0:  # the child: compute, write, and leave without running the parent's exit handlers
        status = 1
        try:
            for index in range(first, stop):
                pickle.dump(work(index, index + 1), spool, protocol=pickle.HIGHEST_PROTOCOL)
            spool.flush()
            status = 0
        finally:
            os._exit(status)
    return pid, spool


def _collect(pid: int, spool: BinaryIO, work: Callable[[int, int], T], first: int, stop: int) -> list[T]:
    """The child's results; whatever it did not deliver is computed here."""
    import pickle

    _, status = os.waitpid(pid, 0)
    results: list[T] = []
    with spool:
        spool.seek(0)
        if status == 0:
            try:
                while len(results) < stop - first:
                    results.append(pickle.load(spool))
            except Exception:  # a damaged result: keep the ones before it, redo the rest here
                pass
    results.extend(work(index, index + 1) for index in range(first + len(results), stop))
    return results
