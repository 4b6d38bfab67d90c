"""Builds the typed model (monitlint.model) from the parser's callbacks.

The Lark parser is run without building a tree: each grammar rule calls the
method of the same name here as soon as it is reduced.  Rules without a method
become :class:`Node` objects, which the methods below read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from monitlint.grammar.keywords import SERVICE_TYPE_OF_CHECK
from monitlint.grammar.tokens import Token
from monitlint.model import (
    Action,
    AlertRecipient,
    Condition,
    Name,
    Program,
    Rate,
    Service,
    Setting,
    Span,
    Test,
)


class Node:
    """A rule with no dedicated method: its name and children."""

    __slots__ = ("_tokens", "children", "data")

    def __init__(self, data: str, children: list[Any]) -> None:
        self.data = data
        self.children = children
        self._tokens: list[Token] | None = None

    def tokens(self) -> list[Token]:
        """Every token below this node, in order."""
        if self._tokens is None:
            out: list[Token] = []
            for child in self.children:
                if type(child) is Token:
                    out.append(child)
                elif type(child) is Node:
                    out.extend(child.tokens())
            self._tokens = out
        return self._tokens

    def __repr__(self) -> str:
        return f"Node({self.data!r}, {self.children!r})"


def token_span(first: Token, last: Token | None = None) -> Span:
    """Span from the start of ``first`` to the end of ``last`` (both from the scanner)."""
    if last is None:
        last = first
    return Span(first.path, first.line, first.column, last.end_line, last.end_column)


def _first_token(item: Any) -> Token | None:
    if isinstance(item, Token):
        return item
    if isinstance(item, Node):
        for tok in item.tokens():
            return tok
    return None


def _last_token(item: Any) -> Token | None:
    if isinstance(item, Token):
        return item
    if isinstance(item, Node):
        last = None
        for tok in item.tokens():
            last = tok
        return last
    return None


def _span_of(children: list[Any]) -> Span:
    """Span covering a rule's children (tokens, nodes, or model objects with spans)."""
    start: tuple[str, int, int] | None = None
    for child in children:
        kind = type(child)
        tok = child if kind is Token else _first_token(child) if kind is Node else None
        if tok is not None:
            start = (tok.path, tok.line, tok.column)
            break
        span = getattr(child, "span", None)
        if span is not None:
            start = (span.path, span.line, span.column)
            break
    end: tuple[int, int] | None = None
    for child in reversed(children):
        kind = type(child)
        tok = child if kind is Token else _last_token(child) if kind is Node else None
        if tok is not None:
            end = (tok.end_line, tok.end_column)
            break
        span = _end_span(child)
        if span is not None:
            end = (span.end_line, span.end_column)
            break
    assert start is not None and end is not None
    return Span(start[0], start[1], start[2], end[0], end[1])


def _end_span(item: Any) -> Span | None:
    if isinstance(item, _Outcome):
        return item.span
    return getattr(item, "span", None)


def _words(children: list[Any]) -> list[str]:
    out: list[str] = []
    for child in children:
        if isinstance(child, Token):
            out.append(str(child))
        elif isinstance(child, Node):
            out.extend(str(t) for t in child.tokens())
    return out


@dataclass
class _Outcome:
    rate: Rate | None
    action: Action
    span: Span


@dataclass
class _Recovery:
    rate: Rate | None
    action: Action
    span: Span


@dataclass
class _Statement:
    """A block statement that is not a test: (key, value)."""

    key: str
    value: Any


_TEST_KINDS = {
    "test_exist",
    "test_pid",
    "test_ppid",
    "test_uid",
    "test_euid",
    "test_gid",
    "test_secattr",
    "test_filedescriptors",
    "test_total_filedescriptors",
    "test_uptime",
    "test_timestamp",
    "test_permission",
    "test_checksum",
    "test_size",
    "test_file_content",
    "ignore_content",
    "test_match",
    "ignore_match",
    "test_status",
    "test_program_content",
    "test_space",
    "test_inode",
    "test_filesystem_io",
    "test_servicetime",
    "test_fsflags",
    "test_link",
    "test_saturation",
    "test_transfer",
    "test_ping",
    "test_process_resource",
    "test_system_resource",
    "test_port",
    "test_url",
    "test_unixsocket",
    "restart_limit",
}

_SERVICE_RULES = (
    "process_service",
    "file_service",
    "fifo_service",
    "filesystem_service",
    "directory_service",
    "host_service",
    "system_service",
    "program_service",
    "network_service",
)


