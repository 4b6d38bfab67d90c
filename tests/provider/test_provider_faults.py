"""Fault cases of the provider against a real Monit daemon, each judged by the process table.

One test per way a provider call could report success while the process table
says otherwise, or touch another service (issue: "never a false OK").
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitlint.provider import processes
from tests.conftest import REPO, RUN_TOKEN, wait_for_monit_cycles, wait_until
from tests.provider.conftest import MonitDaemon, kill_toys, start_monit, toy_block, toy_pids

# A `matching` pattern sees every process on the machine: these carry the run's token, so that another
# suite running beside this one neither finds our toys nor lends us its own.
WEB_PATTERN, WEB_WORD = f"toyweb{RUN_TOKEN}[[:digit:]]+x", f"toyweb{RUN_TOKEN}42x"
SELFMATCH = f"selfmatch{RUN_TOKEN}"  # the service's name is also its pattern


def provider_cli(daemon: MonitDaemon, *args: str, timeout: float = 90) -> tuple[int, dict[str, object], str]:
    """`monitlint service ARGS -c <daemon's> --format json` in a subprocess (its own command line counts)."""
    proc = subprocess.run(
        [sys.executable, "-m", "monitlint", "service", *args, "-c", str(daemon.control_file), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        stdin=subprocess.DEVNULL,
    )
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    data = json.loads(proc.stdout) if proc.stdout.strip() else {}
    return proc.returncode, data, proc.stderr


def show(result: dict[str, object]) -> str:
    """The whole result, for assertion messages (pytest would cut a dict short)."""
    return json.dumps(result)


def provider_async(daemon: MonitDaemon, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "monitlint", "service", *args, "-c", str(daemon.control_file), "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        stdin=subprocess.DEVNULL,
    )


def running_pids(daemon: MonitDaemon) -> dict[str, int | None]:
    """Every toy's live pid, from its pidfile and the process table."""
    return {name: daemon.pid(name) for name in ("a", "web", "T_OK", "slowstop", "quick")}


@pytest.fixture(scope="module")
def faults(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MonitDaemon]:
    tmp = tmp_path_factory.mktemp("faults")
    (tmp / "pid1.pid").write_text("1\n")
    blocks = "".join(
        [
            toy_block("a", tmp),
            toy_block("web", tmp, matching=WEB_PATTERN, toy_args=WEB_WORD),
            toy_block("T_OK", tmp),
            toy_block("slowstop", tmp, stop="slow"),
            toy_block("quick", tmp),
            toy_block(SELFMATCH, tmp, matching=SELFMATCH),
            toy_block("all", tmp),
            f'check process pid1 with pidfile {tmp}/pid1.pid\n    start program = "/bin/true"\n'
            '    stop program = "/bin/true"\n',
            f'check process monitpid with pidfile {tmp}/monit.pid\n    start program = "/bin/true"\n'
            '    stop program = "/bin/true"\n',
        ]
    )
    daemon = start_monit(tmp, blocks)
    try:
        for name in ("a", "web", "T_OK", "slowstop", "quick", "all"):
            assert daemon.wait_for(lambda n=name: daemon.status_word(n) == "OK", 40), daemon.monit_cmd("status").stdout
        yield daemon
    finally:
        daemon.stop_daemon()
        kill_toys(tmp)


@pytest.mark.parametrize("name", ["all", "ALL", "All"])
def test_a_service_named_all_is_refused_and_nothing_else_changes(faults: MonitDaemon, name: str) -> None:
    before = running_pids(faults)
    code, result, stderr = provider_cli(faults, "stop", name)
    assert code == 2 and result["ok"] is False and "every service" in str(result["message"])
    assert "every service" in stderr and stderr.count("\n") == 1
    assert wait_for_monit_cycles(lambda: faults.monit_cmd("status").stdout)  # a stop, had one been sent, shows now
    assert running_pids(faults) == before
    assert faults.status_word("all") == "OK"


def test_a_name_starting_with_a_dash_is_refused(faults: MonitDaemon) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "monitlint",
            "service",
            "-c",
            str(faults.control_file),
            "--format",
            "json",
            "stop",
            "--",
            "-Vx",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=REPO,
    )
    assert proc.returncode == 2 and "option" in json.loads(proc.stdout)["message"], proc.stdout + proc.stderr


