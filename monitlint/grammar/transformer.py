"""Builds the typed model (monitlint.model) from the parser's callbacks.

The parser is run without building a tree: each grammar rule calls the method of the same name
here as soon as it is reduced.  Services and block statements are built here; tests by
``build_tests``, settings by ``build_settings``.  Rules without a method become :class:`Node`
objects, which the methods around them read.  This package is the only place that reads grammar
terminal names: the model holds enums, numbers and strings.
"""

from __future__ import annotations

from typing import Any

from monitlint.grammar import build_settings, build_tests
from monitlint.grammar.build_common import Node, Outcome, Statement, span_of, token_span, user_or_id, words
from monitlint.grammar.keywords import SERVICE_TYPE_OF_CHECK
from monitlint.grammar.tokens import Token
from monitlint.model import (
    Action,
    ActionKind,
    AlertRecipient,
    Name,
    Program,
    Rate,
    Service,
    ServiceType,
    Span,
    TargetKind,
    Test,
)

__all__ = ["ModelBuilder", "Node", "mapped_rules", "token_span"]

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

# The type of each `check` keyword, and how a block's first words name its target (a process's
# `path FILE` is its pidfile, as Monit reads it).
_SERVICE_TYPES = {check: ServiceType(word) for check, word in SERVICE_TYPE_OF_CHECK.items()}
_PROCESS_TARGETS = {"PIDFILE": TargetKind.PIDFILE, "PATHTOK": TargetKind.PIDFILE, "MATCH": TargetKind.MATCHING}
_TARGETS = {"PATHTOK": TargetKind.PATH, "ADDRESS": TargetKind.ADDRESS, "INTERFACE": TargetKind.INTERFACE}


