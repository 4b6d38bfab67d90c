"""The running Monit daemon as the provider sees it: through the ``monit`` command line only.

Its status (``monit -B status``, the only stable machine surface), its errors
said in words, the time its serial loop may need (program timeouts of what it is
busy with, its cycle), and a reload waited for until the daemon really
reloaded.  Every wait stops at the call's :class:`Clock` deadline.
"""

from __future__ import annotations

import time

from monitlint.model import ControlFile, DaemonSetting, Service, ServiceType
from monitlint.provider.control_file import GateVerdict
from monitlint.provider.errors import ControlFileError, DaemonUnavailable, ProviderError, UnknownService
from monitlint.provider.monit_cli import MonitCLI, MonitOutput
from monitlint.provider.names import same_service
from monitlint.provider.results import Action
from monitlint.provider.staleness import daemon_load, file_digests, record_load
from monitlint.provider.status import ServiceStatus, parse_all

DEFAULT_PROGRAM_TIMEOUT = 30  # Monit's default start/stop timeout, in seconds
DEFAULT_DAEMON_CYCLE = 30
SLACK = 5.0


class Clock:
    """The deadline of one provider call: ``--timeout`` bounds everything the call does."""

    def __init__(self, timeout: float | None) -> None:
        self.timeout = timeout
        self.end: float | None = None  # monotonic

    def start(self) -> None:
        """Start the clock: the call's deadline is ``timeout`` seconds from now."""
        self.end = time.monotonic() + self.timeout if self.timeout is not None else None

    def until(self, seconds: float) -> float:
        """The monotonic time ``seconds`` from now, never past the call's deadline."""
        end = time.monotonic() + seconds
        return end if self.end is None else min(end, self.end)

    def pause(self, seconds: float) -> None:
        """Sleep ``seconds``, never past the call's deadline."""
        left = seconds if self.end is None else min(seconds, self.end - time.monotonic())
        if left > 0:
            time.sleep(left)


