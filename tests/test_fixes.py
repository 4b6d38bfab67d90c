"""`check --fix` and `--diff`: safe fixes, proven by comparing the models before and after, written atomically."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from monitlint.api import lint
from monitlint.files.source import SourceFile
from monitlint.fixes.apply import plan
from monitlint.fixes.edits import Edit, Fix, apply_edits
from monitlint.fixes.verify import proven
from monitlint.span import Span
from tests.conftest import monit_executable, monit_parsed, parsed_lines, run_cli

BEFORE = """\
set daemon 30
set mailserver localhost port 465 certmd5 "0123456789abcdef0123456789abcdef"
check process a with pidfile /run/a.pid
  start program = "/bin/true" as uid root and gid root
  stop program = "/bin/true"   # a comment stays
  mode manual
check network eth with interface lo
  if failed link then alert
check process b with pidfile /run/b.pid
  start program = "/bin/true" as uid root   # comment between the options
    and gid root
  stop program = "/bin/true" with timeout 10 seconds
check file log with path /var/log/syslog
  if match "error" then alert
  ignore not match "z"
"""

AFTER = """\
set daemon 30
set mailserver localhost port 465 certificate checksum md5 "0123456789abcdef0123456789abcdef"
check process a with pidfile /run/a.pid
  start program = "/bin/true" as uid root and gid root with timeout 30 seconds
  stop program = "/bin/true" with timeout 30 seconds   # a comment stays
  onreboot laststate
check network eth with interface lo
  if link down then alert
check process b with pidfile /run/b.pid
  start program = "/bin/true" as uid root   # comment between the options
    and gid root with timeout 30 seconds
  stop program = "/bin/true" with timeout 10 seconds
check file log with path /var/log/syslog
  if content = "error" then alert
  ignore content != "z"