# Every grammar rule is accounted for (tests/test_model_mapping.py checks it against monitrc.lark):
# a method of ModelBuilder, a test kind, a service, a setting, or one of these.
# `set` statements: each becomes a Setting of that kind (set_statement is only a choice, inlined).
_SETTING_RULES = frozenset(
    {
        "set_alert",
        "set_daemon",
        "set_eventqueue",
        "set_expectbuffer",
        "set_fips",
        "set_httpd",
        "set_idfile",
        "set_init",
        "set_limits",
        "set_log",
        "set_mailformat",
        "set_mailserver",
        "set_mmonit",
        "set_onreboot",
        "set_pidfile",
        "set_ssl",
        "set_statefile",
        "set_terminal",
    }
)
# Rules with no model object of their own: kept as a Node, which the method of the rule around
# them reads (options, operators, units, protocol details), or inlined choices.
_NODE_RULES = frozenset(
    {
        "action",
        "allow",
        "allow_host",
        "allow_htpasswd",
        "allow_pam",
        "allow_user",
        "apache_limit",
        "apache_option",
        "apache_protocol",
        "byte_unit",
        "certificate_valid",
        "certmd5",
        "common_statement",
        "connection_option",
        "content_operator",
        "content_test",
        "cpu_kind",
        "credential",
        "directory_statement",
        "event",
        "event_filter",
        "fifo_statement",
        "file_statement",
        "filesystem_statement",
        "hash_type",
        "host_statement",
        "htpasswd_kind",
        "http_option",
        "http_protocol",
        "httpd_address",
        "httpd_clientpemfile",
        "httpd_option",
        "httpd_pemfile",
        "httpd_port",
        "httpd_selfcert",
        "httpd_signature",
        "httpd_unixsocket",
        "icmp_option",
        "ip_version",
        "limit",
        "limit_buffer",
        "limit_timeout",
        "loadavg",
        "mail_format",
        "mail_format_option",
        "mailserver",
        "mailserver_hostname",
        "mailserver_option",
        "mailserver_timeout",
        "mmonit_option",
        "mmonit_server",
        "mqtt_protocol",
        "mysql_option",
        "mysql_protocol",
        "network_statement",
        "onreboot_choice",
        "operator",
        "pgsql_option",
        "pgsql_protocol",
        "ping_kind",
        "port_target",
        "process_resource",
        "process_statement",
        "process_target",
        "program_statement",
        "protocol",
        "protocol_name",
        "radius_protocol",
        "radius_secret",
        "register_credentials",
        "reminder",
        "response_time",
        "retry",
        "send_expect",
        "service",
        "set_statement",
        "simple_protocol",
        "sip_option",
        "sip_protocol",
        "smtp_protocol",
        "socket_type",
        "source_address",
        "ssl",
        "ssl_checksum",
        "ssl_file_key",
        "ssl_option",
        "ssl_version",
        "system_resource",
        "system_statement",
        "time_unit",
        "timestamp_kind",
        "unixsocket_option",
        "unixsocket_test_option",
        "url_option",
        "value",
        "websocket_option",
        "websocket_protocol",
    }
)


