"""Puppet and Ansible decide "in sync" as `monitlint service ensure` does (issue 22), with the real engines.

A pending stop is waited for, not taken for "running"; a monitored service whose process died is
not "stopped" (Monit would start it again); Puppet's --noop shows a lint refusal.  Every verdict
comes from the process table.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import wait_for_monit_cycles
from tests.integrations.conftest import (
    NOSTOP,
    MonitDaemon,
    kill_toys,
    monitored,
    require_tool,
    start_monit,
    toy_block,
    toy_pids_by_pgrep,
)
from tests.integrations.test_ansible import Fleet
from tests.integrations.test_puppet import Puppet, manifest

SLOW = "slowstop"  # its stop program takes 4 s
CRASH = "crashy"


def settled_daemon(tmp: Path) -> MonitDaemon:
    blocks = toy_block(SLOW, tmp, stop="slow") + toy_block(CRASH, tmp) + toy_block(NOSTOP, tmp, stop=None)
    daemon = start_monit(tmp, blocks)
    for name in (SLOW, CRASH, NOSTOP):
        assert daemon.wait_for(lambda n=name: daemon.pid(n) is not None and daemon.status_word(n) == "OK", 30)
    return daemon


def running(daemon: MonitDaemon, name: str) -> bool:
    return bool(toy_pids_by_pgrep(daemon.dir, name))


def ensure_running(daemon: MonitDaemon, name: str) -> None:
    if not running(daemon, name) or not monitored(daemon, name):
        daemon.monit_cmd("start", name)
    assert daemon.wait_for(lambda: running(daemon, name) and daemon.status_word(name) == "OK", 30)


def queue_slow_stop(daemon: MonitDaemon) -> None:
    ensure_running(daemon, SLOW)
    daemon.monit_cmd("stop", SLOW)
    assert daemon.wait_for(lambda: "stop pending" in daemon.status_word(SLOW), 10)


def crash(daemon: MonitDaemon) -> None:
    ensure_running(daemon, CRASH)
    pid = daemon.pid(CRASH)
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    assert daemon.wait_for(lambda: not running(daemon, CRASH), 5)


def stays_stopped(daemon: MonitDaemon, name: str) -> bool:
    # three whole Monit cycles: by then Monit would have started it again
    assert wait_for_monit_cycles(lambda: daemon.monit_cmd("status").stdout, 3)
    return not running(daemon, name) and not monitored(daemon, name)


@pytest.fixture(scope="module")
def puppet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Puppet]:
    require_tool("puppet")
    tmp = tmp_path_factory.mktemp("puppet-settled")
    daemon = settled_daemon(tmp)
    try:
        yield Puppet(tmp, daemon)
    finally:
        daemon.stop_daemon()
        kill_toys(tmp)


def test_puppet_waits_for_a_pending_stop_before_deciding(puppet: Puppet) -> None:
    queue_slow_stop(puppet.daemon)
    applied = puppet.apply(manifest({SLOW: "running"}))
    assert applied.exit_code == 2 and not applied.failed(), applied.output
    assert running(puppet.daemon, SLOW), applied.output
    assert wait_for_monit_cycles(lambda: puppet.daemon.monit_cmd("status").stdout, 2)
    assert running(puppet.daemon, SLOW), "the queued stop must not win after Puppet reported running"


def test_puppet_stops_a_crashed_monitored_service(puppet: Puppet) -> None:
    crash(puppet.daemon)
    applied = puppet.apply(manifest({CRASH: "stopped"}))
    assert applied.exit_code == 2 and not applied.failed(), applied.output
    assert SLOW not in applied.changed()
    assert stays_stopped(puppet.daemon, CRASH), puppet.daemon.monit_cmd("status", CRASH).stdout
    again = puppet.apply(manifest({CRASH: "stopped"}))
    assert again.exit_code == 0, again.output


def test_puppet_noop_shows_a_lint_refusal(puppet: Puppet) -> None:
    assert running(puppet.daemon, NOSTOP)
    applied = puppet.apply(
        manifest({NOSTOP: "stopped"}).replace("provider => monitlint,", "provider => monitlint,\n  noop => true,")
    )
    assert "MON101" in applied.output and "refused" in applied.output, applied.output
    assert running(puppet.daemon, NOSTOP)


def test_puppet_says_what_is_wrong_with_monitlint_bin(puppet: Puppet, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tests.integrations.test_puppet.monitlint_bin", lambda: "/nonexistent/monitlint")
    applied = puppet.apply(manifest({CRASH: "running"}))
    assert applied.failed() == {CRASH}, applied.output
    assert "/nonexistent/monitlint, which is not an executable file" in applied.output, applied.output


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    require_tool("ansible-playbook")
    root = tmp_path_factory.mktemp("ansible-settled")
    tmp = root / "host1"
    tmp.mkdir()
    daemon = settled_daemon(tmp)
    try:
        yield Fleet(root, {"host1": daemon})
    finally:
        daemon.stop_daemon()
        kill_toys(tmp)


def test_ansible_waits_for_a_pending_stop_before_deciding(fleet: Fleet) -> None:
    daemon = fleet.daemons["host1"]
    queue_slow_stop(daemon)
    run = fleet.play([("start slow", SLOW, "started")])
    assert run.exit_code == 0, run.output
    assert run.recap()["host1"]["changed"] == 1, run.output
    assert running(daemon, SLOW)


def test_ansible_stops_a_crashed_monitored_service(fleet: Fleet) -> None:
    daemon = fleet.daemons["host1"]
    crash(daemon)
    check = fleet.play([("stop crashy", CRASH, "stopped")], "--check")
    assert check.recap()["host1"]["changed"] == 1, check.output
    run = fleet.play([("stop crashy", CRASH, "stopped")])
    assert run.exit_code == 0 and run.recap()["host1"]["changed"] == 1, run.output
    assert stays_stopped(daemon, CRASH)


def test_ansible_names_a_refusal_s_finding_once(fleet: Fleet) -> None:
    for extra in ((), ("--check",)):
        run = fleet.play([("stop nostop", NOSTOP, "stopped")], *extra)
        result = run.task("host1", "stop nostop")
        assert result["status"] == "failed", result
        assert result["result"]["msg"].count("MON101") == 1, result["result"]["msg"]
    assert running(fleet.daemons["host1"], NOSTOP)
