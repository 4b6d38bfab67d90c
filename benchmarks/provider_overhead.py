"""Overhead of `monitlint service stop`: when the command returns versus when the process really exited.

Starts a private Monit daemon (Debian's `monit`) in a temporary folder with a toy daemon, then
20 times: start the toy, run `monitlint service stop toy`, and watch the process table every 2 ms
from a thread. Prints the median and maximum of (command returned - process exited).

    python benchmarks/provider_overhead.py [--runs 20]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

TOY = """
import os, signal, sys, time
pidfile = sys.argv[1]
if os.fork(): os._exit(0)
os.setsid()
if os.fork(): os._exit(0)
open(pidfile + ".tmp", "w").write(str(os.getpid()))
os.replace(pidfile + ".tmp", pidfile)
def leave(*_):
    try: os.unlink(pidfile)
    except OSError: pass
    os._exit(0)
signal.signal(signal.SIGTERM, leave)
while True: time.sleep(3600)
"""


def alive(pid: int) -> bool:
    """True for a live, non-zombie process."""
    try:
        os.kill(pid, 0)
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (OSError, ProcessLookupError):
        return False
    return stat[stat.rfind(")") + 2] not in "ZX"


def read_pid(path: Path) -> int | None:
    """The pid in a pidfile, if any."""
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def main() -> None:
    """Run the measurement and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    monit = shutil.which("monit")
    if monit is None:
        sys.exit("monit is not installed (apt-get install monit)")
    tmp = Path(tempfile.mkdtemp(prefix="monitlint-bench-"))
    toy, pidfile, control = tmp / "toy.py", tmp / "toy.pid", tmp / "monitrc"
    toy.write_text(TOY)
    control.write_text(
        f"set daemon 1\nset log {tmp}/monit.log\nset pidfile {tmp}/monit.pid\nset idfile {tmp}/monit.id\n"
        f"set statefile {tmp}/monit.state\nset httpd unixsocket {tmp}/monit.sock allow localhost\n"
        f"check process toy with pidfile {pidfile}\n"
        f'    start program = "{sys.executable} {toy} {pidfile}" with timeout 5 seconds\n'
        f"    stop program = \"/bin/sh -c 'kill $(cat {pidfile})'\" with timeout 5 seconds\n"
    )
    control.chmod(0o600)
    env = {**os.environ, "HOME": str(tmp)}
    cli = [sys.executable, "-m", "monitlint", "service"]
    subprocess.run([monit, "-c", str(control)], check=True, capture_output=True, env=env)
    overheads: list[float] = []
    totals: list[float] = []
    monit_lags: list[float] = []  # process gone -> Monit reports "Not monitored"
    own: list[float] = []  # Monit reports it -> monitlint returns
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (read_pid(pidfile) and alive(read_pid(pidfile) or 0)):
            time.sleep(0.1)
        for _ in range(args.runs):
            subprocess.run(
                [*cli, "ensure", "toy", "running", "-c", str(control), "--isolated"],
                check=True,
                capture_output=True,
                env=env,
            )
            pid = read_pid(pidfile)
            assert pid is not None and alive(pid)
            exited: list[float] = []

            def watch(pid: int = pid, exited: list[float] = exited) -> None:
                while alive(pid):
                    time.sleep(0.002)
                exited.append(time.monotonic())

            settled: list[float] = []

            def watch_monit(settled: list[float] = settled) -> None:
                give_up = time.monotonic() + 30
                while time.monotonic() < give_up:
                    out = subprocess.run(
                        [monit, "-B", "-c", str(control), "status", "toy"], capture_output=True, text=True, env=env
                    ).stdout
                    if "Not monitored" in out and "pending" not in out:
                        settled.append(time.monotonic())
                        return
                    time.sleep(0.02)

            watcher = threading.Thread(target=watch, daemon=True)
            monit_watcher = threading.Thread(target=watch_monit, daemon=True)
            watcher.start()
            started = time.monotonic()
            monit_watcher.start()
            result = subprocess.run(
                [*cli, "stop", "toy", "-c", str(control), "--isolated"], capture_output=True, text=True, env=env
            )
            returned = time.monotonic()
            watcher.join(timeout=10)
            monit_watcher.join(timeout=30)
            if result.returncode != 0 or not exited or not settled:
                sys.exit(f"stop failed: {result.stdout}{result.stderr}")
            overheads.append(returned - exited[0])
            totals.append(returned - started)
            monit_lags.append(settled[0] - exited[0])
            own.append(returned - settled[0])
    finally:
        subprocess.run([monit, "-c", str(control), "quit"], capture_output=True, env=env)
        pid = read_pid(pidfile)
        if pid and alive(pid):
            os.kill(pid, 9)
    print(f"runs: {len(overheads)}")
    print(f"{'':28} {'median':>8} {'max':>8}")
    print(f"{'stop command, wall time':28} {statistics.median(totals):8.3f} {max(totals):8.3f} s")
    print(f"{'returned after the exit':28} {statistics.median(overheads):8.3f} {max(overheads):8.3f} s")
    print(f"{'  of which Monit confirming':28} {statistics.median(monit_lags):8.3f} {max(monit_lags):8.3f} s")
    print(f"{'  of which monitlint':28} {statistics.median(own):8.3f} {max(own):8.3f} s")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
