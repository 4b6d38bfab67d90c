"""Is the running daemon using the control file that is on disk now?

The lint gate reads the files on disk; the daemon acts on what it read when it
started or was last reloaded.  If a file changed since, the gate would approve
(or refuse) a configuration the daemon is not running.  The daemon's last load
is the later of its process start (``/proc``, exact: Monit parses the file
before it forks the daemon) and the last ``Reinitializing`` line in its log
file (to the second; Monit 5.33's log format).
"""

from __future__ import annotations

import os
import time
from datetime import datetime

from monitlint.model import ControlFile, LogSetting, PathSetting
from monitlint.provider import processes
from monitlint.records import record
from monitlint.safe_fs import open_regular

LOG_TAIL_BYTES = 256 * 1024
# The daemon's start time is known to about 10 ms, the clocks behind it may drift a little.
START_TOLERANCE = 0.2
DEFAULT_PIDFILES = ("/run/monit.pid", "/var/run/monit.pid", "~/.monit.pid")


def _pidfile(config: ControlFile) -> str | None:
    return next((s.path for s in reversed(config.settings) if isinstance(s, PathSetting) and s.kind == "pidfile"), None)


def _log_file(config: ControlFile) -> str | None:
    return next((s.path for s in reversed(config.settings) if isinstance(s, LogSetting)), None)


def daemon_pid(config: ControlFile) -> int | None:
    """The live pid of the Monit daemon of this control file (its `set pidfile`, else Monit's defaults)."""
    named = _pidfile(config)
    for path in [named] if named else [os.path.expanduser(p) for p in DEFAULT_PIDFILES]:
        pid = processes.read_pidfile(path).pid
        if pid is not None and processes.pid_alive(pid):
            return pid
    return None


def _boot_time() -> float | None:
    """Boot time to about 10 ms (``/proc/stat``'s ``btime`` is rounded to whole seconds)."""
    try:
        fd = open_regular("/proc/uptime")
        try:
            data = os.read(fd, 128)
        finally:
            os.close(fd)
        return time.time() - float(data.split()[0])
    except (OSError, ValueError, IndexError):
        return None


def process_start_time(pid: int) -> float | None:
    """Wall-clock time (epoch seconds) at which ``pid`` started, from ``/proc``."""
    info = processes.stat(pid)
    boot = _boot_time()
    if info is None or boot is None:
        return None
    return boot + info.start_ticks / os.sysconf("SC_CLK_TCK")


def last_reload_time(config: ControlFile) -> float | None:
    """Time of the last ``Reinitializing monit daemon`` line in the daemon's log file, if it has one."""
    log = _log_file(config)
    if not log or not log.startswith("/"):
        return None
    try:
        fd = open_regular(log)
    except OSError:
        return None
    try:
        size = os.fstat(fd).st_size
        os.lseek(fd, max(0, size - LOG_TAIL_BYTES), os.SEEK_SET)
        tail = os.read(fd, LOG_TAIL_BYTES)
    except OSError:
        return None
    finally:
        os.close(fd)
    latest: float | None = None
    for line in tail.decode("utf-8", "replace").splitlines():
        if "Reinitializing" not in line or not line.startswith("["):
            continue
        stamp = line[1 : line.find("]")]
        try:
            when = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S%z").timestamp()
        except ValueError:
            continue
        latest = when if latest is None else max(latest, when)
    return latest


@record
class Freshness:
    """Whether the daemon runs the files on disk; ``changed`` lists the files edited after its last load."""

    known: bool
    changed: list[str]
    loaded_at: float | None = None

    @property
    def stale(self) -> bool:
        """True when a file changed after the daemon last loaded the configuration."""
        return bool(self.changed)


def freshness(config: ControlFile, files: list[str]) -> Freshness:
    """Compare the files the lint read with the daemon's last (re)load.

    The log's reload time has whole seconds: a file changed in the same second
    as a reload counts as loaded (editing then reloading at once is the usual
    order).  Unknown (no daemon pid) means nothing can be said.
    """
    pid = daemon_pid(config)
    started = process_start_time(pid) if pid is not None else None
    if started is None:
        return Freshness(False, [])
    reloaded = last_reload_time(config)
    changed: list[str] = []
    for path in files:
        try:
            mtime = os.stat(path).st_mtime
        except OSError:
            continue
        after_start = mtime > started + START_TOLERANCE
        after_reload = reloaded is None or mtime >= reloaded + 1.0
        if after_start and after_reload:
            changed.append(path)
    loaded = max(started, reloaded) if reloaded is not None else started
    return Freshness(True, changed, loaded)
