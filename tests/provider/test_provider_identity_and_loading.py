"""Issue 22 against real Monit daemons: act only on the service's own process, know what the daemon loaded.

Each case is judged by the process table: which processes live and which were
killed, never by the provider's words alone.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitlint.provider import processes
from tests.conftest import wait_for_monit_cycles
from tests.provider.conftest import TOY, MonitDaemon, kill_toys, start_monit, toy_block
from tests.provider.test_provider_faults import provider_cli, show

ACTIONS = (
    ["ensure", "web", "running"],
    ["start", "web"],
    ["stop", "web"],
    ["restart", "web"],
    ["ensure", "web", "stopped"],
)


@pytest.fixture
def web(tmp_path: Path) -> Iterator[MonitDaemon]:
    """A daemon with toy services `web` and `other` (the same program, other arguments), both running."""
    daemon = start_monit(tmp_path, toy_block("web", tmp_path) + toy_block("other", tmp_path))
    try:
        assert daemon.wait_for(lambda: daemon.status_word("web") == "OK", 30)
        assert daemon.wait_for(lambda: daemon.status_word("other") == "OK" and daemon.pid("other") is not None, 30)
        yield daemon
    finally:
        daemon.stop_daemon()
        kill_toys(tmp_path)


def stop_in_monit(daemon: MonitDaemon, name: str) -> None:
    daemon.monit_cmd("stop", name)
    assert daemon.wait_for(lambda: daemon.status_word(name) == "Not monitored" and daemon.pid(name) is None, 20)


def stranger() -> subprocess.Popen[bytes]:
    """An unrelated long-running process, as another user's job would be."""
    return subprocess.Popen(["sleep", "600"], start_new_session=True, stdin=subprocess.DEVNULL)


def wait_loaded(daemon: MonitDaemon, before_ns: int) -> None:
    """Wait until the daemon has really reloaded: it rewrites its pid file after parsing."""
    pidfile = daemon.dir / "monit.pid"
    assert daemon.wait_for(lambda: pidfile.stat().st_ctime_ns != before_ns, 40), "the daemon did not reload"
    assert daemon.wait_for(lambda: daemon.monit_cmd("status").returncode == 0, 20)


def reload_in_monit(daemon: MonitDaemon) -> None:
    before = (daemon.dir / "monit.pid").stat().st_ctime_ns
    assert daemon.monit_cmd("reload").returncode == 0
    wait_loaded(daemon, before)


@pytest.mark.parametrize("planted", ["reused-pid", "unrelated-older", "the-caller", "another-service"])
def test_a_pidfile_naming_another_process_is_never_acted_on(web: MonitDaemon, planted: str) -> None:
    stop_in_monit(web, "web")
    pidfile = web.dir / "web.pid"
    victim = stranger() if planted in ("reused-pid", "unrelated-older") else None
    try:
        pid = victim.pid if victim is not None else os.getpid()
        if planted == "another-service":  # the same toy program, started before the pidfile was written
            pid = web.pid("other") or 0
            assert pid
        pidfile.write_text(f"{pid}\n")
        if planted == "reused-pid":  # the file was written before the process started: a reused pid
            past = time.time() - 60
            os.utime(pidfile, (past, past))
        web.monit_cmd("monitor", "web")
        assert web.wait_for(lambda: web.status_word("web") == "OK", 20), web.monit_cmd("status", "web").stdout
        for args in ACTIONS:
            code, result, _ = provider_cli(web, *args, "--timeout", "20")
            assert code == 1 and result["ok"] is False, show(result)
            assert result["steps"] == [] and result["state"] == "unknown", show(result)
            assert "nothing was sent" in str(result["message"]), show(result)
            assert processes.pid_alive(pid), f"{args}: the process the pidfile names was killed"
        code, result, _ = provider_cli(web, "status", "web")
        assert code == 0 and result["state"] == "unknown" and result["pid_after"] is None, show(result)
        code, result, _ = provider_cli(web, "ensure", "web", "running", "--dry-run")
        assert code == 1 and result["state"] == "unknown", show(result)
    finally:
        if victim is not None:
            victim.kill()
            victim.wait()
        web.monit_cmd("unmonitor", "web")


def test_the_service_s_own_process_is_still_recognised(web: MonitDaemon) -> None:
    # The toy writes its pidfile after it starts, and runs what the start program runs.
    code, result, _ = provider_cli(web, "status", "web")
    assert code == 0 and result["state"] == "running" and result["pid_after"] == web.pid("web"), show(result)
    code, result, _ = provider_cli(web, "restart", "web")
    assert code == 0 and result["ok"] and result["pid_after"] == web.pid("web"), show(result)


