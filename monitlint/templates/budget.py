"""A CPU-time budget for rendering one template: a loop that writes nothing is stopped too."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

# CPU seconds one template (with its loop items' values) may take: generous, a kill of a runaway loop.
RENDER_CPU_SECONDS = 60.0


class RenderBudgetExceeded(Exception):
    """Rendering used more CPU time than :data:`RENDER_CPU_SECONDS`."""


@contextlib.contextmanager
def cpu_budget(seconds: float | None = None) -> Iterator[None]:
    """Raise :class:`RenderBudgetExceeded` in the block after ``seconds`` of this process's CPU time.

    A profiling timer (SIGPROF) counts CPU, not wall-clock, time, so a loaded machine does not
    stop a template early.  Only in the main thread (signals are delivered there); elsewhere the
    block runs unbounded.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return
    limit = RENDER_CPU_SECONDS if seconds is None else seconds

    def expired(_signum: int, _frame: FrameType | None) -> None:
        raise RenderBudgetExceeded(f"rendering took more than {limit:g} s of CPU time (a runaway loop?)")

    previous = signal.signal(signal.SIGPROF, expired)
    signal.setitimer(signal.ITIMER_PROF, limit)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
