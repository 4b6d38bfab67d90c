"""`check --fix` and `--add-noqa` over the real-world corpus: Monit reads every fixed file the same way."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import CORPUS, monit_executable, monit_parsed, parsed_lines, require_corpus, run_cli

pytestmark = pytest.mark.slow


def _monit_says(monit: str, path: Path, home: Path) -> tuple[int, list[str]]:
    """`monit -v -t`'s exit status and account of the configuration, without the file's own name."""
    proc = monit_parsed(path, home, monit)
    return proc.returncode, parsed_lines((proc.stdout + proc.stderr).replace(str(path), "FILE"))


def _copy(tmp_path: Path, name: str) -> Path:
    tree = tmp_path / name
    shutil.copytree(CORPUS, tree)
    for path in tree.rglob("*"):
        if path.is_file():
            path.chmod(0o600)
    (tree / ".git").mkdir()  # a checkout: what --fix may write is this tree
    return tree


def test_monit_reads_every_fixed_corpus_file_as_before(tmp_path: Path) -> None:
    require_corpus()
    monit = monit_executable()
    tree = _copy(tmp_path, "fixed")
    before = {path: path.read_text(encoding="latin-1") for path in tree.rglob("*") if path.is_file()}
    result = run_cli("check", "--fix", "--fail-on", "info", ".", cwd=tree)
    assert "fixed " in result.stderr, result.stderr
    changed = [path for path, text in before.items() if path.read_text(encoding="latin-1") != text]
    assert len(changed) > 50  # MON107 alone is in most of them
    home = tmp_path / "home"
    home.mkdir()
    original = tmp_path / "original"
    original.mkdir()
    for path in changed:
        copy = original / path.name
        copy.write_text(before[path], encoding="latin-1")
        copy.chmod(0o600)
        assert _monit_says(monit, path, home) == _monit_says(monit, copy, home), path.name


def test_add_noqa_leaves_only_what_cannot_be_suppressed(tmp_path: Path) -> None:
    require_corpus()
    tree = _copy(tmp_path, "noqa")
    first = run_cli("check", "--add-noqa", "--fail-on", "info", "--format", "json", ".", cwd=tree)
    assert "suppression comment(s) in " in first.stderr
    left = run_cli("check", "--fail-on", "info", "--format", "json", "--no-cache", ".", cwd=tree)
    codes = {d["code"] for d in json.loads(left.stdout)["diagnostics"]}
    # What Monit refuses stays; so do findings in a file region where a comment would change the parse
    # (after a syntax error), which --add-noqa names in a warning rather than guess.
    assert codes <= {"MON001", "MON006", "MON104", "MON107"}, codes
    again = run_cli("check", "--add-noqa", "--fail-on", "info", ".", cwd=tree)
    assert "suppression comment(s) in" not in again.stderr  # idempotent
