"""`ansible-playbook` with monitlint.monit.service on five "hosts" of this machine, each with its own Monit.

Every host is `ansible_connection=local` with its own private Monit daemon and control file (a host
variable), the play runs with forks 5, and every verdict comes from the process table (`pgrep`) or,
for monitoring, from Monit's own status, never from Ansible's words.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.integrations.conftest import (
    INTEGRATIONS,
    NOSTOP,
    TOYS,
    MonitDaemon,
    fleet_daemon,
    kill_toys,
    monitored,
    random_steps,
    require_tool,
    rng,
    toy_pids_by_pgrep,
)

HOSTS = 5
RECAP = re.compile(
    r"^(?P<host>\S+)\s+:\s+ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=\d+\s+failed=(?P<failed>\d+)", re.M
)


@dataclass
class Run:
    exit_code: int
    output: str
    results: list[dict]

    def recap(self) -> dict[str, dict[str, int]]:
        return {m["host"]: {k: int(m[k]) for k in ("ok", "changed", "failed")} for m in RECAP.finditer(self.output)}

    def task(self, host: str, task: str) -> dict:
        found = [r for r in self.results if r["host"] == host and r["task"] == task]
        assert len(found) == 1, (host, task, self.output)
        return found[0]


class Fleet:
    """Five hosts, one private Monit daemon each, and `ansible-playbook` against them."""

    def __init__(self, root: Path, daemons: dict[str, MonitDaemon]) -> None:
        self.playbook = require_tool("ansible-playbook")
        self.root = root
        self.daemons = daemons
        self.runs = 0

    def inventory(self, targets: dict[str, dict[str, str]] | None = None) -> Path:
        lines = []
        for host, daemon in self.daemons.items():
            extra = " ".join(f"target_{k}={v}" for k, v in (targets or {}).get(host, {}).items())
            lines.append(
                f"{host} ansible_connection=local ansible_python_interpreter={sys.executable} "
                f"control_file={daemon.control_file} {extra}".rstrip()
            )
        path = self.root / "inventory"
        path.write_text("[monit]\n" + "\n".join(lines) + "\n")
        return path

    def play(self, tasks: list[tuple[str, str, str]], *args: str, targets: dict | None = None) -> Run:
        """Run one play of `monitlint.monit.service` tasks (title, service, state) on every host."""
        self.runs += 1
        body = "".join(
            f'    - name: {title}\n      monitlint.monit.service:\n        name: {name}\n        state: "{state}"\n'
            '        control_file: "{{ control_file }}"\n'
            for title, name, state in tasks
        )
        playbook = self.root / f"play{self.runs}.yml"
        playbook.write_text("- hosts: monit\n  gather_facts: false\n  tasks:\n" + body)
        log = self.root / f"results{self.runs}.jsonl"
        home = self.root / "ansible-home"
        env = {
            **os.environ,
            "LC_ALL": "C.UTF-8",  # ansible-core refuses a non-UTF-8 locale
            "ANSIBLE_COLLECTIONS_PATH": str(INTEGRATIONS / "ansible"),
            "ANSIBLE_HOME": str(home),
            "ANSIBLE_LOCAL_TEMP": str(home / "tmp"),
            "ANSIBLE_REMOTE_TEMP": str(home / "remote-tmp"),
            "ANSIBLE_FORKS": "5",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "false",
            "ANSIBLE_CALLBACK_PLUGINS": str(Path(__file__).with_name("ansible_callbacks")),
            "ANSIBLE_CALLBACKS_ENABLED": "jsonlines",
            "MONITLINT_ANSIBLE_LOG": str(log),
        }
        env.pop("MONITLINT_CONTROL_FILE", None)
        proc = subprocess.run(
            [self.playbook, "-i", str(self.inventory(targets)), str(playbook), *args],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
            stdin=subprocess.DEVNULL,
        )
        results = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
        return Run(proc.returncode, proc.stdout + proc.stderr, results)

    def pids(self, host: str, name: str) -> list[int]:
        return toy_pids_by_pgrep(self.daemons[host].dir, name)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    require_tool("ansible-playbook")
    root = tmp_path_factory.mktemp("ansible")
    daemons: dict[str, MonitDaemon] = {}
    try:
        for index in range(1, HOSTS + 1):
            host = f"host{index}"
            tmp = root / host
            tmp.mkdir()
            daemons[host] = fleet_daemon(tmp)
        yield Fleet(root, daemons)
    finally:
        for daemon in daemons.values():
            daemon.stop_daemon()
            kill_toys(daemon.dir)


def test_each_state_is_verified_on_every_host(fleet: Fleet) -> None:
    hosts = list(fleet.daemons)
    b_before = {host: fleet.pids(host, "b") for host in hosts}
    assert all(b_before.values())
    run = fleet.play([("stop a", "a", "stopped"), ("restart b", "b", "restarted"), ("unmonitor b", "b", "unmonitored")])
    assert run.exit_code == 0, run.output
    for host in hosts:
        assert fleet.pids(host, "a") == [], f"{host}: a still runs"
        assert fleet.pids(host, "b") and fleet.pids(host, "b") != b_before[host], f"{host}: b was not restarted"
        assert not monitored(fleet.daemons[host], "b"), f"{host}: b is still monitored"
        assert run.recap()[host] == {"ok": 3, "changed": 3, "failed": 0}, run.output
        assert run.task(host, "restart b")["result"]["pid_before"] == b_before[host][0]

    b_now = {host: fleet.pids(host, "b") for host in hosts}
    tasks = [("start a", "a", "started"), ("monitor b", "b", "monitored")]
    run = fleet.play(tasks)
    assert run.exit_code == 0, run.output
    a_now = {}
    for host in hosts:
        a_now[host] = fleet.pids(host, "a")
        assert a_now[host], f"{host}: a does not run"
        assert monitored(fleet.daemons[host], "b"), f"{host}: b is not monitored"
        assert fleet.pids(host, "b") == b_now[host], f"{host}: monitoring b touched its process"
        assert run.recap()[host]["changed"] == 2, run.output

    again = fleet.play(tasks)
    assert again.exit_code == 0, again.output
    for host in hosts:
        assert again.recap()[host] == {"ok": 2, "changed": 0, "failed": 0}, again.output
        assert fleet.pids(host, "a") == a_now[host] and fleet.pids(host, "b") == b_now[host]


def test_check_mode_changes_nothing(fleet: Fleet) -> None:
    hosts = list(fleet.daemons)
    before = {(host, name): fleet.pids(host, name) for host in hosts for name in (*TOYS, NOSTOP)}
    assert all(before[(host, name)] for host in hosts for name in TOYS), "both toys should run here"
    monitoring = {host: monitored(fleet.daemons[host], "b") for host in hosts}
    run = fleet.play(
        [("stop a", "a", "stopped"), ("restart b", "b", "restarted"), ("unmonitor b", "b", "unmonitored")],
        "--check",
        "--diff",
    )
    assert run.exit_code == 0, run.output
    for host in hosts:
        assert run.recap()[host] == {"ok": 3, "changed": 3, "failed": 0}, run.output
        assert run.task(host, "stop a")["result"]["steps"] == []
        assert run.task(host, "stop a")["result"]["diff"]["after"]["state"] == "stopped"
        assert monitored(fleet.daemons[host], "b") == monitoring[host]
        assert run.task(host, "stop a")["result"]["msg"].startswith("would stop 'a'")
    assert {key: fleet.pids(*key) for key in before} == before, "check mode changed a process"


def test_service_without_stop_program_fails_on_every_host(fleet: Fleet) -> None:
    hosts = list(fleet.daemons)
    run = fleet.play([("stop nostop", NOSTOP, "stopped")])
    assert run.exit_code == 2, run.output  # ansible-playbook: a task failed on some host
    for host in hosts:
        result = run.task(host, "stop nostop")
        assert result["status"] == "failed", result
        assert result["result"]["exit_code"] == 3
        assert [f["code"] for f in result["result"]["findings"]] == ["MON101"]
        assert "MON101" in result["result"]["msg"]
        assert result["result"]["steps"] == []
        assert fleet.pids(host, NOSTOP), f"{host}: the refused service must still run"
        assert run.recap()[host]["failed"] == 1


def test_randomized_targets_on_every_host(fleet: Fleet) -> None:
    generator = rng()
    hosts = list(fleet.daemons)
    mismatches = []
    for step in range(random_steps(2)):
        targets = {host: {name: generator.choice(["started", "stopped"]) for name in TOYS} for host in hosts}
        before = {(host, name): bool(fleet.pids(host, name)) for host in hosts for name in TOYS}
        run = fleet.play([(f"toy {name}", name, "{{ target_" + name + " }}") for name in TOYS], targets=targets)
        assert run.exit_code == 0, run.output
        for host in hosts:
            expected_changes = sum(before[(host, n)] != (targets[host][n] == "started") for n in TOYS)
            assert run.recap()[host] == {"ok": len(TOYS), "changed": expected_changes, "failed": 0}, run.output
            for name in TOYS:
                if bool(fleet.pids(host, name)) != (targets[host][name] == "started"):
                    mismatches.append(f"step {step} {host}: {name} should be {targets[host][name]}")
    assert mismatches == []


def test_missing_monitlint_on_the_managed_host_says_so(fleet: Fleet, tmp_path: Path) -> None:
    python = Path("/usr/bin/python3")
    if (
        not python.exists()
        or subprocess.run([str(python), "-c", "import monitlint"], capture_output=True, cwd="/").returncode == 0
    ):
        pytest.skip("needs a system Python without monitlint")
    run = fleet.play([("start a", "a", "started")], "--limit", "host1", "-e", f"ansible_python_interpreter={python}")
    assert run.exit_code == 2, run.output
    result = run.task("host1", "start a")
    assert result["status"] == "failed"
    assert result["result"]["msg"].startswith("install monitlint on the managed host"), result
