"""Does the running daemon run the control file that is on disk now?

The lint gate reads the files on disk; the daemon acts on what it parsed when it
started or was last reloaded.  If a file changed since, the gate would approve
(or refuse) a configuration the daemon is not running.

What the daemon loaded is judged from the daemon itself, never from its log
(which may be syslog, rotated or too long to read) nor from modification times
(``cp -p``, ``rsync -a`` and ``touch -d`` keep or set them at will):

* **When it loaded**: Monit writes its pid file right after it parses the
  control file, at start (after forking the daemon) and at every reload
  (``do_reinit``: parse, then ``file_createPidFile``).  The pid file's change
  time (``st_ctime``, which no user can set) is the daemon's last load.
* **What it loaded**: a file whose change time is before that load was read by
  it as it is now.  When every file is, the provider records a content hash of
  them all, keyed by the daemon's pid and load time, in its private state
  folder; later calls compare contents with that record, so a ``touch`` or a
  ``chmod`` after the load is not taken for an edit, and an edit that was
  undone is seen as undone.  When monitlint reloads the daemon itself
  (``--reload``), it records the hash it read before the reload, if the files
  did not change while it waited.
* **Which services it runs**: the daemon's own service list (``monit status``)
  must be the control file's, which also sees a deleted include.

When none of this can tell, the call is refused with the command to run.
Not covered: an edit in the milliseconds between Monit's parse and its pid file
write (Monit's own reload has the same race).
"""

from __future__ import annotations

import hashlib
import json
import os
import time

from monitlint.files.safe_fs import open_regular, read_bounded, read_private, write_private
from monitlint.model import ControlFile, PathSetting, ServiceType, SettingKind
from monitlint.provider import processes
from monitlint.runtime.records import record

DEFAULT_PIDFILES = ("/run/monit.pid", "/var/run/monit.pid", "~/.monit.pid")
FILE_MAX_BYTES = 64 * 1024 * 1024  # the engine's own cap on a control file
RECORD_MAX_BYTES = 1024 * 1024


def _pidfile(config: ControlFile) -> str | None:
    return next(
        (s.path for s in reversed(config.settings) if isinstance(s, PathSetting) and s.kind is SettingKind.PIDFILE),
        None,
    )


def _pidfiles(config: ControlFile) -> list[str]:
    named = _pidfile(config)
    return [named] if named else [os.path.expanduser(p) for p in DEFAULT_PIDFILES]


def daemon_pid(config: ControlFile) -> int | None:
    """The live pid of the Monit daemon of this control file (its `set pidfile`, else Monit's defaults)."""
    load = daemon_load(config)
    return load.pid if load is not None else None


@record(frozen=True)
class DaemonLoad:
    """The running daemon and the moment it last parsed the control file (its pid file's change time)."""

    pid: int
    pidfile: str
    loaded_at: float  # epoch seconds, nanosecond precision
    loaded_ns: int

    @property
    def key(self) -> str:
        """What identifies this load: a restart or a reload gives another key."""
        return f"{self.pid}:{self.loaded_ns}"


def daemon_load(config: ControlFile) -> DaemonLoad | None:
    """The daemon of this control file and its last load; None when no live daemon's pid file is found."""
    for path in _pidfiles(config):
        pid = processes.read_pidfile(path).pid
        if pid is None or not processes.pid_alive(pid):
            continue
        try:
            info = os.stat(path)
        except OSError:
            continue
        return DaemonLoad(pid, path, info.st_ctime_ns / 1e9, info.st_ctime_ns)
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


def file_digests(files: list[str]) -> dict[str, str]:
    """A SHA-256 of each file's bytes ("missing" or "unreadable" when there are none)."""
    digests: dict[str, str] = {}
    for path in files:
        try:
            digests[path] = hashlib.sha256(read_bounded(path, FILE_MAX_BYTES)).hexdigest()
        except FileNotFoundError:
            digests[path] = "missing"
        except (OSError, ValueError):
            digests[path] = "unreadable"
    return digests