class ModelBuilder:
    """Parser callbacks: one method per grammar rule that yields a model object."""

    # -- generic pieces --------------------------------------------------------

    def chunk(self, children: list[Any]) -> Any:
        return children[0]

    def argument(self, children: list[Any]) -> Token:
        token: Token = children[0]
        return token

    def user_option(self, children: list[Any]) -> _Statement:
        return _Statement(str(children[0].type).lower(), str(children[1]))

    def timeout_seconds(self, children: list[Any]) -> _Statement:
        return _Statement("timeout", int(children[1]))

    def rate(self, children: list[Any]) -> Rate:
        if len(children) == 3:
            return Rate(cycles=int(children[1]), times=int(children[0]))
        return Rate(cycles=int(children[0]))

    def _action(self, kind: str, children: list[Any]) -> Action:
        return Action(kind, _span_of(children))

    def action_alert(self, children: list[Any]) -> Action:
        return self._action("alert", children)

    def action_restart(self, children: list[Any]) -> Action:
        return self._action("restart", children)

    def action_start(self, children: list[Any]) -> Action:
        return self._action("start", children)

    def action_stop(self, children: list[Any]) -> Action:
        return self._action("stop", children)

    def action_unmonitor(self, children: list[Any]) -> Action:
        return self._action("unmonitor", children)

    def action_exec(self, children: list[Any]) -> Action:
        program = _program(children)
        repeat = None
        for i, child in enumerate(children):
            if isinstance(child, Token) and child.type == "REPEAT":
                repeat = int(children[i + 2])
        return Action("exec", _span_of(children), program=program, repeat_every=repeat)

    def outcome(self, children: list[Any]) -> _Outcome:
        rate = children[0] if isinstance(children[0], Rate) else None
        return _Outcome(rate, children[-1], _span_of(children))

    def recovery(self, children: list[Any]) -> _Recovery:
        rate = next((c for c in children if isinstance(c, Rate)), None)
        return _Recovery(rate, children[-1], _span_of(children))

    fail_recovery = recovery

    # -- services --------------------------------------------------------------

    def _service(self, children: list[Any]) -> Service:
        check, name = children[0], children[1]
        service = Service(
            type=SERVICE_TYPE_OF_CHECK[check.type],
            name=str(name),
            span=token_span(check, name),
            name_span=token_span(name),
        )
        # The target (pidfile, path, matching, address, interface, program path): the items
        # before the first statement (walked by index: popping the head of the list each time
        # was quadratic in a program of very many arguments).
        first_statement = 2
        while first_statement < len(children) and not isinstance(
            children[first_statement], (Test, _Statement, AlertRecipient)
        ):
            first_statement += 1
        rest = children[first_statement:]
        for item in children[2:first_statement]:
            if isinstance(item, Node) and item.data == "process_target":
                keyword, value = item.children
                service.target_kind = {"PIDFILE": "pidfile", "PATHTOK": "pidfile", "MATCH": "matching"}[keyword.type]
                service.target = str(value)
            elif isinstance(item, Token) and item.type in ("PATHTOK", "ADDRESS", "INTERFACE"):
                service.target_kind = {"PATHTOK": "path", "ADDRESS": "address", "INTERFACE": "interface"}[item.type]
            elif isinstance(item, Token) and service.type == "program":
                if service.program is None:
                    service.program = Program([], token_span(item))
                service.program.argv.append(str(item))
                service.program.span = Span(
                    service.program.span.path,
                    service.program.span.line,
                    service.program.span.column,
                    item.end_line or 1,
                    item.end_column or 1,
                )
            elif isinstance(item, Token):
                service.target = str(item)
        for item in rest:
            if isinstance(item, Test):
                service.tests.append(item)
            elif isinstance(item, AlertRecipient):
                service.alerts.append(item)
            elif isinstance(item, _Statement):
                _apply_statement(service, item)
        if service.type == "program" and service.program is not None:
            service.target = " ".join(service.program.argv)
        return service

    def program_service(self, children: list[Any]) -> Service:
        # user options and the timeout that follow the program path belong to it
        head: list[Any] = []
        tail: list[Any] = []
        options: list[_Statement] = []
        for index, child in enumerate(children):
            if isinstance(child, _Statement) and child.key in ("uid", "gid", "timeout") and not tail:
                options.append(child)
            elif isinstance(child, (Test, AlertRecipient, _Statement)):
                tail = children[index:]
                break
            else:
                head.append(child)
        service = self._service(head + tail)
        if service.program is not None:
            for option in options:
                setattr(service.program, option.key, option.value)
        return service

    def __getattr__(self, name: str) -> Any:
        # Explicit tables, never a name prefix: a new grammar rule missing from them would
        # silently become a Node and drop out of the model (the mapping test catches it).
        if name in _SERVICE_RULES:
            return self._service
        if name in _TEST_KINDS:
            kind = name[5:] if name.startswith("test_") else name
            return lambda children: _test(kind, children)
        if name in _SETTING_RULES:
            return lambda children: _setting(name[4:], children)
        raise AttributeError(name)  # a Node rule (or not a grammar rule): the parser builds a Node

    # -- block statements --------------------------------------------------------

    def _method(self, key: str, children: list[Any]) -> _Statement:
        return _Statement(key, _program(children))

    def start_program(self, children: list[Any]) -> _Statement:
        return self._method("start", children)

    def stop_program(self, children: list[Any]) -> _Statement:
        return self._method("stop", children)

    def restart_program(self, children: list[Any]) -> _Statement:
        return self._method("restart", children)

    def alert(self, children: list[Any]) -> AlertRecipient:
        return _recipient(children)

    def noalert(self, children: list[Any]) -> _Statement:
        return _Statement("noalert", AlertRecipient(str(children[1]), _span_of(children)))

    def every(self, children: list[Any]) -> _Statement:
        return _Statement("every", " ".join(_words(children)))

    def mode(self, children: list[Any]) -> _Statement:
        return _Statement("mode", str(children[1]).lower())

    def onreboot(self, children: list[Any]) -> _Statement:
        return _Statement("onreboot", " ".join(_words(children[1:])).lower())

    def group(self, children: list[Any]) -> _Statement:
        return _Statement("group", Name(str(children[1]), token_span(children[1])))

    def depends(self, children: list[Any]) -> _Statement:
        return _Statement("depends", [Name(str(c), token_span(c)) for c in children[1:]])