def test_names_are_looked_up_as_monit_does(faults: MonitDaemon) -> None:
    code, result, _ = provider_cli(faults, "status", "t_ok")
    assert code == 0 and result["service"] == "T_OK" and result["state"] == "running", show(result)
    code, result, _ = provider_cli(faults, "ensure", "t_ok", "running")
    assert code == 0 and result["changed"] is False, show(result)


def test_matching_uses_posix_classes_like_monit(faults: MonitDaemon) -> None:
    pid = faults.pid("web")
    assert pid is not None
    code, result, _ = provider_cli(faults, "status", "web")
    assert code == 0 and result["state"] == "running" and result["pid_after"] == pid, show(result)
    code, result, _ = provider_cli(faults, "stop", "web")
    assert code == 0 and result["ok"], show(result)
    assert not processes.pid_alive(pid)
    code, result, _ = provider_cli(faults, "ensure", "web", "stopped")
    assert code == 0 and result["changed"] is False, show(result)
    code, result, _ = provider_cli(faults, "start", "web")
    assert code == 0 and faults.pid("web") is not None, show(result)


def test_a_pattern_matching_the_caller_is_never_the_service(faults: MonitDaemon) -> None:
    """`matching "selfmatch"` also matches `monitlint service ensure selfmatch running` itself."""
    faults.monit_cmd("stop", SELFMATCH)
    assert faults.wait_for(lambda: faults.pid(SELFMATCH) is None and faults.status_word(SELFMATCH) == "Not monitored")
    code, result, _ = provider_cli(faults, "ensure", SELFMATCH, "running")
    alive = faults.pid(SELFMATCH) is not None
    # Exit 0 only if the toy really runs; Monit may have taken the caller for it and started nothing.
    assert (code == 0) == alive, show(result)
    if not alive:
        assert code == 1 and "caller" in str(result["message"]), show(result)
    assert result["pid_after"] in (None, faults.pid(SELFMATCH))
    faults.monit_cmd("unmonitor", SELFMATCH)


def test_ensure_waits_for_a_pending_stop_instead_of_calling_it_done(faults: MonitDaemon) -> None:
    assert faults.pid("slowstop") is not None
    stopping = provider_async(faults, "stop", "slowstop")
    # the stop is pending in Monit (its program sleeps 4 s)
    assert wait_until(lambda: "stop pending" in faults.status_word("slowstop"), 60), faults.status_word("slowstop")
    code, result, _ = provider_cli(faults, "ensure", "slowstop", "running")
    stop_out, _ = stopping.communicate(timeout=60)
    stop_result = json.loads(stop_out)
    assert stop_result["ok"], stop_result
    assert code == 0 and result["changed"] is True, show(result)
    assert faults.pid("slowstop") is not None, "ensure running returned 0: the process must run now"


def test_ensure_waits_for_a_stop_queued_directly_in_monit(faults: MonitDaemon) -> None:
    assert faults.pid("slowstop") is not None
    faults.monit_cmd("stop", "slowstop")
    code, result, _ = provider_cli(faults, "ensure", "slowstop", "running")
    assert code == 0, show(result)
    assert faults.pid("slowstop") is not None


def test_stop_of_an_unmonitored_running_service_monitors_then_stops(faults: MonitDaemon) -> None:
    pid = faults.pid("a")
    assert pid is not None
    faults.monit_cmd("unmonitor", "a")
    assert faults.wait_for(lambda: faults.status_word("a") == "Not monitored")
    code, result, _ = provider_cli(faults, "ensure", "a", "stopped")
    assert code == 0 and result["steps"] == ["monitor", "stop"], show(result)
    assert not processes.pid_alive(pid) and faults.pid("a") is None
    assert any("not monitored" in str(n) for n in result["notes"])  # type: ignore[attr-defined]
    code, result, _ = provider_cli(faults, "start", "a")
    assert code == 0 and faults.pid("a") is not None


def test_a_pidfile_naming_pid_1_is_not_the_service(faults: MonitDaemon) -> None:
    # Monit takes pid 1 for the service; the provider does not, and sends nothing (issue 22: state unknown).
    code, result, _ = provider_cli(faults, "status", "pid1")
    assert code == 0 and result["state"] == "unknown" and result["pid_after"] is None, show(result)
    assert any("pid 1" in str(n) for n in result["notes"])  # type: ignore[attr-defined]
    code, result, _ = provider_cli(faults, "start", "pid1", "--timeout", "6")
    assert code == 1 and result["ok"] is False and result["steps"] == [], show(result)
    assert "nothing was sent" in str(result["message"]), show(result)


