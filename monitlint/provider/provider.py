"""Act on a Monit service through the ``monit`` executable, then prove the result.

Monit's exit status after ``start|stop|restart`` only means "queued"; its
status words change asynchronously; and a stop that stopped nothing looks like
a clean stop.  So every action here is: lint gate, daemon check, record the
process, act, wait for the status to settle, then check the process table.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from monitlint.config import Config
from monitlint.diagnostics import Diagnostic
from monitlint.model import ControlFile, Service
from monitlint.provider import processes
from monitlint.provider.control_file import GateVerdict, lint_gate, locate_control_file
from monitlint.provider.errors import (
    EXIT_FAILED,
    EXIT_REFUSED,
    ControlFileError,
    DaemonUnavailable,
    ProviderError,
    UnknownService,
)
from monitlint.provider.monit_cli import MonitCLI, MonitOutput
from monitlint.provider.status import ServiceStatus, parse_status

ACTIONS = ("start", "stop", "restart", "monitor", "unmonitor")
DEFAULT_PROGRAM_TIMEOUT = 30  # Monit's default start/stop timeout, in seconds
DEFAULT_DAEMON_CYCLE = 30
SLACK = 5.0
POLL_INTERVAL = 0.3


@dataclass
class ActionResult:
    """The outcome of one provider call."""

    service: str
    action: str
    ok: bool
    changed: bool
    state: str  # running, stopped, unknown (process services); monitored / not monitored otherwise
    message: str
    exit_code: int = 0
    monitored: bool | None = None
    status: str | None = None
    pid_before: int | None = None
    pid_after: int | None = None
    on_reboot: str | None = None
    mode: str | None = None
    findings: list[Diagnostic] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data."""
        data = asdict(self)
        data["findings"] = [d.to_dict() for d in self.findings]
        return data