"""


def _write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)
    return path


def _fixed(path: Path) -> str:
    found = plan(lint([str(path)], cache=False), lambda _main: None)
    return found.texts[str(path)][1] if found.texts else path.read_text()


def test_fixes_make_the_default_timeout_explicit_after_user_options_and_rewrite_deprecated_forms(
    tmp_path: Path,
) -> None:
    assert _fixed(_write(tmp_path / "monitrc", BEFORE)) == AFTER


def test_no_timeout_fix_when_set_limits_changes_the_default(tmp_path: Path) -> None:
    text = 'set limits { startTimeout: 60 s }\ncheck process a matching a\n  start program = "/bin/true"\n'
    path = _write(tmp_path / "monitrc", text)
    assert _fixed(path) == text
    # The stop program's default is still Monit's 30 s: only startTimeout was changed.
    text = text + '  stop program = "/bin/true"\n'
    path.write_text(text)
    assert _fixed(path) == text.replace(
        'stop program = "/bin/true"', 'stop program = "/bin/true" with timeout 30 seconds'
    )


def test_mode_manual_next_to_an_onreboot_is_left_alone(tmp_path: Path) -> None:
    text = "check process a matching a\n  onreboot start\n  mode manual\n"
    assert _fixed(_write(tmp_path / "monitrc", text)) == text


def test_fix_in_an_included_file_is_proven_in_its_includer(tmp_path: Path) -> None:
    _write(tmp_path / "monitrc", f"set limits {{ stopTimeout: 5 s }}\ninclude {tmp_path}/conf.d/*\n")
    conf = _write(
        tmp_path / "conf.d" / "app",
        'check process a matching a\n  start program = "/bin/true"\n  stop program = "/bin/true"\n',
    )
    found = plan(lint([str(tmp_path / "monitrc")], cache=False), lambda _main: None)
    # stop's default comes from the includer's `set limits`: only the start program is fixed.
    assert found.texts[str(conf)][1] == conf.read_text().replace(
        'start program = "/bin/true"', 'start program = "/bin/true" with timeout 30 seconds'
    )


def test_a_fix_whose_result_differs_from_its_declared_change_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "monitrc", 'check process a matching a\n  start program = "/bin/true"\n')
    # Inserting inside the quoted path changes argv, not the timeout the change declares.
    wrong = Fix((Edit(Span(str(path), 2, 27, 2, 27), " with timeout 30 seconds"),), lambda model: True)
    assert proven(wrong, str(path), str(path), None, {}) is None
    unchanged = Fix((Edit(Span(str(path), 2, 1, 2, 1), "  "),), lambda model: True)
    assert proven(unchanged, str(path), str(path), None, {}) is not None  # blanks only: the same model
    elsewhere = Fix((Edit(Span(str(tmp_path / "other"), 1, 1, 1, 1), "x"),), lambda model: True)
    assert proven(elsewhere, str(path), str(path), None, {}) is None


def test_overlapping_edits_are_refused() -> None:
    source = SourceFile("f", "abcdef\n")
    assert apply_edits(source, [Edit(Span("f", 1, 2, 1, 4), "X"), Edit(Span("f", 1, 3, 1, 5), "Y")]) is None
    assert apply_edits(source, [Edit(Span("f", 1, 2, 1, 4), "X"), Edit(Span("f", 1, 5, 1, 5), "Y")]) == "aXdYef\n"
    assert apply_edits(source, [Edit(Span("f", 9, 1, 9, 1), "X")]) is None


def test_diff_prints_a_unified_diff_changes_nothing_and_exits_1(tmp_path: Path) -> None:
    path = _write(tmp_path / "monitrc", BEFORE)
    result = run_cli("check", "--diff", "--no-cache", "monitrc", cwd=tmp_path)
    assert result.exit_code == 1, result.stderr
    assert result.stdout.startswith("--- a/monitrc\n+++ b/monitrc\n@@ ")
    assert "+  if link down then alert" in result.stdout and "-  mode manual" in result.stdout
    assert path.read_text() == BEFORE
    path.write_text(AFTER)
    clean = run_cli("check", "--diff", "monitrc", cwd=tmp_path)
    assert (clean.exit_code, clean.stdout) == (0, "")


def test_diff_output_is_escaped(tmp_path: Path) -> None:
    text = 'check process a matching a  # \x1b]0;pwned\x07\n  start program = "/bin/true"\n'
    _write(tmp_path / "monitrc", text)
    result = run_cli("check", "--diff", "monitrc", cwd=tmp_path)
    assert result.exit_code == 1 and "\x1b" not in result.stdout and "\\x1b]0;pwned\\x07" in result.stdout


def test_fix_writes_atomically_keeps_the_mode_and_reports_what_is_left(tmp_path: Path) -> None:
    path = _write(tmp_path / "monitrc", BEFORE, mode=0o640)
    inode = path.stat().st_ino
    result = run_cli("check", "--fix", "--fail-on", "info", "monitrc", cwd=tmp_path)
    assert path.read_text() == AFTER
    assert (path.stat().st_mode & 0o777, path.stat().st_uid) == (0o640, os.getuid())
    assert path.stat().st_ino != inode  # replaced, not rewritten in place
    assert "fixed 8 finding(s) in 1 file(s)" in result.stderr
    assert "MON107" not in result.stdout and "MON504" not in result.stdout
    assert "MON501" in result.stdout and result.exit_code == 1  # no `set httpd`: no fix, still reported
    assert [p.name for p in tmp_path.iterdir()] == ["monitrc"]  # no temporary file left behind
    again = run_cli("check", "--fix", "--fail-on", "info", "monitrc", cwd=tmp_path)
    assert "fixed" not in again.stderr and path.read_text() == AFTER  # a fixed point


def test_fix_never_writes_through_a_symlink_out_of_the_tree(tmp_path: Path) -> None:
    outside = _write(tmp_path / "outside" / "app", 'check process a matching a\n  start program = "/bin/true"\n')
    tree = tmp_path / "tree"
    (tree / ".git").mkdir(parents=True)
    _write(tree / "etc" / "monit" / "monitrc", "set daemon 30\n")
    (tree / "etc" / "monit" / "app.monitrc").symlink_to(outside)
    result = run_cli("check", "--fix", "--fail-on", "info", "etc/monit/app.monitrc", cwd=tree)
    assert outside.read_text() == 'check process a matching a\n  start program = "/bin/true"\n'
    assert "outside the checked tree" in result.stderr and "MON107" in result.stdout


def test_fix_refuses_standard_input_and_diff_together(tmp_path: Path) -> None:
    assert run_cli("check", "--fix", "-", stdin="set daemon 30\n", cwd=tmp_path).exit_code == 2
    both = run_cli("check", "--fix", "--diff", "x", cwd=tmp_path)
    assert both.exit_code == 2 and both.stderr.count("\n") == 1


def test_rule_command_shows_the_fix() -> None:
    assert "Fix: writes Monit's default, `with timeout 30 seconds`" in run_cli("rule", "MON107").stdout
    assert "rewrites `mode manual` as `onreboot laststate`" in run_cli("rule", "MON504").stdout
    assert "Fix:" not in run_cli("rule", "MON101").stdout


def _monit_view(monit: str, path: Path, home: Path) -> list[str]:
    """What `monit -v -t` says it parsed: the service list, without the control file's own name."""
    proc = monit_parsed(path, home, monit)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return parsed_lines(proc.stdout + proc.stderr)


