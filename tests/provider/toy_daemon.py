"""A toy daemon for provider tests: daemonizes, writes its pidfile, exits on SIGTERM.

Usage: toy_daemon.py NAME PIDFILE [--ignore-term]
"""

import contextlib
import os
import signal
import sys
import time


def main() -> None:
    name, pidfile = sys.argv[1], sys.argv[2]
    ignore_term = "--ignore-term" in sys.argv
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
    del name
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
