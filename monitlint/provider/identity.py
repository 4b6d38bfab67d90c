"""Is the process a pidfile names really the service's own?

A pidfile is only a number in a file.  By the time the provider reads it, the
service may have died and the kernel handed the pid to an unrelated process, or
someone may have written another process's pid into it.  Monit itself does not
look further: it takes whatever live process the file names, and its stop
program (typically ``kill $(cat pidfile)``) then hits that process.  So before
any action the provider judges the pid on its own:

* it is alive (a dead pid is simply "not running");
* it is not pid 1, the Monit daemon, this call or its callers, nor another
  running provider call (the caller passes these as ``excluded``);
* it started before its pidfile was last written: a process younger than the
  file cannot be the one that wrote it (a reused pid);
* its command line is consistent with what the start program runs, where that
  can be known: some word of the process (its name, executable or arguments)
  is a word of the start or restart program (or of the script it runs), of the
  service's name or of the pidfile's name.

Any other pid is *foreign*: the provider reports the state as unknown, sends
nothing, and says what to check.
"""

from __future__ import annotations

import contextlib
import os
import re
from enum import StrEnum

from monitlint.files.safe_fs import read_bounded
from monitlint.model import Service, ServiceType
from monitlint.provider import processes
from monitlint.runtime.records import record

# A process that started this much after its pidfile was written did not write it (clock ticks are
# 10 ms; a daemon writes its pidfile right after it starts, so the file is never older than the process).
WRITTEN_TOLERANCE = 1.0
SCRIPT_MAX_BYTES = 64 * 1024  # a start script is read this far for the programs it runs
SHOWN_COMMAND = 80  # a process command line is quoted this far in a note

# Words that say nothing about which program runs: shells, interpreters, wrappers and the verbs of
# init systems.  A process "python3 …" is not the service because its start program is "python3 …".
_GENERIC = """
    sh bash dash zsh ksh csh tcsh fish busybox env sudo su doas runuser chroot nohup setsid nice ionice
    chrt taskset timeout stdbuf exec start-stop-daemon daemon daemonize systemctl service initctl
    invoke-rc.d rc-service python perl ruby node nodejs java php lua tclsh usr bin sbin local opt etc
    run var lib true false kill pkill killall cat echo test start stop restart reload status force
    then else fi do done if
"""
GENERIC_WORDS = frozenset(_GENERIC.split())
_SPLIT = re.compile(r"[\s'\"`;&|()<>$={}\[\],:]+")
_VERSION_SUFFIX = re.compile(r"[\d.]+$")
_EXTENSIONS = (".service", ".pid", ".sh", ".py", ".pl", ".rb", ".js", ".jar", ".bin")
MIN_PREFIX = 4  # mysql ~ mysqld, php-fpm8 ~ php-fpm: a shared prefix this long counts as the same program


class PidVerdict(StrEnum):
    """What the provider makes of a pid named by a pidfile or by Monit."""

    SERVICE = "service"  # the service's own process
    GONE = "gone"  # no live process: the service is not running
    FOREIGN = "foreign"  # a live process that is not the service's: act on nothing


@record(frozen=True)
class PidJudgement:
    """A pid and what it is, with the reason when it is not the service's."""

    pid: int
    verdict: PidVerdict
    reason: str | None = None


def judge_pidfile_pid(
    pid: int,
    pidfile: str,
    service: Service | None,
    excluded: dict[int, str],
    start_time: float | None,
    others: list[Service] | None = None,
) -> PidJudgement:
    """Judge the pid ``pidfile`` holds for ``service``; ``start_time`` is the process's start (epoch seconds).

    ``others`` are the control file's other services: a process that runs the
    same program as ours must also carry what tells ours apart from theirs.
    """
    if not processes.pid_alive(pid):
        return PidJudgement(pid, PidVerdict.GONE)
    if pid in excluded:
        return PidJudgement(pid, PidVerdict.FOREIGN, f"pidfile {pidfile} names pid {pid}, which is {excluded[pid]}")
    written = _mtime(pidfile)
    if start_time is not None and written is not None and start_time > written + WRITTEN_TOLERANCE:
        return PidJudgement(
            pid,
            PidVerdict.FOREIGN,
            f"pidfile {pidfile} names pid {pid}, a process started after the file was written "
            f"(a reused pid: {_shown(pid)})",
        )
    if service is not None and not consistent_with_start_program(pid, service, others or []):
        return PidJudgement(
            pid,
            PidVerdict.FOREIGN,
            f"pidfile {pidfile} names pid {pid}, which runs {_shown(pid)}: not what the start program "
            f"of '{service.name}' runs",
        )
    return PidJudgement(pid, PidVerdict.SERVICE)