@pytest.mark.slow
def test_monit_parses_the_fixed_file_to_the_same_configuration(tmp_path: Path) -> None:
    monit = monit_executable()
    before = _write(tmp_path / "before" / "monitrc", BEFORE)
    after = _write(tmp_path / "after" / "monitrc", BEFORE)
    result = run_cli("check", "--fix", str(after), cwd=tmp_path)
    assert "fixed 8 finding(s)" in result.stderr
    assert after.read_text() == AFTER
    home = tmp_path / "home"
    home.mkdir()
    view = _monit_view(monit, after, home)
    assert view == _monit_view(monit, before, home)
    assert " Start program        = '/bin/true' as uid 0 as gid 0 timeout 30 s" in view
    assert " Mail server(s)     = localhost:465 using TLS and certificate checksum MD5 equal to" in "\n".join(view)
    assert ' Content              = if content = "error" then alert' in view
    assert " On reboot            = laststate" in view and " Link status          = if down then alert" in view


NOISE = """\
set daemon 30
check process app without pidfile /run/app.pid
  start program = "/bin/true without pidfile" with timeout 5 seconds
  stop program = "/bin/true" with timeout 5 seconds
  depends onnginx
check process nginx with pidfile /run/n.pid
  start program = "/bin/true" with timeout 5 seconds
  stop program = "/bin/true" with timeout 5 seconds
"""


def test_noise_word_traps_are_written_as_monit_reads_them_but_not_inside_a_string(tmp_path: Path) -> None:
    fixed = _fixed(_write(tmp_path / "monitrc", NOISE))
    assert fixed == NOISE.replace("app without pidfile", "app with pidfile").replace("onnginx", "on nginx")


@pytest.mark.slow
def test_monit_reads_the_noise_word_fixes_the_same(tmp_path: Path) -> None:
    monit = monit_executable()
    before = _write(tmp_path / "before" / "monitrc", NOISE)
    after = _write(tmp_path / "after" / "monitrc", NOISE)
    assert "fixed 2 finding(s)" in run_cli("check", "--fix", str(after), cwd=tmp_path).stderr
    home = tmp_path / "home"
    home.mkdir()
    assert _monit_view(monit, after, home) == _monit_view(monit, before, home)


def test_write_refuses_a_file_changed_since_it_was_read_a_fifo_and_a_path_outside(tmp_path: Path) -> None:
    from monitlint.fixes.write import write_fixed

    path = _write(tmp_path / "monitrc", "set daemon 30\n")
    trees = [str(tmp_path)]
    assert "changed since it was checked" in (write_fixed(str(path), "set daemon 60\n", "x", trees) or "")
    assert "changed since it was checked" in (write_fixed(str(path), "set daemon 3", "x", trees) or "")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert write_fixed(str(fifo), "", "x", trees) is not None
    assert "outside the checked tree" in (write_fixed(str(path), "set daemon 30\n", "x", [str(tmp_path / "o")]) or "")
    assert write_fixed(str(path), "set daemon 30\n", "set daemon 60\n", trees) is None
    assert path.read_text() == "set daemon 60\n"


def test_diff_and_fix_run_to_a_fixed_point_past_the_findings_cap(tmp_path: Path) -> None:
    # 150 services, 300 findings of MON107 in one file: a file reports 100 of a rule at a time.
    text = "set daemon 30\n" + "".join(
        f'check process p{i} with pidfile /run/p{i}.pid\n  start program = "/bin/true"\n  stop program = "/bin/true"\n'
        for i in range(150)
    )
    path = _write(tmp_path / "monitrc", text)
    diff = run_cli("check", "--diff", "monitrc", cwd=tmp_path)
    assert diff.stdout.count("with timeout 30 seconds") == 300 and path.read_text() == text
    fixed = run_cli("check", "--fix", "--fail-on", "info", "--format", "json", "monitrc", cwd=tmp_path)
    assert "fixed 300 finding(s) in 1 file(s)" in fixed.stderr
    assert path.read_text().count("with timeout 30 seconds") == 300 and '"MON107"' not in fixed.stdout
