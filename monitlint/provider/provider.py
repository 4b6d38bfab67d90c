"""Act on a Monit service through the ``monit`` executable, then prove the result.

Fault model
-----------
Exit 0 (``ok: true``) means: when the call returned, the process table showed
the requested state, judged by this provider on its own, not by Monit's words.

* **Monit's exit status only means "queued".**  Every action is: lint gate,
  per-service lock, a check that the daemon runs the files on disk
  (:mod:`~monitlint.provider.staleness`), wait until Monit has no pending
  action for the service, act, wait until the status settles, then look at
  the process table.
* **Only the service's own process counts** (:mod:`~monitlint.provider.view`,
  :mod:`~monitlint.provider.identity`): a live process that is not pid 1, not
  this provider, any of its ancestors or any other running provider call, not
  the Monit daemon; for ``matching`` found with the same POSIX regex and the
  same choice as Monit (the oldest match whose parent does not match); for a
  pidfile read strictly, whose process started before the file was written and
  runs what the start program runs.  A pidfile naming any other live process
  makes the state "unknown" and **nothing is sent**, for every action: Monit
  would take that process for the service, and its stop program would hit it.
* **"Verified running"**: after ``start``/``restart`` the process must still
  be alive after a stability window (one Monit cycle, at least 2.5 s, within
  ``--timeout``), and after ``restart`` it must be a new process.
* **"Verified stopped"** means no such process is left and Monit no longer
  monitors the service.  A pidfile that cannot be read as a pid, or a process
  scan that runs out of its budget, is "unknown", never "stopped".
* **Deadlines follow Monit's serial loop**: the service's own program timeouts,
  plus those of every other service Monit is busy with, plus two cycles; while
  Monit is still busy elsewhere the wait is extended.  ``--timeout`` bounds the
  whole call.  An action still pending at the deadline is reported as "still
  pending" (exit 1), not as success nor as the opposite state.
* **An unmonitored service whose process runs**: Monit 5.33 runs no stop
  program for it, so ``stop`` first monitors it, then stops it, and says so.
* **A dry run** (``ensure --dry-run``, what Puppet's ``status`` and Ansible's
  check mode use) waits for pending actions like ``ensure`` and decides "in
  state" the same way, but sends nothing.

Where Monit itself is blind, and what the provider does then:

* A ``matching`` pattern that also matches an unrelated, older process: Monit
  takes that process for the service, and so does this provider (the result
  names the pid).  MON405 warns about overbroad patterns.
* A ``matching`` pattern that matches the caller's own command line: Monit may
  take the caller for the service and then neither starts nor stops anything.
  The provider never counts the caller, so the result is a failure that says
  so, never a false OK.
* Anything done to the service by others after the call returned.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import asdict, field
from enum import StrEnum
from typing import Any

from monitlint.config import Config
from monitlint.diagnostics import Diagnostic, Severity
from monitlint.model import ControlFile, DaemonSetting, Service
from monitlint.provider import processes
from monitlint.provider.control_file import GateReport, GateVerdict, gate_all, lint_gate, locate_control_file
from monitlint.provider.errors import (
    EXIT_ENVIRONMENT,
    EXIT_FAILED,
    EXIT_REFUSED,
    ControlFileError,
    DaemonUnavailable,
    ProviderError,
    UnknownService,
)
from monitlint.provider.locking import lock_dir, registered_caller, service_lock
from monitlint.provider.monit_cli import MonitCLI, MonitOutput
from monitlint.provider.names import check_service_name, same_service
from monitlint.provider.staleness import daemon_load, file_digests, freshness, record_load
from monitlint.provider.status import ServiceStatus, parse_all
from monitlint.provider.view import ProcessTable, ProcessView
from monitlint.records import record

DEFAULT_PROGRAM_TIMEOUT = 30  # Monit's default start/stop timeout, in seconds
DEFAULT_DAEMON_CYCLE = 30
SLACK = 5.0
POLL_INTERVAL = 0.3
MIN_STABILITY = 2.5  # catches a process that dies right after its start program returned
MAX_STABILITY = 60.0
EXIT_GRACE = 2.0  # a stopped process may take this long to leave the process table
# Monit's status word for a process it has not seen since its last check: right after a start it may
# still show it, though the process runs (the next cycle clears it).
STALE_FAILURE_WORDS = frozenset({"Does not exist"})


class Action(StrEnum):
    """What a provider call was asked to do."""

    START = "start"
    STOP = "stop"
    RESTART = "restart"
    MONITOR = "monitor"
    UNMONITOR = "unmonitor"
    ENSURE = "ensure"
    STATUS = "status"


class State(StrEnum):
    """A service's state as a result reports it."""

    RUNNING = "running"
    STOPPED = "stopped"
    PENDING = "pending"
    UNKNOWN = "unknown"
    MONITORED = "monitored"
    NOT_MONITORED = "not monitored"


