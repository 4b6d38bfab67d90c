"""A real Monit daemon in a temporary directory, with its own control file, socket and toy daemons."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from monitlint.provider import processes
from tests.conftest import monit_executable

TOY = Path(__file__).with_name("toy_daemon.py")


def toy_block(
    name: str,
    run: Path,
    stop: str | None = "kill",
    start: str = "toy",
    extra: str = "",
    toy_args: str = "",
    matching: str | None = None,
    start_timeout: int = 3,
) -> str:
    """A `check process` block for a toy daemon named `name` (by pidfile, or by a `matching` pattern)."""
    pidfile = run / f"{name}.pid"
    start_cmd = {
        "toy": f"{sys.executable} {TOY} {name} {pidfile} {toy_args}".rstrip(),
        "fail": "/bin/false",
    }[start]
    target = f'matching "{matching}"' if matching else f"pidfile {pidfile}"
    lines = [
        f"check process {name} {target}",
        f'    start program = "{start_cmd}" with timeout {start_timeout} seconds',
    ]
    if stop == "kill":
        lines.append(f"    stop program = \"/bin/sh -c 'kill $(cat {pidfile})'\" with timeout 3 seconds")
    elif stop == "noop":
        lines.append('    stop program = "/bin/true" with timeout 2 seconds')
    elif stop == "slow":
        lines.append(f"    stop program = \"/bin/sh -c 'sleep 4; kill $(cat {pidfile})'\" with timeout 8 seconds")
    if extra:
        lines.append(extra)
    return "\n".join(lines) + "\n"


@dataclass
class MonitDaemon:
    """A running throw-away Monit daemon."""

    monit: str
    dir: Path
    control_file: Path

    def monit_cmd(self, *args: str, timeout: float = 15) -> subprocess.CompletedProcess[str]:
        """Run `monit -B -c <ours> ARGS` directly (for test setup, not for verdicts)."""
        return subprocess.run(
            [self.monit, "-B", "-c", str(self.control_file), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "LC_ALL": "C"},
        )

    def pid(self, name: str) -> int | None:
        """The live pid of toy `name`, judged from the process table."""
        pid = processes.pidfile_pid(str(self.dir / f"{name}.pid"))
        return pid if processes.pid_alive(pid) else None

    def wait_for(self, predicate: object, timeout: float = 20) -> bool:
        """Poll a condition until it holds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():  # type: ignore[operator]
                return True
            time.sleep(0.1)
        return False

    def status_word(self, name: str) -> str:
        out = self.monit_cmd("status", name).stdout
        for line in out.splitlines():
            if line.strip().startswith("status "):
                return line.split(None, 1)[1].strip()
        return ""

    def stop_daemon(self) -> None:
        self.monit_cmd("quit")
        pidfile = self.dir / "monit.pid"
        self.wait_for(lambda: not processes.pid_alive(processes.pidfile_pid(str(pidfile))), 10)


def start_monit(tmp: Path, blocks: str) -> MonitDaemon:
    """Write a control file (0600) for a private daemon and start it; wait until it answers."""
    monit = monit_executable()
    control = tmp / "monitrc"
    control.write_text(
        "set daemon 1\n"
        f"set log {tmp}/monit.log\n"
        f"set pidfile {tmp}/monit.pid\n"
        f"set idfile {tmp}/monit.id\n"
        f"set statefile {tmp}/monit.state\n"
        f"set httpd unixsocket {tmp}/monit.sock\n"
        "    allow localhost\n\n" + blocks
    )
    control.chmod(0o600)
    daemon = MonitDaemon(monit, tmp, control)
    started = daemon.monit_cmd()
    assert started.returncode == 0, started.stderr
    assert daemon.wait_for(lambda: daemon.monit_cmd("status").returncode == 0, 15), "monit did not come up"
    return daemon


def kill_toys(tmp: Path) -> None:
    """Leave no toy daemon behind, whatever the test did."""
    for pidfile in tmp.glob("*.pid"):
        pid = processes.pidfile_pid(str(pidfile))
        if pid and pid != os.getpid() and processes.pid_alive(pid) and pidfile.name != "monit.pid":
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
    for pid in toy_pids(tmp):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def toy_pids(tmp: Path) -> list[int]:
    """Pids of toy daemons whose pidfile lies in ``tmp`` (by command line)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            line = processes.cmdline(int(entry.name)) or ""
            if str(TOY) in line and f"{tmp}/" in line and int(entry.name) != os.getpid():
                found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MonitDaemon]:
    """One daemon for the module: toys a, b, c, nostop, fakestop and badstart."""
    tmp = tmp_path_factory.mktemp("monit")
    blocks = "".join(
        [
            toy_block("a", tmp),
            toy_block("b", tmp),
            toy_block("c", tmp),
            toy_block("nostop", tmp, stop=None),
            toy_block("fakestop", tmp, stop="noop"),
            toy_block("badstart", tmp, start="fail", extra="    onreboot nostart"),
        ]
    )
    daemon = start_monit(tmp, blocks)
    try:
        for name in ("a", "b", "c", "nostop", "fakestop"):
            assert daemon.wait_for(lambda n=name: daemon.pid(n) is not None and daemon.status_word(n) == "OK", 30), (
                f"toy {name} did not start: {daemon.monit_cmd('status', name).stdout}"
            )
        yield daemon
    finally:
        daemon.stop_daemon()
        kill_toys(tmp)