@record
class Freshness:
    """Whether the daemon runs the files on disk, and if not, why not."""

    known: bool  # False: no daemon found (the action itself will say what is wrong)
    changed: list[str]  # files edited after the daemon's last load
    reason: str | None = None  # why the daemon may not run these files; None when it does
    load: DaemonLoad | None = None
    digests: dict[str, str] | None = None

    @property
    def stale(self) -> bool:
        """True when the daemon may run another version of the files than the one on disk."""
        return self.reason is not None


def _changed_since(files: list[str], moment: float) -> list[str]:
    """Files whose change time is at or after ``moment``, or that are gone since the lint read them.

    A folder's change time is not used: Monit's own pid and state files often lie
    beside the control file.  A file added or removed is seen by the service list.
    """
    changed = []
    for path in files:
        try:
            if os.stat(path).st_ctime >= moment:
                changed.append(path)
        except OSError:
            changed.append(path)
    return changed


def freshness(
    config: ControlFile, files: list[str], daemon_services: list[str] | None = None, state_dir: str | None = None
) -> Freshness:
    """Compare the files the lint read with what the daemon loaded (see the module's docstring).

    ``daemon_services`` are the names the daemon shows (without its system
    service); ``state_dir`` is the private folder of load records.
    """
    load = daemon_load(config)
    if load is None:
        return Freshness(False, [])
    digests = file_digests(files)
    listed = _compare_services(config, daemon_services)
    if listed is not None:
        return Freshness(True, [], listed, load, digests)
    recorded = _read_record(state_dir, config.path, load)
    if recorded is not None:
        changed = [p for p in files if recorded.get(p) != digests.get(p)] + [p for p in recorded if p not in digests]
        reason = "the control file changed after the Monit daemon last loaded it" if changed else None
        return Freshness(True, changed, reason, load, digests)
    changed = _changed_since(files, load.loaded_at)
    if changed:
        return Freshness(True, changed, "the control file changed after the Monit daemon last loaded it", load, digests)
    _write_record(state_dir, config.path, load, digests)
    return Freshness(True, [], None, load, digests)


def record_load(config: ControlFile, load: DaemonLoad, digests: dict[str, str], state_dir: str | None) -> None:
    """Remember that the daemon's load ``load`` read files with these contents (after a reload we waited for)."""
    _write_record(state_dir, config.path, load, digests)


def _compare_services(config: ControlFile, daemon_services: list[str] | None) -> str | None:
    """Why the daemon's service list is not the control file's; None when they agree or are unknown."""
    if daemon_services is None:
        return None
    ours = {s.name.lower() for s in config.services if s.type is not ServiceType.SYSTEM}
    theirs = {name.lower() for name in daemon_services}
    if ours == theirs:
        return None
    only_file = sorted(ours - theirs)
    only_daemon = sorted(theirs - ours)
    parts = []
    if only_file:
        names = ", ".join(f"'{n}'" for n in only_file[:3])
        parts.append(f"the control file has {names}, which the daemon does not")
    if only_daemon:
        names = ", ".join(f"'{n}'" for n in only_daemon[:3])
        parts.append(f"the daemon runs {names}, which the file does not")
    return "the Monit daemon loaded another version of the control file (" + "; ".join(parts) + ")"


def _record_name(control_file: str) -> str:
    return "loaded-" + hashlib.sha256(os.path.realpath(control_file).encode()).hexdigest()[:24] + ".json"


def _read_record(state_dir: str | None, control_file: str, load: DaemonLoad) -> dict[str, str] | None:
    if state_dir is None:
        return None
    data = read_private(state_dir, _record_name(control_file), RECORD_MAX_BYTES)
    if data is None:
        return None
    try:
        entry = json.loads(data)
    except ValueError:
        return None
    if not isinstance(entry, dict) or entry.get("load") != load.key or not isinstance(entry.get("digests"), dict):
        return None
    digests = entry["digests"]
    return {str(k): str(v) for k, v in digests.items()}


def _write_record(state_dir: str | None, control_file: str, load: DaemonLoad, digests: dict[str, str]) -> None:
    if state_dir is None or "missing" in digests.values() or "unreadable" in digests.values():
        return
    write_private(state_dir, _record_name(control_file), json.dumps({"load": load.key, "digests": digests}).encode())