ACTIONS = tuple(a.value for a in (Action.START, Action.STOP, Action.RESTART, Action.MONITOR, Action.UNMONITOR))


@record
class ActionResult:
    """The outcome of one provider call; every call, failed or not, has all these fields."""

    service: str
    action: str
    ok: bool
    changed: bool
    state: str  # a State: running, stopped, pending, unknown (processes); monitored / not monitored otherwise
    message: str
    exit_code: int = 0
    monitored: bool | None = None
    status: str | None = None
    pid_before: int | None = None
    pid_after: int | None = None
    on_reboot: str | None = None
    mode: str | None = None
    steps: list[str] = field(default_factory=list)  # the monit actions sent, in order
    notes: list[str] = field(default_factory=list)  # what the provider noticed on the way
    findings: list[Diagnostic] = field(default_factory=list)
    in_state: bool | None = None  # ensure and dry runs: whether the service already was in the target state
    dry_run: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data."""
        data = asdict(self)
        data["findings"] = [d.to_dict() for d in self.findings]
        return data


def error_result(name: str, action: str, error: ProviderError) -> ActionResult:
    """The result of a call that stopped on an environment or usage error."""
    return _not_done(name, action, str(error), error.exit_code)


def _not_done(
    name: str, action: str, message: str, exit_code: int, findings: list[Diagnostic] | None = None
) -> ActionResult:
    """A result for a call that sent nothing (refused, or stopped by an error): state unknown."""
    return ActionResult(
        service=name,
        action=action,
        ok=False,
        changed=False,
        state=State.UNKNOWN,
        message=message,
        exit_code=exit_code,
        findings=list(findings or []),
    )


def _blocking(diagnostic: Diagnostic) -> str:
    """A finding that blocks the gate, in a few words: code, rule and place."""
    return f"{diagnostic.code} {diagnostic.rule} at {diagnostic.span.path}:{diagnostic.span.line}"


@record
class ServiceEntry:
    """One service as `service list` shows it."""

    name: str
    type: str
    state: str
    monitored: bool
    status: str
    pid: int | None
    refused: bool  # whether the lint gate would refuse an action on it
    refusal: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The entry as JSON-ready data."""
        return asdict(self)


@record
class Call:
    """One provider call in progress: what was asked, the gate's verdict, and what was done so far."""

    name: str
    action: Action  # what the caller asked for (ensure included)
    gate: GateVerdict
    target: State | None = None  # ensure: RUNNING or STOPPED
    before: ServiceStatus | None = None
    view_before: ProcessView = field(default_factory=ProcessView)
    steps: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def service(self) -> Service:
        """The service the gate found (a call only starts once it did)."""
        assert self.gate.service is not None
        return self.gate.service

    @property
    def config(self) -> ControlFile:
        """The control file as the gate read it."""
        return self.gate.config


