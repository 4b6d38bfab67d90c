"""What a provider call reports: its kinds (actions, states), its result, and how results are worded.

Every outcome, success, failure, refusal or error, is an :class:`ActionResult`
with the same fields, so ``--format json``, Puppet and Ansible read one shape.
"""

from __future__ import annotations

from dataclasses import asdict, field
from enum import StrEnum
from typing import Any

from monitlint.diagnostics import Diagnostic, Severity
from monitlint.model import ControlFile, Service, ServiceType
from monitlint.provider.control_file import GateVerdict
from monitlint.provider.errors import EXIT_FAILED, EXIT_REFUSED, ProviderError
from monitlint.provider.status import ServiceStatus
from monitlint.provider.view import ProcessView
from monitlint.runtime.records import record

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
    action: Action
    ok: bool
    changed: bool
    state: State  # running, stopped, pending, unknown (processes); monitored / not monitored otherwise
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


def error_result(name: str, action: Action, error: ProviderError) -> ActionResult:
    """The result of a call that stopped on an environment or usage error."""
    return not_done(name, action, str(error), error.exit_code)


def not_done(
    name: str, action: Action, message: str, exit_code: int, findings: list[Diagnostic] | None = None
) -> ActionResult:
    """A result for a call that sent nothing (refused, or stopped by an error): state unknown."""
    result = new_result(name, action, None, None, ProcessView(), message)
    result.ok, result.exit_code, result.findings = False, exit_code, list(findings or [])
    return result


def blocking_summary(diagnostic: Diagnostic) -> str:
    """A finding that blocks the gate, in a few words: code, rule and place."""
    return f"{diagnostic.code} {diagnostic.rule} at {diagnostic.span.path}:{diagnostic.span.line}"


@record
class ServiceEntry:
    """One service as `service list` shows it."""

    name: str
    type: ServiceType
    state: State
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

    @property
    def effective(self) -> Action:
        """The monit action the call sends: ensure sends start or stop."""
        if self.action is Action.ENSURE:
            return Action.START if self.target is State.RUNNING else Action.STOP
        return self.action


def describe(status: ServiceStatus, view: ProcessView) -> str:
    """The service's state in words: the process table's verdict, then Monit's."""
    if status.type is not ServiceType.PROCESS:
        return f"'{status.name}': {status.status} ({status.monitoring.lower()})"
    if view.unknown and not view.pids:
        running = "in an unknown state"
    else:
        running = f"running (pid {view.pids[0]})" if view.pids else "not running"
    return f"'{status.name}' is {running}; Monit says {monit_words(status)}"


def state_of(service: Service | None, status: ServiceStatus | None, view: ProcessView) -> State:
    """The state a result reports, judged from the process table first, then from Monit's words."""
    if service is None and status is not None and status.type is ServiceType.PROCESS:
        return State.RUNNING if view.pids else State.UNKNOWN
    is_process = (
        service.type is ServiceType.PROCESS
        if service is not None
        else (status is not None and status.type is ServiceType.PROCESS)
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


def done(call: Call, status: ServiceStatus, view: ProcessView, message: str, changed: bool = False) -> ActionResult:
    """A successful call's result, with every finding on the service."""
    result = new_result(call.name, call.action, status, call.view_before, view, message)
    result.ok, result.changed = True, changed
    result.state = state_of(call.service, status, view)
    result.steps, result.notes = list(call.steps), call.notes + view.problems
    result.findings = list(call.gate.own)
    return result


def failed(
    call: Call,
    status: ServiceStatus | None,
    view: ProcessView,
    message: str,
    state: State | None = None,
) -> ActionResult:
    """A failed call's result (exit 1): what still runs, and the findings of the service and the action."""
    if call.action in (Action.STOP, Action.RESTART, Action.ENSURE):
        view = view.with_survivors(call.view_before)  # a failed stop leaves the old process running
    if view.monit_took_caller:
        message += (
            "; Monit takes the caller's own process for the service (its `matching` pattern matches "
            "the caller's command line)"
        )
    result = new_result(call.name, call.action, status, call.view_before, view, message)
    result.ok, result.exit_code = False, EXIT_FAILED
    result.state = state or state_of(call.service, status, view)
    result.steps, result.notes = list(call.steps), call.notes + view.problems
    result.findings = relevant_findings(call)
    return result


def pending_before(call: Call) -> ActionResult:
    """The result when someone else's action is still pending at the deadline: nothing was sent."""
    assert call.before is not None
    return failed(
        call,
        call.before,
        ProcessView(),
        f"Monit still has {monit_words(call.before)} for '{call.name}' from an earlier request; nothing was sent: "
        "call again once it has finished",
        State.PENDING,
    )


def foreign(call: Call) -> ActionResult:
    """The result when the pidfile names a process that is not the service's: nothing was sent."""
    return failed(
        call,
        call.before,
        call.view_before,
        f"cannot tell whether '{call.name}' runs: {call.view_before.foreign[0]}; nothing was sent, as Monit "
        "would take that process for the service",
        State.UNKNOWN,
    )


def refusal_reason(gate: GateVerdict) -> str:
    """Why the gate refuses: the first blocking finding, or the daemon running another configuration."""
    if gate.blocking:
        return f"the control file fails linting: {blocking_summary(gate.blocking[0])}"
    return gate.stale or "the lint gate refused it"


def refused(name: str, action: Action, gate: GateVerdict, dry_run: bool = False) -> ActionResult:
    """The result of a call the lint gate refused (exit 3): nothing was (or would be) sent."""
    verb = "would not be sent" if dry_run else "was sent"
    message = f"nothing {verb} to Monit to {action} '{name}': {refusal_reason(gate)}"
    if dry_run:
        message = f"{action} '{name}' would be refused: {refusal_reason(gate)}"
    result = not_done(name, action, message, EXIT_REFUSED, gate.blocking)
    result.dry_run = dry_run
    return result


def new_result(
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


def relevant_findings(call: Call) -> list[Diagnostic]:
    """The findings a failure shows: the service's errors and warnings, and infos on the programs it ran."""
    service = call.service
    programs = {
        Action.START: [service.start],
        Action.STOP: [service.stop],
        Action.RESTART: [service.restart, service.start, service.stop],
    }.get(call.effective, [])
    lines = {(p.span.path, p.span.line) for p in programs if p is not None}
    return [
        d
        for d in call.gate.own
        if d.severity in (Severity.ERROR, Severity.WARNING) or (d.span.path, d.span.line) in lines
    ]


def only_stale_words(status: ServiceStatus) -> bool:
    """True when Monit's only failure word is one it may still show from before a start."""
    words = {part.strip() for part in status.base_status.split("|")}
    return bool(words) and words <= STALE_FAILURE_WORDS


def monit_words(status: ServiceStatus) -> str:
    """Monit's status and monitoring words, each once: 'OK' / 'Monitored', or just 'Not monitored'."""
    if status.status == status.monitoring or not status.monitoring:
        return f"'{status.status}'"
    return f"'{status.status}' / '{status.monitoring}'"
