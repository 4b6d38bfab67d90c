"""`check --add-noqa`: suppression comments for today's findings, where the suppression reader honours them."""

from __future__ import annotations

from pathlib import Path

from monitlint.files.source import SourceFile
from monitlint.fixes.edits import apply_edits
from monitlint.fixes.noqa import edits_for
from monitlint.model import Comment
from tests.conftest import run_cli

CONFIG = """\
set daemon 30
check process web with pidfile /run/web.pid   # the web server
  start program = "/usr/sbin/web start" # monitlint: disable=MON104
  stop program = "/usr/sbin/web stop"
  mode manual
check process worker matching "w"
  start program = "/usr/sbin/worker start"
    as uid root
"""


def test_add_noqa_then_check_reports_only_what_cannot_be_suppressed(tmp_path: Path) -> None:
    path = tmp_path / "monitrc"
    path.write_text(CONFIG + "check file broken with path /x\n  if if\n")
    result = run_cli("check", "--add-noqa", "--fail-on", "info", "monitrc", cwd=tmp_path)
    assert "added 6 suppression comment(s) in 1 file(s)" in result.stderr, result.stderr
    text = path.read_text()
    assert text.splitlines()[:8] == [
        "set daemon 30  # monitlint: disable=MON501",
        "check process web with pidfile /run/web.pid   # the web server  # monitlint: disable=MON504",
        'start program = "/usr/sbin/web start" # monitlint: disable=MON104,MON107'.join(["  ", ""]),
        '  stop program = "/usr/sbin/web stop"  # monitlint: disable=MON107',
        "  mode manual",
        'check process worker matching "w"  # monitlint: disable=MON101,MON405',
        '  start program = "/usr/sbin/worker start"  # monitlint: disable=MON107',
        "    as uid root",
    ]
    # What Monit refuses is never suppressed; the suppression already there that suppresses nothing stays reported.
    left = sorted({line.split()[1] for line in result.stdout.splitlines() if line.startswith("monitrc:")})
    assert left == ["MON001", "MON901"]
    again = run_cli("check", "--add-noqa", "--fail-on", "info", "monitrc", cwd=tmp_path)
    assert "added" not in again.stderr and path.read_text() == text  # idempotent


def test_after_add_noqa_a_clean_file_passes(tmp_path: Path) -> None:
    path = tmp_path / "monitrc"
    path.write_text(CONFIG.replace(" # monitlint: disable=MON104", ""))
    run_cli("check", "--add-noqa", "monitrc", cwd=tmp_path)
    result = run_cli("check", "--fail-on", "info", "monitrc", cwd=tmp_path)
    assert (result.exit_code, result.stdout.strip()) == (0, "No problems found in 1 file."), result.stdout


def test_merge_into_an_existing_directive_and_crlf_lines() -> None:
    source = SourceFile("f", "set daemon 30 # monitlint: disable=MON107 # why\r\nset httpd port 1\r\n")
    comment = Comment("f", 1, 15, "# monitlint: disable=MON107 # why", False)
    edits = edits_for(source, {1: ["MON107", "MON501"], 2: ["MON303"]}, [comment])
    assert apply_edits(source, edits) == (
        "set daemon 30 # monitlint: disable=MON107,MON501 # why\r\nset httpd port 1  # monitlint: disable=MON303\r\n"
    )


def test_add_noqa_refuses_diff_and_stdin(tmp_path: Path) -> None:
    assert run_cli("check", "--add-noqa", "--diff", "x", cwd=tmp_path).exit_code == 2
    assert run_cli("check", "--add-noqa", "-", stdin="set daemon 30\n", cwd=tmp_path).exit_code == 2


def test_one_comment_per_statement_and_none_inside_a_continued_program(tmp_path: Path) -> None:
    path = tmp_path / "monitrc"
    path.write_text(
        "set daemon 30\n"
        "set httpd port 2812 and\n"
        "    use address 0.0.0.0\n"
        "    allow 0.0.0.0/0\n"
        "check process redis with pidfile /run/redis.pid\n"
        '  start program = "/usr/bin/redis start" with timeout 5 seconds\n'
        '  stop program = "/usr/bin/redis stop \\\n'
        '    && sleep 1" with timeout 5 seconds\n'
    )
    result = run_cli("check", "--add-noqa", "--fail-on", "info", "--no-cache", "monitrc", cwd=tmp_path)
    lines = path.read_text().splitlines()
    # Two MON303 findings in one `set httpd`: one comment covers the statement, so no MON901 follows.
    assert [line for line in lines if "MON303" in line] == ["set httpd port 2812 and  # monitlint: disable=MON303"]
    # The stop program's first line ends inside its quoted, continued text: the comment goes on its last line.
    assert lines[6:8] == [
        '  stop program = "/usr/bin/redis stop \\',
        '    && sleep 1" with timeout 5 seconds  # monitlint: disable=MON105',
    ]
    assert result.exit_code == 0 and "No problems found" in result.stdout, result.stdout
