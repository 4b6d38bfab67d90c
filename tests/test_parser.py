"""The parser builds the typed model with exact positions, and reports every syntax error."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitlint.grammar.parser import parse_file, parse_text
from monitlint.model import (
    AlertSetting,
    AllowUser,
    DaemonSetting,
    HttpdSetting,
    OwnerTest,
    PortTest,
    ResourceTest,
    RestartLimitTest,
    Subject,
)
from tests.conftest import findings_of, run_cli

FULL = """\
set daemon 30 with start delay 60
set log syslog facility log_daemon
set httpd port 2812 and use address localhost
    allow localhost
    allow admin:"s3cret" read-only
set mailserver smtp.example.com port 587 username "ops" password "pw" using tls
set alert ops@example.com not on { instance, action } with reminder on 10 cycles

check process nginx with pidfile /run/nginx.pid
    start program = "/usr/sbin/nginx -g 'daemon on;'" with timeout 30 seconds
    stop program = "/usr/sbin/nginx -s stop" as uid root and gid root
    if failed host 127.0.0.1 port 80 protocol http request "/healthz" for 2 cycles then restart
    if cpu > 80% for 5 cycles then alert else if succeeded then alert
    if 3 restarts within 5 cycles then unmonitor
    depends on nginx_bin, nginx_conf
    group www
    every 2 cycles

check file nginx_bin with path /usr/sbin/nginx
    if failed checksum then unmonitor
check file nginx_conf with path /etc/nginx/nginx.conf
    if changed sha1 checksum then alert
check program backup with path "/usr/local/bin/check-backup --max-age 26h" as uid root with timeout 60 seconds
    if status != 0 then alert
check system $HOST
    if loadavg (5min) per core > 1.5 then alert
    if memory > 90% or swap > 25% then alert
"""


def test_full_config_model() -> None:
    result = parse_text(FULL, "full.monitrc")
    assert findings_of(result) == []
    config = result.config
    assert [s.kind for s in config.settings] == ["daemon", "log", "httpd", "mailserver", "alert"]
    daemon = config.settings[0]
    assert isinstance(daemon, DaemonSetting) and (daemon.interval, daemon.start_delay) == (30, 60)
    httpd = config.settings[2]
    assert isinstance(httpd, HttpdSetting)
    assert httpd.port == 2812 and httpd.address == "localhost"
    assert [a.kind for a in httpd.allow] == ["host", "user"]
    user = httpd.allow[1]
    assert isinstance(user, AllowUser) and user.password == "s3cret" and user.read_only
    alert = config.settings[4]
    assert isinstance(alert, AlertSetting) and alert.recipient is not None
    assert alert.recipient.events == ["instance", "action"]
    assert alert.recipient.exclude_events is True

    nginx, nginx_bin, nginx_conf, backup, system = config.services
    assert (nginx.type, nginx.name, nginx.target_kind, nginx.target) == (
        "process",
        "nginx",
        "pidfile",
        "/run/nginx.pid",
    )
    assert nginx.start is not None and nginx.start.argv == ["/usr/sbin/nginx", "-g", "daemon on;"]
    assert nginx.start.timeout == 30
    assert nginx.stop is not None and nginx.stop.argv == ["/usr/sbin/nginx", "-s", "stop"]
    assert (nginx.stop.uid, nginx.stop.gid) == ("root", "root")
    assert [d.value for d in nginx.depends] == ["nginx_bin", "nginx_conf"]
    assert [g.value for g in nginx.groups] == ["www"]
    assert nginx.every == "every 2 cycles"
    kinds = [t.kind for t in nginx.tests]
    assert kinds == ["port", "process_resource", "restart_limit"]
    port = nginx.tests[0]
    assert isinstance(port, PortTest) and port.protocol is not None
    assert (port.host, port.port, port.protocol.name) == ("127.0.0.1", 80, "http")
    assert port.protocol.request == "/healthz"
    assert port.rate is not None and port.rate.cycles == 2
    assert port.action is not None and port.action.kind == "restart"
    cpu = nginx.tests[1]
    assert isinstance(cpu, ResourceTest) and cpu.conditions[0].value is not None
    assert cpu.conditions[0].subject is Subject.CPU and cpu.conditions[0].value.written == "80"
    assert cpu.conditions[0].value.value == 80
    assert cpu.else_action is not None and cpu.else_action.kind == "alert"
    limit = nginx.tests[2]
    assert isinstance(limit, RestartLimitTest)
    assert (limit.restarts, limit.cycles) == (3, 5) and limit.action is not None
    assert limit.action.kind == "unmonitor"
    assert (nginx_bin.type, nginx_bin.target) == ("file", "/usr/sbin/nginx")
    assert nginx_conf.tests[0].kind == "checksum"
    assert backup.type == "program" and backup.program is not None
    assert backup.program.argv == ["/usr/local/bin/check-backup", "--max-age", "26h"]
    assert backup.program.timeout == 60 and backup.program.uid == "root"
    assert system.type == "system" and system.name == "$HOST"
    memory_swap = system.tests[1]
    assert isinstance(memory_swap, ResourceTest)
    assert [c.subject for c in memory_swap.conditions] == [Subject.MEMORY, Subject.SWAP]


def test_users_and_groups_are_ids_when_unquoted_numbers_and_names_otherwise() -> None:
    # As Monit reads them: NUMBER is an id, a quoted "0" is looked up as a name.
    text = (
        'set httpd unixsocket /run/m.sock uid 0 gid "0"\n  allow admin:"x"\n'
        'check process p matching "p"\n'
        '  start program = "/bin/true" as uid 0 and gid "0"\n'
        '  stop program = "/bin/true" as uid www and gid 33\n'
        "  if failed uid '0' then alert\n  if failed gid 0 then alert\n"
    )
    result = parse_text(text, "monitrc")
    assert findings_of(result) == []
    service = result.config.services[0]
    assert service.start is not None and service.stop is not None
    assert (service.start.uid, service.start.gid, service.start.argv) == (0, "0", ["/bin/true"])
    assert (service.stop.uid, service.stop.gid) == ("www", 33)
    owners = [t.owner for t in service.tests if isinstance(t, OwnerTest)]
    assert owners == ["0", 0]
    socket = next(s for s in result.config.settings if isinstance(s, HttpdSetting)).unixsocket
    assert socket is not None and (socket.uid, socket.gid) == (0, "0")


def test_spans_are_exact() -> None:
    result = parse_text(FULL, "full.monitrc")
    nginx = result.config.services[0]
    assert (nginx.span.line, nginx.span.column, nginx.span.end_line, nginx.span.end_column) == (9, 1, 9, 20)
    assert (nginx.name_span.column, nginx.name_span.end_column) == (15, 20)
    assert nginx.stop is not None and nginx.stop.span.line == 11
    assert nginx.tests[0].span.line == 12 and nginx.tests[0].span.column == 5
    assert nginx.end is not None and nginx.end.line == 17


def test_every_syntax_error_is_reported_at_the_offending_token() -> None:
    text = """\
