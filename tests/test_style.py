"""The code stays ruff- and mypy-clean and ruff-formatted: the checks of .pre-commit-config.yaml, in CI too."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO


def _tool(name: str) -> list[str]:
    if (
        shutil.which(name) is None
        and subprocess.run([sys.executable, "-m", name, "--version"], capture_output=True).returncode != 0
    ):
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return [sys.executable, "-m", name]


PYTHON_FOLDERS = ("monitlint", "tests", "benchmarks", "scripts", "integrations")


def _targets() -> list[str]:
    return [name for name in PYTHON_FOLDERS if (REPO / name).is_dir()]


def test_ruff_is_clean() -> None:
    proc = subprocess.run([*_tool("ruff"), "check", *_targets()], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format_is_clean() -> None:
    proc = subprocess.run([*_tool("ruff"), "format", "--check", *_targets()], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, "run `.venv/bin/ruff format`:\n" + proc.stdout + proc.stderr


def test_mypy_is_clean() -> None:
    proc = subprocess.run([*_tool("mypy")], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_pre_commit_config_runs_the_same_checks() -> None:
    """.pre-commit-config.yaml is valid and runs, from the venv, the three checks this file runs."""
    config = REPO / ".pre-commit-config.yaml"
    proc = subprocess.run(
        [*_tool("pre_commit"), "validate-config", str(config)], cwd=REPO, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = config.read_text()
    for entry in ("entry: .venv/bin/ruff check", "entry: .venv/bin/ruff format", "entry: .venv/bin/mypy"):
        assert entry in text, entry
    assert "language: system" in text and "repo: local" in text
