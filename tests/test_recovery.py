"""Recovery reports only what is there: a `set` statement cut short by a syntax error still
counts for the rules that look for it, and the error names what the statement being read expects."""

from __future__ import annotations

from pathlib import Path

import pytest

import monitlint
from monitlint.model import ControlFile

SYNTAX = "syntax-error"
TYPO = 'chek process sshd with pidfile /run/sshd.pid\n    start program = "/bin/true"\n'
SERVICE = 'check process x with pidfile /run/x.pid\n  start program = "/bin/true"\n  stop program = "/bin/true"\n'


def _lint(tmp_path: Path, text: str) -> tuple[list[tuple[str, int, str]], ControlFile]:
    path = tmp_path / "monitrc"
    path.write_text(text)
    path.chmod(0o600)
    report = monitlint.lint([path])
    found = [(d.rule, d.span.line, d.message) for d in report.diagnostics]
    return found, report.results[0].parse.config  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("setting", "kind", "absent_rule"),
    [
        ("set httpd unixsocket /run/monit.sock\n    allow localhost\n", "httpd", "cli-unreachable"),
        (
            "set httpd unixsocket /run/monit.sock\n    allow localhost\nset mailserver localhost\n",
            "mailserver",
            "alert-without-mailserver",
        ),
    ],
)
def test_a_typo_after_a_setting_keeps_the_setting(tmp_path: Path, setting: str, kind: str, absent_rule: str) -> None:
    text = "set daemon 30\n" + setting + TYPO + "\n" + SERVICE + "  alert ops@example.com\n"
    found, model = _lint(tmp_path, text)
    names = [name for name, _line, _message in found]
    assert names.count(SYNTAX) == 1
    assert absent_rule not in names
    assert kind in {s.kind for s in model.settings}


def test_the_typo_is_named_with_the_top_level_words(tmp_path: Path) -> None:
    found, _ = _lint(tmp_path, "set daemon 30\nset httpd unixsocket /run/m.sock allow localhost\n" + TYPO)
    [(_, line, message)] = [f for f in found if f[0] == SYNTAX]
    assert line == 3 and "did you mean `check`" in message
    assert "ssl" not in message and "allow" not in message  # not the httpd options


def test_a_statement_broken_in_the_middle_keeps_its_whole_beginning(tmp_path: Path) -> None:
    # the error is inside `set daemon`: what precedes it is a whole `set daemon 30`, kept for the
    # rules; the message names what `set daemon` expects at the error
    found, model = _lint(tmp_path, "set daemon 30 wiht start delay 5\n")
    [(_, line, message)] = [f for f in found if f[0] == SYNTAX]
    assert line == 1 and "`wiht`" in message
    assert [s.kind for s in model.settings] == ["daemon"]
