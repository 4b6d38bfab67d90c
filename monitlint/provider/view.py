"""The service's processes as the process table shows them, judged by the provider on its own.

Monit's word (its status, the pid it shows) is never enough: a pid in a pidfile
may have been reused by an unrelated process or planted, and a ``matching``
pattern may match the caller itself.  :class:`ProcessTable` decides which live
processes can be the service's, and which pids it refused and why.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import field

from monitlint.model import ControlFile, Service, ServiceType, TargetKind
from monitlint.provider import processes
from monitlint.provider.identity import PidVerdict, judge_pidfile_pid
from monitlint.provider.locking import other_callers
from monitlint.provider.staleness import daemon_pid, process_start_time
from monitlint.provider.status import ServiceStatus
from monitlint.runtime.records import record

# A process older than the request by more than this is not the one the request started
# (start times are known to about 10 ms; the clocks behind them may drift a little).
OLDER_TOLERANCE = 1.0


@record
class ProcessView:
    """The service's processes as the process table shows them, and why some pids were not counted."""

    pids: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unknown: bool = False  # the table could not be read well enough to say "stopped"
    foreign: list[str] = field(default_factory=list)  # live processes named for the service that are not its own
    monit_took_caller: bool = False

    def with_survivors(self, earlier: ProcessView) -> ProcessView:
        """This view plus the processes of ``earlier`` that still run (a failed stop leaves them)."""
        alive = [p for p in earlier.pids if p not in self.pids and processes.pid_alive(p)]
        return ProcessView(
            [*self.pids, *alive], list(self.problems), self.unknown, list(self.foreign), self.monit_took_caller
        )


class ProcessTable:
    """Judges the process table for one Monit daemon (``monit`` is its executable's path)."""

    def __init__(self, monit_executable: Callable[[], str]) -> None:
        self._monit_executable = monit_executable

    def excluded(self, config: ControlFile | None) -> dict[int, str]:
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
        for pid in processes.pids_running(self._monit_executable()):
            excluded.setdefault(pid, "a Monit process")
        excluded.pop(0, None)
        return excluded

    def view(
        self,
        service: Service | None,
        status: ServiceStatus | None,
        config: ControlFile | None,
        started_after: float | None = None,
        keep: set[int] | None = None,
    ) -> ProcessView:
        """The live processes that can be this service's.

        ``started_after`` (epoch seconds) leaves out processes older than a
        request, except those in ``keep``.  For a pidfile the provider reads the
        file itself and judges its pid (:mod:`monitlint.provider.identity`); for
        ``matching`` it runs Monit's choice itself.  Monit's own pid is used only
        for a service the control file does not describe.
        """
        view = ProcessView()
        if service is not None and service.type is not ServiceType.PROCESS:
            return view
        excluded = self.excluded(config)
        monit_pid = status.pid if status is not None else None
        if monit_pid is not None and monit_pid in excluded:
            if monit_pid != 1:
                view.monit_took_caller = True
            pidfile = service.target if service is not None and service.target_kind is TargetKind.PIDFILE else None
            if processes.pidfile_pid(pidfile) != monit_pid:  # else the pidfile's own judgement says it
                view.problems.append(f"Monit names pid {monit_pid}, which is {excluded[monit_pid]}: not the service")

        def count(pid: int, source: str) -> None:
            if pid in view.pids or not processes.pid_alive(pid):
                return
            if started_after is not None and pid not in (keep or set()):
                began = process_start_time(pid)
                if began is not None and began < started_after - OLDER_TOLERANCE:
                    view.problems.append(f"{source} names pid {pid}, a process older than the request")
                    return
            view.pids.append(pid)

        if service is None or not service.target:
            if monit_pid is not None and monit_pid not in excluded:
                count(monit_pid, "Monit")
            return view
        if service.target_kind is TargetKind.PIDFILE:
            self._pidfile(service, config.services if config is not None else [], excluded, view, count)
        elif service.target_kind is TargetKind.MATCHING:
            try:
                pid = processes.matching_pid(service.target, set(excluded))
            except processes.ScanFailed as exc:
                view.problems.append(str(exc))
                view.unknown = True
            else:
                if pid is not None:
                    count(pid, "the matching pattern")
        return view

    @staticmethod
    def _pidfile(
        service: Service,
        others: list[Service],
        excluded: dict[int, str],
        view: ProcessView,
        count: Callable[[int, str], None],
    ) -> None:
        path = service.target
        assert path is not None
        read = processes.read_pidfile(path)
        if read.problem:
            view.problems.append(read.problem)
            view.unknown = True
            return
        if read.pid is None:
            return
        judged = judge_pidfile_pid(read.pid, path, service, excluded, process_start_time(read.pid), others)
        if judged.verdict is PidVerdict.FOREIGN:
            assert judged.reason is not None
            view.foreign.append(judged.reason)
            view.problems.append(
                judged.reason + f"; check which process is '{service.name}' and correct or remove {path}"
            )
            view.unknown = True
        elif judged.verdict is PidVerdict.SERVICE:
            count(read.pid, f"pidfile {path}")

    def await_exit(
        self, service: Service, after: ServiceStatus, config: ControlFile, before: ProcessView, until: float
    ) -> ProcessView:
        """The view after a stop; waits until ``until`` (monotonic) for a process that is exiting."""
        while True:
            view = self.view(service, after, config).with_survivors(before)
            if (not view.pids and not view.unknown) or time.monotonic() >= until:
                return view
            time.sleep(0.05)
