"""A short, fixed-seed run of benchmarks/soak.py: no false OK, no collateral change, no hang, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO


def test_short_soak_finds_nothing() -> None:
    steps = os.environ.get("MONITLINT_SOAK_STEPS", "6")  # 4 s a step; raise it for a longer run
    proc = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "soak.py"), "--steps", steps, "--seed", "7", "--quiet"],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "false OKs 0, collateral changes 0, hangs 0, tracebacks 0" in proc.stdout
