"""Running monitlint in a subprocess bounded in wall-clock time and address space."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import children_cpu_seconds

GIB = 1024 * 1024 * 1024


@dataclass
class Run:
    """A finished monitlint run."""

    exit_code: int
    stdout: str
    stderr: str
    seconds: float  # wall clock, for messages only
    stdout_bytes: int
    cpu_seconds: float = 0.0  # user + system CPU of monitlint and the children it waited for


def _limit_memory(limit: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def monitlint(
    *args: str,
    cwd: Path,
    timeout: float = 300.0,
    memory: int = 2 * GIB,
    env: dict[str, str] | None = None,
    keep_stdout: bool = True,
) -> Run:
    """Run ``monitlint ARGS``; a run over ``timeout`` seconds (a hang, not a slow run) is killed and fails the test.

    The address space is limited to ``memory`` bytes, and standard error is a pipe
    (as in CI), which is what a symlink to ``/dev/stderr`` would block reading.
    """
    environment = {**os.environ, "NO_COLOR": "1", "XDG_CACHE_HOME": str(cwd / ".test-cache")}
    environment.update(env or {})
    for key, value in list(environment.items()):
        if value == "<unset>":
            del environment[key]
    start = time.monotonic()
    cpu_before = children_cpu_seconds()
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitlint", *args],
        cwd=cwd,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=_limit_memory(memory),
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"monitlint {' '.join(args)} did not finish in {timeout} s")
    seconds = time.monotonic() - start
    text = out.decode("utf-8", "replace") if keep_stdout else ""
    cpu = children_cpu_seconds() - cpu_before
    return Run(proc.returncode, text, err.decode("utf-8", "replace"), seconds, len(out), cpu)