def _program(children: list[Any]) -> Program:
    argv: list[Token] = []
    program = Program([], _span_of(children))
    for child in children[1:]:
        if isinstance(child, Token) and child.type in ("STRING", "PATH") and not program.uid and not program.gid:
            argv.append(child)
        elif isinstance(child, _Statement):
            setattr(program, child.key, child.value)
    program.argv = [str(a) for a in argv]
    return program


def _apply_statement(service: Service, item: _Statement) -> None:
    if item.key in ("start", "stop", "restart"):
        setattr(service, item.key, item.value)
    elif item.key == "depends":
        service.depends.extend(item.value)
    elif item.key == "group":
        service.groups.append(item.value)
    elif item.key == "noalert":
        service.noalerts.append(item.value)
    elif item.key in ("every", "mode", "onreboot"):
        setattr(service, item.key, item.value)


def _recipient(children: list[Any]) -> AlertRecipient:
    recipient = AlertRecipient(str(children[1]), _span_of(children))
    for child in children[2:]:
        if isinstance(child, Node) and child.data == "event_filter":
            words = list(child.tokens())
            recipient.exclude_events = words[0].type == "NOT"
            recipient.events = [str(t).lower() for t in words if t.type not in ("NOT", "LBRACE", "RBRACE")]
        elif isinstance(child, Node) and child.data == "reminder":
            recipient.reminder = int(child.children[1])
        elif isinstance(child, Node) and child.data == "mail_format":
            recipient.mail_format = _mail_format(child.children)
    return recipient


def _mail_format(children: list[Any]) -> dict[str, str]:
    keys = {"MAILFROM": "from", "MAILREPLYTO": "reply-to", "MAILSUBJECT": "subject", "MAILBODY": "message"}
    out: dict[str, str] = {}
    for child in children:
        if isinstance(child, Node):
            for tok in child.tokens():
                if tok.type in keys:
                    out[keys[tok.type]] = str(tok)
    return out


def _test(kind: str, children: list[Any]) -> Test:
    span = _span_of(children)
    test = Test(kind=kind, span=span, condition="")
    condition: list[Token] = []  # the condition's tokens, in order
    for child in children:
        if type(child) is Token:
            if kind == "restart_limit" and child.type == "TIMEOUT":
                test.action = Action("timeout", token_span(child))
            elif child.type != "IF" and child.type != "THEN":
                condition.append(child)
        elif type(child) is Node:
            toks = child.tokens()
            condition.extend(toks)
            data = child.data
            if data == "process_resource" or data == "system_resource":
                test.conditions.append(_condition(toks))
            elif data == "port_target":
                for i, tok in enumerate(toks):
                    if tok.type in ("HOST", "PORT"):
                        test.options[tok.type.lower()] = str(toks[i + 1])
            elif data == "protocol":
                test.options["protocol"] = str(toks[1]).lower()
        elif isinstance(child, _Outcome):
            test.rate, test.action = child.rate, child.action
        elif isinstance(child, _Recovery):
            test.else_rate, test.else_action = child.rate, child.action
        elif isinstance(child, Action):  # restart_limit: "then <action>"
            test.action = child
        elif isinstance(child, _Statement):
            test.options[child.key] = child.value
    if kind == "restart_limit":
        test.options["restarts"] = int(children[1])
        test.options["cycles"] = int(children[3])
    test.condition = " ".join(condition)
    pairs = _PAIRS
    if len(pairs) > _MAX_PAIRS:  # many unique texts (paths, names): start over, bounded
        pairs.clear()
    plain = str.__str__  # the token's text as a plain str
    shared = []
    for tok in condition:
        pair = (tok.type, plain(tok))
        shared.append(pairs.setdefault(pair, pair))
    test.tokens = shared
    return test


