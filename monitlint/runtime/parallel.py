"""Run the pieces of a piece of work, shared by weight, in forked processes.

The one module that knows about processes.  :mod:`monitlint.api` wires
:func:`forking_runner` in as the :class:`monitlint.runtime.work.Runner` that the parser
hands the files of a large ``include`` (each share parsed in its own process)
and the engine hands the rules of a large config (each share of rules run over
the whole model, which a forked child sees without copying).  The parent takes the first
share itself; a child's results come back pickled, each read by the parent as soon as the child
says it is complete (between the parent's own pieces), and are put in order.  Forking means the
children start with the parser tables and every module already loaded, so a
slice costs only its own work.

Where ``fork`` is unavailable, or a child fails for any reason, the work is
done in the parent instead: splitting may make monitlint faster, never wrong.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from monitlint.runtime.work import Runner

T = TypeVar("T")
# The parent's share against each child's, unless the caller says (the rules do).  A child pickles
# what it parses (and a forked process runs slower); the parent unpickles it and imports the rules
# meanwhile.  Measured on 2,000 services in four conf.d files cut in 20 slices (benchmarks/run.py's
# layout), the lowest CPU of each side over 9 runs: at 1.0 the parent took 162 ms and the child 165;
# at 0.9, 153 and 183; at 1.1, 175 and 149.
PARENT_LEAD = 1.0


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

    A child pickles each index's result as soon as it has it into an unnamed in-memory file and
    says how far the file is complete; the parent unpickles what is complete between its own
    pieces (so reading a child's results overlaps the work, instead of following it), and the rest
    once its share is done.  ``meanwhile`` (called at most once per process) is work the parent
    will need later and does while children are still busy with their shares.
    """
    mine, *others = shares(weights, parts if can_fork() else 1, lead=lead)
    results: dict[int, T] = {}
    children: list[_Child[T]] = []
    for indices in others:
        child = _fork(work, indices)
        if child is None:
            mine = mine + indices  # no process to be had: done here
        else:
            children.append(child)
    try:
        for index in mine:  # the parent works while the children do
            results[index] = work(index, index + 1)
            for child in children:
                child.take_ready(results)
        if children and meanwhile is not None:
            meanwhile()
        for child in children:
            child.finish(results, work)
    finally:
        for child in children:  # only when the parent's own work failed: leave no process or descriptor behind
            child.abandon()
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


def _spool() -> int:
    """An unnamed file for a child's results (a descriptor): in memory where Linux allows it."""
    if hasattr(os, "memfd_create"):
        try:
            return os.memfd_create("monitlint-results")
        except OSError:
            pass
    import tempfile  # rarely needed: imported here to keep start-up short

    with tempfile.TemporaryFile() as file:
        return os.dup(file.fileno())


# How a child says a result is complete: the end offset of its pickle in the spool (8 bytes, which
# a pipe writes at once).
_END = 8


class _Child(Generic[T]):
    """A forked child computing ``indices``: its results are read as far as it says they are complete."""

    def __init__(self, pid: int, spool: int, ends: int, indices: list[int]) -> None:
        self.pid = pid
        self.spool = spool  # read at offsets only (os.pread): the child writes at offsets too
        self.ends = ends  # the pipe the child writes each result's end offset to
        self.indices = indices
        self.taken = 0  # results read so far
        self.offset = 0  # where the next result's pickle begins
        self.pending = b""  # a part of an end offset read before the rest
        self.damaged = False

    def take_ready(self, results: dict[int, T]) -> None:
        """Read the results the child has completed so far, without waiting."""
        try:
            told = os.read(self.ends, 64 * _END)
        except BlockingIOError:
            return
        self._take(told, results)

    def finish(self, results: dict[int, T], work: Callable[[int, int], T]) -> None:
        """Read the child's remaining results as it completes them, then compute here what it did not deliver."""
        os.set_blocking(self.ends, True)
        while told := os.read(self.ends, 64 * _END):
            self._take(told, results)
        self._end()
        for index in self.indices[self.taken :]:
            results[index] = work(index, index + 1)

    def abandon(self) -> None:
        """Stop the child if it is still running (the parent failed), and let go of its descriptors."""
        if self.pid:
            import signal

            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
            self._end()

    def _end(self) -> None:
        pid, self.pid = self.pid, 0
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
        os.close(self.ends)
        os.close(self.spool)

    def _take(self, told: bytes, results: dict[int, T]) -> None:
        import pickle

        told = self.pending + told
        whole = len(told) - len(told) % _END
        self.pending = told[whole:]
        for at in range(0, whole, _END):
            end = int.from_bytes(told[at : at + _END], "little")
            if self.damaged or self.taken >= len(self.indices):
                return
            try:
                result = pickle.loads(os.pread(self.spool, end - self.offset, self.offset))
            except Exception:  # a damaged result: keep the ones before it, compute the rest here
                self.damaged = True
                return
            results[self.indices[self.taken]] = result
            self.taken += 1
            self.offset = end


def _fork(work: Callable[[int, int], T], indices: list[int]) -> _Child[T] | None:
    """Start a child computing ``work`` for ``indices``, or None if a process cannot be had."""
    try:
        spool = _spool()
    except OSError:
        return None
    try:
        ends, told = os.pipe()
    except OSError:
        os.close(spool)
        return None
    try:
        pid = os.fork()
    except OSError:
        for fd in (spool, ends, told):
            os.close(fd)
        return None
    if pid == 0:  # the child: compute, write, and leave without running the parent's exit handlers
        status = 1
        done = []  # held until os._exit: freeing them object by object is work for nothing
        try:
            import pickle

            os.close(ends)
            offset = 0
            for index in indices:
                done.append(work(index, index + 1))
                data = pickle.dumps(done[-1], protocol=pickle.HIGHEST_PROTOCOL)
                while data:  # at offsets: the parent reads the same file at offsets meanwhile
                    written = os.pwrite(spool, data, offset)
                    offset += written
                    data = data[written:]
                os.write(told, offset.to_bytes(_END, "little"))
            status = 0
        finally:
            os._exit(status)
    os.close(told)  # the child's now: the pipe ends when the child does
    os.set_blocking(ends, False)
    return _Child(pid, spool, ends, indices)