def test_a_failed_restart_reports_the_process_that_still_runs(tmp_path: Path) -> None:
    blocks = toy_block("web", tmp_path, stop=None) + '    stop program = "/bin/false" with timeout 2 seconds\n'
    daemon = start_monit(tmp_path, blocks)
    try:
        assert daemon.wait_for(lambda: daemon.status_word("web") == "OK", 30)
        old = daemon.pid("web")
        code, result, _ = provider_cli(daemon, "restart", "web", "--timeout", "25")
        assert code == 1 and result["ok"] is False, show(result)
        assert daemon.pid("web") == old and processes.pid_alive(old)
        assert result["state"] == "running" and result["pid_after"] == old, show(result)
    finally:
        daemon.stop_daemon()
        kill_toys(tmp_path)


def test_a_stop_failure_shows_only_findings_of_the_service_and_the_action(tmp_path: Path) -> None:
    # The start program has no timeout (MON107, an info about the start); the stop program does nothing.
    blocks = (
        f"check process web with pidfile {tmp_path}/web.pid\n"
        f'    start program = "{sys.executable} {TOY} web {tmp_path}/web.pid"\n'
        '    stop program = "/bin/true" with timeout 2 seconds\n'
    )
    daemon = start_monit(tmp_path, blocks)
    try:
        assert daemon.wait_for(lambda: daemon.status_word("web") == "OK" and daemon.pid("web") is not None, 40)
        code, result, _ = provider_cli(daemon, "stop", "web")
        assert code == 1 and daemon.pid("web") is not None, show(result)
        assert result["state"] == "running" and result["pid_after"] == daemon.pid("web"), show(result)
        findings = result["findings"]
        assert isinstance(findings, list)
        assert not any("start program" in f["message"] for f in findings), show(result)
    finally:
        daemon.stop_daemon()
        kill_toys(tmp_path)


def test_freshness_comes_from_the_daemon_not_its_log(web: MonitDaemon) -> None:
    control = web.control_file
    # Syslog logging: there is no log file to read at all.
    control.write_text(control.read_text().replace(f"set log {web.dir}/monit.log", "set log syslog"))
    reload_in_monit(web)
    code, result, _ = provider_cli(web, "ensure", "web", "running")
    assert code == 0 and result["ok"], show(result)
    # A megabyte of logging since the reload changes nothing.
    with open(web.dir / "monit.log", "a") as log:
        log.write(("x" * 200 + "\n") * 5000)
    code, result, _ = provider_cli(web, "ensure", "web", "running")
    assert code == 0 and result["ok"], show(result)
    # touch alone (same content) is not an edit: the content hash recorded above decides.
    os.utime(control)
    code, result, _ = provider_cli(web, "ensure", "web", "running")
    assert code == 0 and result["ok"], show(result)


