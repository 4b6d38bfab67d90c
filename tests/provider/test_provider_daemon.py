"""The provider against a real Monit daemon; every verdict is checked in the process table."""

from __future__ import annotations

import json
import os
import random
import stat
from pathlib import Path

import pytest

from monitlint.provider import processes
from monitlint.provider.provider import MonitProvider
from tests.conftest import run_cli, wait_for_monit_cycles
from tests.provider.conftest import MonitDaemon, kill_toys, start_monit, toy_block


def service_cli(daemon: MonitDaemon, *args: str) -> tuple[int, dict[str, object]]:
    result = run_cli("service", *args, "-c", str(daemon.control_file), "--format", "json")
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else {}


def test_stop_then_start(daemon: MonitDaemon) -> None:
    before = daemon.pid("a")
    assert before is not None
    code, result = service_cli(daemon, "stop", "a")
    assert code == 0 and result["ok"] and result["changed"], result
    assert daemon.pid("a") is None and not processes.pid_alive(before)
    assert result["state"] == "stopped" and result["pid_before"] == before

    code, result = service_cli(daemon, "start", "a")
    assert code == 0 and result["ok"] and result["changed"], result
    after = daemon.pid("a")
    assert after is not None and result["pid_after"] == after


def test_restart_replaces_the_process(daemon: MonitDaemon) -> None:
    before = daemon.pid("b")
    assert before is not None
    code, result = service_cli(daemon, "restart", "b")
    assert code == 0 and result["ok"], result
    after = daemon.pid("b")
    assert after is not None and after != before
    assert result["pid_before"] == before and result["pid_after"] == after


def test_ensure_is_idempotent_in_both_directions(daemon: MonitDaemon) -> None:
    code, first = service_cli(daemon, "ensure", "c", "stopped")
    assert code == 0 and first["changed"] is True and daemon.pid("c") is None
    code, second = service_cli(daemon, "ensure", "c", "stopped")
    assert code == 0 and second["changed"] is False and daemon.pid("c") is None
    code, third = service_cli(daemon, "ensure", "c", "running")
    assert code == 0 and third["changed"] is True and daemon.pid("c") is not None
    code, fourth = service_cli(daemon, "ensure", "c", "running")
    assert code == 0 and fourth["changed"] is False


def test_no_stop_program_is_refused_and_nothing_is_sent(daemon: MonitDaemon) -> None:
    pid = daemon.pid("nostop")
    assert pid is not None
    result = run_cli("service", "stop", "nostop", "-c", str(daemon.control_file))
    assert result.exit_code == 3
    assert "refused" in result.stdout and "MON101" in result.stdout
    assert wait_for_monit_cycles(lambda: daemon.monit_cmd("status").stdout)  # a stop, had it been sent, shows now
    assert daemon.pid("nostop") == pid
    assert daemon.status_word("nostop") == "OK"
    assert "Monitored" in daemon.monit_cmd("status", "nostop").stdout


def test_rule_disabled_by_config_does_not_block_and_the_lie_is_caught(daemon: MonitDaemon, tmp_path: Path) -> None:
    """With MON101 ignored by the project's config, the stop is sent: Monit 'stops' nothing, and we say so."""
    pid = daemon.pid("nostop")
    assert pid is not None
    config = tmp_path / ".monitlint.toml"
    config.write_text('ignore = ["MON101"]\n')
    result = run_cli("service", "stop", "nostop", "-c", str(daemon.control_file), "--config", str(config))
    try:
        assert result.exit_code == 1, result.stdout + result.stderr
        assert "still running" in result.stdout and str(pid) in result.stdout
        assert daemon.pid("nostop") == pid
    finally:
        daemon.monit_cmd("monitor", "nostop")
        daemon.wait_for(lambda: daemon.status_word("nostop") == "OK", 15)


def test_stop_program_that_kills_nothing_is_a_failure(daemon: MonitDaemon) -> None:
    pid = daemon.pid("fakestop")
    assert pid is not None
    result = run_cli("service", "stop", "fakestop", "-c", str(daemon.control_file))
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "still running" in result.stdout and str(pid) in result.stdout
    assert daemon.pid("fakestop") == pid
    daemon.monit_cmd("monitor", "fakestop")


def test_start_program_that_fails(daemon: MonitDaemon) -> None:
    result = run_cli("service", "start", "badstart", "-c", str(daemon.control_file), "--timeout", "12")
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "failed" in result.stdout or "not confirmed" in result.stdout
    assert daemon.pid("badstart") is None
    daemon.monit_cmd("unmonitor", "badstart")


def test_unknown_service(daemon: MonitDaemon) -> None:
    result = run_cli("service", "stop", "no_such_service", "-c", str(daemon.control_file))
    assert result.exit_code == 2
    assert "no_such_service" in result.stderr and result.stderr.count("\n") == 1


def test_status_shows_state_and_onreboot(daemon: MonitDaemon) -> None:
    code, result = service_cli(daemon, "status", "a")
    assert code == 0 and result["on_reboot"] == "start" and result["state"] in ("running", "stopped")
    text = run_cli("service", "status", "a", "-c", str(daemon.control_file))
    assert "on reboot: start" in text.stdout


def test_randomized_target_states(daemon: MonitDaemon) -> None:
    """Like Monit's randomtest.sh: random targets for three services, each checked in the process table."""
    steps = int(os.environ.get("MONITLINT_RANDOM_STEPS", "15"))  # 2.4 s a step; raise it for a longer run
    seed = int(os.environ.get("MONITLINT_RANDOM_SEED", "20261124"))
    rng = random.Random(seed)
    provider = MonitProvider(control_file=str(daemon.control_file))
    failures = []
    for step in range(steps):
        name = rng.choice(["a", "b", "c"])
        action = rng.choice(["ensure-running", "ensure-stopped", "restart", "stop", "start"])
        if action.startswith("ensure"):
            target = action.split("-")[1]
            result = provider.ensure(name, target)
        else:
            result = getattr(provider, action)(name)
            target = "stopped" if action == "stop" else "running"
        alive = daemon.pid(name) is not None
        if not result.ok or alive != (target == "running"):
            failures.append((step, name, action, result.message, alive))
    assert failures == [], f"seed {seed}: {failures}"


def test_daemon_down(tmp_path: Path) -> None:
    daemon = start_monit(tmp_path, toy_block("solo", tmp_path))
    try:
        assert daemon.wait_for(lambda: daemon.pid("solo") is not None, 20)
    finally:
        daemon.stop_daemon()
    try:
        pid = daemon.pid("solo")
        result = run_cli("service", "stop", "solo", "-c", str(daemon.control_file))
        assert result.exit_code == 2
        assert "not running" in result.stderr
        assert daemon.pid("solo") == pid, "with the daemon down, monit would run the stop program itself"
    finally:
        kill_toys(tmp_path)


def test_hanging_monit_is_an_error(tmp_path: Path) -> None:
    fake = tmp_path / "monit"
    fake.write_text(f"#!/bin/sh\necho $$ > {tmp_path}/fake.pid\nexec sleep 30\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    control = tmp_path / "monitrc"
    control.write_text(toy_block("x", tmp_path))
    provider = MonitProvider(control_file=str(control), monit=str(fake))
    provider.cli.call_timeout = 1
    with pytest.raises(Exception, match="did not answer within 1 s"):  # the call's own timeout, not a default
        provider.stop("x")
    fake_pid = processes.pidfile_pid(str(tmp_path / "fake.pid"))
    assert fake_pid is not None and not processes.pid_alive(fake_pid)  # killed, not left to hang
