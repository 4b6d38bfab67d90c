"""The provider on a host where other users and the services write files and run processes.

Each test is bounded in time; none needs a Monit daemon (a fake `monit` prints a status block).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, children_cpu_seconds

STATUS = """Monit 5.33.0 uptime: 0m

Process 'app'
  status                       Not monitored
  monitoring status            Not monitored
  monitoring mode              active
  on reboot                    start
  data collected               Tue, 01 Dec 2026 03:54:52
"""


def _service(tmp_path: Path, target: str, *args: str, timeout: float = 60) -> tuple[int, dict[str, object], float]:
    monit = tmp_path / "fake-monit"
    monit.write_text(f"#!/bin/sh\ncat <<'EOF'\n{STATUS}EOF\n")
    monit.chmod(monit.stat().st_mode | stat.S_IEXEC)
    control = tmp_path / "monitrc"
    control.write_text(
        f"set daemon 1\nset httpd unixsocket {tmp_path}/x.sock allow localhost\n"
        f'check process app {target}\n  start program = "/bin/app"\n  stop program = "/bin/app stop"\n'
    )
    control.chmod(0o600)
    started = children_cpu_seconds()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "monitlint",
            "service",
            *args,
            "app",
            "-c",
            str(control),
            "--monit",
            str(monit),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
    )
    assert "Traceback" not in proc.stderr
    return proc.returncode, json.loads(proc.stdout), children_cpu_seconds() - started  # CPU seconds


@pytest.mark.slow  # 10 s
def test_a_huge_command_line_cannot_hang_process_matching(tmp_path: Path) -> None:
    """A user process with 1.5 MB of `java ` words: glibc's regexec is quadratic on it."""
    words = ["java " * 20_000] * 15  # 15 arguments of 100 KB (one argument may hold at most 128 KiB)
    hog = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", *words])
    try:
        code, result, seconds = _service(tmp_path, 'matching "java.*myapp"', "status")
        assert seconds < 30
        assert code == 0 and result["state"] in ("unknown", "stopped"), result
        if result["state"] == "unknown":
            assert any("did not finish" in str(note) for note in result["notes"])  # type: ignore[attr-defined]
        code, result, seconds = _service(tmp_path, 'matching "java.*myapp"', "stop")
        assert seconds < 40 and (result["ok"] is False or result["state"] == "stopped"), result
    finally:
        hog.kill()
        hog.wait()


def test_a_pidfile_swapped_for_a_fifo_or_dev_zero_is_read_without_hanging(tmp_path: Path) -> None:
    pidfile = tmp_path / "app.pid"
    os.mkfifo(pidfile)
    code, result, seconds = _service(tmp_path, f"with pidfile {pidfile}", "status")
    assert seconds < 20 and code == 0 and result["state"] == "unknown"
    pidfile.unlink()
    pidfile.symlink_to("/dev/zero")
    code, result, seconds = _service(tmp_path, f"with pidfile {pidfile}", "status")
    assert seconds < 20 and code == 0 and result["state"] == "unknown"


def test_a_pattern_that_would_explode_regcomp_is_refused_quickly(tmp_path: Path) -> None:
    _, result, seconds = _service(tmp_path, 'matching "((a{,40}){,40}){,40}"', "status")
    assert seconds < 30 and result["state"] in ("unknown", "stopped"), result


def test_output_of_a_hostile_service_name_is_escaped(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "monitlint", "service", "status", "x\x1b]0;owned\x07\n::error::x", "-c", "/nonexistent"],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=REPO,
    )
    assert proc.returncode == 2
    assert "\x1b" not in proc.stdout + proc.stderr and "\n::error" not in proc.stdout + proc.stderr
