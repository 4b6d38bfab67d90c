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

The parts: :mod:`~monitlint.provider.daemon` talks to the daemon (status,
deadlines, reload), :mod:`~monitlint.provider.view` and
:mod:`~monitlint.provider.identity` judge the process table,
:mod:`~monitlint.provider.verify` proves a result, :mod:`~monitlint.provider.results`
words it; this module runs the protocol.

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

import dataclasses
import math
import os
import time

from monitlint.config import Config
from monitlint.model import ControlFile, ServiceType
from monitlint.provider.control_file import GateReport, GateVerdict, gate_all, lint_gate, locate_control_file
from monitlint.provider.daemon import Clock, Daemon, find_service
from monitlint.provider.errors import (
    EXIT_ENVIRONMENT,
    ControlFileError,
    DaemonUnavailable,
    MonitNotInstalled,
    ProviderError,
    UnknownService,
)
from monitlint.provider.locking import lock_dir, registered_caller, service_lock
from monitlint.provider.monit_cli import MonitCLI, monit_release
from monitlint.provider.names import check_service_name
from monitlint.provider.results import (
    ACTIONS,
    Action,
    ActionResult,
    Call,
    ServiceEntry,
    State,
    blocking_summary,
    describe,
    done,
    error_result,
    foreign,
    new_result,
    pending_before,
    refusal_reason,
    refused,
    state_of,
)
from monitlint.provider.staleness import freshness
from monitlint.provider.status import ServiceStatus
from monitlint.provider.verify import Verifier
from monitlint.provider.view import ProcessTable, ProcessView

POLL_INTERVAL = 0.3


# `monit -V` answers at once; a hung executable must not hold the call up for the whole action timeout.
RELEASE_QUERY_TIMEOUT = 5.0