class MonitProvider:
    """Start, stop, restart, monitor and unmonitor Monit services, safely."""

    def __init__(
        self,
        control_file: str | None = None,
        monit: str = "monit",
        timeout: float | None = None,
        poll_interval: float = POLL_INTERVAL,
        config: Config | None = None,
    ) -> None:
        self.control_file = locate_control_file(control_file)
        self.config = config  # the project's monitlint configuration, honoured by the lint gate
        self.cli = MonitCLI(monit, self.control_file)
        if timeout is not None:  # a single hanging call must not outlive the caller's deadline
            self.cli.call_timeout = min(self.cli.call_timeout, max(timeout, 1.0))
        self.timeout = timeout
        self.poll_interval = poll_interval

    # -- public API -------------------------------------------------------------

    def status(self, name: str) -> ActionResult:
        """Report the service's state without changing anything (no lint gate)."""
        status = self._read_status(name)
        service = self._model_service(name)
        pids = self._live_pids(service, status)
        return self._result(
            name, "status", True, False, status, service, None, pids, self._describe(status, service, pids)
        )

    def start(self, name: str) -> ActionResult:
        """Start the service and verify a process is running."""
        return self._act(name, "start")

    def stop(self, name: str) -> ActionResult:
        """Stop the service and verify its process is gone."""
        return self._act(name, "stop")

    def restart(self, name: str) -> ActionResult:
        """Restart the service and verify the process was replaced."""
        return self._act(name, "restart")

    def monitor(self, name: str) -> ActionResult:
        """Enable monitoring of the service."""
        return self._act(name, "monitor")

    def unmonitor(self, name: str) -> ActionResult:
        """Disable monitoring of the service (its process is left as it is)."""
        return self._act(name, "unmonitor")

    def ensure(self, name: str, state: str) -> ActionResult:
        """Bring the service to ``running`` or ``stopped``; do nothing if it is already there."""
        if state not in ("running", "stopped"):
            raise ProviderError(f"unknown target state '{state}' (use running or stopped)")
        gate = self._gate(name)
        if gate.refused:
            return self._refused(name, f"ensure {state}", gate)
        status = self._read_status(name)
        pids = self._live_pids(gate.service, status)
        if state == "running" and pids and status.monitored and not status.failed:
            return self._result(
                name,
                "ensure",
                True,
                False,
                status,
                gate.service,
                pids,
                pids,
                f"'{name}' is already running (pid {pids[0]})",
                gate.findings,
            )
        if state == "stopped" and not pids and status.monitoring == "Not monitored":
            return self._result(
                name,
                "ensure",
                True,
                False,
                status,
                gate.service,
                None,
                [],
                f"'{name}' is already stopped",
                gate.findings,
            )
        result = self._act(name, "start" if state == "running" else "stop", gate=gate)
        result.action = "ensure"
        return result

    # -- the action protocol ---------------------------------------------------------

    def _act(self, name: str, action: str, gate: GateVerdict | None = None) -> ActionResult:
        gate = gate or self._gate(name)
        if gate.refused:
            return self._refused(name, action, gate)
        service = gate.service
        assert service is not None
        deadline_span = self._deadline(action, service, gate.config)
        from monitlint.provider.locking import service_lock

        with service_lock(self.control_file, service.name, wait=deadline_span) as locked:
            if not locked:
                return self._failure(
                    name, action, None, service, [], f"another monitlint action on '{name}' is still running"
                )
            before = self._read_status(name)
            pids_before = self._live_pids(service, before)
            deadline = time.monotonic() + deadline_span
            try:
                output = self.cli.run(action, name)
            except DaemonUnavailable:
                # The request may still be carried out later: look before deciding anything.
                output = None
            if output is not None and output.returncode != 0:
                raise self._classify(output, name)
            after = self._wait_settled(name, deadline)
            return self._verify(name, action, service, before, after, pids_before, deadline, gate.findings)

    def _wait_settled(self, name: str, deadline: float) -> ServiceStatus:
        status = self._read_status(name)
        while not status.settled and time.monotonic() < deadline:
            time.sleep(self.poll_interval)
            status = self._read_status(name)
            # A failure word after the pending action cleared is final: no need to wait on.
            if status.pending is None and status.failed:
                break
        return status

    def _verify(
        self,
        name: str,
        action: str,
        service: Service,
        before: ServiceStatus,
        after: ServiceStatus,
        pids_before: list[int],
        deadline: float,
        findings: list[Diagnostic],
    ) -> ActionResult:
        process_service = service.type == "process"

        def fail(message: str, pids_after: list[int] | None = None) -> ActionResult:
            return self._failure(name, action, after, service, pids_before, message, findings, pids_after)

        def done(changed: bool, pids_after: list[int], message: str) -> ActionResult:
            return self._result(name, action, True, changed, after, service, pids_before, pids_after, message, findings)

        if not after.settled and not after.failed:
            return fail(
                f"{action} of '{name}' not confirmed before the deadline: Monit still says "
                f"'{after.status}' / '{after.monitoring}'"
            )
        if action == "stop":
            survivors = self._await_exit(service, after, pids_before, deadline)
            if survivors:
                return fail(
                    f"stop of '{name}' did not stop it: process {survivors[0]} is still running "
                    f"(Monit says '{after.status}')",
                    survivors,
                )
            if after.monitored:
                return fail(f"'{name}' is still monitored after stop (status '{after.status}')")
            gone = f" (pid {pids_before[0]} is gone)" if pids_before else ""
            return done(bool(pids_before) or before.monitored, [], f"'{name}' stopped{gone}")
        if action in ("start", "restart"):
            pids_after = self._live_pids(service, after)
            if after.failed or not after.monitored:
                return fail(f"{action} of '{name}' failed: Monit says '{after.status}'", pids_after)
            if process_service and not pids_after:
                return fail(f"{action} of '{name}' failed: no process is running")
            if action == "restart" and process_service and pids_before and pids_after[0] in pids_before:
                return fail(
                    f"restart of '{name}' did not replace the process: pid {pids_after[0]} is unchanged", pids_after
                )
            changed = action == "restart" or not pids_before or not before.monitored
            pid_text = f" (pid {pids_after[0]})" if pids_after else ""
            verb = "restarted" if action == "restart" else "running"
            return done(changed, pids_after, f"'{name}' {verb}{pid_text}")
        wanted = action == "monitor"
        if after.monitored != wanted:
            return fail(f"{action} of '{name}' failed: monitoring status is '{after.monitoring}'")
        pids = self._live_pids(service, after)
        return done(before.monitored != wanted, pids, f"'{name}' is {'monitored' if wanted else 'not monitored'}")

    def _await_exit(self, service: Service, after: ServiceStatus, pids_before: list[int], deadline: float) -> list[int]:
        """Processes still alive after a stop; waits briefly for a process that is exiting."""
        grace = min(time.monotonic() + 2.0, max(deadline, time.monotonic()))
        while True:
            alive = [p for p in pids_before if processes.pid_alive(p)] or self._live_pids(service, after)
            if not alive or time.monotonic() >= grace:
                return alive
            time.sleep(0.05)

    # -- helpers --------------------------------------------------------------------

    def _gate(self, name: str) -> GateVerdict:
        gate = lint_gate(self.control_file, name, self.config)
        if gate.service is None and not gate.refused:
            raise UnknownService(f"no service named '{name}' in {self.control_file}")
        return gate

    def _model_service(self, name: str) -> Service | None:
        try:
            return lint_gate(self.control_file, name, self.config).service
        except ControlFileError:
            return None

    def _read_status(self, name: str) -> ServiceStatus:
        output = self.cli.run("status", name)
        if output.returncode != 0:
            raise self._classify(output, name)
        status = parse_status(output.stdout, name)
        if status is None:
            raise UnknownService(f"the running Monit daemon shows no service named '{name}' (reload it?)")
        return status

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

    def _live_pids(self, service: Service | None, status: ServiceStatus | None) -> list[int]:
        """Live processes of a process service: Monit's pid, the pidfile's, or the `matching` ones."""
        pids: list[int] = []
        if status is not None and processes.pid_alive(status.pid):
            assert status.pid is not None
            pids.append(status.pid)
        if service is not None and service.type == "process" and service.target:
            if service.target_kind == "pidfile":
                pid = processes.read_pidfile(service.target)
                if pid is not None and processes.pid_alive(pid) and pid not in pids:
                    pids.append(pid)
            elif service.target_kind == "matching" and not pids:
                pids.extend(processes.matching_pids(service.target)[:1])
        return pids

    def _deadline(self, action: str, service: Service, config: ControlFile) -> float:
        if self.timeout is not None:
            return self.timeout
        cycle = next((s.values.get("interval") for s in reversed(config.settings) if s.kind == "daemon"), None)
        cycle = cycle or DEFAULT_DAEMON_CYCLE

        def program_timeout(kind: str) -> int:
            program = getattr(service, kind)
            return program.timeout if program is not None and program.timeout else DEFAULT_PROGRAM_TIMEOUT

        if action == "restart":
            seconds = (
                program_timeout("restart") if service.restart else program_timeout("stop") + program_timeout("start")
            )
        elif action in ("start", "stop"):
            seconds = program_timeout(action)
        else:
            seconds = 0
        return seconds + 2 * cycle + SLACK

    def _describe(self, status: ServiceStatus, service: Service | None, pids: list[int]) -> str:
        if service is not None and service.type != "process":
            return f"'{status.name}': {status.status} ({status.monitoring.lower()})"
        running = f"running (pid {pids[0]})" if pids else "not running"
        return f"'{status.name}' is {running}; Monit says '{status.status}' / '{status.monitoring}'"

    def _state(self, service: Service | None, status: ServiceStatus | None, pids: list[int]) -> str:
        if service is not None and service.type != "process":
            if status is None:
                return "unknown"
            return "monitored" if status.monitored else "not monitored"
        return "running" if pids else "stopped"

    def _result(
        self,
        name: str,
        action: str,
        ok: bool,
        changed: bool,
        status: ServiceStatus | None,
        service: Service | None,
        pids_before: list[int] | None,
        pids_after: list[int],
        message: str,
        findings: list[Diagnostic] | None = None,
        exit_code: int = 0,
    ) -> ActionResult:
        return ActionResult(
            service=name,
            action=action,
            ok=ok,
            changed=changed,
            state=self._state(service, status, pids_after),
            message=message,
            exit_code=exit_code,
            monitored=status.monitored if status is not None else None,
            status=status.status if status is not None else None,
            pid_before=pids_before[0] if pids_before else None,
            pid_after=pids_after[0] if pids_after else None,
            on_reboot=status.on_reboot if status is not None else None,
            mode=status.mode if status is not None else None,
            findings=list(findings or []),
        )

    def _failure(
        self,
        name: str,
        action: str,
        status: ServiceStatus | None,
        service: Service | None,
        pids_before: list[int],
        message: str,
        findings: list[Diagnostic] | None = None,
        pids_after: list[int] | None = None,
    ) -> ActionResult:
        if pids_after is None:
            pids_after = self._live_pids(service, status)
        return self._result(
            name, action, False, False, status, service, pids_before, pids_after, message, findings, EXIT_FAILED
        )

    def _refused(self, name: str, action: str, gate: GateVerdict) -> ActionResult:
        first = gate.blocking[0]
        reason = f"{first.code} {first.rule} at {first.span.path}:{first.span.line}"
        return ActionResult(
            service=name,
            action=action,
            ok=False,
            changed=False,
            state="unknown",
            message=f"refused to {action} '{name}': the control file fails linting ({reason}); "
            "nothing was sent to Monit",
            exit_code=EXIT_REFUSED,
            findings=gate.blocking,
        )