class Daemon:
    """The Monit daemon of one control file, driven through ``cli``."""

    def __init__(self, cli: MonitCLI, control_file: str, clock: Clock, poll_interval: float) -> None:
        self.cli = cli
        self.control_file = control_file
        self.clock = clock
        self.poll_interval = poll_interval

    def service_names(self) -> list[str] | None:
        """The names of the services the daemon runs (without its system service); None if it cannot say."""
        try:
            return [s.name for s in self.all_statuses() if s.type is not ServiceType.SYSTEM]
        except ProviderError:
            return None  # the action itself will say what is wrong with the daemon

    def reload(self, gate: GateVerdict, state_dir: str | None) -> None:
        """``monit reload``, then wait for the daemon's own reload (its pid file is rewritten after the parse).

        Monit handles the signal between two cycles, after whatever it is busy
        with: the wait allows for its busy services' programs and two cycles.
        """
        before = daemon_load(gate.config)
        if before is None:
            raise DaemonUnavailable(f"the Monit daemon of {self.control_file} is not running (no live pid file)")
        digests = file_digests(gate.files)
        queued = self.queued_seconds(gate.config, "")
        output = self.cli.run("reload")
        if output.returncode != 0:
            raise self.classify(output, "")
        wait = queued + 2 * self.cycle(gate.config) + SLACK
        end = self.clock.until(wait)
        while time.monotonic() < end:
            self.clock.pause(self.poll_interval)
            now = daemon_load(gate.config)
            if now is None:
                raise DaemonUnavailable(
                    f"the Monit daemon stopped while reloading {self.control_file}: see its log "
                    f"(`monit -c {self.control_file} -t` shows a syntax error Monit found)"
                )
            if now.key == before.key:
                continue
            try:
                self.all_statuses()
            except ProviderError:
                continue
            if file_digests(gate.files) == digests:
                record_load(gate.config, now, digests, state_dir)
            return
        raise DaemonUnavailable(
            f"the Monit daemon did not reload within {wait:g} s (it is busy, or hung): nothing was sent; "
            f"check `monit -c {self.control_file} status` and call again"
        )

    def all_statuses(self) -> list[ServiceStatus]:
        """Every service block of ``monit status``; a :class:`ProviderError` saying why when monit fails."""
        output = self.cli.run("status")
        if output.returncode != 0:
            raise self.classify(output, "")
        return parse_all(output.stdout)

    def read_status(self, name: str) -> ServiceStatus:
        """The status of service ``name``; :class:`UnknownService` when the daemon does not show it."""
        output = self.cli.run("status", name)
        if output.returncode != 0:
            raise self.classify(output, name)
        status = next((s for s in parse_all(output.stdout) if same_service(s.name, name)), None)
        if status is None:
            raise UnknownService(
                f"the running Monit daemon shows no service named '{name}': "
                f"run `monit -c {self.control_file} reload` (or pass --reload)"
            )
        return status

    def others_busy(self, name: str) -> bool:
        """Whether Monit is busy with a service other than ``name`` (its serial loop reaches ours later)."""
        try:
            return any(s.busy for s in self.all_statuses() if not same_service(s.name, name))
        except ProviderError:
            return False

    def classify(self, output: MonitOutput, name: str) -> ProviderError:
        """A failed ``monit`` call as an error that says what happened and what to do."""
        text = output.text
        first = output.first_line()
        if "not found" in text or "There is no service" in text or "doesn't exist" in text:
            return UnknownService(
                f"the Monit daemon has no service named '{name}' ({first}): if it was just added, "
                f"run `monit -c {self.control_file} reload` (or pass --reload)"
            )
        if "daemon is not running" in text:
            return DaemonUnavailable(
                f"monit says its daemon is not running ({self.control_file}; monit finds it by its pid file): "
                f"start it with `monit -c {self.control_file}`"
            )
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

    @staticmethod
    def cycle(config: ControlFile) -> int:
        """The daemon's cycle in seconds (``set daemon``; Monit's default 30)."""
        cycle = next((s.interval for s in reversed(config.settings) if isinstance(s, DaemonSetting)), None)
        return cycle if cycle is not None and cycle > 0 else DEFAULT_DAEMON_CYCLE

    def queued_seconds(self, config: ControlFile, name: str) -> int:
        """The program time of what Monit is busy with for services other than ``name``."""
        queued = 0
        try:
            for status in self.all_statuses():
                if status.busy and not same_service(status.name, name):
                    other = find_service(config, status.name)
                    queued += program_seconds(other, status.pending or "start") if other else DEFAULT_PROGRAM_TIMEOUT
        except ProviderError:
            pass  # the action itself will say what is wrong with the daemon
        return queued

    def budget(self, service: Service, action: Action, config: ControlFile) -> float:
        """Seconds to wait for ``action``: our programs, what Monit is busy with before us, two cycles."""
        if self.clock.timeout is not None:
            return self.clock.timeout
        own = program_seconds(service, action)
        return own + self.queued_seconds(config, service.name) + 2 * self.cycle(config) + SLACK

    def queue_cap(self, config: ControlFile) -> float:
        """The most Monit can be busy with other services before it reaches ours."""
        return sum(program_seconds(s, "restart") for s in config.services) + 2 * self.cycle(config)

    def wait_settled(self, name: str, config: ControlFile, deadline: float) -> ServiceStatus:
        """Poll the status of ``name`` until no action is pending, or the deadline passed.

        Monit's loop is serial: while it is busy with other services at the
        deadline, the wait goes on a cycle at a time (up to :meth:`queue_cap`,
        never past the call's own deadline).
        """
        hard_stop = deadline if self.clock.end is not None else deadline + self.queue_cap(config)
        status = self.read_status(name)
        while not status.settled:
            now = time.monotonic()
            if now >= deadline:
                # Monit's loop is serial: while it is busy with other services, ours waits its turn.
                if now >= hard_stop or not self.others_busy(name):
                    break
                deadline = min(hard_stop, now + self.cycle(config))
            self.clock.pause(min(self.poll_interval, max(0.0, deadline - now)))
            status = self.read_status(name)
            if status.pending is None and status.failed and status.monitoring != "Initializing":
                break  # a failure word after the pending action cleared is final
        return status


def find_service(config: ControlFile, name: str) -> Service | None:
    """The service Monit means by ``name`` (names compare without regard to case)."""
    return next((s for s in config.services if same_service(s.name, name)), None)


def program_seconds(service: Service, action: str) -> int:
    """How long Monit may spend on ``action`` of ``service``: its program timeouts (30 s by default)."""

    def timeout(kind: str) -> int:
        program = getattr(service, kind)
        return program.timeout if program is not None and program.timeout else DEFAULT_PROGRAM_TIMEOUT

    if action == "restart":
        return timeout("restart") if service.restart else timeout("stop") + timeout("start")
    if action in ("start", "stop"):
        return timeout(action)
    return 0
