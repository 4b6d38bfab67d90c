"""Baselines: `check --write-baseline FILE` records today's findings, `--baseline FILE` reports only new ones."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import run_cli

CONFIG = """\
set daemon 30
check process web with pidfile /run/web.pid
  start program = "/usr/sbin/web start"
  stop program = "/usr/sbin/web stop"
check process worker with pidfile /run/worker.pid
  start program = "/usr/sbin/worker start"
"""


def _tree(tmp_path: Path) -> Path:
    (tmp_path / "monitrc").write_text(CONFIG)
    (tmp_path / "monitrc").chmod(0o600)
    return tmp_path


def test_write_then_check_reports_nothing_and_the_file_is_documented_json(tmp_path: Path) -> None:
    _tree(tmp_path)
    wrote = run_cli("check", "--fail-on", "info", "--write-baseline", "baseline.json", "monitrc", cwd=tmp_path)
    assert wrote.exit_code == 0 and "wrote 5 finding(s)" in wrote.stderr, wrote.stdout + wrote.stderr
    document = json.loads((tmp_path / "baseline.json").read_text())
    assert document["version"] == 1
    assert {f["code"] for f in document["findings"]} == {"MON101", "MON107", "MON501"}
    assert all(set(f) == {"fingerprint", "code", "path", "service", "message"} for f in document["findings"])
    again = run_cli("check", "--fail-on", "info", "--baseline", "baseline.json", "monitrc", cwd=tmp_path)
    assert (again.exit_code, again.stdout.strip()) == (0, "No problems found in 1 file.")


def test_only_new_findings_are_reported_after_lines_shift(tmp_path: Path) -> None:
    _tree(tmp_path)
    run_cli("check", "--write-baseline", "baseline.json", "monitrc", cwd=tmp_path)
    shifted = "# a comment that moves every line\n\n" + CONFIG + "check process db with pidfile /run/db.pid\n"
    shifted += '  start program = "/usr/sbin/db start" with timeout 9 seconds\n'
    (tmp_path / "monitrc").write_text(shifted)
    result = run_cli(
        "check", "--fail-on", "info", "--format", "json", "--baseline", "baseline.json", "monitrc", cwd=tmp_path
    )
    found = [(d["code"], d["service"], d["line"]) for d in json.loads(result.stdout)["diagnostics"]]
    assert found == [("MON101", "db", 9)] and result.exit_code == 1


def test_a_second_identical_finding_is_new() -> None:
    from monitlint.baseline import Baseline, fingerprints, leave_out
    from monitlint.diagnostics import Diagnostic, Severity
    from monitlint.files.source import SourceFile
    from monitlint.span import Span

    source = SourceFile("/t/monitrc", "  alert a@b\n  alert a@b\n")
    first, second = (
        Diagnostic("MON999", "x", Severity.INFO, "m", Span("/t/monitrc", line, 3, line, 12), "s") for line in (1, 2)
    )
    (_d1, one), (_d2, two) = fingerprints([second, first], {"/t/monitrc": source}, "/t")
    assert one != two  # the same text twice: told apart by its occurrence, not its line
    recorded = Baseline("b.json", "/t", Counter([one]))
    kept, unmatched = leave_out([first, second], {"/t/monitrc": source}, lambda d: recorded, ())
    assert kept == [second] and unmatched == {"b.json": 0}


def test_fixed_findings_left_in_the_baseline_are_fine_and_named_under_verbose(tmp_path: Path) -> None:
    _tree(tmp_path)
    run_cli("check", "--write-baseline", "b.json", "monitrc", cwd=tmp_path)
    (tmp_path / "monitrc").write_text(
        CONFIG.replace('"/usr/sbin/web start"', '"/usr/sbin/web start" with timeout 5 seconds')
    )
    result = run_cli("check", "--fail-on", "info", "-v", "--baseline", "b.json", "monitrc", cwd=tmp_path)
    assert result.exit_code == 0
    assert "b.json: 1 baseline finding(s) no longer found" in result.stderr


def test_config_key_baseline(tmp_path: Path) -> None:
    _tree(tmp_path)
    run_cli("check", "--write-baseline", "b.json", "monitrc", cwd=tmp_path)
    (tmp_path / ".monitlint.toml").write_text('baseline = "b.json"\nfail-on = "info"\n')
    assert run_cli("check", "monitrc", cwd=tmp_path).exit_code == 0
    (tmp_path / ".monitlint.toml").write_text('baseline = "../outside.json"\n')
    outside = run_cli("check", "monitrc", cwd=tmp_path)
    assert outside.exit_code == 2 and "'baseline' leads outside the project" in outside.stderr


def test_syntax_errors_are_never_recorded_nor_left_out(tmp_path: Path) -> None:
    (tmp_path / "monitrc").write_text("set daemon 30\nset httpd unixsocket /run/m.sock allow localhost\nif if\n")
    run_cli("check", "--write-baseline", "b.json", "monitrc", cwd=tmp_path)
    assert json.loads((tmp_path / "b.json").read_text())["findings"] == []
    result = run_cli("check", "--baseline", "b.json", "monitrc", cwd=tmp_path)
    assert result.exit_code == 1 and "MON001" in result.stdout


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"[[[",
        b"[" * 200000,
        b'{"version": 2, "findings": []}',
        b'{"version": 1, "findings": {}}',
        b'{"version": 1, "findings": [{"fingerprint": "x"}]}',
        b'{"version": 1, "findings": [7]}',
        b"\xff\xfe\x00",
        b'{"version": 1, "findings": [{"fingerprint": "\\u001b]0;t\\u0007"}]}',
    ],
)
def test_a_corrupt_or_hostile_baseline_is_a_one_line_error(tmp_path: Path, content: bytes) -> None:
    _tree(tmp_path)
    (tmp_path / "b\x1b[2Jad.json").write_bytes(content)
    result = run_cli("check", "--baseline", "b\x1b[2Jad.json", "monitrc", cwd=tmp_path)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "baseline" in result.stderr and "\x1b" not in result.stderr


def test_missing_baseline_and_unwritable_baseline(tmp_path: Path) -> None:
    _tree(tmp_path)
    missing = run_cli("check", "--baseline", "none.json", "monitrc", cwd=tmp_path)
    assert missing.exit_code == 2 and "no such baseline file" in missing.stderr
    unwritable = run_cli("check", "--write-baseline", "no/such/dir/b.json", "monitrc", cwd=tmp_path)
    assert unwritable.exit_code == 2 and unwritable.stderr.count("\n") == 1


def test_the_baseline_matches_from_another_folder(tmp_path: Path) -> None:
    _tree(tmp_path)
    run_cli("check", "--write-baseline", "b.json", "monitrc", cwd=tmp_path)
    (tmp_path / "sub").mkdir()
    result = run_cli("check", "--fail-on", "info", "--baseline", "../b.json", "../monitrc", cwd=tmp_path / "sub")
    assert result.exit_code == 0, result.stdout
    absolute = run_cli("check", "--fail-on", "info", "--baseline", str(tmp_path / "b.json"), str(tmp_path / "monitrc"))
    assert absolute.exit_code == 0, absolute.stdout
