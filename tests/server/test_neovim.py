"""End to end with Neovim's built-in LSP client, headless: diagnostics, a code action applied, the file saved."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="the server extra (pygls) is not installed: pip install -e '.[test]'")

pytestmark = pytest.mark.slow

TIMEOUT = 180  # seconds: a bound for a hung editor or server, not a timing assertion

SCRIPT = Path(__file__).with_name("nvim_e2e.lua")


def _nvim() -> str:
    """Neovim's executable: a failure in CI (scripts/setup-test-env.sh installs it), a skip elsewhere."""
    found = shutil.which("nvim")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("`nvim` is required in CI: run scripts/setup-test-env.sh (it installs Debian's neovim)")
        pytest.skip("`nvim` is not installed (scripts/setup-test-env.sh installs Debian's neovim)")
    return found


def test_neovim_applies_the_stop_program_fix(tmp_path: Path) -> None:
    nvim = _nvim()
    target = tmp_path / "monitrc"
    target.write_text(
        'check process web with pidfile /run/web.pid\n  start program = "/bin/web" with timeout 5 seconds\n'
    )
    result = tmp_path / "result"
    env = {
        **os.environ,
        "MONITLINT_FILE": str(target),
        "MONITLINT_RESULT": str(result),
        "MONITLINT_SERVER_CMD": json.dumps([sys.executable, "-m", "monitlint", "server"]),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),  # no user configuration, no plugins
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    proc = subprocess.run(
        [nvim, "--headless", "--clean", "-n", "-c", f"luafile {SCRIPT}"],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=TIMEOUT,
    )
    said = result.read_text().strip() if result.exists() else f"no result (exit {proc.returncode}): {proc.stderr}"
    assert said == "ok"
    assert proc.returncode == 0
    fixed = target.read_text()
    assert "stop program = \"/bin/sh -c 'kill $(cat /run/web.pid)'\" with timeout 30 seconds" in fixed
    check = subprocess.run(
        [sys.executable, "-m", "monitlint", "check", "--isolated", "--no-cache", "--select", "MON101", str(target)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout
