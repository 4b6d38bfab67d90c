"""Act on a Monit service through the ``monit`` executable, then prove the result.

Fault model
-----------
Exit 0 (``ok: true``) means: when the call returned, the process table showed
the requested state, judged by this provider on its own, not by Monit's words.

* **Monit's exit status only means "queued".**  Every action is: lint gate,
  freshness check, per-service lock, wait until Monit has no pending action
  for the service, act, wait until the status settles, then look at the
  process table.
* **"Verified running"** means a live process that can be the service's: not
  pid 1, not this provider, any of its ancestors or any other running provider
  call, not the Monit daemon; for ``matching`` found with the same POSIX regex
  and the same choice as Monit (the oldest match whose parent does not match);
  for a pidfile read strictly (ASCII digits within the pid range), and its
  process must not have started after the pidfile was last written (a reused
  pid).  After ``start``/``restart`` the process must still
  be alive after a stability window (one Monit cycle, at least 2.5 s), and after
  ``restart`` it must be a new process.
* **"Verified stopped"** means no such process is left and Monit no longer
  monitors the service.  A pidfile that cannot be read as a pid, or a process
  scan that runs out of its budget, is "unknown", never "stopped".
* **Deadlines follow Monit's serial loop**: the service's own program timeouts,
  plus those of every other service Monit is busy with, plus two cycles; while
  Monit is still busy elsewhere the wait is extended (never past ``--timeout``
  when one is given).  An action still pending at the deadline is reported as
  "still pending" (exit 1), not as success nor as the opposite state.
* **An unmonitored service whose process runs**: Monit 5.33 runs no stop
  program for it, so ``stop`` first monitors it, then stops it, and says so.

Where Monit itself is blind, and what the provider does then:

* A pidfile that names an unrelated process started *before* the pidfile was
  written, or a ``matching`` pattern that also matches an unrelated, older
  process: Monit takes that process for the service, and so does this
  provider (the result names the pid).  MON405 warns about overbroad patterns.
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
from typing import Any

from monitlint.config import Config
from monitlint.diagnostics import Diagnostic
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
from monitlint.provider.locking import other_callers, registered_caller, service_lock
from monitlint.provider.monit_cli import MonitCLI, MonitOutput
from monitlint.provider.names import check_service_name, same_service
from monitlint.provider.staleness import daemon_pid, freshness
from monitlint.provider.status import ServiceStatus, parse_all
from monitlint.records import record

ACTIONS = ("start", "stop", "restart", "monitor", "unmonitor")
DEFAULT_PROGRAM_TIMEOUT = 30  # Monit's default start/stop timeout, in seconds
DEFAULT_DAEMON_CYCLE = 30
SLACK = 5.0
POLL_INTERVAL = 0.3
MIN_STABILITY = 2.5  # catches a process that dies right after its start program returned
MAX_STABILITY = 60.0
RELOAD_WAIT = 20.0


@record
class ActionResult:
    """The outcome of one provider call; every call, failed or not, has all these fields."""

    service: str
    action: str
    ok: bool
    changed: bool
    state: str  # running, stopped, pending, unknown (processes); monitored / not monitored otherwise
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
        state="unknown",
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
class ProcessView:
    """The service's processes as the process table shows them, and why some pids were not counted."""

    pids: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unknown: bool = False  # the table could not be read well enough to say "stopped"
    monit_took_caller: bool = False


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
        if timeout is not None:  # a single hanging call must not outlive the caller's deadline
            self.cli.call_timeout = min(self.cli.call_timeout, max(timeout, 1.0))
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.reload = reload

    # -- public API -------------------------------------------------------------

    def status(self, name: str) -> ActionResult:
        """Report the service's state without changing anything (no lint gate)."""
        check_service_name(name)
        with registered_caller():
            status = self._read_status(name)
            model = self._model()
            service = _find_service(model, status.name) if model is not None else None
            view = self._view(service, status, model)
            message = self._describe(status, service, view)
            result = self._result(status.name, "status", True, False, status, service, view, view, message)
            result.notes = view.problems
            return result

    def list_services(self) -> list[ServiceEntry]:
        """Every service of the running daemon: type, state, pid, and whether the lint gate would refuse it."""
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
                view = self._view(service, status, model)
                verdict = report.verdict(status.name) if report is not None and service is not None else None
                refusal: str | None
                if report is None:
                    refusal = "the control file cannot be read"
                elif verdict is not None and verdict.blocking:
                    refusal = _blocking(verdict.blocking[0])
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
        return self._locked(name, "start")

    def stop(self, name: str) -> ActionResult:
        """Stop the service and verify its process is gone."""
        return self._locked(name, "stop")

    def restart(self, name: str) -> ActionResult:
        """Restart the service and verify a new process replaced the old one."""
        return self._locked(name, "restart")

    def monitor(self, name: str) -> ActionResult:
        """Enable monitoring of the service."""
        return self._locked(name, "monitor")

    def unmonitor(self, name: str) -> ActionResult:
        """Disable monitoring of the service (its process is left as it is)."""
        return self._locked(name, "unmonitor")

    def ensure(self, name: str, state: str) -> ActionResult:
        """Bring the service to ``running`` or ``stopped``; do nothing if it is already there."""
        if state not in ("running", "stopped"):
            raise ProviderError(f"unknown target state '{state}' (use running or stopped)")
        return self._locked(name, "ensure", state)

    # -- the action protocol ---------------------------------------------------------

    def _locked(self, name: str, action: str, target: str | None = None) -> ActionResult:
        check_service_name(name)
        with registered_caller():
            gate = self._gate(name)
            label = "ensure" if target else action
            if gate.refused:
                return self._refused(name, label, gate)
            service = gate.service
            assert service is not None
            budget = self._budget(action if not target else ("start" if target == "running" else "stop"), service, gate)
            with service_lock(self.control_file, service.name, wait=budget) as locked:
                if not locked:
                    return self._failure(
                        service.name,
                        action,
                        None,
                        service,
                        gate,
                        ProcessView(),
                        ProcessView(),
                        f"another monitlint action on '{service.name}' did not finish within {budget:g} s",
                    )
                gate = self._fresh_gate(name, gate)
                if gate.refused:
                    return self._refused(name, label, gate)
                return self._act(service.name, action, target, gate)

    def _act(self, name: str, action: str, target: str | None, gate: GateVerdict) -> ActionResult:
        service = gate.service
        assert service is not None
        before = self._settle_first(name, service, gate)
        if not before.settled:
            return self._failure(
                name,
                action,
                before,
                service,
                gate,
                ProcessView(),
                ProcessView(),
                f"Monit still has {_words(before)} for '{name}' from an earlier request; nothing was sent",
                state="pending",
            )
        view_before = self._view(service, before, gate.config)
        if target is not None:
            if self._in_state(service, before, view_before, target):
                word = "running" if target == "running" else "stopped"
                pid = f" (pid {view_before.pids[0]})" if view_before.pids else ""
                result = self._result(
                    name,
                    "ensure",
                    True,
                    False,
                    before,
                    service,
                    view_before,
                    view_before,
                    f"'{name}' is already {word}{pid}",
                    gate,
                )
                return result
            action_taken = "start" if target == "running" else "stop"
            result = self._do(name, action_taken, service, gate, before, view_before)
            result.action = "ensure"
            return result
        return self._do(name, action, service, gate, before, view_before)

    def _do(
        self,
        name: str,
        action: str,
        service: Service,
        gate: GateVerdict,
        before: ServiceStatus,
        view_before: ProcessView,
    ) -> ActionResult:
        steps: list[str] = []
        notes: list[str] = []
        if view_before.unknown and action in ("stop", "restart"):
            return self._failure(
                name,
                action,
                before,
                service,
                gate,
                view_before,
                view_before,
                f"cannot tell which process is '{name}': " + "; ".join(view_before.problems) + "; nothing was sent",
            )
        needs_monitor = action in ("stop", "restart") and not before.monitored and bool(view_before.pids)
        if needs_monitor:
            # Monit 5.33 runs no stop program for a service it does not monitor.
            self._send("monitor", name)
            steps.append("monitor")
            notes.append(
                f"'{name}' was not monitored while its process ran: monitored it first, as Monit "
                f"runs no {action} program for an unmonitored service"
            )
            monitored = self._wait_settled(
                name, service, gate, time.monotonic() + self._budget("monitor", service, gate)
            )
            if not monitored.monitored:
                return self._failure(
                    name,
                    action,
                    monitored,
                    service,
                    gate,
                    view_before,
                    None,
                    f"could not monitor '{name}' before the {action}: Monit says '{monitored.monitoring}'",
                    steps=steps,
                    notes=notes,
                )
        started_at = time.time()
        deadline = time.monotonic() + self._budget(action, service, gate)
        self._send(action, name)
        steps.append(action)
        after = self._wait_settled(name, service, gate, deadline)
        result = self._verify(name, action, service, gate, before, after, view_before, started_at, deadline)
        result.steps = steps
        result.notes = notes + result.notes
        return result

    def _send(self, action: str, name: str) -> None:
        try:
            output = self.cli.run(action, name)
        except DaemonUnavailable:
            return  # the request may still be carried out later: the status read decides
        if output.returncode != 0:
            raise self._classify(output, name)

    def _settle_first(self, name: str, service: Service, gate: GateVerdict) -> ServiceStatus:
        """Wait until an action queued by someone else (or Monit's own start-up) has finished."""
        status = self._read_status(name)
        if status.settled:
            return status
        return self._wait_settled(name, service, gate, time.monotonic() + self._budget("restart", service, gate))

    def _wait_settled(self, name: str, service: Service, gate: GateVerdict, deadline: float) -> ServiceStatus:
        hard_stop = deadline if self.timeout is not None else deadline + self._queue_cap(gate)
        status = self._read_status(name)
        while not status.settled:
            now = time.monotonic()
            if now >= deadline:
                # Monit's loop is serial: while it is busy with other services, ours waits its turn.
                if now >= hard_stop or not self._others_busy(name):
                    break
                deadline = min(hard_stop, now + self._cycle(gate.config))
            time.sleep(self.poll_interval)
            status = self._read_status(name)
            if status.pending is None and status.failed and status.monitoring != "Initializing":
                break  # a failure word after the pending action cleared is final
        return status

    def _verify(
        self,
        name: str,
        action: str,
        service: Service,
        gate: GateVerdict,
        before: ServiceStatus,
        after: ServiceStatus,
        view_before: ProcessView,
        started_at: float,
        deadline: float,
    ) -> ActionResult:
        process_service = service.type == "process"

        def fail(message: str, view: ProcessView | None = None, state: str | None = None) -> ActionResult:
            return self._failure(name, action, after, service, gate, view_before, view, message, state=state)

        def done(changed: bool, view: ProcessView, message: str) -> ActionResult:
            result = self._result(name, action, True, changed, after, service, view_before, view, message, gate)
            result.notes = view.problems
            return result

        if after.pending is not None or not after.settled:
            return fail(
                f"{action} of '{name}' is still pending in Monit at the deadline (Monit says {_words(after)}); "
                "it may still happen",
                state="pending",
            )
        if action == "stop":
            view = self._await_exit(service, after, gate, view_before, deadline)
            if view.unknown:
                return fail(f"cannot verify that '{name}' stopped: " + "; ".join(view.problems), view, "unknown")
            if view.pids:
                return fail(
                    f"stop of '{name}' did not stop it: process {view.pids[0]} is still running "
                    f"(Monit says '{after.status}')",
                    view,
                )
            if after.monitored:
                return fail(f"'{name}' is still monitored after stop (status '{after.status}')", view)
            gone = f" (pid {view_before.pids[0]} is gone)" if view_before.pids else ""
            return done(bool(view_before.pids) or before.monitored, view, f"'{name}' stopped{gone}")
        if action in ("start", "restart"):
            if after.failed or not after.monitored:
                return fail(f"{action} of '{name}' failed: Monit says {_words(after)}")
            if not process_service:
                return done(not before.monitored or action == "restart", ProcessView(), f"'{name}' is monitored")
            keep = set(view_before.pids) if action == "start" else set()
            view = self._view(service, after, gate.config, started_after=started_at, keep=keep)
            if not view.pids:
                why = "; ".join(view.problems)
                return fail(
                    f"{action} of '{name}' failed: no process of the service is running" + (f" ({why})" if why else ""),
                    view,
                )
            if action == "restart" and set(view.pids) & set(view_before.pids):
                return fail(f"restart of '{name}' did not replace the process: pid {view.pids[0]} is unchanged", view)
            stable = self._stable(service, gate, view)
            if stable is not None:
                return fail(stable, self._view(service, None, gate.config))
            changed = action == "restart" or not view_before.pids or not before.monitored
            verb = "restarted" if action == "restart" else "running"
            return done(changed, view, f"'{name}' {verb} (pid {view.pids[0]})")
        wanted = action == "monitor"
        if after.monitored != wanted:
            return fail(f"{action} of '{name}' failed: monitoring status is '{after.monitoring}'")
        view = self._view(service, after, gate.config)
        word = "monitored" if wanted else "not monitored"
        return done(before.monitored != wanted, view, f"'{name}' is {word}")

    def _stable(self, service: Service, gate: GateVerdict, view: ProcessView) -> str | None:
        """None when the started process is still alive after the stability window; else why not."""
        window = min(MAX_STABILITY, max(MIN_STABILITY, float(self._cycle(gate.config))))
        if self.timeout is not None:
            window = min(window, max(MIN_STABILITY, self.timeout / 4))
        end = time.monotonic() + window
        pid = view.pids[0]
        while time.monotonic() < end:
            if not processes.pid_alive(pid):
                return f"'{service.name}' started, but its process {pid} exited within {window:g} s"
            time.sleep(min(0.1, self.poll_interval))
        return None if processes.pid_alive(pid) else f"'{service.name}' started, but its process {pid} exited"

    def _await_exit(
        self, service: Service, after: ServiceStatus, gate: GateVerdict, view_before: ProcessView, deadline: float
    ) -> ProcessView:
        """The process view after a stop; waits briefly for a process that is exiting."""
        grace = min(time.monotonic() + 2.0, max(deadline, time.monotonic()))
        while True:
            view = self._view(service, after, gate.config)
            view.pids = sorted({*view.pids, *(p for p in view_before.pids if processes.pid_alive(p))})
            if (not view.pids and not view.unknown) or time.monotonic() >= grace:
                return view
            time.sleep(0.05)

    # -- the process table -------------------------------------------------------------

    def _excluded(self, config: ControlFile | None) -> dict[int, str]:
        """Pids that can never be a service's process, with the reason."""
        excluded: dict[int, str] = {1: "pid 1 (init)"}
        for pid in processes.ancestors():
            excluded.setdefault(pid, "this monitlint call or one of its callers")
        for caller in other_callers():
            for pid in processes.ancestors(caller):
                excluded.setdefault(pid, "another monitlint call or one of its callers")
        if config is not None:
            monit_pid = daemon_pid(config)
            if monit_pid is not None:
                excluded.setdefault(monit_pid, "the Monit daemon")
        # Whatever its pidfile says, a process running the monit executable is Monit, not a service.
        for pid in processes.pids_running(self.cli.executable()):
            excluded.setdefault(pid, "a Monit process")
        excluded.pop(0, None)
        return excluded

    def _view(
        self,
        service: Service | None,
        status: ServiceStatus | None,
        config: ControlFile | None,
        started_after: float | None = None,
        keep: set[int] | None = None,
    ) -> ProcessView:
        """The live processes that can be this service's, judged from the process table."""
        view = ProcessView()
        if service is not None and service.type != "process":
            return view
        excluded = self._excluded(config)

        def consider(pid: int, source: str) -> None:
            if pid in excluded:
                view.problems.append(f"{source} names pid {pid}, which is {excluded[pid]}: not counted as the service")
                if source == "Monit" and pid != 1:
                    view.monit_took_caller = True
                return
            if pid in view.pids or not processes.pid_alive(pid):
                return
            if started_after is not None and pid not in (keep or set()):
                began = _start_time(pid)
                if began is not None and began < started_after - 1.0:
                    view.problems.append(f"{source} names pid {pid}, a process older than the request")
                    return
            view.pids.append(pid)

        if status is not None and status.pid is not None:
            consider(status.pid, "Monit")
        if service is not None and service.target:
            if service.target_kind == "pidfile":
                self._consider_pidfile(service.target, view, consider)
            elif service.target_kind == "matching":
                try:
                    pid = processes.matching_pid(service.target, set(excluded))
                except processes.ScanFailed as exc:
                    view.problems.append(str(exc))
                    view.unknown = True
                else:
                    if pid is not None:
                        consider(pid, "the matching pattern")
        return view

    @staticmethod
    def _consider_pidfile(path: str, view: ProcessView, consider: Any) -> None:
        read = processes.read_pidfile(path)
        if read.problem:
            view.problems.append(read.problem)
            view.unknown = True
            return
        if read.pid is None:
            return
        began = _start_time(read.pid)
        written = _mtime(path)
        if began is not None and written is not None and began > written + 1.0 and processes.pid_alive(read.pid):
            # The process started after the pidfile was written: the pid was reused by another process.
            view.problems.append(f"pidfile {path} names pid {read.pid}, a process started after the file was written")
            return
        consider(read.pid, f"pidfile {path}")

    def _in_state(self, service: Service, status: ServiceStatus, view: ProcessView, target: str) -> bool:
        if view.unknown:
            return False
        if service.type != "process":
            return status.monitored == (target == "running") and not (target == "running" and status.failed)
        if target == "running":
            return bool(view.pids) and status.monitored and not status.failed
        return not view.pids and not status.monitored

    # -- helpers --------------------------------------------------------------------

    def _gate(self, name: str) -> GateVerdict:
        gate = lint_gate(self.control_file, name, self.config)
        if gate.service is None and not gate.refused:
            raise UnknownService(f"no service named '{name}' in {self.control_file}")
        return gate

    def _fresh_gate(self, name: str, gate: GateVerdict) -> GateVerdict:
        """The gate again if the daemon runs an older version of the files: refuse, or reload first."""
        state = freshness(gate.config, gate.files)
        if not state.stale:
            return gate
        changed = ", ".join(state.changed[:3]) + (" …" if len(state.changed) > 3 else "")
        if not self.reload:
            gate.stale = (
                f"the control file changed after the Monit daemon last loaded it ({changed}): the lint verdict "
                "would be about a configuration the daemon is not running; run `monit reload` or pass --reload"
            )
            return gate
        self._reload_daemon(gate)
        gate = self._gate(name)
        if freshness(gate.config, gate.files).stale:
            gate.stale = f"the Monit daemon did not reload the changed control file ({changed})"
        return gate

    def _reload_daemon(self, gate: GateVerdict) -> None:
        requested = time.time()
        output = self.cli.run("reload")
        if output.returncode != 0:
            raise self._classify(output, "")
        end = time.monotonic() + RELOAD_WAIT
        while time.monotonic() < end:
            time.sleep(self.poll_interval)
            state = freshness(gate.config, gate.files)
            if not state.stale and (state.loaded_at or 0) >= int(requested):
                try:
                    self._all_statuses()
                    return
                except ProviderError:
                    continue
        raise DaemonUnavailable(f"the Monit daemon did not reload within {RELOAD_WAIT:g} s")

    def _model(self) -> ControlFile | None:
        try:
            return lint_gate(self.control_file, "", self.config).config
        except ControlFileError:
            return None

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
            raise UnknownService(f"the running Monit daemon shows no service named '{name}' (reload it?)")
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
            return UnknownService(f"the Monit daemon has no service named '{name}' ({first})")
        if "daemon is not running" in text:
            return DaemonUnavailable(f"the Monit daemon is not running ({self.control_file})")
        if "HTTP interface is not enabled" in text or "http interface" in text.lower():
            return DaemonUnavailable(
                "monit cannot talk to its daemon: the control file has no usable `set httpd` "
                "(see rule MON501 cli-unreachable)"
            )
        if "permission" in text.lower() or "must be owned by you" in text:
            return ControlFileError(f"monit refused the control file: {first}")
        if "connection error" in text or "Error receiving data" in text:
            return DaemonUnavailable(f"monit cannot reach its daemon: {first}")
        return DaemonUnavailable(f"monit failed: {first}")

    def _cycle(self, config: ControlFile) -> int:
        cycle = next((s.interval for s in reversed(config.settings) if isinstance(s, DaemonSetting)), None)
        return cycle if cycle is not None and cycle > 0 else DEFAULT_DAEMON_CYCLE

    def _budget(self, action: str, service: Service, gate: GateVerdict) -> float:
        """Seconds to wait for ``action``: our programs, what Monit is busy with before us, two cycles."""
        if self.timeout is not None:
            return self.timeout
        own = _program_seconds(service, action)
        queued = 0
        try:
            for status in self._all_statuses():
                if status.busy and not same_service(status.name, service.name):
                    other = _find_service(gate.config, status.name)
                    queued += _program_seconds(other, status.pending or "start") if other else DEFAULT_PROGRAM_TIMEOUT
        except ProviderError:
            pass  # the action itself will say what is wrong with the daemon
        return own + queued + 2 * self._cycle(gate.config) + SLACK

    def _queue_cap(self, gate: GateVerdict) -> float:
        """The most Monit can be busy with other services before it reaches ours."""
        return sum(_program_seconds(s, "restart") for s in gate.config.services) + 2 * self._cycle(gate.config)

    def _describe(self, status: ServiceStatus, service: Service | None, view: ProcessView) -> str:
        if status.type != "process":
            return f"'{status.name}': {status.status} ({status.monitoring.lower()})"
        if view.unknown and not view.pids:
            running = "in an unknown state"
        else:
            running = f"running (pid {view.pids[0]})" if view.pids else "not running"
        return f"'{status.name}' is {running}; Monit says {_words(status)}"

    def _state(self, service: Service | None, status: ServiceStatus | None, view: ProcessView) -> str:
        if service is None and status is not None and status.type == "process":
            return "running" if status.pid is not None and processes.pid_alive(status.pid) else "unknown"
        is_process = (
            service.type == "process" if service is not None else (status is not None and status.type == "process")
        )
        if not is_process:
            if status is None:
                return "unknown"
            return "monitored" if status.monitored else "not monitored"
        if view.pids:
            return "running"
        if view.unknown:
            return "unknown"
        if status is not None and status.pending is not None:
            return "pending"
        return "stopped"

    def _result(
        self,
        name: str,
        action: str,
        ok: bool,
        changed: bool,
        status: ServiceStatus | None,
        service: Service | None,
        view_before: ProcessView | None,
        view_after: ProcessView,
        message: str,
        gate: GateVerdict | None = None,
        exit_code: int = 0,
        state: str | None = None,
    ) -> ActionResult:
        return ActionResult(
            service=name,
            action=action,
            ok=ok,
            changed=changed,
            state=state or self._state(service, status, view_after),
            message=message,
            exit_code=exit_code,
            monitored=status.monitored if status is not None else None,
            status=status.status if status is not None else None,
            pid_before=view_before.pids[0] if view_before is not None and view_before.pids else None,
            pid_after=view_after.pids[0] if view_after.pids else None,
            on_reboot=status.on_reboot if status is not None else None,
            mode=status.mode if status is not None else None,
            findings=list(gate.own if gate is not None else []),
        )

    def _failure(
        self,
        name: str,
        action: str,
        status: ServiceStatus | None,
        service: Service | None,
        gate: GateVerdict,
        view_before: ProcessView,
        view_after: ProcessView | None,
        message: str,
        state: str | None = None,
        steps: list[str] | None = None,
        notes: list[str] | None = None,
    ) -> ActionResult:
        if view_after is None:
            view_after = self._view(service, status, gate.config)
        if view_after.monit_took_caller:
            message += (
                "; Monit takes the caller's own process for the service (its `matching` pattern matches "
                "the caller's command line)"
            )
        result = self._result(
            name, action, False, False, status, service, view_before, view_after, message, gate, EXIT_FAILED, state
        )
        result.steps = list(steps or [])
        result.notes = list(notes or []) + view_after.problems
        return result

    def _refused(self, name: str, action: str, gate: GateVerdict) -> ActionResult:
        if gate.blocking:
            reason = f"the control file fails linting: {_blocking(gate.blocking[0])}"
        else:
            reason = gate.stale or "the lint gate refused it"
        message = f"nothing was sent to Monit to {action} '{name}': {reason}"
        return _not_done(name, action, message, EXIT_REFUSED, gate.blocking)


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


def _start_time(pid: int) -> float | None:
    from monitlint.provider.staleness import process_start_time

    return process_start_time(pid)


def _mtime(path: str) -> float | None:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return None


__all__ = ["ACTIONS", "EXIT_ENVIRONMENT", "ActionResult", "MonitProvider", "error_result"]
