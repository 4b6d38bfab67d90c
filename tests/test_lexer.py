"""The scanner reproduces Monit's flex scanner (src/l.l) on its tricky cases."""

from __future__ import annotations

import pytest

from monitlint.files.source import SourceFile
from monitlint.grammar.lexer import Scanner, unquote
from monitlint.grammar.tokens import Token


def scan(text: str) -> list[tuple[str, str]]:
    """(type, value) of every token of `text`."""
    return [(t.type, str(t)) for t in Scanner(SourceFile("t", text)).scan() if isinstance(t, Token)]


def types(text: str) -> list[str]:
    return [t for t, _ in scan(text)]


def test_keywords_are_case_insensitive_and_noise_is_dropped() -> None:
    assert types("SET Daemon IS 30") == ["SET", "DAEMON", "NUMBER"]
    assert types("if the cpu usage is greater than 50% for the last 3 cycles then alert") == [
        "IF",
        "CPU",
        "GREATER",
        "NUMBER",
        "PERCENT",
        "NUMBER",
        "CYCLE",
        "THEN",
        "ALERT",
    ]


def test_separators_are_whitespace() -> None:
    assert types("(if memory > 10% then alert),") == ["IF", "MEMORY", "GREATER", "NUMBER", "PERCENT", "THEN", "ALERT"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cpu>80%", [("STRING", "cpu>80"), ("PERCENT", "%")]),
        ("80MB", [("STRING", "80MB")]),
        ("30s", [("STRING", "30s")]),
        ("1.5", [("REAL", "1.5")]),
        ("1.2.3", [("STRING", "1.2.3")]),
        ("-1", [("STRING", "-1")]),
        ("10.0.0.0/8", [("STRING", "10.0.0.0/8")]),
        ("/var/run/x.pid", [("PATH", "/var/run/x.pid")]),
        ("foo+tag@sub.example.org", [("MAILADDR", "foo+tag@sub.example.org")]),
        ("hosts", [("STRING", "hosts")]),
        ("alert#note", [("STRING", "alert#note")]),
        ("!= 3", [("NOTEQUAL", "!="), ("NUMBER", "3")]),
        ("MB/s", [("MEGABYTE", "MB/s")]),
        ("::1", [("STRING", "::1")]),
        ("fe80::1/64", [("STRING", "fe80::1/64")]),
    ],
)
def test_word_classes(text: str, expected: list[tuple[str, str]]) -> None:
    assert scan(text) == expected


def test_comment_starts_only_at_token_start() -> None:
    assert types("set daemon 30 # comment\n") == ["SET", "DAEMON", "NUMBER"]
    assert scan("check process foo#bar matching x")[1] == ("SERVICENAME", "foo#bar")


def test_quoted_strings_are_stripped_and_unescaped() -> None:
    assert unquote('"  padded  "') == "padded"
    assert scan('"/x y"') == [("PATH", "/x y")]
    assert scan("'x y'") == [("STRING", "x y")]
    assert scan(r'"a\tb"') == [("STRING", "a\tb")]
    assert types('"unclosed') == ["LEXERROR"]


def test_check_types_and_service_names() -> None:
    assert scan("check filesrv path /x")[:2] == [("CHECKFILE", "check file"), ("SERVICENAME", "srv")]
    assert scan("check systemd")[:2] == [("CHECKSYSTEM", "check system"), ("SERVICENAME", "d")]
    assert scan("check foo pidfile /x")[:2] == [("CHECKPROC", "check"), ("SERVICENAME", "foo")]
    assert scan("check process\nfoo")[:2] == [("CHECKPROC", "check"), ("SERVICENAME", "process")]
    assert scan('CHECK PROCESS "my app" matching x')[1] == ("SERVICENAME", "my app")
    assert scan("check file if path /x")[1] == ("SERVICENAME", "if")


def test_program_strings_split_into_argv_without_a_shell() -> None:
    assert scan("start program = \"/bin/sh -c 'echo hi' >/tmp/x\"") == [
        ("START", "start program ="),
        ("PATH", "/bin/sh"),
        ("STRING", "-c"),
        ("STRING", "echo hi"),
        ("STRING", ">/tmp/x"),
    ]
    assert types('startprogram="/bin/x"') == ["START", "PATH"]
    assert types("start program = '/bin/x'") == ["START", "EQUAL", "PATH"]
    assert types('start program = ""') == ["START"]
    assert types('exec "/bin/x a"') == ["EXEC", "PATH", "STRING"]
    assert types("then start\nstop program /bin/x") == ["THEN", "START", "STOP", "PATH"]


def test_depends_group_every_states() -> None:
    assert scan("depends on a, b")[1:] == [("SERVICENAME", "a"), ("SERVICENAME", "b")]
    assert scan("depends on a,\n   b")[1:] == [("SERVICENAME", "a"), ("SERVICENAME", "b")]
    assert scan("depends onion") == [("DEPENDS", "depends on"), ("SERVICENAME", "ion")]
    assert scan("depends on a c")[1:] == [("SERVICENAME", "a"), ("STRING", "c")]
    assert scan("group if") == [("GROUP", "group"), ("STRINGNAME", "if")]
    assert types('group "my group"') == ["GROUP", "LEXERROR"]
    assert scan('every "0-5 * * * 1-5"') == [("EVERY", "every"), ("TIMESPEC", "0-5 * * * 1-5")]
    assert types('not every "* * * * *"') == ["NOTEVERY", "TIMESPEC"]
    assert types('every "*/5 * * * *"') == ["EVERY", "LEXERROR"]
    assert types("every 2 cycles") == ["EVERY", "NUMBER", "CYCLE"]


def test_composite_lexemes() -> None:
    assert types("loadavg (5min) per core > 2") == ["LOADAVG5", "CORE", "GREATER", "NUMBER"]
    assert types("cpu (wait) > 20%") == ["CPUWAIT", "GREATER", "NUMBER", "PERCENT"]
    assert types("total cpu > 20%")[0] == "TOTALCPU"
    assert types("total  cpu")[0] == "TOTAL"
    assert types("ssl enable") == ["SSLTOKEN"]
    assert types("ssl disable") == []
    assert scan("subject: $SERVICE down\n") == [("MAILSUBJECT", "$SERVICE down")]
    assert scan('from: "Monit" <monit@example.com>\n') == [("MAILFROM", "monit@example.com")]
    assert types("http headers [Host: x, Accept: y]") == ["LSQB", "HTTPHEADER", "HTTPHEADER", "RSQB"]
    assert types("http://user:pw@example.com:8080/a?b \n") == ["URLOBJECT"]
    assert types("ftp://example.com/ \n") == ["LEXERROR"]


def test_include_is_a_request_not_a_token() -> None:
    items = list(Scanner(SourceFile("t", "include /etc/monit/conf.d/*\nset daemon 5")).scan())
    assert not isinstance(items[0], Token)
    assert items[0].pattern == "/etc/monit/conf.d/*"  # type: ignore[union-attr]


def test_positions_are_one_based_with_exclusive_end() -> None:
    toks = [t for t in Scanner(SourceFile("t", "set daemon 30\n  check system x")).scan() if isinstance(t, Token)]
    check = toks[3]
    assert (check.line, check.column, check.end_line, check.end_column) == (2, 3, 2, 15)
