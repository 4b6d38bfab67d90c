"""A toy daemon for provider tests: daemonizes, writes its pidfile, exits on SIGTERM.

Usage: toy_daemon.py NAME PIDFILE [--ignore-term] [--die-after SECONDS] [--start-delay SECONDS]
"""

import contextlib
import os
import signal
import sys
import time


def _option(flag: str) -> float | None:
    if flag in sys.argv:
        return float(sys.argv[sys.argv.index(flag) + 1])
    return None


def main() -> None:
    pidfile = sys.argv[2]
    ignore_term = "--ignore-term" in sys.argv
    die_after = _option("--die-after")
    delay = _option("--start-delay")
    if delay:
        time.sleep(delay)  # a slow start program: the daemon appears only after this
    if os.fork():
        os._exit(0)
    os.setsid()
    if os.fork():
        os._exit(0)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    with open(pidfile + ".tmp", "w") as handle:
        handle.write(f"{os.getpid()}\n")
    os.replace(pidfile + ".tmp", pidfile)

    def leave(*_args: object) -> None:
        with contextlib.suppress(OSError):
            os.unlink(pidfile)
        os._exit(0)

    signal.signal(signal.SIGTERM, signal.SIG_IGN if ignore_term else leave)
    if die_after is not None:
        time.sleep(die_after)
        os._exit(1)  # a crash: the pidfile stays behind
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
