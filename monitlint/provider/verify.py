"""Proving a call's result from the process table: stopped, started and stable, or in its state.

Monit's exit status only means "queued" and its status words may lag a cycle
behind; the verdicts here come from :class:`~monitlint.provider.view.ProcessTable`.
"""

from __future__ import annotations

import time

from monitlint.model import ServiceType
from monitlint.provider import processes
from monitlint.provider.daemon import SLACK, Clock, Daemon
from monitlint.provider.results import (
    Action,
    ActionResult,
    Call,
    State,
    done,
    failed,
    monit_words,
    only_stale_words,
)
from monitlint.provider.status import ServiceStatus
from monitlint.provider.view import ProcessTable, ProcessView

MIN_STABILITY = 2.5  # catches a process that dies right after its start program returned
MAX_STABILITY = 60.0
EXIT_GRACE = 2.0  # a stopped process may take this long to leave the process table


class Verifier:
    """Judges what a sent action did, by the process table, within the call's clock."""

    def __init__(self, table: ProcessTable, daemon: Daemon, clock: Clock, poll_interval: float) -> None:
        self.table = table
        self.daemon = daemon
        self.clock = clock
        self.poll_interval = poll_interval

    def failure(
        self,
        call: Call,
        status: ServiceStatus | None,
        view: ProcessView | None,
        message: str,
        state: State | None = None,
    ) -> ActionResult:
        """A failure result; the process table is read again when no view is given."""
        if view is None:
            view = self.table.view(call.service, status, call.config)
        return failed(call, status, view, message, state)

    def after_action(
        self, call: Call, action: Action, after: ServiceStatus, started_at: float, deadline: float
    ) -> ActionResult:
        """The result of ``action``, sent at ``started_at`` (epoch seconds), given Monit's settled status."""
        name = call.name
        if after.pending is not None or not after.settled:
            return self.failure(
                call,
                after,
                None,
                f"{action} of '{name}' is still pending in Monit at the deadline (Monit says {monit_words(after)}); "
                f"it may still happen: check `monit status {name}` before calling again",
                State.PENDING,
            )
        if action is Action.STOP:
            return self._stopped(call, after, deadline)
        if action in (Action.START, Action.RESTART):
            return self._started(call, action, after, started_at)
        wanted = action is Action.MONITOR
        if after.monitored != wanted:
            return self.failure(
                call, after, None, f"{action} of '{name}' failed: monitoring status is '{after.monitoring}'"
            )
        assert call.before is not None
        view = self.table.view(call.service, after, call.config)
        word = "monitored" if wanted else "not monitored"
        return done(call, after, view, f"'{name}' is {word}", changed=call.before.monitored != wanted)

    def _stopped(self, call: Call, after: ServiceStatus, deadline: float) -> ActionResult:
        name = call.name
        before = call.before
        assert before is not None
        grace = min(time.monotonic() + EXIT_GRACE, max(deadline, time.monotonic()))
        view = self.table.await_exit(call.service, after, call.config, call.view_before, grace)
        if view.unknown:
            return self.failure(
                call, after, view, f"cannot verify that '{name}' stopped: " + "; ".join(view.problems), State.UNKNOWN
            )
        if view.pids:
            return self.failure(
                call,
                after,
                view,
                f"stop of '{name}' did not stop it: process {view.pids[0]} is still running "
                f"(Monit says '{after.status}'): check the stop program of '{name}'",
            )
        if after.monitored:
            return self.failure(call, after, view, f"'{name}' is still monitored after stop (status '{after.status}')")
        gone = f" (pid {call.view_before.pids[0]} is gone)" if call.view_before.pids else ""
        changed = bool(call.view_before.pids) or before.monitored
        return done(call, after, view, f"'{name}' stopped{gone}", changed=changed)

    def _started(self, call: Call, action: Action, after: ServiceStatus, started_at: float) -> ActionResult:
        name = call.name
        before = call.before
        assert before is not None
        if call.service.type is not ServiceType.PROCESS:
            if after.failed or not after.monitored:
                return self.failure(call, after, None, f"{action} of '{name}' failed: Monit says {monit_words(after)}")
            changed = not before.monitored or action is Action.RESTART
            return done(call, after, ProcessView(), f"'{name}' is monitored", changed=changed)
        keep = set(call.view_before.pids) if action is Action.START else set()
        view = self.table.view(call.service, after, call.config, started_after=started_at, keep=keep)
        if view.foreign:
            return self.failure(call, after, view, f"{action} of '{name}': " + view.foreign[0], State.UNKNOWN)
        if not view.pids:
            why = "; ".join(view.problems)
            return self.failure(
                call,
                after,
                view,
                f"{action} of '{name}' failed: no process of the service is running"
                + (f" ({why})" if why else "")
                + f"; Monit says {monit_words(after)}: check the start program of '{name}' and Monit's log",
            )
        if action is Action.RESTART and set(view.pids) & set(call.view_before.pids):
            return self.failure(
                call, after, view, f"restart of '{name}' did not replace the process: pid {view.pids[0]} is unchanged"
            )
        if after.failed or not after.monitored:
            after = self._recheck(call, after)
            if not after.monitored or (after.failed and not only_stale_words(after)):
                return self.failure(
                    call,
                    after,
                    view,
                    f"{action} of '{name}': process {view.pids[0]} runs, but Monit says {monit_words(after)}: "
                    f"check the tests of '{name}' and Monit's log",
                )
            if after.failed:
                call.notes.append(
                    f"Monit still says {monit_words(after)} from its check before the {action}; "
                    f"its next cycle will see process {view.pids[0]}"
                )
        unstable = self._stable(call, view)
        if unstable is not None:
            return self.failure(call, after, self.table.view(call.service, None, call.config), unstable)
        changed = action is Action.RESTART or not call.view_before.pids or not before.monitored
        verb = "restarted" if action is Action.RESTART else "running"
        return done(call, after, view, f"'{name}' {verb} (pid {view.pids[0]})", changed=changed)

    def _recheck(self, call: Call, after: ServiceStatus) -> ServiceStatus:
        """Monit's status once its next cycle has looked at the process it just started."""
        end = self.clock.until(self.daemon.cycle(call.config) + SLACK)
        status = after
        while (status.failed or not status.monitored) and time.monotonic() < end:
            self.clock.pause(self.poll_interval)
            status = self.daemon.read_status(call.name)
        return status

    def _stable(self, call: Call, view: ProcessView) -> str | None:
        """None when the started process is still alive after the stability window; else why not."""
        window = min(MAX_STABILITY, max(MIN_STABILITY, float(self.daemon.cycle(call.config))))
        end = self.clock.until(window)
        cut_short = end < time.monotonic() + window
        pid = view.pids[0]
        while time.monotonic() < end:
            if not processes.pid_alive(pid):
                return f"'{call.name}' started, but its process {pid} exited within {window:g} s: check its log"
            time.sleep(min(0.1, self.poll_interval, max(0.0, end - time.monotonic())))
        if processes.pid_alive(pid):
            if cut_short:
                call.notes.append(
                    f"process {pid} was watched for less than Monit's cycle ({window:g} s): --timeout ended the call"
                )
            return None
        return f"'{call.name}' started, but its process {pid} exited: check its log"

    @staticmethod
    def in_state(call: Call, status: ServiceStatus, view: ProcessView) -> bool:
        """Whether ``ensure`` has nothing to do: the same verdict for real calls and dry runs."""
        if view.unknown:
            return False
        running = call.target is State.RUNNING
        if call.service.type is not ServiceType.PROCESS:
            return status.monitored == running and not (running and status.failed)
        if running:
            return bool(view.pids) and status.monitored and not status.failed
        # A monitored service whose process is gone is not stopped: Monit will start it again.
        return not view.pids and not status.monitored
