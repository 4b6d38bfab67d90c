"""Run the pieces of a piece of work, shared by weight, in forked processes.

The one module that knows about processes.  :mod:`monitlint.api` wires
:func:`forking_runner` in as the :class:`monitlint.runtime.work.Runner` that the parser
hands the files of a large ``include`` (each share parsed in its own process)
and the engine hands the rules of a large config (each share of rules run over
the whole model, which a forked child sees without copying).  The parent takes the first
share itself and the results come back pickled, in order.  Forking means the
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
# The parent's share against each child's, unless the caller says (the rules do).  Measured on
# 2,000 services in four conf.d files cut in 20 slices (benchmarks/run.py's layout), the lowest CPU
# of each side over 11 runs: at 1.0 the parent took 148 ms and the child 169 (it pickles what it
# parsed, and a forked process runs slower); at 1.2, 159 and 151; at 1.4, 172 and 138.
PARENT_LEAD = 1.2


def usable_cpus() -> int:
    """How many CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether forking is safe here (Linux only: macOS frameworks and threads make fork risky)."""
    return hasattr(os, "fork") and sys.platform.startswith("linux")


def shares(weights: Sequence[int], parts: int, lead: float = 1.0) -> list[list[int]]:
    """Share ``range(len(weights))`` among at most ``parts`` workers by weight: each a list of indices, in order.

    The first share (the calling process's) is ``lead`` times each other's, as near as whole
    pieces allow: the heaviest piece first, each to the worker it loads least relative to its
    part (the longest-processing-time rule).  Shares need not be contiguous: a runner hands the
    results back in index order whoever computed them, and contiguous cuts could not split
    2,000 services' rules evenly (one rule is a third of their time).  Every share but the
    first is non-empty.
    """
    parts = max(1, min(parts, len(weights)))
    capacity = [lead] + [1.0] * (parts - 1)
    loads = [0.0] * parts
    found: list[list[int]] = [[] for _ in range(parts)]
    for index in sorted(range(len(weights)), key=lambda i: (-weights[i], i)):
        weight = max(weights[index], 0)
        # Ties go to a child: the parent has the results to collect besides its own share.
        worker = min(range(parts), key=lambda k: ((loads[k] + weight) / capacity[k], k == 0, k))
        found[worker].append(index)
        loads[worker] += weight
    return [sorted(found[0])] + [sorted(share) for share in found[1:] if share]


def run_sliced(
    weights: Sequence[int],
    parts: int,
    work: Callable[[int, int], T],
    lead: float = PARENT_LEAD,
    meanwhile: Callable[[], object] | None = None,
) -> list[T]:
    """``work(i, i + 1)`` for every index, results in index order: one share here, the others in child processes.

    A child pickles each index's result as soon as it has it (so its pickle memo stays
    small) into an unnamed in-memory file, which the parent reads once the child is done.
    ``meanwhile`` (called at most once per process) is work the parent will need later and
    does while children are still busy with their shares, which end later than its own.
    """
    mine, *others = shares(weights, parts if can_fork() else 1, lead=lead)
    results: dict[int, T] = {}
    children: list[tuple[int, BinaryIO, list[int]]] = []
    for indices in others:
        child = _fork(work, indices)
        if child is None:
            mine = mine + indices  # no process to be had: done here
        else:
            children.append((*child, indices))
    for index in mine:  # the parent works while the children do
        results[index] = work(index, index + 1)
    if children and meanwhile is not None:
        meanwhile()
    for pid, spool, indices in children:
        results.update(zip(indices, _collect(pid, spool, work, indices), strict=True))
    return [results[index] for index in range(len(weights))]


def forking_runner(jobs: int, meanwhile: Callable[[], object] | None = None) -> Runner:
    """A :data:`monitlint.runtime.work.Runner` over ``jobs`` processes (this one included).

    ``meanwhile`` is done once, the first time the parent would wait for a child (see :func:`run_sliced`).
    """
    pending = [meanwhile] if meanwhile is not None else []

    def run(weights: Sequence[int], work: Callable[[int, int], Any], lead: float | None = None) -> list[Any]:
        later = pending.pop() if pending else None
        return run_sliced(weights, jobs, work, lead=PARENT_LEAD if lead is None else lead, meanwhile=later)

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


def _fork(work: Callable[[int, int], T], indices: list[int]) -> tuple[int, BinaryIO] | None:
    """Start a child computing ``work`` for ``indices``; (pid, its result file), or None if fork fails."""
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
        done = []  # held until os._exit: freeing them object by object is work for nothing
        try:
            for index in indices:
                done.append(work(index, index + 1))
                pickle.dump(done[-1], spool, protocol=pickle.HIGHEST_PROTOCOL)
            spool.flush()
            status = 0
        finally:
            os._exit(status)
    return pid, spool


def _collect(pid: int, spool: BinaryIO, work: Callable[[int, int], T], indices: list[int]) -> list[T]:
    """The child's results, for ``indices``; whatever it did not deliver is computed here."""
    import pickle

    _, status = os.waitpid(pid, 0)
    results: list[T] = []
    with spool:
        spool.seek(0)
        if status == 0:
            try:
                while len(results) < len(indices):
                    results.append(pickle.load(spool))
            except Exception:  # a damaged result: keep the ones before it, redo the rest here
                pass
    results.extend(work(index, index + 1) for index in indices[len(results) :])
    return results