@pytest.mark.parametrize("how", ["cp -p", "touch -d", "rsync -a"])
def test_an_edit_that_keeps_the_file_time_is_still_seen(web: MonitDaemon, how: str) -> None:
    control = web.control_file
    old = control.stat()
    edited = web.dir / "edited"
    edited.write_text(control.read_text() + "# edited\n")
    os.utime(edited, ns=(old.st_atime_ns, old.st_mtime_ns))
    edited.chmod(0o600)
    if how == "cp -p":
        subprocess.run(["cp", "-p", str(edited), str(control)], check=True)
    elif how == "rsync -a" and shutil.which("rsync"):
        subprocess.run(["rsync", "-a", str(edited), str(control)], check=True)
    else:
        control.write_text(edited.read_text())
        os.utime(control, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert control.stat().st_mtime_ns == old.st_mtime_ns
    pid = web.pid("web")
    code, result, _ = provider_cli(web, "stop", "web")
    assert code == 3 and "reload" in str(result["message"]), show(result)
    assert result["steps"] == [] and web.pid("web") == pid
    code, result, _ = provider_cli(web, "ensure", "web", "running", "--dry-run")
    assert code == 0 and result["in_state"] is True, show(result)


def test_reload_waits_for_the_daemon_before_acting_on_a_new_service(tmp_path: Path) -> None:
    # A busy daemon: `slow` takes 6 s to start, so Monit handles the reload only after that.
    daemon = start_monit(
        tmp_path, toy_block("web", tmp_path) + toy_block("slow", tmp_path, toy_args="--start-delay 6", start_timeout=10)
    )
    try:
        assert daemon.wait_for(lambda: daemon.status_word("web") == "OK", 30)
        assert daemon.wait_for(lambda: daemon.status_word("slow") == "OK", 30)
        daemon.monit_cmd("restart", "slow")  # keeps Monit's loop busy while we reload
        with daemon.control_file.open("a") as handle:
            handle.write(toy_block("new1", tmp_path))
        code, result, _ = provider_cli(daemon, "start", "new1")
        assert code in (2, 3) and daemon.pid("new1") is None, show(result)
        code, result, _ = provider_cli(daemon, "start", "new1", "--reload")
        assert code == 0 and result["ok"] and result["state"] == "running", show(result)
        assert daemon.pid("new1") is not None and result["pid_after"] == daemon.pid("new1")
        # An edit, then restart --reload: the restart is not lost in the reload.
        with daemon.control_file.open("a") as handle:
            handle.write("# another edit\n")
        old = daemon.pid("web")
        code, result, _ = provider_cli(daemon, "restart", "web", "--reload")
        assert code == 0 and result["ok"], show(result)
        assert daemon.pid("web") not in (None, old)
    finally:
        daemon.stop_daemon()
        kill_toys(tmp_path)


def test_a_crashed_monitored_service_is_not_stopped_in_sync(web: MonitDaemon) -> None:
    pid = web.pid("web")
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    assert web.wait_for(lambda: not processes.pid_alive(pid), 5)
    code, result, _ = provider_cli(web, "ensure", "web", "stopped", "--dry-run")
    assert code == 0 and result["in_state"] is False and result["steps"] == [], show(result)
    code, result, _ = provider_cli(web, "ensure", "web", "stopped")
    assert code == 0 and result["ok"] and result["changed"], show(result)
    assert result["monitored"] is False and web.pid("web") is None
    # Three whole Monit cycles later, Monit has not brought it back.
    assert wait_for_monit_cycles(lambda: web.monit_cmd("status").stdout, 3)
    assert web.pid("web") is None


def test_a_pending_stop_is_waited_for_by_the_dry_run(tmp_path: Path) -> None:
    daemon = start_monit(tmp_path, toy_block("web", tmp_path, stop="slow"))
    try:
        assert daemon.wait_for(lambda: daemon.status_word("web") == "OK", 30)
        daemon.monit_cmd("stop", "web")
        assert daemon.wait_for(lambda: "pending" in daemon.status_word("web"), 10)
        code, result, _ = provider_cli(daemon, "ensure", "web", "running", "--dry-run")
        assert code == 0 and result["in_state"] is False and result["state"] == "stopped", show(result)
        code, result, _ = provider_cli(daemon, "ensure", "web", "running")
        assert code == 0 and result["ok"] and daemon.pid("web") is not None, show(result)
    finally:
        daemon.stop_daemon()
        kill_toys(tmp_path)


def test_timeout_bounds_the_whole_call(web: MonitDaemon) -> None:
    code, result, _ = provider_cli(web, "start", "web", "--timeout", "1")
    assert code == 0 and result["ok"], show(result)
    assert any("--timeout" in str(n) for n in result["notes"]), show(result)  # type: ignore[attr-defined]


def test_a_hung_daemon_is_said_in_words(web: MonitDaemon) -> None:
    monit_pid = int((web.dir / "monit.pid").read_text())
    os.kill(monit_pid, signal.SIGSTOP)
    try:
        code, result, _ = provider_cli(web, "stop", "web", "--timeout", "3")
        assert code == 2 and result["steps"] == [], show(result)
        assert "busy or hung" in str(result["message"]), show(result)
        assert web.pid("web") is not None
    finally:
        os.kill(monit_pid, signal.SIGCONT)


def test_a_daemon_that_quits_after_the_action_was_sent_is_reported_with_the_step(tmp_path: Path) -> None:
    daemon = start_monit(tmp_path, toy_block("web", tmp_path, stop="slow"))
    try:
        assert daemon.wait_for(lambda: daemon.status_word("web") == "OK", 30)
        call = subprocess.Popen(
            [
                *(sys.executable, "-m", "monitlint", "service", "restart", "web"),
                "-c",
                str(daemon.control_file),
                "--format",
                "json",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        assert daemon.wait_for(lambda: "restart pending" in daemon.status_word("web"), 20)
        daemon.stop_daemon()
        out, err = call.communicate(timeout=120)
        assert "Traceback" not in err, err
        result = json.loads(out)
        assert call.returncode in (1, 2) and result["ok"] is False, show(result)
        assert result["steps"] == ["restart"], show(result)
        assert "may or may not have happened" in str(result["message"]), show(result)
    finally:
        daemon.stop_daemon()
        kill_toys(tmp_path)


def test_a_daemon_whose_pid_file_is_gone_is_refused_in_words(web: MonitDaemon) -> None:
    # monit finds its daemon by the pid file: without it, nothing is sent and the result says why.
    pidfile = web.dir / "monit.pid"
    saved = pidfile.read_text()
    pidfile.unlink()
    try:
        pid = web.pid("web")
        code, result, _ = provider_cli(web, "stop", "web")
        assert code == 2 and "not running" in str(result["message"]), show(result)
        assert result["steps"] == [] and web.pid("web") == pid
    finally:
        pidfile.write_text(saved)