class MonitProvider:
    """Start, stop, restart, monitor and unmonitor Monit services, safely."""

    def __init__(
        self,
        control_file: str | None = None,
        monit: str = "monit",
        timeout: float | None = None,
        poll_interval: float = POLL_INTERVAL,
        config: Config | None = None,
        reload: bool = False,
    ) -> None:
        if timeout is not None and not (math.isfinite(timeout) and timeout > 0):
            raise ProviderError(f"the timeout must be a finite number of seconds above 0 (got {timeout!r})")
        # The same default as `monitlint service -c`: Puppet and Ansible pass it through the environment.
        self.control_file = locate_control_file(control_file or os.environ.get("MONITLINT_CONTROL_FILE") or None)
        self.config = config  # the monitlint configuration the caller named; never one discovered
        self.cli = MonitCLI(monit, self.control_file)
        self.table = ProcessTable(self.cli.executable)
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.reload = reload
        self._deadline: float | None = None  # monotonic end of the whole call, with --timeout

    # -- public API -------------------------------------------------------------

    def status(self, name: str) -> ActionResult:
        """Report the service's state without changing anything (no lint gate)."""
        check_service_name(name)
        self._begin()
        with registered_caller():
            status = self._read_status(name)
            model = self._model()
            service = _find_service(model, status.name) if model is not None else None
            view = self.table.view(service, status, model)
            result = _result(status.name, Action.STATUS, status, None, view, self._describe(status, view))
            result.state = self._state(service, status, view)
            result.notes = view.problems
            return result

    def list_services(self) -> list[ServiceEntry]:
        """Every service of the running daemon: type, state, pid, and whether the lint gate would refuse it."""
        self._begin()
        with registered_caller():
            statuses = self._all_statuses()
            try:
                report: GateReport | None = gate_all(self.control_file, self.config)
            except ControlFileError:
                report = None
            model = report.config if report is not None else None
            entries = []
            for status in statuses:
                service = _find_service(model, status.name) if model is not None else None
                view = self.table.view(service, status, model)
                verdict = report.verdict(status.name) if report is not None and service is not None else None
                refusal: str | None
                if report is None:
                    refusal = "the control file cannot be read"
                elif verdict is not None and verdict.blocking:
                    refusal = _blocking(verdict.blocking[0])
                elif view.foreign:
                    refusal = view.foreign[0]
                elif service is None:
                    refusal = "not in the control file" if status.type != "system" else None
                else:
                    refusal = None
                entries.append(
                    ServiceEntry(
                        name=status.name,
                        type=status.type,
                        state=self._state(service, status, view),
                        monitored=status.monitored,
                        status=status.status,
                        pid=view.pids[0] if view.pids else None,
                        refused=refusal is not None,
                        refusal=refusal,
                    )
                )
            return entries

    def start(self, name: str) -> ActionResult:
        """Start the service and verify a process is running and stays up."""
        return self._locked(name, Action.START)

    def stop(self, name: str) -> ActionResult:
        """Stop the service and verify its process is gone."""
        return self._locked(name, Action.STOP)

    def restart(self, name: str) -> ActionResult:
        """Restart the service and verify a new process replaced the old one."""
        return self._locked(name, Action.RESTART)

    def monitor(self, name: str) -> ActionResult:
        """Enable monitoring of the service."""
        return self._locked(name, Action.MONITOR)

    def unmonitor(self, name: str) -> ActionResult:
        """Disable monitoring of the service (its process is left as it is)."""
        return self._locked(name, Action.UNMONITOR)

    def ensure(self, name: str, state: str, dry_run: bool = False) -> ActionResult:
        """Bring the service to ``running`` or ``stopped``; do nothing if it is already there.

        With ``dry_run`` nothing is sent: the result says whether the service is
        in that state (``in_state``) once pending actions have settled, and what
        the real call would do or why it would be refused.
        """
        if state not in (State.RUNNING, State.STOPPED):
            raise ProviderError(f"unknown target state '{state}' (use running or stopped)")
        if dry_run:
            return self._plan(name, State(state))
        return self._locked(name, Action.ENSURE, State(state))

    # -- the action protocol ---------------------------------------------------------

    def _begin(self) -> None:
        """Start the clock of one call: ``--timeout`` bounds everything it does from here."""
        self._deadline = time.monotonic() + self.timeout if self.timeout is not None else None
        self.cli.deadline = self._deadline

    def _until(self, seconds: float) -> float:
        """The monotonic time ``seconds`` from now, never past the call's deadline."""
        end = time.monotonic() + seconds
        return end if self._deadline is None else min(end, self._deadline)

    def _pause(self, seconds: float) -> None:
        """Sleep ``seconds``, never past the call's deadline."""
        left = seconds if self._deadline is None else min(seconds, self._deadline - time.monotonic())
        if left > 0:
            time.sleep(left)

    def _locked(self, name: str, action: Action, target: State | None = None) -> ActionResult:
        check_service_name(name)
        self._begin()
        with registered_caller():
            gate = self._gate(name)
            if gate.refused:
                return self._refused(name, action, gate)
            call = Call(name, action, gate, target)
            budget = self._budget(call.service, self._effective(call), gate.config)
            with service_lock(self.control_file, call.service.name, wait=self._until(budget) - time.monotonic()) as ok:
                if not ok:
                    return self._failed(
                        call,
                        None,
                        ProcessView(),
                        f"another monitlint action on '{call.service.name}' did not "
                        f"finish within {budget:g} s; nothing was sent: try again when it has finished",
                    )
                call.gate = self._fresh_gate(name, gate)
                if call.gate.refused:
                    return self._refused(name, action, call.gate)
                call.name = call.service.name
                return self._act(call)

    def _plan(self, name: str, target: State) -> ActionResult:
        """The dry run of ``ensure``: settle, decide, report; send nothing."""
        check_service_name(name)
        self._begin()
        with registered_caller():
            gate = self._gate(name)
            if gate.service is None:
                return self._refused(name, Action.ENSURE, gate, dry_run=True)
            call = Call(gate.service.name, Action.ENSURE, gate, target)
            call.before = self._settle_first(call)
            call.view_before = self.table.view(call.service, call.before, call.config)
            if not call.before.settled:
                result = self._pending_before(call)
            elif call.view_before.foreign:
                result = self._foreign(call)
            elif self._in_state(call, call.before, call.view_before):
                word = "running" if target is State.RUNNING else "stopped"
                pid = f" (pid {call.view_before.pids[0]})" if call.view_before.pids else ""
                result = self._done(call, call.before, call.view_before, f"'{call.name}' is already {word}{pid}")
                if gate.refused:
                    result.notes.append("an action on it would be refused: " + self._refusal_reason(gate))
                result.in_state = True
            else:
                gate = gate if gate.refused else self._fresh_gate(name, gate, may_reload=False)
                if gate.refused:
                    result = self._refused(name, Action.ENSURE, gate, dry_run=True)
                else:
                    verb = "start" if target is State.RUNNING else "stop"
                    result = self._done(
                        call,
                        call.before,
                        call.view_before,
                        f"would {verb} '{call.name}' (now: {self._describe(call.before, call.view_before)})",
                        changed=True,
                    )
                result.in_state = False
            result.dry_run = True
            result.state = self._state(call.service, call.before, call.view_before)
            return result

    def _act(self, call: Call) -> ActionResult:
        call.before = before = self._settle_first(call)
        if not before.settled:
            return self._pending_before(call)
        call.view_before = self.table.view(call.service, before, call.config)
        if call.view_before.foreign:
            return self._foreign(call)
        if call.target is not None and self._in_state(call, before, call.view_before):
            word = "running" if call.target is State.RUNNING else "stopped"
            pid = f" (pid {call.view_before.pids[0]})" if call.view_before.pids else ""
            result = self._done(call, before, call.view_before, f"'{call.name}' is already {word}{pid}")
            result.in_state = True
            return result
        result = self._do(call, self._effective(call))
        if call.target is not None:
            result.in_state = False
        return result

    def _do(self, call: Call, action: Action) -> ActionResult:
        before, view_before = call.before, call.view_before
        assert before is not None
        if view_before.unknown and action in (Action.STOP, Action.RESTART):
            return self._failed(
                call,
                before,
                view_before,
                f"cannot tell which process is '{call.name}': "
                + "; ".join(view_before.problems)
                + "; nothing was sent",
                State.UNKNOWN,
            )
        try:
            if action in (Action.STOP, Action.RESTART) and not before.monitored and view_before.pids:
                refused = self._monitor_first(call, action)
                if refused is not None:
                    return refused
            started_at = time.time()
            deadline = self._until(self._budget(call.service, action, call.config))
            self._send(action, call.name)
            call.steps.append(action)
            after = self._wait_settled(call, deadline)
            return self._verify(call, action, after, started_at, deadline)
        except ProviderError as exc:
            if not call.steps:
                raise
            # Something was sent: the result must say so, and what the process table shows now.
            view = self.table.view(call.service, None, call.config).with_survivors(view_before)
            return self._failed(
                call,
                None,
                view,
                f"{call.steps[-1]} of '{call.name}' was sent, then {exc}; it may or may not have happened: "
                f"check `monit status {call.name}` and call again",
                State.UNKNOWN if not view.pids else None,
            )

    def _monitor_first(self, call: Call, action: Action) -> ActionResult | None:
        """Monit 5.33 runs no stop program for a service it does not monitor: monitor it first."""
        self._send(Action.MONITOR, call.name)
        call.steps.append(Action.MONITOR)
        call.notes.append(
            f"'{call.name}' was not monitored while its process ran: monitored it first, as Monit "
            f"runs no {action} program for an unmonitored service"
        )
        monitored = self._wait_settled(call, self._until(self._budget(call.service, Action.MONITOR, call.config)))
        if monitored.monitored:
            return None
        return self._failed(
            call,
            monitored,
            None,
            f"could not monitor '{call.name}' before the {action}: Monit says '{monitored.monitoring}'; "
            "nothing else was sent: check Monit's log",
        )

    def _send(self, action: Action, name: str) -> None:
        try:
            output = self.cli.run(action, name)
        except DaemonUnavailable:
            return  # the request may still be carried out later: the status read decides
        if output.returncode != 0:
            raise self._classify(output, name)

    def _settle_first(self, call: Call) -> ServiceStatus:
        """Wait until an action queued by someone else (or Monit's own start-up) has finished."""
        status = self._read_status(call.name)
        if status.settled:
            return status
        return self._wait_settled(call, self._until(self._budget(call.service, Action.RESTART, call.config)))

    def _wait_settled(self, call: Call, deadline: float) -> ServiceStatus:
        hard_stop = deadline if self._deadline is not None else deadline + self._queue_cap(call.config)
        status = self._read_status(call.name)
        while not status.settled:
            now = time.monotonic()
            if now >= deadline:
                # Monit's loop is serial: while it is busy with other services, ours waits its turn.
                if now >= hard_stop or not self._others_busy(call.name):
                    break
                deadline = min(hard_stop, now + self._cycle(call.config))
            self._pause(min(self.poll_interval, max(0.0, deadline - now)))
            status = self._read_status(call.name)
            if status.pending is None and status.failed and status.monitoring != "Initializing":
                break  # a failure word after the pending action cleared is final
        return status

    def _verify(
        self, call: Call, action: Action, after: ServiceStatus, started_at: float, deadline: float
    ) -> ActionResult:
        name = call.name
        if after.pending is not None or not after.settled:
            return self._failed(
                call,
                after,
                None,
                f"{action} of '{name}' is still pending in Monit at the deadline (Monit says {_words(after)}); "
                f"it may still happen: check `monit status {name}` before calling again",
                State.PENDING,
            )
        if action is Action.STOP:
            return self._verify_stopped(call, after, deadline)
        if action in (Action.START, Action.RESTART):
            return self._verify_started(call, action, after, started_at)
        wanted = action is Action.MONITOR
        if after.monitored != wanted:
            return self._failed(
                call, after, None, f"{action} of '{name}' failed: monitoring status is '{after.monitoring}'"
            )
        assert call.before is not None
        view = self.table.view(call.service, after, call.config)
        word = "monitored" if wanted else "not monitored"
        return self._done(call, after, view, f"'{name}' is {word}", changed=call.before.monitored != wanted)

    def _verify_stopped(self, call: Call, after: ServiceStatus, deadline: float) -> ActionResult:
        name = call.name
        before = call.before
        assert before is not None
        grace = min(time.monotonic() + EXIT_GRACE, max(deadline, time.monotonic()))
        view = self.table.await_exit(call.service, after, call.config, call.view_before, grace)
        if view.unknown:
            return self._failed(
                call, after, view, f"cannot verify that '{name}' stopped: " + "; ".join(view.problems), State.UNKNOWN
            )
        if view.pids:
            return self._failed(
                call,
                after,
                view,
                f"stop of '{name}' did not stop it: process {view.pids[0]} is still running "
                f"(Monit says '{after.status}'): check the stop program of '{name}'",
            )
        if after.monitored:
            return self._failed(call, after, view, f"'{name}' is still monitored after stop (status '{after.status}')")
        gone = f" (pid {call.view_before.pids[0]} is gone)" if call.view_before.pids else ""
        changed = bool(call.view_before.pids) or before.monitored
        return self._done(call, after, view, f"'{name}' stopped{gone}", changed=changed)

    def _verify_started(self, call: Call, action: Action, after: ServiceStatus, started_at: float) -> ActionResult:
        name = call.name
        before = call.before
        assert before is not None
        if call.service.type != "process":
            if after.failed or not after.monitored:
                return self._failed(call, after, None, f"{action} of '{name}' failed: Monit says {_words(after)}")
            changed = not before.monitored or action is Action.RESTART
            return self._done(call, after, ProcessView(), f"'{name}' is monitored", changed=changed)
        keep = set(call.view_before.pids) if action is Action.START else set()
        view = self.table.view(call.service, after, call.config, started_after=started_at, keep=keep)
        if view.foreign:
            return self._failed(call, after, view, f"{action} of '{name}': " + view.foreign[0], State.UNKNOWN)
        if not view.pids:
            why = "; ".join(view.problems)
            return self._failed(
                call,
                after,
                view,
                f"{action} of '{name}' failed: no process of the service is running"
                + (f" ({why})" if why else "")
                + f"; Monit says {_words(after)}: check the start program of '{name}' and Monit's log",
            )
        if action is Action.RESTART and set(view.pids) & set(call.view_before.pids):
            return self._failed(
                call, after, view, f"restart of '{name}' did not replace the process: pid {view.pids[0]} is unchanged"
            )
        if after.failed or not after.monitored:
            after = self._recheck(call, after)
            if not after.monitored or (after.failed and not _only_stale_words(after)):
                return self._failed(
                    call,
                    after,
                    view,
                    f"{action} of '{name}': process {view.pids[0]} runs, but Monit says {_words(after)}: "
                    f"check the tests of '{name}' and Monit's log",
                )
            if after.failed:
                call.notes.append(
                    f"Monit still says {_words(after)} from its check before the {action}; "
                    f"its next cycle will see process {view.pids[0]}"
                )
        unstable = self._stable(call, view)
        if unstable is not None:
            return self._failed(call, after, self.table.view(call.service, None, call.config), unstable)
        changed = action is Action.RESTART or not call.view_before.pids or not before.monitored
        verb = "restarted" if action is Action.RESTART else "running"
        return self._done(call, after, view, f"'{name}' {verb} (pid {view.pids[0]})", changed=changed)

    def _recheck(self, call: Call, after: ServiceStatus) -> ServiceStatus:
        """Monit's status once its next cycle has looked at the process it just started."""
        end = self._until(self._cycle(call.config) + SLACK)
        status = after
        while (status.failed or not status.monitored) and time.monotonic() < end:
            self._pause(self.poll_interval)
            status = self._read_status(call.name)
        return status

    def _stable(self, call: Call, view: ProcessView) -> str | None:
        """None when the started process is still alive after the stability window; else why not."""
        window = min(MAX_STABILITY, max(MIN_STABILITY, float(self._cycle(call.config))))
        end = self._until(window)
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

    def _in_state(self, call: Call, status: ServiceStatus, view: ProcessView) -> bool:
        """Whether ``ensure`` has nothing to do: the same verdict for real calls and dry runs."""
        if view.unknown:
            return False
        running = call.target is State.RUNNING
        if call.service.type != "process":
            return status.monitored == running and not (running and status.failed)
        if running:
            return bool(view.pids) and status.monitored and not status.failed
        # A monitored service whose process is gone is not stopped: Monit will start it again.
        return not view.pids and not status.monitored

    @staticmethod
    def _effective(call: Call) -> Action:
        """The monit action a call sends: ensure sends start or stop."""
        if call.action is Action.ENSURE:
            return Action.START if call.target is State.RUNNING else Action.STOP
        return call.action

    # -- the daemon's configuration -----------------------------------------------------

    def _gate(self, name: str) -> GateVerdict:
        gate = lint_gate(self.control_file, name, self.config)
        if gate.service is None and not gate.refused:
            raise UnknownService(f"no service named '{name}' in {self.control_file}")
        return gate

    def _state_dir(self) -> str | None:
        try:
            return lock_dir()
        except ProviderError:
            return None

    def _daemon_services(self) -> list[str] | None:
        try:
            return [s.name for s in self._all_statuses() if s.type != "system"]
        except ProviderError:
            return None  # the action itself will say what is wrong with the daemon

    def _fresh_gate(self, name: str, gate: GateVerdict, may_reload: bool = True) -> GateVerdict:
        """The gate again if the daemon runs another version of the files: refuse, or reload first."""
        state = freshness(gate.config, gate.files, self._daemon_services(), self._state_dir())
        if not state.stale:
            return gate
        changed = ", ".join(state.changed[:3]) + (" …" if len(state.changed) > 3 else "")
        detail = f" ({changed})" if changed else ""
        if not (self.reload and may_reload):
            gate.stale = (
                f"{state.reason}{detail}: the lint verdict would be about a configuration the daemon is not "
                f"running; run `monit -c {self.control_file} reload` (or pass --reload) and call again"
            )
            return gate
        self._reload_daemon(gate)
        gate = self._gate(name)
        state = freshness(gate.config, gate.files, self._daemon_services(), self._state_dir())
        if state.stale:
            gate.stale = (
                f"after a reload, {state.reason}{detail}: the files changed while the daemon reloaded; call again"
            )
        return gate

    def _reload_daemon(self, gate: GateVerdict) -> None:
        """``monit reload``, then wait for the daemon's own reload (its pid file is rewritten after the parse).

        Monit handles the signal between two cycles, after whatever it is busy
        with: the wait allows for its busy services' programs and two cycles.
        """
        before = daemon_load(gate.config)
        if before is None:
            raise DaemonUnavailable(f"the Monit daemon of {self.control_file} is not running (no live pid file)")
        digests = file_digests(gate.files)
        queued = self._queued_seconds(gate.config, "")
        output = self.cli.run("reload")
        if output.returncode != 0:
            raise self._classify(output, "")
        wait = queued + 2 * self._cycle(gate.config) + SLACK
        end = self._until(wait)
        while time.monotonic() < end:
            self._pause(self.poll_interval)
            now = daemon_load(gate.config)
            if now is None:
                raise DaemonUnavailable(
                    f"the Monit daemon stopped while reloading {self.control_file}: see its log "
                    f"(`monit -c {self.control_file} -t` shows a syntax error Monit found)"
                )
            if now.key == before.key:
                continue
            try:
                self._all_statuses()
            except ProviderError:
                continue
            if file_digests(gate.files) == digests:
                record_load(gate.config, now, digests, self._state_dir())
            return
        raise DaemonUnavailable(
            f"the Monit daemon did not reload within {wait:g} s (it is busy, or hung): nothing was sent; "
            f"check `monit -c {self.control_file} status` and call again"
        )

    def _model(self) -> ControlFile | None:
        try:
            return lint_gate(self.control_file, "", self.config).config
        except ControlFileError:
            return None

    # -- the daemon's status ------------------------------------------------------------

    def _all_statuses(self) -> list[ServiceStatus]:
        output = self.cli.run("status")
        if output.returncode != 0:
            raise self._classify(output, "")
        return parse_all(output.stdout)

    def _read_status(self, name: str) -> ServiceStatus:
        output = self.cli.run("status", name)
        if output.returncode != 0:
            raise self._classify(output, name)
        status = next((s for s in parse_all(output.stdout) if same_service(s.name, name)), None)
        if status is None:
            raise UnknownService(
                f"the running Monit daemon shows no service named '{name}': "
                f"run `monit -c {self.control_file} reload` (or pass --reload)"
            )
        return status

    def _others_busy(self, name: str) -> bool:
        try:
            return any(s.busy for s in self._all_statuses() if not same_service(s.name, name))
        except ProviderError:
            return False

    def _classify(self, output: MonitOutput, name: str) -> ProviderError:
        text = output.text
        first = output.first_line()
        if "not found" in text or "There is no service" in text or "doesn't exist" in text:
            return UnknownService(
                f"the Monit daemon has no service named '{name}' ({first}): if it was just added, "
                f"run `monit -c {self.control_file} reload` (or pass --reload)"
            )
        if "daemon is not running" in text:
            return DaemonUnavailable(f"the Monit daemon is not running ({self.control_file}): start it with `monit`")
        if "HTTP interface is not enabled" in text or "http interface" in text.lower():
            return DaemonUnavailable(
                "monit cannot talk to its daemon: the control file has no usable `set httpd` "
                "(see rule MON501 cli-unreachable)"
            )
        if "permission" in text.lower() or "must be owned by you" in text:
            return ControlFileError(f"monit refused the control file: {first}")
        if "Error receiving data" in text or "Resource temporarily unavailable" in text or "timed out" in text:
            return DaemonUnavailable(
                f"the Monit daemon did not answer (monit said: {first}): it is busy or hung; "
                f"check `monit -c {self.control_file} status` and its log, then call again"
            )
        if "connection error" in text.lower() or "cannot connect" in text.lower():
            return DaemonUnavailable(
                f"monit cannot reach its daemon (monit said: {first}): is it running with this control file?"
            )
        return DaemonUnavailable(f"monit failed: {first}")

    def _cycle(self, config: ControlFile) -> int:
        cycle = next((s.interval for s in reversed(config.settings) if isinstance(s, DaemonSetting)), None)
        return cycle if cycle is not None and cycle > 0 else DEFAULT_DAEMON_CYCLE

    def _queued_seconds(self, config: ControlFile, name: str) -> int:
        """The program time of what Monit is busy with for services other than ``name``."""
        queued = 0
        try:
            for status in self._all_statuses():
                if status.busy and not same_service(status.name, name):
                    other = _find_service(config, status.name)
                    queued += _program_seconds(other, status.pending or "start") if other else DEFAULT_PROGRAM_TIMEOUT
        except ProviderError:
            pass  # the action itself will say what is wrong with the daemon
        return queued

    def _budget(self, service: Service, action: Action, config: ControlFile) -> float:
        """Seconds to wait for ``action``: our programs, what Monit is busy with before us, two cycles."""
        if self.timeout is not None:
            return self.timeout
        own = _program_seconds(service, action)
        return own + self._queued_seconds(config, service.name) + 2 * self._cycle(config) + SLACK

    def _queue_cap(self, config: ControlFile) -> float:
        """The most Monit can be busy with other services before it reaches ours."""
        return sum(_program_seconds(s, "restart") for s in config.services) + 2 * self._cycle(config)

    # -- results --------------------------------------------------------------------------

    def _describe(self, status: ServiceStatus, view: ProcessView) -> str:
        if status.type != "process":
            return f"'{status.name}': {status.status} ({status.monitoring.lower()})"
        if view.unknown and not view.pids:
            running = "in an unknown state"
        else:
            running = f"running (pid {view.pids[0]})" if view.pids else "not running"
        return f"'{status.name}' is {running}; Monit says {_words(status)}"

    def _state(self, service: Service | None, status: ServiceStatus | None, view: ProcessView) -> State:
        if service is None and status is not None and status.type == "process":
            return State.RUNNING if view.pids else State.UNKNOWN
        is_process = (
            service.type == "process" if service is not None else (status is not None and status.type == "process")
        )
        if not is_process:
            if status is None:
                return State.UNKNOWN
            return State.MONITORED if status.monitored else State.NOT_MONITORED
        if view.pids:
            return State.RUNNING
        if view.unknown:
            return State.UNKNOWN
        if status is not None and status.pending is not None:
            return State.PENDING
        return State.STOPPED

    def _done(
        self, call: Call, status: ServiceStatus, view: ProcessView, message: str, changed: bool = False
    ) -> ActionResult:
        result = _result(call.name, call.action, status, call.view_before, view, message)
        result.ok, result.changed = True, changed
        result.state = self._state(call.service, status, view)
        result.steps, result.notes = list(call.steps), call.notes + view.problems
        result.findings = list(call.gate.own)
        return result

    def _failed(
        self,
        call: Call,
        status: ServiceStatus | None,
        view: ProcessView | None,
        message: str,
        state: State | None = None,
    ) -> ActionResult:
        if view is None:
            view = self.table.view(call.service, status, call.config)
        if call.action in (Action.STOP, Action.RESTART, Action.ENSURE):
            view = view.with_survivors(call.view_before)  # a failed stop leaves the old process running
        if view.monit_took_caller:
            message += (
                "; Monit takes the caller's own process for the service (its `matching` pattern matches "
                "the caller's command line)"
            )
        result = _result(call.name, call.action, status, call.view_before, view, message)
        result.ok, result.exit_code = False, EXIT_FAILED
        result.state = state or self._state(call.service, status, view)
        result.steps, result.notes = list(call.steps), call.notes + view.problems
        result.findings = _relevant_findings(call)
        return result

    def _pending_before(self, call: Call) -> ActionResult:
        assert call.before is not None
        return self._failed(
            call,
            call.before,
            ProcessView(),
            f"Monit still has {_words(call.before)} for '{call.name}' from an earlier request; nothing was sent: "
            "call again once it has finished",
            State.PENDING,
        )

    def _foreign(self, call: Call) -> ActionResult:
        return self._failed(
            call,
            call.before,
            call.view_before,
            f"cannot tell whether '{call.name}' runs: {call.view_before.foreign[0]}; nothing was sent, as Monit "
            "would take that process for the service",
            State.UNKNOWN,
        )

    @staticmethod
    def _refusal_reason(gate: GateVerdict) -> str:
        if gate.blocking:
            return f"the control file fails linting: {_blocking(gate.blocking[0])}"
        return gate.stale or "the lint gate refused it"

    def _refused(self, name: str, action: Action, gate: GateVerdict, dry_run: bool = False) -> ActionResult:
        verb = "would not be sent" if dry_run else "was sent"
        message = f"nothing {verb} to Monit to {action} '{name}': {self._refusal_reason(gate)}"
        if dry_run:
            message = f"{action} '{name}' would be refused: {self._refusal_reason(gate)}"
        result = _not_done(name, action, message, EXIT_REFUSED, gate.blocking)
        result.dry_run = dry_run
        return result


