"""Shared helpers for the Puppet and Ansible integration tests: engines, toy daemons, the process table."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from monitlint.provider import processes
from tests.conftest import REPO
from tests.provider.conftest import MonitDaemon, kill_toys, start_monit, toy_block

__all__ = ["MonitDaemon", "kill_toys", "start_monit", "toy_block"]

INTEGRATIONS = REPO / "integrations"
TOYS = ("a", "b")  # well-behaved toy daemons
NOSTOP = "nostop"  # a toy without a stop program: the lint gate refuses to stop it (MON101)


def require_tool(name: str) -> str:
    """Path of an engine's executable: a failure in CI (the setup script installs it), a skip elsewhere."""
    venv_bin = Path(sys.executable).parent / name
    path = str(venv_bin) if venv_bin.exists() else shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"`{name}` is required in CI: run scripts/setup-test-env.sh (it installs it)")
        pytest.skip(f"`{name}` is not installed (scripts/setup-test-env.sh installs it)")
    return path


def monitlint_bin() -> str:
    """The `monitlint` executable of the interpreter running the tests."""
    path = Path(sys.executable).parent / "monitlint"
    if not path.exists():
        found = shutil.which("monitlint")
        assert found, "the monitlint executable is not installed next to the test interpreter"
        return found
    return str(path)


def random_steps(default: int) -> int:
    """Steps of a randomized test: a short run by default, ``MONITLINT_RANDOM_STEPS`` for more."""
    return int(os.environ.get("MONITLINT_RANDOM_STEPS", default))


def rng() -> random.Random:
    """A fixed-seed generator (``MONITLINT_RANDOM_SEED`` for another seed)."""
    return random.Random(int(os.environ.get("MONITLINT_RANDOM_SEED", "13")))


def toy_pids_by_pgrep(tmp: Path, name: str) -> list[int]:
    """Pids of toy ``name`` of the daemon in ``tmp``, read from the process table with `pgrep`."""
    proc = subprocess.run(["pgrep", "-af", "toy_daemon.py"], capture_output=True, text=True, timeout=10)
    needle = f"toy_daemon.py {name} {tmp / (name + '.pid')}"
    pids = []
    for line in proc.stdout.splitlines():
        pid, _, command = line.partition(" ")
        if needle in command and processes.pid_alive(int(pid)):
            pids.append(int(pid))
    return pids


def fleet_daemon(tmp: Path) -> MonitDaemon:
    """A private Monit daemon with toys a, b (start/stop programs) and nostop (no stop program), all running."""
    blocks = "".join([toy_block("a", tmp), toy_block("b", tmp), toy_block(NOSTOP, tmp, stop=None)])
    daemon = start_monit(tmp, blocks)
    for name in (*TOYS, NOSTOP):
        assert daemon.wait_for(lambda n=name: daemon.pid(n) is not None and daemon.status_word(n) == "OK", 30), (
            f"toy {name} did not start: {daemon.monit_cmd('status', name).stdout}"
        )
    return daemon


def monitored(daemon: MonitDaemon, name: str) -> bool:
    """Whether Monit monitors ``name`` (its own words, for monitor/unmonitor checks)."""
    out = daemon.monit_cmd("status", name).stdout
    for line in out.splitlines():
        if line.strip().startswith("monitoring status"):
            return line.split(None, 2)[2].strip() != "Not monitored"
    raise AssertionError(f"no monitoring status for {name}: {out}")