# One shared (kind, text) tuple per distinct token: most are keywords, units and small
# numbers repeated in every service, and a large config holds millions of them.
_PAIRS: dict[tuple[str, str], tuple[str, str]] = {}
_MAX_PAIRS = 200_000


def _condition(toks: list[Token]) -> Condition:
    cond = Condition(subject=str(toks[0]).lower(), span=token_span(toks[0], toks[-1]))
    for tok in toks[1:]:
        if tok.type in ("GREATER", "GREATEROREQUAL", "LESS", "LESSOREQUAL", "EQUAL", "NOTEQUAL", "CHANGED"):
            cond.operator = tok.type.lower()
        elif tok.type in ("NUMBER", "REAL") and cond.value is None:
            cond.value = str(tok)
        elif tok.type in ("BYTE", "KILOBYTE", "MEGABYTE", "GIGABYTE", "PERCENT", "OPERATION", "SECOND"):
            cond.unit = cond.unit or tok.type.lower()
    return cond


_SETTING_KINDS = {"log": "log", "mailformat": "mail-format"}


def _setting(kind: str, children: list[Any]) -> Setting:
    kind = _SETTING_KINDS.get(kind, kind)
    setting = Setting(kind=kind, span=_span_of(children))
    values = setting.values
    if kind == "alert":
        recipient = _recipient(children[1:])
        values.update(
            address=recipient.address,
            events=recipient.events,
            exclude_events=recipient.exclude_events,
            reminder=recipient.reminder,
            mail_format=recipient.mail_format,
        )
    elif kind == "httpd":
        values.update(_httpd(children[2:]))
    elif kind == "mailserver":
        values["servers"] = [_mailserver(c) for c in children if isinstance(c, Node) and c.data == "mailserver"]
    elif kind == "mail-format":
        values.update(_mail_format(children))
    elif kind == "daemon":
        values["interval"] = int(children[2])
        if len(children) > 3:
            values["start_delay"] = int(children[-1])
    elif kind == "mmonit":
        values["urls"] = [str(c.children[0]) for c in children if isinstance(c, Node)]
    else:
        words = _words(children[2:])
        values["value"] = " ".join(words)
    return setting


def _mailserver(node: Node) -> dict[str, Any]:
    toks = list(node.tokens())
    server: dict[str, Any] = {"host": str(toks[0])}
    for i, tok in enumerate(toks):
        if tok.type in ("PORT", "USERNAME", "PASSWORD") and i + 1 < len(toks):
            server[tok.type.lower()] = int(toks[i + 1]) if tok.type == "PORT" else str(toks[i + 1])
        elif tok.type == "SSLTOKEN":
            server["ssl"] = True
    return server


def _httpd(children: list[Any]) -> dict[str, Any]:
    values: dict[str, Any] = {"allow": []}
    for child in children:
        if not isinstance(child, Node):
            continue
        toks = list(child.tokens())
        if child.data == "httpd_port":
            values["port"] = int(toks[1])
            values["read_only"] = len(toks) > 2
        elif child.data == "httpd_unixsocket":
            values["unixsocket"] = str(toks[1])
        elif child.data == "httpd_address":
            values["address"] = str(toks[1])
        elif child.data == "ssl":
            values["ssl"] = True
        elif child.data == "allow_user":
            values["allow"].append(
                {
                    "kind": "user",
                    "user": str(toks[1]),
                    "password": str(toks[3]),
                    "read_only": len(toks) > 4,
                    "span": token_span(toks[0], toks[-1]).to_dict(),
                }
            )
        elif child.data == "allow_pam":
            values["allow"].append(
                {"kind": "pam", "group": str(toks[2]), "span": token_span(toks[0], toks[-1]).to_dict()}
            )
        elif child.data == "allow_htpasswd":
            values["allow"].append(
                {
                    "kind": "htpasswd",
                    "file": next(str(t) for t in toks if t.type == "PATH"),
                    "span": token_span(toks[0], toks[-1]).to_dict(),
                }
            )
        elif child.data == "allow_host":
            values["allow"].append(
                {"kind": "host", "host": str(toks[1]), "span": token_span(toks[0], toks[-1]).to_dict()}
            )
    return values


def mapped_rules() -> frozenset[str]:
    """Every grammar rule the model accounts for: by a method, a test kind, a service, a setting or a Node."""
    methods = {name for name in vars(ModelBuilder) if not name.startswith("_")}
    return frozenset(methods | _TEST_KINDS | set(_SERVICE_RULES) | _SETTING_RULES | _NODE_RULES)