def _result(
    name: str,
    action: Action,
    status: ServiceStatus | None,
    view_before: ProcessView | None,
    view: ProcessView,
    message: str,
) -> ActionResult:
    """A result with Monit's words and the pids filled in; the caller sets the verdict."""
    return ActionResult(
        service=name,
        action=action,
        ok=True,
        changed=False,
        state=State.UNKNOWN,
        message=message,
        monitored=status.monitored if status is not None else None,
        status=status.status if status is not None else None,
        pid_before=view_before.pids[0] if view_before is not None and view_before.pids else None,
        pid_after=view.pids[0] if view.pids else None,
        on_reboot=status.on_reboot if status is not None else None,
        mode=status.mode if status is not None else None,
    )


def _relevant_findings(call: Call) -> list[Diagnostic]:
    """The findings a failure shows: the service's errors and warnings, and infos on the programs it ran."""
    service = call.service
    programs = {
        Action.START: [service.start],
        Action.STOP: [service.stop],
        Action.RESTART: [service.restart, service.start, service.stop],
    }.get(MonitProvider._effective(call), [])
    lines = {(p.span.path, p.span.line) for p in programs if p is not None}
    return [
        d
        for d in call.gate.own
        if d.severity in (Severity.ERROR, Severity.WARNING) or (d.span.path, d.span.line) in lines
    ]


def _only_stale_words(status: ServiceStatus) -> bool:
    words = {part.strip() for part in status.base_status.split("|")}
    return bool(words) and words <= STALE_FAILURE_WORDS


def _words(status: ServiceStatus) -> str:
    """Monit's status and monitoring words, each once: 'OK' / 'Monitored', or just 'Not monitored'."""
    if status.status == status.monitoring or not status.monitoring:
        return f"'{status.status}'"
    return f"'{status.status}' / '{status.monitoring}'"


def _find_service(config: ControlFile, name: str) -> Service | None:
    """The service Monit means by ``name`` (names compare without regard to case)."""
    return next((s for s in config.services if same_service(s.name, name)), None)


def _program_seconds(service: Service, action: str) -> int:
    def timeout(kind: str) -> int:
        program = getattr(service, kind)
        return program.timeout if program is not None and program.timeout else DEFAULT_PROGRAM_TIMEOUT

    if action == "restart":
        return timeout("restart") if service.restart else timeout("stop") + timeout("start")
    if action in ("start", "stop"):
        return timeout(action)
    return 0


__all__ = ["ACTIONS", "EXIT_ENVIRONMENT", "Action", "ActionResult", "MonitProvider", "State", "error_result"]