# Every grammar rule is accounted for (tests/test_model_mapping.py checks it against monitrc.lark):
# a method of ModelBuilder, a test kind, a service, a setting, or one of these.
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
        "mmonit_hostgroups",
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

    def user_option(self, children: list[Any]) -> Statement:
        return Statement(str(children[0].type).lower(), user_or_id(children[1]))

    def timeout_seconds(self, children: list[Any]) -> Statement:
        return Statement("timeout", int(children[1]))

    def rate(self, children: list[Any]) -> Rate:
        if len(children) == 3:
            return Rate(cycles=int(children[1]), times=int(children[0]))
        return Rate(cycles=int(children[0]))

    def _action(self, kind: ActionKind, children: list[Any]) -> Action:
        return Action(kind, span_of(children))

    def action_alert(self, children: list[Any]) -> Action:
        return self._action(ActionKind.ALERT, children)

    def action_restart(self, children: list[Any]) -> Action:
        return self._action(ActionKind.RESTART, children)

    def action_start(self, children: list[Any]) -> Action:
        return self._action(ActionKind.START, children)

    def action_stop(self, children: list[Any]) -> Action:
        return self._action(ActionKind.STOP, children)

    def action_unmonitor(self, children: list[Any]) -> Action:
        return self._action(ActionKind.UNMONITOR, children)

    def action_exec(self, children: list[Any]) -> Action:
        program = _program(children)
        repeat = timeout = None
        for i, child in enumerate(children):
            if isinstance(child, Token) and child.type == "REPEAT":
                repeat = int(children[i + 2])
            elif isinstance(child, Token) and child.type == "TIMEOUT":
                timeout = int(children[i + 1])
        return Action(ActionKind.EXEC, span_of(children), program=program, repeat_every=repeat, timeout=timeout)

    def action_ignore(self, children: list[Any]) -> Action:
        return self._action(ActionKind.IGNORE, children)

    def outcome(self, children: list[Any]) -> Outcome:
        rate = children[0] if isinstance(children[0], Rate) else None
        return Outcome(rate, children[-1], span_of(children), recovery=False)

    def recovery(self, children: list[Any]) -> Outcome:
        rate = next((c for c in children if isinstance(c, Rate)), None)
        return Outcome(rate, children[-1], span_of(children), recovery=True, bare=len(children) == 2)

    fail_recovery = recovery

    def restart_limit(self, children: list[Any]) -> Test:
        return build_tests.restart_limit(children)

    # -- services --------------------------------------------------------------

    def _service(self, children: list[Any]) -> Service:
        check, name = children[0], children[1]
        service = Service(
            type=_SERVICE_TYPES[check.type],
            name=str(name),
            span=token_span(check, name),
            name_span=token_span(name),
        )
        # The target (pidfile, path, matching, address, interface, program path): the items
        # before the first statement (walked by index: popping the head of the list each time
        # was quadratic in a program of very many arguments).
        first_statement = 2
        while first_statement < len(children) and not isinstance(
            children[first_statement], (Test, Statement, AlertRecipient)
        ):
            first_statement += 1
        rest = children[first_statement:]
        for item in children[2:first_statement]:
            if isinstance(item, Node) and item.data == "process_target":
                keyword, value = item.children
                service.target_kind = _PROCESS_TARGETS[keyword.type]
                service.target = str(value)
            elif isinstance(item, Token) and item.type in _TARGETS:
                service.target_kind = _TARGETS[item.type]
            elif isinstance(item, Token) and service.type is ServiceType.PROGRAM:
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
            elif isinstance(item, Statement):
                _apply_statement(service, item)
        if service.type is ServiceType.PROGRAM and service.program is not None:
            service.target = " ".join(service.program.argv)
        return service

    def program_service(self, children: list[Any]) -> Service:
        # user options and the timeout that follow the program path belong to it
        head: list[Any] = []
        tail: list[Any] = []
        options: list[Statement] = []
        for index, child in enumerate(children):
            if isinstance(child, Statement) and child.key in ("uid", "gid", "timeout") and not tail:
                options.append(child)
            elif isinstance(child, (Test, AlertRecipient, Statement)):
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
        test_rule = build_tests.TEST_RULES.get(name)
        if test_rule is not None:
            kind, read = test_rule
            return lambda children: build_tests.build(kind, read, children)
        if name in build_settings.SETTING_RULES:
            return lambda children: build_settings.build(name, children)
        raise AttributeError(name)  # a Node rule (or not a grammar rule): the parser builds a Node

    # -- block statements --------------------------------------------------------

    def _method(self, key: str, children: list[Any]) -> Statement:
        program = _program(children)
        head = children[0]
        # The scanner strips the blanks between `=` and the quote from the token's text, not its span.
        # (`program="…"` glued is a word `program=` to Monit before 5.33: accepted, another program.)
        tight = head.endswith("=") and head.end_pos - head.start_pos == len(head)
        program.tight_equals = tight and not head.lower().endswith("program=")
        return Statement(key, program)

    def start_program(self, children: list[Any]) -> Statement:
        return self._method("start", children)

    def stop_program(self, children: list[Any]) -> Statement:
        return self._method("stop", children)

    def restart_program(self, children: list[Any]) -> Statement:
        return self._method("restart", children)

    def alert(self, children: list[Any]) -> AlertRecipient:
        return build_settings.recipient(children)

    def noalert(self, children: list[Any]) -> Statement:
        return Statement("noalert", AlertRecipient(str(children[1]), span_of(children)))

    def every(self, children: list[Any]) -> Statement:
        return Statement("every", " ".join(words(children)))

    def mode(self, children: list[Any]) -> Statement:
        return Statement("mode", str(children[1]).lower())

    def onreboot(self, children: list[Any]) -> Statement:
        return Statement("onreboot", " ".join(words(children[1:])).lower())

    def group(self, children: list[Any]) -> Statement:
        return Statement("group", Name(str(children[1]), token_span(children[1])))

    def depends(self, children: list[Any]) -> Statement:
        return Statement("depends", [Name(str(c), token_span(c)) for c in children[1:]])


def _program(children: list[Any]) -> Program:
    argv: list[Token] = []
    program = Program([], span_of(children))
    for child in children[1:]:
        if (
            isinstance(child, Token)
            and child.type in ("STRING", "PATH")
            and program.uid is None
            and program.gid is None
        ):
            argv.append(child)
        elif isinstance(child, Statement):
            setattr(program, child.key, child.value)
    program.argv = [str(a) for a in argv]
    return program


def _apply_statement(service: Service, item: Statement) -> None:
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


def mapped_rules() -> frozenset[str]:
    """Every grammar rule the model accounts for: by a method, a test kind, a service, a setting or a Node."""
    methods = {name for name in vars(ModelBuilder) if not name.startswith("_")}
    tests = set(build_tests.TEST_RULES)
    settings = set(build_settings.SETTING_RULES)
    return frozenset(methods | tests | set(_SERVICE_RULES) | settings | _NODE_RULES)