def _for_release(config: Config | None, cli: MonitCLI) -> Config | None:
    """The configuration linting for the release of the `monit` this provider drives (`monit -V`)."""
    try:
        release = monit_release(cli.executable(), RELEASE_QUERY_TIMEOUT)
    except MonitNotInstalled:
        return config  # reported by the first call that needs the executable
    if release is None:
        return config
    return dataclasses.replace(config or Config(), target_versions=(release,))


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
        self._gate_config: Config | None = None
        self._release_asked = False
        self.clock = Clock(timeout)
        self.daemon = Daemon(self.cli, self.control_file, self.clock, poll_interval)
        self.table = ProcessTable(self.cli.executable)
        self.verifier = Verifier(self.table, self.daemon, self.clock, poll_interval)
        self.timeout = timeout
        self.reload = reload

    def gate_config(self) -> Config | None:
        """The configuration the lint gate uses: the caller's, linting for the release of this `monit`.

        Asked once, when the gate first runs (`monit -V` starts no daemon and sends nothing).
        """
        if not self._release_asked:
            self._release_asked = True
            self._gate_config = _for_release(self.config, self.cli)
        return self._gate_config if self._gate_config is not None else self.config

    # -- public API -------------------------------------------------------------

    def status(self, name: str) -> ActionResult:
        """Report the service's state without changing anything (no lint gate)."""
        check_service_name(name)
        self._begin()
        with registered_caller():
            status = self.daemon.read_status(name)
            model = self._model()
            service = find_service(model, status.name) if model is not None else None
            view = self.table.view(service, status, model)
            result = new_result(status.name, Action.STATUS, status, None, view, describe(status, view))
            result.state = state_of(service, status, view)
            result.notes = view.problems
            return result

    def list_services(self) -> list[ServiceEntry]:
        """Every service of the running daemon: type, state, pid, and whether the lint gate would refuse it."""
        self._begin()
        with registered_caller():
            statuses = self.daemon.all_statuses()
            try:
                report: GateReport | None = gate_all(self.control_file, self.gate_config())
            except ControlFileError:
                report = None
            model = report.config if report is not None else None
            entries = []
            for status in statuses:
                service = find_service(model, status.name) if model is not None else None
                view = self.table.view(service, status, model)
                verdict = report.verdict(status.name) if report is not None and service is not None else None
                refusal: str | None
                if report is None:
                    refusal = "the control file cannot be read"
                elif verdict is not None and verdict.blocking:
                    refusal = blocking_summary(verdict.blocking[0])
                elif view.foreign:
                    refusal = view.foreign[0]
                elif service is None:
                    refusal = "not in the control file" if status.type is not ServiceType.SYSTEM else None
                else:
                    refusal = None
                entries.append(
                    ServiceEntry(
                        name=status.name,
                        type=status.type,
                        state=state_of(service, status, view),
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
        self.clock.start()
        self.cli.deadline = self.clock.end

    def _locked(self, name: str, action: Action, target: State | None = None) -> ActionResult:
        check_service_name(name)
        self._begin()
        with registered_caller():
            gate = self._gate(name)
            if gate.refused:
                return refused(name, action, gate)
            call = Call(name, action, gate, target)
            budget = self.daemon.budget(call.service, call.effective, gate.config)
            with service_lock(
                self.control_file, call.service.name, wait=self.clock.until(budget) - time.monotonic()
            ) as ok:
                if not ok:
                    return self.verifier.failure(
                        call,
                        None,
                        ProcessView(),
                        f"another monitlint action on '{call.service.name}' did not "
                        f"finish within {budget:g} s; nothing was sent: try again when it has finished",
                    )
                call.gate = self._fresh_gate(name, gate)
                if call.gate.refused:
                    return refused(name, action, call.gate)
                call.name = call.service.name
                return self._act(call)

    def _plan(self, name: str, target: State) -> ActionResult:
        """The dry run of ``ensure``: settle, decide, report; send nothing."""
        check_service_name(name)
        self._begin()
        with registered_caller():
            gate = self._gate(name)
            if gate.service is None:
                return refused(name, Action.ENSURE, gate, dry_run=True)
            call = Call(gate.service.name, Action.ENSURE, gate, target)
            call.before = self._settle_first(call)
            call.view_before = self.table.view(call.service, call.before, call.config)
            if not call.before.settled:
                result = pending_before(call)
            elif call.view_before.foreign:
                result = foreign(call)
            elif self.verifier.in_state(call, call.before, call.view_before):
                word = "running" if target is State.RUNNING else "stopped"
                pid = f" (pid {call.view_before.pids[0]})" if call.view_before.pids else ""
                result = done(call, call.before, call.view_before, f"'{call.name}' is already {word}{pid}")
                if gate.refused:
                    result.notes.append("an action on it would be refused: " + refusal_reason(gate))
                result.in_state = True
            else:
                gate = gate if gate.refused else self._fresh_gate(name, gate, may_reload=False)
                if gate.refused:
                    result = refused(name, Action.ENSURE, gate, dry_run=True)
                else:
                    verb = "start" if target is State.RUNNING else "stop"
                    result = done(
                        call,
                        call.before,
                        call.view_before,
                        f"would {verb} '{call.name}' (now: {describe(call.before, call.view_before)})",
                        changed=True,
                    )
                result.in_state = False
            result.dry_run = True
            result.state = state_of(call.service, call.before, call.view_before)
            return result

    def _act(self, call: Call) -> ActionResult:
        call.before = before = self._settle_first(call)
        if not before.settled:
            return pending_before(call)
        call.view_before = self.table.view(call.service, before, call.config)
        if call.view_before.foreign:
            return foreign(call)
        if call.target is not None and self.verifier.in_state(call, before, call.view_before):
            word = "running" if call.target is State.RUNNING else "stopped"
            pid = f" (pid {call.view_before.pids[0]})" if call.view_before.pids else ""
            result = done(call, before, call.view_before, f"'{call.name}' is already {word}{pid}")
            result.in_state = True
            return result
        result = self._do(call, call.effective)
        if call.target is not None:
            result.in_state = False
        return result

    def _do(self, call: Call, action: Action) -> ActionResult:
        before, view_before = call.before, call.view_before
        assert before is not None
        if view_before.unknown and action in (Action.STOP, Action.RESTART):
            return self.verifier.failure(
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
            deadline = self.clock.until(self.daemon.budget(call.service, action, call.config))
            self._send(action, call.name)
            call.steps.append(action)
            after = self.daemon.wait_settled(call.name, call.config, deadline)
            return self.verifier.after_action(call, action, after, started_at, deadline)
        except ProviderError as exc:
            if not call.steps:
                raise
            # Something was sent: the result must say so, and what the process table shows now.
            view = self.table.view(call.service, None, call.config).with_survivors(view_before)
            return self.verifier.failure(
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
        monitored = self.daemon.wait_settled(
            call.name, call.config, self.clock.until(self.daemon.budget(call.service, Action.MONITOR, call.config))
        )
        if monitored.monitored:
            return None
        return self.verifier.failure(
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
            raise self.daemon.classify(output, name)

    def _settle_first(self, call: Call) -> ServiceStatus:
        """Wait until an action queued by someone else (or Monit's own start-up) has finished."""
        status = self.daemon.read_status(call.name)
        if status.settled:
            return status
        return self.daemon.wait_settled(
            call.name, call.config, self.clock.until(self.daemon.budget(call.service, Action.RESTART, call.config))
        )

    # -- the daemon's configuration -----------------------------------------------------

    def _gate(self, name: str) -> GateVerdict:
        gate = lint_gate(self.control_file, name, self.gate_config())
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
            return [s.name for s in self.daemon.all_statuses() if s.type is not ServiceType.SYSTEM]
        except ProviderError:
            return None  # the action itself will say what is wrong with the daemon

    def _fresh_gate(self, name: str, gate: GateVerdict, may_reload: bool = True) -> GateVerdict:
        """The gate again if the daemon runs another version of the files: refuse, or reload first."""
        state = freshness(gate.config, gate.files, self.daemon.service_names(), self._state_dir())
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
        self.daemon.reload(gate, self._state_dir())
        gate = self._gate(name)
        state = freshness(gate.config, gate.files, self.daemon.service_names(), self._state_dir())
        if state.stale:
            gate.stale = (
                f"after a reload, {state.reason}{detail}: the files changed while the daemon reloaded; call again"
            )
        return gate

    def _model(self) -> ControlFile | None:
        try:
            return lint_gate(self.control_file, "", self.gate_config()).config
        except ControlFileError:
            return None


__all__ = ["ACTIONS", "EXIT_ENVIRONMENT", "Action", "ActionResult", "MonitProvider", "State", "error_result"]
