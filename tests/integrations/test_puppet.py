"""`puppet apply` with the monitlint service provider, against a real private Monit daemon.

The randomized test follows Koutsky's randomtest.sh (2011): two toy daemons, a random
running/stopped target for each per step, `puppet apply`, then the real state is read from the
process table with `pgrep`, never from Monit or Puppet.
"""

from __future__ import annotations

import os
import re
import subprocess
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
    monitlint_bin,
    random_steps,
    require_tool,
    rng,
    toy_pids_by_pgrep,
)

# A failed resource, as Puppet reports it (Facter's harmless "Error: Facter: ..." lines do not match)
RESOURCE_ERROR = re.compile(r"^Error: /Stage\[main\]/Main/Service\[(?P<name>[^\]]+)\]", re.MULTILINE)
CHANGED = re.compile(r"Service\[(?P<name>[^\]]+)\]/ensure: ensure changed '(\w+)' to '(?P<to>\w+)'")


@dataclass
class Applied:
    exit_code: int
    output: str

    def failed(self) -> set[str]:
        return {m["name"] for m in RESOURCE_ERROR.finditer(self.output)}

    def changed(self) -> dict[str, str]:
        return {m["name"]: m["to"] for m in CHANGED.finditer(self.output)}


class Puppet:
    """`puppet apply` with the module path of this repository and private Puppet folders."""

    def __init__(self, tmp: Path, daemon: MonitDaemon) -> None:
        self.puppet = require_tool("puppet")
        self.tmp = tmp
        self.daemon = daemon

    def apply(self, manifest: str) -> Applied:
        path = self.tmp / "site.pp"
        path.write_text(manifest)
        private = self.tmp / "puppet"
        argv = [self.puppet, "apply", "--modulepath", str(INTEGRATIONS / "puppet"), "--detailed-exitcodes"]
        for folder in ("confdir", "vardir", "codedir", "logdir", "rundir", "publicdir"):
            argv += [f"--{folder}", str(private / folder)]
        env = {
            **os.environ,
            "MONITLINT_BIN": monitlint_bin(),
            "MONITLINT_CONTROL_FILE": str(self.daemon.control_file),
        }
        proc = subprocess.run(
            [*argv, "--color=false", str(path)],
            capture_output=True,
            text=True,
            timeout=240,
            env=env,
            stdin=subprocess.DEVNULL,
        )
        return Applied(proc.returncode, proc.stdout + proc.stderr)


def manifest(targets: dict[str, str]) -> str:
    return "".join(
        f"service {{ '{name}':\n  ensure   => {state},\n  provider => monitlint,\n}}\n"
        for name, state in targets.items()
    )


def running(daemon: MonitDaemon, name: str) -> bool:
    return bool(toy_pids_by_pgrep(daemon.dir, name))


@pytest.fixture(scope="module")
def puppet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Puppet]:
    require_tool("puppet")
    tmp = tmp_path_factory.mktemp("puppet")
    daemon = fleet_daemon(tmp)
    try:
        yield Puppet(tmp, daemon)
    finally:
        daemon.stop_daemon()
        kill_toys(tmp)


def test_randomized_steps_match_the_process_table(puppet: Puppet) -> None:
    generator = rng()
    mismatches = []
    for step in range(random_steps(4)):
        before = {name: running(puppet.daemon, name) for name in TOYS}
        targets = {name: generator.choice(["running", "stopped"]) for name in TOYS}
        applied = puppet.apply(manifest(targets))
        expected_changes = {name for name in TOYS if before[name] != (targets[name] == "running")}
        assert not applied.failed(), applied.output
        assert applied.exit_code == (2 if expected_changes else 0), applied.output
        assert set(applied.changed()) == expected_changes, applied.output
        for name, target in targets.items():
            if running(puppet.daemon, name) != (target == "running"):
                mismatches.append(
                    f"step {step}: {name} should be {target}; pgrep: {toy_pids_by_pgrep(puppet.daemon.dir, name)}"
                )
    assert mismatches == []


def test_second_apply_changes_nothing(puppet: Puppet) -> None:
    targets = {"a": "stopped", "b": "running"}
    first = puppet.apply(manifest(targets))
    assert first.exit_code in (0, 2), first.output
    assert not running(puppet.daemon, "a") and running(puppet.daemon, "b")
    pid_b = toy_pids_by_pgrep(puppet.daemon.dir, "b")
    second = puppet.apply(manifest(targets))
    assert second.exit_code == 0, second.output  # --detailed-exitcodes: 0 means no change
    assert second.changed() == {}, second.output
    assert toy_pids_by_pgrep(puppet.daemon.dir, "b") == pid_b


def test_refused_resource_fails_while_the_others_apply(puppet: Puppet) -> None:
    assert running(puppet.daemon, NOSTOP)
    a_was_running = running(puppet.daemon, "a")
    target_a = "stopped" if a_was_running else "running"
    applied = puppet.apply(manifest({NOSTOP: "stopped", "a": target_a}))
    assert applied.exit_code == 6, applied.output  # changes and failures
    assert applied.failed() == {NOSTOP}, applied.output
    assert "MON101" in applied.output and "refused (exit 3)" in applied.output, applied.output
    assert applied.changed() == {"a": target_a}, applied.output
    assert running(puppet.daemon, NOSTOP), "the refused service must still run"
    assert running(puppet.daemon, "a") == (target_a == "running")


def test_enable_is_not_managed_and_says_so(puppet: Puppet) -> None:
    state = "running" if running(puppet.daemon, "b") else "stopped"
    applied = puppet.apply(f"service {{ 'b': ensure => {state}, enable => true, provider => monitlint }}\n")
    assert applied.exit_code == 0, applied.output
    assert "enable is ignored by the monitlint provider" in applied.output


def test_instances_list_the_daemons_services(puppet: Puppet) -> None:
    private = puppet.tmp / "puppet"
    argv = [puppet.puppet, "resource", "--modulepath", str(INTEGRATIONS / "puppet"), "--color=false"]
    for folder in ("confdir", "vardir", "codedir", "logdir", "rundir", "publicdir"):
        argv += [f"--{folder}", str(private / folder)]
    env = {**os.environ, "MONITLINT_BIN": monitlint_bin(), "MONITLINT_CONTROL_FILE": str(puppet.daemon.control_file)}
    proc = subprocess.run([*argv, "service"], capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    found = dict(re.findall(r"service \{ '([^']+)':\n  ensure\s+=> '(\w+)',\n  provider => 'monitlint',", proc.stdout))
    expected = {name: "running" if running(puppet.daemon, name) else "stopped" for name in (*TOYS, NOSTOP)}
    assert {name: found.get(name) for name in expected} == expected, proc.stdout
