"""Reading the real process table (``/proc``), independently of what Monit says.

Everything read here may be hostile: a pidfile can be a FIFO, a symlink to
``/dev/zero`` or hold any bytes; another user's process can carry a
megabyte-long command line.  So every read is bounded, every parse is strict,
and pattern matching runs in a child process with a time and memory budget.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import struct

from monitlint import posix_regex
from monitlint.files.safe_fs import read_bounded
from monitlint.runtime.records import record

PROC = "/proc"
PIDFILE_MAX_BYTES = 64  # a pid is at most 7 digits; anything longer is not a pidfile
CMDLINE_MAX_BYTES = 2 * 1024 * 1024  # the kernel's limit on argv+envp is of this order
SCAN_SECONDS = 5.0  # the whole `matching` scan: a user process cannot make it take longer
SCAN_MEMORY_BYTES = 512 * 1024 * 1024
_DONE = b"\xffdone"  # the child's last bytes: all of its answer arrived


def pid_max() -> int:
    """The largest pid this kernel hands out (``/proc/sys/kernel/pid_max``; 4194304 when unknown)."""
    try:
        return int(read_bounded(f"{PROC}/sys/kernel/pid_max", 32).strip() or b"4194304")
    except (OSError, ValueError):
        return 4194304


def pid_alive(pid: int | None) -> bool:
    """True when ``pid`` is a live process (not a zombie)."""
    if pid is None or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    except OverflowError:
        return False
    info = stat(pid)
    if info is None:
        return os.path.isdir(f"{PROC}/{pid}") or not os.path.isdir(PROC)
    return info.state not in ("Z", "X")


@record(frozen=True)
class ProcStat:
    """The fields of ``/proc/PID/stat`` this provider needs."""

    pid: int
    state: str
    ppid: int
    start_ticks: int  # clock ticks after boot when the process started


def stat(pid: int) -> ProcStat | None:
    """Parse ``/proc/PID/stat``; None when the process is gone or the file is unreadable."""
    try:
        raw = read_bounded(f"{PROC}/{pid}/stat", 4096).decode("ascii", "replace")
    except OSError:
        return None
    # The command name sits in parentheses and may itself hold ')' or spaces.
    close = raw.rfind(")")
    fields = raw[close + 2 :].split()
    try:
        return ProcStat(pid, fields[0], int(fields[1]), int(fields[19]))
    except (IndexError, ValueError):
        return None


def cmdline(pid: int) -> str | None:
    """The command line as Monit matches it: arguments joined by spaces, trimmed; None if unreadable."""
    try:
        raw = read_bounded(f"{PROC}/{pid}/cmdline", CMDLINE_MAX_BYTES)
    except OSError:
        return None
    return raw.replace(b"\0", b" ").decode("utf-8", "surrogateescape").strip()


def pids_running(executable: str) -> set[int]:
    """Pids of the live processes whose executable is ``executable`` (compared by real path)."""
    target = os.path.realpath(executable)
    found: set[int] = set()
    try:
        names = os.listdir(PROC)
    except OSError:
        return found
    for name in names:
        if name.isdigit():
            try:
                if os.readlink(f"{PROC}/{name}/exe") == target:
                    found.add(int(name))
            except OSError:
                continue
    return found


def ancestors(pid: int | None = None) -> set[int]:
    """``pid`` (default: this process) and every process above it, up to pid 1."""
    current = os.getpid() if pid is None else pid
    seen: set[int] = set()
    while current > 0 and current not in seen:
        seen.add(current)
        info = stat(current)
        if info is None:
            break
        current = info.ppid
    return seen


@record(frozen=True)
class PidfileRead:
    """What a pidfile held: a pid, or the reason there is none."""

    pid: int | None
    problem: str | None = None


def read_pidfile(path: str | None) -> PidfileRead:
    """Read a pidfile strictly: ASCII digits (surrounding white space allowed) within the pid range.

    A missing file is "no pid" without a problem; a FIFO, a device, a huge
    file, non-ASCII digits, zero or a number past ``pid_max`` is "no valid
    pid" with the problem said in words.  Never blocks, never raises.
    """
    if not path:
        return PidfileRead(None)
    try:
        data = read_bounded(path, PIDFILE_MAX_BYTES)
    except FileNotFoundError:
        return PidfileRead(None)
    except OSError as exc:
        reason = exc.strerror if exc.strerror and not isinstance(exc, ValueError) else str(exc)
        return PidfileRead(None, f"pidfile {path} cannot be read ({reason})")
    text = data.strip(b" \t\r\n")
    if not text:
        return PidfileRead(None)
    if not (text.isdigit() and text.isascii()) or len(text) > 10:
        return PidfileRead(None, f"pidfile {path} does not hold a process id")
    pid = int(text)
    if not 0 < pid <= pid_max():
        return PidfileRead(None, f"pidfile {path} holds {pid}, outside the range of process ids")
    return PidfileRead(pid)


def pidfile_pid(path: str | None) -> int | None:
    """The pid a pidfile holds, or None (see :func:`read_pidfile` for the reasons)."""
    return read_pidfile(path).pid


@record(frozen=True)
class Candidate:
    """A process whose command line matches a `matching` pattern."""

    pid: int
    ppid: int
    start_ticks: int


def matching_pid(pattern: str, exclude: set[int] | frozenset[int] = frozenset()) -> int | None:
    """The process Monit's `matching` would pick, skipping ``exclude``; None when there is none.

    Monit picks the oldest process whose command line matches and whose parent's
    does not.  The scan runs with a budget (see :func:`matching_candidates`).
    """
    found = matching_candidates(pattern)
    by_pid = {c.pid: c for c in found}
    best: Candidate | None = None
    for candidate in found:
        if candidate.pid in exclude or candidate.pid == 1:
            continue
        if candidate.ppid in by_pid and candidate.ppid not in exclude:
            continue  # its parent matches too: Monit takes the parent
        if best is None or candidate.start_ticks < best.start_ticks:
            best = candidate
    return best.pid if best is not None else None


class ScanFailed(Exception):
    """The process scan did not finish within its budget, or the pattern does not compile."""


def matching_candidates(pattern: str) -> list[Candidate]:
    """Every live process whose command line matches ``pattern`` as a POSIX extended regex.

    Runs in a forked child with a CPU-time and memory limit, so a hostile
    command line or pattern cannot hang or exhaust the caller; raises
    :class:`ScanFailed` when the budget runs out.
    """
    error = posix_regex.posix_regex_error(pattern)
    if error is not None:
        raise ScanFailed(f"the matching pattern does not compile: {error}")
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: scan, write the pids, leave without cleanup
        code = 0
        try:
            os.close(read_end)
            with contextlib.suppress(ValueError, OSError):
                resource.setrlimit(resource.RLIMIT_AS, (SCAN_MEMORY_BYTES, SCAN_MEMORY_BYTES))
            signal.alarm(int(SCAN_SECONDS) + 1)
            payload = b"".join(struct.pack("<qqq", c.pid, c.ppid, c.start_ticks) for c in _scan(pattern)) + _DONE
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
        except BaseException:
            code = 1
        os._exit(code)
    os.close(write_end)
    data: bytes | None = None
    try:
        data = _read_with_deadline(read_end, SCAN_SECONDS)
    finally:
        os.close(read_end)
        if data is None or not data.endswith(_DONE):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
    if data is None or not data.endswith(_DONE) or (len(data) - len(_DONE)) % 24:
        raise ScanFailed(f'the process scan for `matching "{pattern}"` did not finish within {SCAN_SECONDS:g} s')
    body = data[: -len(_DONE)]
    return [Candidate(*struct.unpack_from("<qqq", body, i)) for i in range(0, len(body), 24)]


def _read_with_deadline(fd: int, seconds: float) -> bytes | None:
    import select
    import time

    deadline = time.monotonic() + seconds
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return None
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _scan(pattern: str) -> list[Candidate]:
    regex = posix_regex.compile_regex(pattern)
    found: list[Candidate] = []
    for name in os.listdir(PROC):
        if not name.isdigit():
            continue
        pid = int(name)
        line = cmdline(pid)
        if not line or not regex.search(line):
            continue
        info = stat(pid)
        if info is not None and info.state not in ("Z", "X"):
            found.append(Candidate(pid, info.ppid, info.start_ticks))
    return found