def test_a_pidfile_naming_the_monit_daemon_is_not_the_service(faults: MonitDaemon) -> None:
    # A stop here would make the stop program kill the daemon: nothing may be sent, whatever the action.
    code, result, _ = provider_cli(faults, "status", "monitpid")
    assert code == 0 and result["state"] == "unknown" and result["pid_after"] is None, show(result)
    assert any("Monit" in str(n) for n in result["notes"])  # type: ignore[attr-defined]
    for args in (["ensure", "monitpid", "running"], ["stop", "monitpid"], ["restart", "monitpid"]):
        code, result, _ = provider_cli(faults, *args, "--timeout", "6")
        assert code == 1 and result["ok"] is False and result["steps"] == [], show(result)
        assert result["state"] == "unknown", show(result)
    assert faults.monit_cmd("status", "a").returncode == 0, "the Monit daemon must still run"


def test_a_service_waiting_behind_another_slow_start_is_not_failed(tmp_path: Path) -> None:
    blocks = toy_block("slow", tmp_path, toy_args="--start-delay 9", start_timeout=14) + toy_block("quick", tmp_path)
    daemon = start_monit(tmp_path, blocks)
    try:
        assert daemon.wait_for(lambda: daemon.status_word("quick") == "OK", 30)
        assert daemon.wait_for(lambda: daemon.status_word("slow") == "OK", 30)
        for name in ("slow", "quick"):
            daemon.monit_cmd("stop", name)
            assert daemon.wait_for(lambda n=name: daemon.status_word(n) == "Not monitored", 20)
        assert wait_until(lambda: not toy_pids(tmp_path), 20)
        daemon.monit_cmd("start", "slow")
        # Monit's loop runs slow's start program (the toy sleeps 9 s before it daemonizes)
        assert wait_until(lambda: toy_pids(tmp_path), 30)
        code, result, _ = provider_cli(daemon, "start", "quick")
        assert code == 0 and result["ok"], show(result)
        assert daemon.pid("quick") is not None
        # asked while slow's start program ran, quick's start had to wait for it to end
        assert daemon.pid("slow") is not None, "quick's start did not wait for Monit's loop to reach it"
    finally:
        daemon.stop_daemon()
        kill_toys(tmp_path)


def test_a_process_that_dies_after_starting_is_a_failed_start(tmp_path: Path) -> None:
    daemon = start_monit(tmp_path, toy_block("crashy", tmp_path, toy_args="--die-after 1.5"))
    try:
        daemon.monit_cmd("unmonitor", "crashy")
        assert daemon.wait_for(lambda: daemon.status_word("crashy") == "Not monitored", 20)
        assert daemon.wait_for(lambda: daemon.pid("crashy") is None, 10)
        code, result, _ = provider_cli(daemon, "start", "crashy")
        # Monit may notice the crash itself ("Data access error", "Does not exist"); if it does not
        # within the settle time, the provider's stability window does ("exited within").
        assert code == 1 and result["ok"] is False, show(result)
        assert daemon.pid("crashy") is None or daemon.status_word("crashy") != "OK"
    finally:
        daemon.monit_cmd("unmonitor", "crashy")
        daemon.stop_daemon()
        kill_toys(tmp_path)


def test_a_control_file_edited_after_the_daemon_loaded_it_is_refused(tmp_path: Path) -> None:
    daemon = start_monit(tmp_path, toy_block("solo", tmp_path))
    try:
        assert daemon.wait_for(lambda: daemon.status_word("solo") == "OK", 30)
        # an edit counts once it is later than the daemon's last load: the change time of its pid file
        loaded = (tmp_path / "monit.pid").stat().st_ctime
        assert wait_until(lambda: time.time() > loaded, 10)
        with daemon.control_file.open("a") as handle:
            handle.write("# edited after the daemon started\n")
        pid = daemon.pid("solo")
        code, result, _ = provider_cli(daemon, "stop", "solo")
        assert code == 3 and "changed after" in str(result["message"]), show(result)
        assert daemon.pid("solo") == pid
        code, result, _ = provider_cli(daemon, "stop", "solo", "--reload")
        assert code == 0 and result["ok"], show(result)
        assert daemon.pid("solo") is None
        code, result, _ = provider_cli(daemon, "start", "solo")
        assert code == 0, show(result)
    finally:
        daemon.stop_daemon()
        kill_toys(tmp_path)