def consistent_with_start_program(pid: int, service: Service, others: list[Service]) -> bool:
    """True unless the start program's words are known and the process does not carry them.

    A start program made only of generic words (``/bin/true``, ``sh -c …`` with
    nothing else) tells nothing: then any process is consistent.  When other
    services share some of those words (two instances of one program), the
    process must also carry a word only ours has, if ours has one.
    """
    expected = _identity_words(service)
    if expected is None:
        return True
    found = process_words(pid)
    if found is None:
        return True  # the process cannot be read (gone, or hidden from us): the other checks decide
    if not _carries(found, expected):
        return False
    theirs: set[str] = set()
    for other in others:
        if other is not service and other.type is ServiceType.PROCESS:
            theirs |= _identity_words(other) or set()
    own = expected - theirs
    return not (own and expected & theirs) or _carries(found, own)


def _identity_words(service: Service) -> set[str] | None:
    """The words that name the service's process; None when its start program says nothing specific."""
    words = start_program_words(service)
    if not words:
        return None
    words |= _words(service.name)
    if service.target:
        words |= _words(os.path.basename(service.target))
    return words


def _carries(found: set[str], wanted: set[str]) -> bool:
    return any(_same_program(a, b) for a in found for b in wanted)


def start_program_words(service: Service) -> set[str]:
    """The specific words of the service's start and restart programs, and of a script they run."""
    words: set[str] = set()
    for program in (service.start, service.restart):
        if program is None:
            continue
        for argument in program.argv:
            words |= _words(argument)
        if program.argv and program.argv[0].startswith("/"):
            words |= _script_words(program.argv[0])
    return words


def process_words(pid: int) -> set[str] | None:
    """The words that name a process: its name, its executable and its arguments; None if unreadable."""
    line = processes.cmdline(pid)
    if line is None:
        return None
    words = _words(line[:4096])
    with contextlib.suppress(OSError):
        words |= _words(os.path.basename(os.readlink(f"{processes.PROC}/{pid}/exe")))
    with contextlib.suppress(OSError):
        words |= _words(read_bounded(f"{processes.PROC}/{pid}/comm", 64).decode("utf-8", "replace"))
    return words


def _script_words(path: str) -> set[str]:
    """Words of a start script (a text file starting with ``#!``); nothing for a binary or an unreadable file."""
    try:
        data = read_bounded(path, SCRIPT_MAX_BYTES)
    except (OSError, ValueError):
        return set()
    if not data.startswith(b"#!"):
        return set()
    lines = (line for line in data.decode("utf-8", "replace").splitlines() if not line.lstrip().startswith("#"))
    return _words("\n".join(lines))


def _words(text: str) -> set[str]:
    """Program-naming words of ``text``: basenames, lower case, without extensions or version numbers."""
    found: set[str] = set()
    for token in _SPLIT.split(text):
        if not token or token.startswith("-"):
            continue
        word = token.lower().rsplit("/", 1)[-1]  # a path names its program by its last part only
        for extension in _EXTENSIONS:
            if word.endswith(extension):
                word = word[: -len(extension)]
        word = word.rstrip("-_.")
        # python3.11, php8.2: a version does not make an interpreter specific; web1 and web2 stay apart
        if word and not word.isdigit() and _VERSION_SUFFIX.sub("", word).rstrip("-_.") not in GENERIC_WORDS:
            found.add(word)
    return found


def _same_program(a: str, b: str) -> bool:
    if a == b:
        return True
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    return len(shorter) >= MIN_PREFIX and longer.startswith(shorter)


def _shown(pid: int) -> str:
    line = processes.cmdline(pid)
    if not line:  # a kernel thread has no command line: ps shows its name in brackets
        try:
            line = "[" + read_bounded(f"{processes.PROC}/{pid}/comm", 64).decode("utf-8", "replace").strip() + "]"
        except OSError:
            line = "an unreadable command line"
    return f"`{line[:SHOWN_COMMAND]}`" + ("…" if len(line) > SHOWN_COMMAND else "")


def _mtime(path: str) -> float | None:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return None
