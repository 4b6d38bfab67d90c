"""A fresh clone works as the README says: its first command, and its CI examples.

`test_readme_first_command_in_a_fresh_clone` clones this repository's committed HEAD into a
temporary folder and runs the first command of "Try it" there, exactly as written (a new venv, `pip
install .`, then `monitlint check`); its output must be the one "What it reports" shows. It takes
about 30 s (creating a venv and installing the package); pip reuses its download cache.

`test_readme_ci_examples_run_on_a_checkout` runs the `monitlint check` lines of "In CI and
pre-commit" on a checkout laid out like the README's: they must find the includes (no MON002) and
produce their format.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, SAMPLES, run_cli

README = (REPO / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.MULTILINE | re.DOTALL)
    assert match, f"README has no '## {title}' section"
    return match.group(1)


def _first_command() -> str:
    block = re.search(r"```sh\n(.*?)\n```", _section("Try it"), re.DOTALL)
    assert block, "no sh block in 'Try it'"
    return block.group(1).strip()


@pytest.mark.slow
def test_readme_first_command_in_a_fresh_clone(tmp_path: Path) -> None:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs git and a git checkout of monitlint")
    clone = tmp_path / "monitlint"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path / "home"),
        "NO_COLOR": "1",
        "LC_ALL": "C.UTF-8",
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "PIP_CACHE_DIR": os.environ.get("PIP_CACHE_DIR")
        or os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "pip"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    proc = subprocess.run(
        ["git", "clone", "--quiet", str(REPO), str(clone)], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    command = _first_command()
    assert command.endswith("monitlint check samples/missing-stop/monitrc"), command
    run = subprocess.run(
        ["bash", "-c", command],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )
    expected = re.search(r"```text\n\$ monitlint check samples/missing-stop/monitrc\n(.*?)```", README, re.DOTALL)
    assert expected, "'What it reports' does not show `monitlint check samples/missing-stop/monitrc`"
    assert run.returncode == 1, run.stdout + run.stderr  # the sample's finding
    assert run.stdout == expected.group(1)
    assert "Traceback" not in run.stderr


def _ci_commands() -> list[list[str]]:
    """The `monitlint check ...` commands of the README's CI examples, without redirections."""
    commands = []
    for line in _section("In CI and pre-commit").splitlines():
        match = re.search(r"(?:- run: |- |or: )(monitlint check [^#>]*)", line)
        if match:
            commands.append(shlex.split(match.group(1)))
    return commands


def test_readme_ci_examples_run_on_a_checkout(tmp_path: Path) -> None:
    commands = _ci_commands()
    assert len(commands) >= 3 and all("--root" in c for c in commands), commands
    checkout = tmp_path / "infra"
    (checkout / ".git").mkdir(parents=True)
    shutil.copytree(SAMPLES / "good" / "etc", checkout / "etc")
    for command in commands:
        result = run_cli(*command[1:], "--no-cache", "--isolated", cwd=checkout)
        assert result.exit_code == 0, (command, result.stdout, result.stderr)
        assert result.stderr == "", command
        if "sarif" in command:
            assert json.loads(result.stdout)["runs"][0]["results"] == [], command
        elif "gitlab" in command:
            assert json.loads(result.stdout) == [], command
        else:
            assert "MON002" not in result.stdout, command
    # and without --root the include leads outside the checkout: that is what the examples avoid
    plain = run_cli("check", "--no-cache", "--isolated", "etc/monit/", cwd=checkout)
    assert "MON002" in plain.stdout
