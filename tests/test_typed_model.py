"""The model is typed: rules read enums, numbers and typed fields, never grammar terminal names."""

from __future__ import annotations

import ast
import json
import pickle
import re
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from enum import Enum
from typing import Any

from monitlint import model
from monitlint.grammar import build_tests
from monitlint.grammar.parser import parse_text
from monitlint.model import (
    Allow,
    AllowKind,
    AllowUser,
    ConnectionTest,
    ControlFile,
    HashType,
    HttpdSetting,
    LinkState,
    LinkTest,
    LogSetting,
    MailServerSetting,
    Operator,
    PortTest,
    ResourceTest,
    Service,
    ServiceType,
    Setting,
    SettingKind,
    SocketType,
    Subject,
    TargetKind,
    TransferTest,
    Unit,
    plain,
)
from tests.conftest import REPO, findings_of

PACKAGE = REPO / "monitlint"
LINTER = PACKAGE / "linter"
# Reading the parser's bookkeeping or the old untyped dicts instead of typed fields (`SslSetting.options`
# is a typed field, so only subscripts and `.get(` of `options`/`values` count).
_RAW_ACCESS = re.compile(r"\.tokens\b|\boptions\[|\bvalues\[|\.values\.get\(|\.options\.get\(")


def terminal_names() -> set[str]:
    """The terminals monitrc.lark declares."""
    text = (REPO / "monitlint" / "grammar" / "monitrc.lark").read_text()
    return {name for line in text.splitlines() if line.startswith("%declare") for name in line.split()[1:]}


