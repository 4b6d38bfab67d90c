"""MON101 missing-stop-program on the tricky cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import lint_file, lint_text


def mon101(text: str) -> list[tuple[int, str | None]]:
    return [(d.span.line, d.service) for d in lint_text(text, "t.monitrc").diagnostics if d.code == "MON101"]


def test_process_without_stop_program_is_reported_on_its_check_line() -> None:
    text = 'set daemon 30\n\ncheck process myapp with pidfile /run/myapp.pid\n  start program = "/usr/bin/myapp"\n'
    result = lint_text(text, "t.monitrc")
    (diag,) = [d for d in result.diagnostics if d.code == "MON101"]
    assert (diag.code, diag.rule, str(diag.severity)) == ("MON101", "missing-stop-program", "error")
    assert (diag.span.line, diag.span.column, diag.span.end_column) == (3, 1, 20)
    assert diag.service == "myapp"
    assert "monit stop myapp" in diag.message and "running" in diag.message
    assert diag.hint and "stop program" in diag.hint


def test_process_with_stop_program_is_fine() -> None:
    assert mon101('check process a with pidfile /run/a.pid\n start program = "/a"\n stop program = "/b"\n') == []


@pytest.mark.parametrize(
    "stop",
    [
        'STOP PROGRAM = "/bin/x"',
        'Stop Program "/bin/x"',
        "stop program /bin/x",
        'stopprogram="/bin/x"',
        'stop "/bin/x"',
    ],
)
def test_keywords_in_any_case_and_spelling(stop: str) -> None:
    assert mon101(f"CHECK PROCESS a MATCHING a\n  {stop}\n") == []


def test_restart_program_alone_does_not_count() -> None:
    assert mon101('check process a with pidfile /run/a.pid\n  restart program = "/bin/r"\n') == [(1, "a")]


def test_words_in_comments_and_strings_do_not_count() -> None:
    text = (
        "check process a with pidfile /run/a.pid\n"
        '  # stop program = "/bin/kill"\n'
        "  start program = \"/bin/sh -c 'echo stop program'\"\n"
        '  if failed port 80 send "stop program" expect "ok" then alert\n'
    )
    assert mon101(text) == [(1, "a")]


def test_non_process_services_are_not_reported() -> None:
    text = (
        "check file f with path /etc/passwd\ncheck host h with address example.com\n  if failed port 80 then alert\n"
        "check program p with path /bin/true\n  if status != 0 then alert\ncheck system s\n"
        "check filesystem fs with path /\ncheck directory d with path /tmp\ncheck fifo ff with path /run/x\n"
        "check network n with interface lo\n"
    )
    assert mon101(text) == []


def test_stop_program_from_an_included_fragment_inside_the_block(tmp_path: Path) -> None:
    (tmp_path / "stop.inc").write_text('  stop program = "/usr/bin/app --stop"\n')
    (tmp_path / "monitrc").write_text(
        'check process app with pidfile /run/app.pid\n  start program = "/usr/bin/app"\n  include stop.inc\n'
    )
    assert [d.code for d in lint_file(str(tmp_path / "monitrc")).diagnostics if d.code == "MON101"] == []


def test_service_in_a_conf_d_include_is_reported_in_that_file(tmp_path: Path) -> None:
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "conf.d" / "app.conf").write_text("\ncheck process app matching app\n")
    (tmp_path / "monitrc").write_text("set daemon 30\ninclude conf.d/*.conf\n")
    (diag,) = [d for d in lint_file(str(tmp_path / "monitrc")).diagnostics if d.code == "MON101"]
    assert diag.code == "MON101" and diag.span.path.endswith("app.conf") and diag.span.line == 2


def test_file_without_final_newline() -> None:
    assert mon101("check process a with pidfile /run/a.pid") == [(1, "a")]
    assert mon101('check process a with pidfile /run/a.pid stop program = "/x"') == []


def test_two_services_one_missing() -> None:
    text = (
        'check process a with pidfile /run/a.pid\n  start program = "/a"\n  stop program = "/a stop"\n'
        'check process b with pidfile /run/b.pid\n  start program = "/b"\n'
    )
    assert mon101(text) == [(4, "b")]


def test_stop_as_an_action_is_not_a_stop_program() -> None:
    assert mon101("check process a with pidfile /run/a.pid\n  if cpu > 90% then stop\n") == [(1, "a")]