check process a with pidfile /run/a.pid
    if cpu > 80% for 5 cycles alert
    stop program = "/bin/kill a"
check process b with pidfile /run/b.pid
    if memory > 200MB then restart
    start program = '/usr/bin/b start'
    stop program = "/bin/kill b"
check process c with pidfile /run/c.pid
    start program = "/bin/c"
"""
    result = parse_text(text, "t.monitrc")
    errors = [(d.span.line, d.span.column, d.message) for d in findings_of(result)]
    assert [(line, col) for line, col, _ in errors] == [(2, 31), (5, 17), (6, 19)]
    assert "expected `then` after the condition" in errors[0][2]
    assert "separated by a space" in errors[1][2]
    assert "double quotes" in errors[2][2]
    # the good statements of broken blocks still reach the model
    names = {s.name: s for s in result.config.services}
    assert names["a"].stop is not None and names["b"].stop is not None
    assert names["c"].start is not None


def test_statement_illegal_for_type_and_missing_target() -> None:
    result = parse_text(
        'check file f with path /x\n  if cpu > 5% then alert\ncheck process p\n  start program = "/x"\n'
    )
    messages = [d.message for d in findings_of(result)]
    assert "`cpu` cannot be tested in a `check file` block" in messages[0]
    assert "needs `with pidfile" in messages[1]


def test_error_at_end_of_file_points_at_last_token() -> None:
    result = parse_text("check process a with pidfile /run/a.pid\n  if cpu > 80%")
    (diag,) = findings_of(result)
    assert diag.span.line == 2 and "`then`" in diag.message


def test_set_statement_error_reported_at_next_statement_like_monit() -> None:
    result = parse_text("set eventqueue\n\ncheck system x\n")
    (diag,) = findings_of(result)
    assert diag.span.line == 3 and "basedir" in diag.message


def test_lines_outside_a_block_are_reported() -> None:
    result = parse_text("if failed port 80 then alert\n")
    (diag,) = findings_of(result)
    assert "outside a `check` block" in diag.message


def test_empty_and_comment_only_files_are_fine() -> None:
    assert findings_of(parse_text("")) == []
    assert findings_of(parse_text("# nothing\n   \n")) == []


def test_crlf_and_no_final_newline() -> None:
    result = parse_text("set daemon 30\r\ncheck system x\r\n  if cpu > 80% then alert")
    assert findings_of(result) == []
    assert result.config.services[0].tests[0].kind == "system_resource"


def test_include_positions_point_into_the_included_file(tmp_path: Path) -> None:
    conf = tmp_path / "conf.d"
    conf.mkdir()
    (conf / "a.conf").write_text('check process a with pidfile /run/a.pid\n  start program = "/bin/a"\n')
    (conf / "b.conf").write_text("\n\ncheck process b with pidfile /run/b.pid\n")
    (conf / "c.conf~").write_text("check process backup_copy with pidfile /x\n")
    (tmp_path / "rootbin").write_text("  if failed permission 755 then unmonitor\n")
    main = tmp_path / "monitrc"
    main.write_text(
        "set daemon 30\n"
        "check file bin with path /bin/sh\n"
        "    include rootbin\n"
        "    if changed checksum then alert\n"
        "include conf.d/*\n"
    )
    result = parse_file(str(main))
    assert findings_of(result) == []
    services = result.config.services
    # Monit reads one glob's matches in reverse sorted order; `~` files are skipped
    assert [s.name for s in services] == ["bin", "b", "a"]
    assert [t.kind for t in services[0].tests] == ["permission", "checksum"]
    assert services[0].tests[0].span.path.endswith("rootbin") and services[0].tests[0].span.line == 1
    assert services[1].span.path.endswith("b.conf") and services[1].span.line == 3
    include = result.config.includes[-1]
    assert include.pattern == "conf.d/*" and [Path(f).name for f in include.files] == ["b.conf", "a.conf"]


def test_include_with_root_maps_absolute_paths(tmp_path: Path) -> None:
    (tmp_path / "etc/monit/conf.d").mkdir(parents=True)
    (tmp_path / "etc/monit/conf.d/x").write_text("check system x\n")
    main = tmp_path / "etc/monit/monitrc"
    main.write_text("include /etc/monit/conf.d/*\n")
    result = parse_file(str(main), root=str(tmp_path))
    assert [s.name for s in result.config.services] == ["x"]


def test_include_problems_are_findings(tmp_path: Path) -> None:
    main = tmp_path / "monitrc"
    main.write_text("include /nonexistent-dir/*\ninclude missing.conf\ninclude monitrc\n")
    result = parse_file(str(main))
    codes = [(d.code, d.span.line) for d in findings_of(result)]
    assert codes == [("MON002", 1), ("MON002", 2), ("MON003", 3)]


def test_include_cycle_between_two_files(tmp_path: Path) -> None:
    (tmp_path / "a").write_text("include b\ncheck system a\n")
    (tmp_path / "b").write_text("include a\n")
    result = parse_file(str(tmp_path / "a"))
    assert [d.code for d in findings_of(result)] == ["MON003"]
    assert [s.name for s in result.config.services] == ["a"]


def test_unreadable_included_file_is_a_finding(tmp_path: Path) -> None:
    (tmp_path / "bin").write_bytes(b"\x00\x01binary")
    (tmp_path / "main").write_text("include bin\n")
    result = parse_file(str(tmp_path / "main"))
    (diag,) = findings_of(result)
    assert diag.code == "MON002" and "binary" in diag.message


def test_deep_include_nesting_is_bounded(tmp_path: Path) -> None:
    for i in range(1030):
        (tmp_path / f"f{i}").write_text(f"include f{i + 1}\n")
    (tmp_path / "f1030").write_text("check system deep\n")
    result = parse_file(str(tmp_path / "f0"))
    assert any("limit" in d.message for d in findings_of(result))


@pytest.mark.parametrize(
    ("text", "place", "guess"),
    [
        ("chek process b with pidfile /x\n", "1:1", "check"),
        ("set daemon 30\nchek process b with pidfile /x\n", "2:1", "check"),
        ('set daemon 30\ncheck process a with pidfile /r\n  start programm = "/bin/a"\n', "3:9", "program"),
        ('set daemon 30\ncheck process a with pidfile /r\n  stopp program = "/bin/b"\n', "3:3", "stop"),
    ],
)
def test_misspelled_keywords_get_a_suggestion_with_the_caret_on_the_word(
    tmp_path: Path, text: str, place: str, guess: str
) -> None:
    path = tmp_path / "monitrc"
    path.write_text(text)
    result = run_cli("check", "--isolated", "--no-cache", str(path))
    assert f"monitrc:{place}: MON001 error: " in result.stdout and f"did you mean `{guess}`?" in result.stdout, (
        result.stdout
    )