def test_no_rule_or_helper_reads_raw_model_dicts_or_tokens() -> None:
    found = []
    for path in sorted(LINTER.rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if _RAW_ACCESS.search(line):
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert found == []


def test_no_rule_or_helper_spells_a_grammar_terminal_name() -> None:
    terminals = terminal_names()
    assert {"TOTALMEMORY", "MEGABYTE", "CHECKSUM"} <= terminals  # the pattern still reads the grammar
    found = []
    for path in sorted(LINTER.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in terminals:
                found.append(f"{path.relative_to(REPO)}:{node.lineno}: {node.value!r}")
    assert found == []


CONFIG = """\
set daemon 30
set log syslog facility log_local3
set httpd port 2812 use address 127.0.0.1
    with ssl { pemfile: /etc/a.pem, pemchain: /etc/b.pem, pemfile: /etc/c.pem }
    allow admin:"secret"
set httpd unixsocket /run/monit.sock permission 0660 read-only
set mailserver smtp.example.com port 587 username "u" password "p"
    using tls { verify: enable } certificate checksum sha1 = 0a23
set init
check process app with pidfile /run/app.pid
    if total mem > 150% then alert
    if totalmem > 150% then alert
    if total memory > 1.5 GB for 3 cycles then restart
    if mem > 200 then alert
    if loadavg (5min) per core > 2 then alert
    if disk read > 2 MB/s then alert
    if failed host 127.0.0.1 port 80 type udp protocol http request "/" with method head
       status = 204 checksum 8f7f content = "ok" address 10.0.0.1 then alert
    if failed port 3306 protocol mysql username "u" password "p" rsakey checksum md5 = abc then alert
    if failed port 25 send "HELO" expect "^250" with timeout 5 seconds then alert
check network eth with interface eth0
    if total upload > 1 GB in last 2 hours then alert
    if link up then alert
check filesystem root with path /
    if service time > 300 milliseconds then alert
    if space free < 10 % then alert
check program job with path "/bin/job --a --b"
    if status != 0 then alert
"""


def _model() -> ControlFile:
    result = parse_text(CONFIG, "typed.monitrc")
    assert findings_of(result) == []
    return result.config


def test_spellings_resolve_to_one_subject_and_canonical_units() -> None:
    app = _model().services[0]
    conditions = [c for t in app.tests if isinstance(t, ResourceTest) for c in t.conditions]
    assert [c.subject for c in conditions[:4]] == [Subject.TOTAL_MEMORY] * 3 + [Subject.MEMORY]
    assert [c.written for c in conditions[:3]] == ["total mem", "totalmem", "total memory"]
    total = conditions[2].value
    assert total is not None and (total.value, total.unit, total.written, total.written_unit) == (
        1.5 * 1024**3,
        Unit.BYTES,
        "1.5",
        "GB",
    )
    bare = conditions[3].value
    assert bare is not None and (bare.value, bare.unit, bare.written_unit) == (200, Unit.BYTES, None)
    assert conditions[0].operator is Operator.GREATER
    assert conditions[4].subject is Subject.LOADAVG_5MIN and conditions[4].per_core
    disk = conditions[5].value
    assert conditions[5].subject is Subject.DISK_READ
    assert disk is not None and (disk.value, disk.unit) == (2 * 1024**2, Unit.BYTES_PER_SECOND)


def test_connection_tests_hold_what_monits_post_grammar_checks_need() -> None:
    app = _model().services[0]
    http, mysql, smtp = (t for t in app.tests if isinstance(t, ConnectionTest))
    assert isinstance(http, PortTest) and http.protocol is not None
    assert (http.host, http.port, http.socket_type, http.address) == ("127.0.0.1", 80, SocketType.UDP, "10.0.0.1")
    assert (http.protocol.name, http.protocol.method, http.protocol.request) == ("http", "head", "/")
    assert http.protocol.status is not None and http.protocol.status.value is not None
    assert http.protocol.status.value.value == 204
    assert http.protocol.checksum is not None and http.protocol.checksum.value == "8f7f"
    assert [c.pattern for c in http.content] == ["ok"]
    assert mysql.protocol is not None and mysql.protocol.rsakey is not None
    assert (mysql.protocol.rsakey.value, mysql.protocol.rsakey.hash) == ("abc", HashType.MD5)
    assert mysql.protocol.username == "u"
    assert [(e.send, e.text) for e in smtp.send_expect] == [(True, "HELO"), (False, "^250")]
    assert smtp.timeout == 5


def test_settings_are_typed() -> None:
    config = _model()
    assert [s.kind for s in config.settings] == ["daemon", "log", "httpd", "httpd", "mailserver", "init"]
    log = config.settings[1]
    assert isinstance(log, LogSetting) and (log.syslog, log.facility, log.path) == (True, "log_local3", None)
    tcp, socket = config.settings[2], config.settings[3]
    assert isinstance(tcp, HttpdSetting) and isinstance(socket, HttpdSetting)
    assert tcp.ssl is not None and (tcp.ssl.pemfile, tcp.ssl.pemchain, tcp.ssl.duplicates) == (
        "/etc/c.pem",
        "/etc/b.pem",
        ["pemfile"],
    )
    assert isinstance(tcp.allow[0], AllowUser) and tcp.allow[0].span.line == 5
    assert socket.unixsocket is not None and (socket.unixsocket.permission, socket.unixsocket.read_only) == (
        "0660",
        True,
    )
    mail = config.settings[4]
    assert isinstance(mail, MailServerSetting)
    server = mail.servers[0]
    assert (server.port, server.username, server.password) == (587, "u", "p")
    assert server.ssl is not None and server.ssl.verify is True
    assert [(c.value, c.hash) for c in server.certificate_checksums] == [("0a23", HashType.SHA1)]


def test_network_filesystem_and_program_tests() -> None:
    network, filesystem, program = _model().services[1:]
    total, link = network.tests
    assert isinstance(total, TransferTest) and total.limit is not None and total.limit.value is not None
    assert (total.total, total.period_count, total.period_unit) == (True, 2, "hour")
    assert (total.limit.subject, total.limit.value.value) == (Subject.TOTAL_UPLOAD, 1024**3)
    assert isinstance(link, LinkTest) and link.state is LinkState.UP
    service_time = filesystem.tests[0]
    assert service_time.kind == "servicetime"
    assert program.program is not None and len(program.program.argv) == 3


def _walk(value: Any) -> list[Any]:
    out = [value]
    if is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            out += _walk(getattr(value, f.name))
    elif isinstance(value, list):
        for item in value:
            out += _walk(item)
    return out


def test_the_model_pickles_and_serialises_to_plain_json() -> None:
    config = _model()
    assert pickle.loads(pickle.dumps(config)) == config
    for node in _walk(config):
        if is_dataclass(node):
            assert pickle.loads(pickle.dumps(node)) == node, type(node)
    data = plain(config)
    text = json.dumps(data)
    assert json.loads(text) == data

    def no_enums(value: Any) -> None:
        assert not isinstance(value, Enum)
        if isinstance(value, dict):
            for item in value.values():
                no_enums(item)
        elif isinstance(value, list):
            for item in value:
                no_enums(item)

    no_enums(data)
    first = data["services"][0]["tests"][0]["conditions"][0]
    assert (first["subject"], first["operator"], type(first["subject"])) == ("total memory", ">", str)


# --- kinds are enums, compared as enums --------------------------------------------------------------

_KIND_FIELDS = {"type", "target_kind", "kind"}


def _has_string(node: ast.AST) -> bool:
    """A string literal, or a tuple, list or set literal holding one."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_has_string(item) for item in node.elts)
    return False


def _kind_compared_to_strings(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, expression) of each ``X.type``/``X.target_kind``/``X.kind`` compared with a string literal."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_has_string(o) for o in operands):
                for operand in operands:
                    if isinstance(operand, ast.Attribute) and operand.attr in _KIND_FIELDS:
                        yield node.lineno, ast.unparse(operand)
        elif isinstance(node, ast.Match):
            subject = node.subject
            strings = any(
                isinstance(p, ast.MatchValue) and _has_string(p.value)
                for case in node.cases
                for p in ast.walk(case.pattern)
            )
            if strings and isinstance(subject, ast.Attribute) and subject.attr in _KIND_FIELDS:
                yield node.lineno, ast.unparse(subject)


def test_the_kind_check_finds_string_comparisons() -> None:
    source = """
if service.type == "process": pass
if "matching" != s.target_kind: pass
if setting.kind in ("daemon", "log"): pass
if test.kind not in {"port"}: pass
if service.type is ServiceType.PROCESS and action.kind in (ActionKind.EXEC,): pass
if tok.value == "x" and len(kinds) == 2: pass
match service.type:
    case "host": pass
"""
    found = [expr for _line, expr in sorted(_kind_compared_to_strings(ast.parse(source)))]
    assert found == ["service.type", "s.target_kind", "setting.kind", "test.kind", "service.type"]


def test_no_code_outside_the_grammar_compares_a_kind_with_a_string() -> None:
    """Service.type, Service.target_kind, Setting.kind, Test.kind, Allow.kind and Action.kind are enums.

    Only the model builders (monitlint/grammar/, which read token types) may compare ``.type`` with
    strings; everywhere else a kind is compared with its enum (``service.type is ServiceType.PROCESS``).
    """
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(REPO).as_posix()
        if relative.startswith("monitlint/grammar/"):
            continue
        for line, expr in _kind_compared_to_strings(ast.parse(path.read_text())):
            found.append(f"{relative}:{line}: {expr}")
    assert found == []


def _kinds_of(config: ControlFile) -> list[tuple[Any, type[Enum]]]:
    out: list[tuple[Any, type[Enum]]] = []
    for node in _walk(config):
        if isinstance(node, Service):
            out.append((node.type, ServiceType))
            if node.target_kind is not None:
                out.append((node.target_kind, TargetKind))
        elif isinstance(node, Setting):
            out.append((node.kind, SettingKind))
        elif isinstance(node, model.Test):
            out.append((node.kind, model.TestKind))
        elif isinstance(node, Allow):
            out.append((node.kind, AllowKind))
    return out


def test_the_builders_set_enums_with_the_written_words() -> None:
    config = _model()
    kinds = _kinds_of(config)
    assert {enum for _value, enum in kinds} == {ServiceType, TargetKind, SettingKind, model.TestKind, AllowKind}
    assert all(type(value) is enum for value, enum in kinds), [v for v, e in kinds if type(v) is not e]
    app, network, filesystem, program = config.services
    assert (app.type, app.target_kind) == (ServiceType.PROCESS, TargetKind.PIDFILE)
    assert (network.type, network.target_kind) == (ServiceType.NETWORK, TargetKind.INTERFACE)
    assert (filesystem.type, filesystem.target_kind, program.type) == (
        ServiceType.FILESYSTEM,
        TargetKind.PATH,
        ServiceType.PROGRAM,
    )
    # the JSON form keeps the words
    data = config.to_dict()
    assert (data["services"][0]["type"], data["services"][0]["target_kind"]) == ("process", "pidfile")
    assert [s["kind"] for s in data["settings"]] == ["daemon", "log", "httpd", "httpd", "mailserver", "init"]
    assert json.dumps(app.type) == '"process"' and f"{SettingKind.MAIL_FORMAT}" == "mail-format"


def test_every_test_kind_has_a_grammar_rule() -> None:
    built = {kind for kind, _read in build_tests.TEST_RULES.values()}
    assert built | {model.TestKind.RESTART_LIMIT} == set(model.TestKind)