def test_the_system_service_reports_its_real_state(faults: MonitDaemon) -> None:
    out = faults.monit_cmd("status").stdout
    system = next(line.split("'")[1] for line in out.splitlines() if line.startswith("System '"))
    assert system in (socket.gethostname(), socket.gethostname().split(".")[0]) or system
    code, result, _ = provider_cli(faults, "status", system)
    assert code == 0 and result["state"] in ("monitored", "not monitored"), show(result)


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "soon"])
def test_timeout_must_be_a_finite_positive_number(faults: MonitDaemon, value: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "monitlint", "service", "stop", "a", "-c", str(faults.control_file), "--timeout", value],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=REPO,
    )
    assert proc.returncode == 2 and "timeout" in proc.stderr.lower() and "Traceback" not in proc.stderr


def test_every_json_result_has_the_same_fields(faults: MonitDaemon) -> None:
    _, ok_result, _ = provider_cli(faults, "status", "a")
    code, error, _ = provider_cli(faults, "stop", "no_such_service")
    assert code == 2 and set(error) == set(ok_result)
    assert error["ok"] is False and error["exit_code"] == 2 and error["state"] == "unknown"


def test_a_planted_configuration_does_not_switch_the_gate_off(tmp_path: Path) -> None:
    """A `.monitlint.toml` with `ignore = ["ALL"]` in the working folder must not turn MON101 off."""
    (tmp_path / ".monitlint.toml").write_text('ignore = ["ALL"]\n')
    control = tmp_path / "monitrc"
    control.write_text(
        "set daemon 1\nset httpd unixsocket /tmp/x.sock allow localhost\n"
        'check process app with pidfile /run/app.pid\n  start program = "/bin/app"\n'
    )
    control.chmod(0o600)
    proc = subprocess.run(
        [sys.executable, "-m", "monitlint", "service", "stop", "app", "-c", str(control), "--monit", "/bin/false"],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.returncode == 3 and "MON101" in proc.stdout, proc.stdout + proc.stderr


def test_list_shows_every_service_with_state_and_gate(faults: MonitDaemon) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "monitlint", "service", "list", "-c", str(faults.control_file), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr
    entries = {e["name"]: e for e in json.loads(proc.stdout)["services"]}
    assert entries["T_OK"]["state"] == "running" and entries["T_OK"]["pid"] == faults.pid("T_OK")
    assert entries["all"]["refused"] is True and "MON205" in (entries["all"]["refusal"] or "")
    assert entries["T_OK"]["refused"] is False
    assert any(e["type"] == "system" for e in entries.values())
    text = subprocess.run(
        [sys.executable, "-m", "monitlint", "service", "list", "-c", str(faults.control_file)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert text.returncode == 0 and "T_OK\tprocess\trunning" in text.stdout


def test_a_control_file_with_latin1_bytes_is_acted_on(tmp_path: Path) -> None:
    """Monit reads bytes: a Latin-1 comment is fine for Monit, so it must be for the gate."""
    daemon = start_monit(tmp_path, toy_block("latin", tmp_path))
    try:
        daemon.stop_daemon()
        daemon.control_file.write_bytes(daemon.control_file.read_bytes() + b"# r\xe9sum\xe9 of the service\n")
        assert daemon.monit_cmd().returncode == 0
        assert daemon.wait_for(lambda: daemon.status_word("latin") == "OK", 30)
        code, result, _ = provider_cli(daemon, "restart", "latin")
        assert code == 0 and result["ok"], show(result)
    finally:
        daemon.stop_daemon()
        kill_toys(tmp_path)


def test_an_action_still_pending_at_the_deadline_is_reported_as_pending(faults: MonitDaemon) -> None:
    assert faults.wait_for(lambda: faults.pid("slowstop") is not None and faults.status_word("slowstop") == "OK", 30)
    code, result, _ = provider_cli(faults, "stop", "slowstop", "--timeout", "1.5")
    assert code == 1 and result["ok"] is False and result["state"] == "pending", show(result)
    assert "still pending" in str(result["message"])
    assert faults.wait_for(lambda: faults.pid("slowstop") is None, 20), "the stop happens later, as Monit queued it"
    code, result, _ = provider_cli(faults, "start", "slowstop")
    assert code == 0, show(result)
