"""Builds the typed tests (``monitlint.model.service_tests``) from the parser's reductions.

:data:`TEST_RULES` maps each test rule of ``monitrc.lark`` to its kind and to the function that
reads its condition.  Every function receives the condition's tokens (``toks``, nodes expanded)
and its children (``items``: tokens, nodes and statements, without ``if``, ``then`` and the
outcome); the shared fields (span, action, rate, the ``else`` branch) are filled by :func:`build`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from monitlint.grammar.build_common import (
    HASH_TYPES,
    Node,
    Outcome,
    Statement,
    changed,
    checksum,
    comparison,
    merge_ssl,
    span_of,
    ssl_options,
    token_span,
    user_or_id,
)
from monitlint.grammar.tokens import Token
from monitlint.model import (
    Action,
    ActionKind,
    Checksum,
    ChecksumTest,
    Condition,
    ConnectionTest,
    ContentChangedTest,
    ContentMatch,
    ContentTest,
    ExistTest,
    FileDescriptorsTest,
    FilesystemIoTest,
    FsFlagsTest,
    HardlinkTest,
    InodeTest,
    LinkState,
    LinkTest,
    OwnerTest,
    PermissionTest,
    PidChangeTest,
    PingTest,
    PortTest,
    Protocol,
    ResourceTest,
    RestartLimitTest,
    SaturationTest,
    SecurityAttributeTest,
    SendExpect,
    ServiceTimeTest,
    SizeTest,
    SocketType,
    SpaceTest,
    Span,
    SslOptions,
    StatusTest,
    Subject,
    Test,
    TestKind,
    TimestampTest,
    TransferTest,
    Unit,
    UnixSocketTest,
    UptimeTest,
    UrlTest,
)

Reader = Callable[[TestKind, Span, str, list[Token], list[Any]], Test]

# --- resources ------------------------------------------------------------------------------------

_RESOURCE_SUBJECTS = {
    "CPU": Subject.CPU,
    "TOTALCPU": Subject.TOTAL_CPU,
    "CPUUSER": Subject.CPU_USER,
    "CPUSYSTEM": Subject.CPU_SYSTEM,
    "CPUWAIT": Subject.CPU_WAIT,
    "CPUNICE": Subject.CPU_NICE,
    "CPUHARDIRQ": Subject.CPU_HARDIRQ,
    "CPUSOFTIRQ": Subject.CPU_SOFTIRQ,
    "CPUSTEAL": Subject.CPU_STEAL,
    "CPUGUEST": Subject.CPU_GUEST,
    "CPUGUESTNICE": Subject.CPU_GUEST_NICE,
    "MEMORY": Subject.MEMORY,
    "TOTALMEMORY": Subject.TOTAL_MEMORY,
    "SWAP": Subject.SWAP,
    "THREADS": Subject.THREADS,
    "CHILDREN": Subject.CHILDREN,
    "LOADAVG1": Subject.LOADAVG_1MIN,
    "LOADAVG5": Subject.LOADAVG_5MIN,
    "LOADAVG15": Subject.LOADAVG_15MIN,
    "READ": Subject.READ,
    "WRITE": Subject.WRITE,
}
# What a number without a unit means, per subject.
_COUNTED = {Subject.THREADS, Subject.CHILDREN, Subject.LOADAVG_1MIN, Subject.LOADAVG_5MIN, Subject.LOADAVG_15MIN}
_BYTES = {Subject.MEMORY, Subject.TOTAL_MEMORY, Subject.SWAP}
_RATES = {Subject.READ, Subject.WRITE, Subject.DISK_READ, Subject.DISK_WRITE}


def _default_unit(subject: Subject) -> Unit:
    if subject in _BYTES:
        return Unit.BYTES
    if subject in _COUNTED:
        return Unit.COUNT
    if subject in _RATES:
        return Unit.BYTES_PER_SECOND
    return Unit.PERCENT  # every cpu subject


def resource_condition(toks: list[Token]) -> Condition:
    """One condition of a process or system resource test (``cpu > 80%``, ``loadavg (5min) per core > 2``)."""
    first = toks[0].type
    index = 1
    per_core = False
    if first == "DISK":
        subject = Subject.DISK_READ if toks[1].type == "READ" else Subject.DISK_WRITE
        index = 2
    else:
        subject = _RESOURCE_SUBJECTS[first]
        if index < len(toks) and toks[index].type == "CORE":
            per_core = True
            index += 1
    default = _default_unit(subject)
    condition = comparison(subject, toks, index, default, per_second=default is Unit.BYTES_PER_SECOND)
    condition.per_core = per_core
    return condition


def _resource(kind: TestKind, span: Span, text: str, toks: list[Token], items: list[Any]) -> Test:
    conditions = [resource_condition(item.tokens()) for item in items if type(item) is Node]
    return ResourceTest(kind, span, text, conditions=conditions)


# --- one value against a limit --------------------------------------------------------------------

_TIMESTAMPS = {
    "TIME": Subject.TIMESTAMP,
    "ATIME": Subject.ACCESS_TIME,
    "CTIME": Subject.CHANGE_TIME,
    "MTIME": Subject.MODIFY_TIME,
}


def _filedescriptors(kind: TestKind, span: Span, text: str, toks: list[Token], items: list[Any]) -> Test:
    if toks[0].type == "TOTAL":
        limit = comparison(Subject.TOTAL_FILEDESCRIPTORS, toks, 2, Unit.COUNT)
    else:
        limit = comparison(Subject.FILEDESCRIPTORS, toks, 1, Unit.COUNT)
    return FileDescriptorsTest(kind, span, text, limit=limit)


def _uptime(kind: TestKind, span: Span, text: str, toks: list[Token], items: list[Any]) -> Test:
    return UptimeTest(kind, span, text, limit=comparison(Subject.UPTIME, toks, 1, Unit.SECONDS))


def _timestamp(kind: TestKind, span: Span, text: str, toks: list[Token], items: list[Any]) -> Test:
    if toks[0].type == "CHANGED":
        return TimestampTest(kind, span, text, limit=changed(_TIMESTAMPS[toks[1].type], toks))
    return TimestampTest(kind, span, text, limit=comparison(_TIMESTAMPS[toks[0].type], toks, 1, Unit.SECONDS))


def _size(kind: TestKind, span: Span, text: str, toks: list[Token], items: list[Any]) -> Test:
    if toks[0].type == "CHANGED":
        return SizeTest(kind, span, text, limit=changed(Subject.SIZE, toks))
    return SizeTest(kind, span, text, limit=comparison(Subject.SIZE, toks, 1, Unit.BYTES))


def _hardlink(kind: TestKind, span: Span, text: str, toks: list[Token], items: list[Any]) -> Test:
    if toks[0].type == "CHANGED":
        return HardlinkTest(kind, span, text, limit=changed(Subject.HARDLINK, toks))
    return HardlinkTest(kind, span, text, limit=comparison(Subject.HARDLINK, toks, 1, Unit.COUNT))


def _content_changed(kind: TestKind, span: Span, text: str, toks: list[Token], items: list[Any]) -> Test:
    return ContentChangedTest(kind, span, text, negated=any(t.type == "NOT" for t in toks))


def _status(kind: TestKind, span: Span, text: str, toks: list[Token], items: list[Any]) -> Test:
    if toks[0].type == "CHANGED":
        return StatusTest(kind, span, text, limit=changed(Subject.STATUS, toks))
    return StatusTest(kind, span, text, limit=comparison(Subject.STATUS, toks, 1, Unit.COUNT))


def _space(kind: TestKind, span: Span, text: str, toks: list[Token], items: list[Any]) -> Test:
    free = len(toks) > 1 and toks[1].type == "TFREE"
    subject = Subject.SPACE_FREE if free else Subject.SPACE
    return SpaceTest(kind, span, text, limit=comparison(subject, toks, 2 if free else 1, Unit.BYTES))


def _inode(kind: TestKind, span: Span, text: str, toks: list[Token], items: list[Any]) -> Test:
    free = len(toks) > 1 and toks[1].type == "TFREE"
    subject = Subject.INODE_FREE if free else Subject.INODE
    return InodeTest(kind, span, text, limit=comparison(subject, toks, 2 if free else 1, Unit.COUNT))


def _filesystem_io(kind: TestKind, span: Span, text: str, toks: list[Token], items: list[Any]) -> Test:
    subject = Subject.READ if toks[0].type == "READ" else Subject.WRITE
    limit = comparison(subject, toks, 1, Unit.BYTES_PER_SECOND, per_second=True)
    return FilesystemIoTest(kind, span, text, limit=limit)


def _servicetime(kind: TestKind, span: Span, text: str, toks: list[Token], items: list[Any]) -> Test:
    return ServiceTimeTest(kind, span, text, limit=comparison(Subject.SERVICE_TIME, toks, 1, Unit.SECONDS))


def _saturation(kind: TestKind, span: Span, text: str, toks: list[Token], items: list[Any]) -> Test:
    return SaturationTest(kind, span, text, limit=comparison(Subject.SATURATION, toks, 1, Unit.PERCENT))


_PERIODS = {"MINUTE": "minute", "HOUR": "hour", "DAY": "day"}


def _transfer(kind: TestKind, span: Span, text: str, toks: list[Token], items: list[Any]) -> Test:
    if toks[0].type != "TOTAL":
        subject = Subject.UPLOAD if toks[0].type == "UPLOAD" else Subject.DOWNLOAD
        limit = comparison(subject, toks, 1, Unit.BYTES_PER_SECOND, per_second=True)
        return TransferTest(kind, span, text, limit=limit)
    # total (upload|download) [op] N [unit] [M] (minute|hour|day): M, when written, is the second number
    subject = Subject.TOTAL_UPLOAD if toks[1].type == "UPLOAD" else Subject.TOTAL_DOWNLOAD
    value_at = next(i for i in range(2, len(toks)) if toks[i].type == "NUMBER")
    count = toks[-2] if len(toks) - 2 > value_at and toks[-2].type == "NUMBER" else None
    measured = toks[: len(toks) - (2 if count is not None else 1)]
    test = TransferTest(kind, span, text, limit=comparison(subject, measured, 2, Unit.BYTES), total=True)
    test.period_count = int(count) if count is not None else None
    test.period_unit = _PERIODS.get(toks[-1].type)
    test.period_written = str(toks[-1])
    return test


# --- files, programs, processes -------------------------------------------------------------------


def _exist(kind: TestKind, span: Span, text: str, toks: list[Token], items: list[Any]) -> Test:
    return ExistTest(kind, span, text, exists=toks[0].type != "NOT")


def _pid(kind: TestKind, span: Span, text: str, toks: list[Token], items: list[Any]) -> Test:
    return PidChangeTest(kind, span, text)


def _owner(kind: TestKind, span: Span, text: str, toks: list[Token], items: list[Any]) -> Test:
    return OwnerTest(kind, span, text, owner=user_or_id(toks[-1]))


def _secattr(kind: TestKind, span: Span, text: str, toks: list[Token], items: list[Any]) -> Test:
    return SecurityAttributeTest(kind, span, text, attribute=str(toks[-1]))


def _permission(kind: TestKind, span: Span, text: str, toks: list[Token], items: list[Any]) -> Test:
    mode = str(toks[-1]) if toks[-1].type == "NUMBER" else None
    return PermissionTest(kind, span, text, mode=mode)


def _checksum(kind: TestKind, span: Span, text: str, toks: list[Token], items: list[Any]) -> Test:
    stated = next((HASH_TYPES[t.type] for t in toks if t.type in HASH_TYPES), None)
    test = ChecksumTest(kind, span, text, changed=toks[0].type == "CHANGED", hash=stated)
    if len(toks) > 2 and toks[-2].type == "EXPECT":
        test.expected = Checksum(str(toks[-1]), token_span(toks[-1]), stated)
    return test


def _content(kind: TestKind, span: Span, text: str, toks: list[Token], items: list[Any]) -> Test:
    """``[ignore] content =|!= X`` and ``[ignore] [not] match X``."""
    pattern = toks[-1]
    return ContentTest(
        kind,
        span,
        text,
        pattern=str(pattern),
        negated=any(t.type == "NOT" or t.type == "NOTEQUAL" for t in toks),
        ignore=toks[0].type == "IGNORE",
        from_file=pattern.type == "PATH",
    )


def _fsflags(kind: TestKind, span: Span, text: str, toks: list[Token], items: list[Any]) -> Test:
    return FsFlagsTest(kind, span, text)


def _link(kind: TestKind, span: Span, text: str, toks: list[Token], items: list[Any]) -> Test:
    first, second = toks[0].type, toks[1].type
    if first == "FAILED":
        state = LinkState.FAILED
    elif first == "CHANGED":
        state = LinkState.CHANGED
    else:
        state = LinkState.UP if second == "UP" else LinkState.DOWN
    return LinkTest(kind, span, text, state=state)


# --- ping and connections -------------------------------------------------------------------------

_PING_FAMILIES = {"PING": "ping", "PING4": "ping4", "PING6": "ping6", "ICMP": "icmp"}


def _ping(kind: TestKind, span: Span, text: str, toks: list[Token], items: list[Any]) -> Test:
    test = PingTest(kind, span, text, succeeded=toks[0].type == "SUCCEEDED")
    for item in items:
        if type(item) is not Node:
            continue
        if item.data == "ping_kind":
            test.family = _PING_FAMILIES.get(item.tokens()[0].type, "ping")
            continue
        option = item.children[0]
        if type(option) is Statement:
            test.timeout = option.value
        elif type(option) is Node:  # response time
            test.response_time = comparison(Subject.RESPONSE_TIME, option.tokens(), 1, Unit.SECONDS)
        else:
            key, value = item.children[0], item.children[1]
            if key.type == "COUNT":
                test.count = int(value)
            elif key.type == "SIZE":
                test.size = int(value)
            else:
                test.address = str(value)
    return test


_SOCKET_TYPES = {"TCP": SocketType.TCP, "UDP": SocketType.UDP, "TCPSSL": SocketType.TCPSSL}
_APACHE_LIMITS = {
    "LOGLIMIT": Subject.LOG_LIMIT,
    "CLOSELIMIT": Subject.CLOSE_LIMIT,
    "DNSLIMIT": Subject.DNS_LIMIT,
    "KEEPALIVELIMIT": Subject.KEEPALIVE_LIMIT,
    "REPLYLIMIT": Subject.REPLY_LIMIT,
    "REQUESTLIMIT": Subject.REQUEST_LIMIT,
    "STARTLIMIT": Subject.START_LIMIT,
    "WAITLIMIT": Subject.WAIT_LIMIT,
    "GRACEFULLIMIT": Subject.GRACEFUL_LIMIT,
    "CLEANUPLIMIT": Subject.CLEANUP_LIMIT,
}


def protocol(node: Node) -> Protocol:
    """``protocol NAME [options]``: the name lower-cased as written, each option typed."""
    toks = node.tokens()
    proto = Protocol(str(toks[1]).lower(), token_span(toks[0], toks[-1]))
    inner = node.children[1]
    if type(inner) is Node:
        for child in inner.children[1:]:
            if type(child) is Node:
                _protocol_option(proto, child.tokens())
    return proto


def _protocol_option(proto: Protocol, toks: list[Token]) -> None:
    key = toks[0].type
    value = toks[1] if len(toks) > 1 else None
    if key in _APACHE_LIMITS:
        proto.limits.append(comparison(_APACHE_LIMITS[key], toks, 1, Unit.PERCENT))
    elif key == "LSQB":
        proto.headers.extend(str(t) for t in toks[1:-1])
    elif value is None:
        return
    elif key == "USERNAME":
        proto.username = str(value)
    elif key == "PASSWORD":
        proto.password = str(value)
    elif key == "REQUEST":
        proto.request = str(value)
    elif key == "CHECKSUM":
        proto.checksum = Checksum(str(value), token_span(toks[0], value))
    elif key == "STATUS":
        proto.status = comparison(Subject.STATUS, toks, 1, Unit.COUNT)
    elif key == "METHOD":
        proto.method = str(value).lower()
    elif key == "HOSTHEADER":
        proto.host_header = str(value)
    elif key == "PATHTOK":
        proto.path = str(value)
    elif key == "ORIGIN":
        proto.origin = str(value)
    elif key == "HOST":
        proto.host = str(value)
    elif key == "VERSIONOPT":
        proto.version = int(value)
    elif key == "RSAKEY":
        proto.rsakey = checksum(toks)
    elif key == "DATABASE":
        proto.database = str(value)
    elif key == "SECRET":
        proto.secrets.append(str(value))
    elif key == "TARGET":
        proto.target = str(value)
    elif key == "MAXFORWARD":
        proto.max_forward = int(value)


def _socket_type(test: ConnectionTest, node: Node) -> None:
    toks = node.tokens()
    test.socket_type = _SOCKET_TYPES[toks[1].type]
    if test.socket_type is SocketType.TCPSSL:
        # `type tcpssl [sslv3|tlsv12 …] [certmd5 X]`: the old way of asking for TLS
        if test.ssl is None:
            test.ssl = SslOptions(token_span(toks[0], toks[-1]))
        test.ssl.enabled = True
        for child in node.children[2:]:
            if type(child) is Node and child.data == "certmd5":
                test.certificate_checksums.append(checksum(child.tokens()))
            elif type(child) is Node:
                test.ssl.versions.extend(str(t).lower() for t in child.tokens())


def _connection_option(test: ConnectionTest, node: Node) -> None:
    data = node.data
    if data == "socket_type":
        _socket_type(test, node)
        return
    if data == "protocol":
        test.protocol = protocol(node)
        return
    if data == "ssl":
        test.ssl = merge_ssl(test.ssl, ssl_options(node))
        return
    toks = node.tokens()
    if data == "send_expect":
        test.send_expect.append(SendExpect(toks[0].type == "SEND", str(toks[1]), token_span(toks[0], toks[1])))
    elif data == "content_test":
        negated = toks[1].type == "NOTEQUAL"
        test.content.append(ContentMatch(negated, str(toks[-1]), token_span(toks[0], toks[-1])))
    elif data == "response_time":
        test.response_time = comparison(Subject.RESPONSE_TIME, toks, 1, Unit.SECONDS)
    elif data == "ip_version":
        test.ip_version = 4 if toks[0].type == "IPV4" else 6
    elif data == "source_address":
        test.address = str(toks[1])
    elif data == "retry":
        test.retry = int(toks[1])
    elif data == "ssl_checksum":
        test.certificate_checksums.append(checksum(toks))
    elif data == "certificate_valid":
        test.certificate_valid_days = int(next(t for t in toks if t.type == "NUMBER"))


def _connection(test: ConnectionTest, items: list[Any]) -> ConnectionTest:
    for item in items:
        kind = type(item)
        if kind is Node:
            if item.data == "port_target":
                _port_target(test, item.children)
            else:
                _connection_option(test, item)
        elif kind is Statement:  # timeout N seconds
            test.timeout = item.value
        elif kind is Token and item.type == "SUCCEEDED":
            test.succeeded = True
    return test


def _port_target(test: ConnectionTest, children: list[Any]) -> None:
    if isinstance(test, PortTest):
        for index, tok in enumerate(children[:-1]):
            if tok.type == "HOST":
                test.host = str(children[index + 1])
            elif tok.type == "PORT":
                test.port = int(children[index + 1])


def _port(kind: TestKind, span: Span, text: str, toks: list[Token], items: list[Any]) -> Test:
    return _connection(PortTest(kind, span, text), items)


def _url(kind: TestKind, span: Span, text: str, toks: list[Token], items: list[Any]) -> Test:
    url = next((str(t) for t in items if type(t) is Token and t.type == "URLOBJECT"), "")
    return _connection(UrlTest(kind, span, text, url=url), items)


def _unixsocket(kind: TestKind, span: Span, text: str, toks: list[Token], items: list[Any]) -> Test:
    path = next((str(t) for t in items if type(t) is Token and t.type == "PATH"), "")
    return _connection(UnixSocketTest(kind, span, text, path=path), items)


# --- the table and the shared part ------------------------------------------------------------------

# Each test rule of the grammar: (kind, reader).  Explicit, never a name prefix: a rule missing here
# would silently become a Node and drop out of the model (tests/test_model_mapping.py catches it).
TEST_RULES: dict[str, tuple[TestKind, Reader]] = {
    "test_exist": (TestKind.EXIST, _exist),
    "test_pid": (TestKind.PID, _pid),
    "test_ppid": (TestKind.PPID, _pid),
    "test_uid": (TestKind.UID, _owner),
    "test_euid": (TestKind.EUID, _owner),
    "test_gid": (TestKind.GID, _owner),
    "test_secattr": (TestKind.SECATTR, _secattr),
    "test_filedescriptors": (TestKind.FILEDESCRIPTORS, _filedescriptors),
    "test_total_filedescriptors": (TestKind.TOTAL_FILEDESCRIPTORS, _filedescriptors),
    "test_uptime": (TestKind.UPTIME, _uptime),
    "test_timestamp": (TestKind.TIMESTAMP, _timestamp),
    "test_permission": (TestKind.PERMISSION, _permission),
    "test_checksum": (TestKind.CHECKSUM, _checksum),
    "test_size": (TestKind.SIZE, _size),
    "test_file_content": (TestKind.FILE_CONTENT, _content),
    "ignore_content": (TestKind.IGNORE_CONTENT, _content),
    "test_match": (TestKind.MATCH, _content),
    "ignore_match": (TestKind.IGNORE_MATCH, _content),
    "test_status": (TestKind.STATUS, _status),
    "test_hardlink": (TestKind.HARDLINK, _hardlink),
    "test_content_changed": (TestKind.CONTENT_CHANGED, _content_changed),
    "test_program_content": (TestKind.PROGRAM_CONTENT, _content),
    "test_space": (TestKind.SPACE, _space),
    "test_inode": (TestKind.INODE, _inode),
    "test_filesystem_io": (TestKind.FILESYSTEM_IO, _filesystem_io),
    "test_servicetime": (TestKind.SERVICETIME, _servicetime),
    "test_fsflags": (TestKind.FSFLAGS, _fsflags),
    "test_link": (TestKind.LINK, _link),
    "test_saturation": (TestKind.SATURATION, _saturation),
    "test_transfer": (TestKind.TRANSFER, _transfer),
    "test_ping": (TestKind.PING, _ping),
    "test_process_resource": (TestKind.PROCESS_RESOURCE, _resource),
    "test_system_resource": (TestKind.SYSTEM_RESOURCE, _resource),
    "test_port": (TestKind.PORT, _port),
    "test_url": (TestKind.URL, _url),
    "test_unixsocket": (TestKind.UNIXSOCKET, _unixsocket),
}


def build(kind: TestKind, read: Reader, children: list[Any]) -> Test:
    """A test from its rule's children: the shared fields here, the condition by ``read``."""
    toks: list[Token] = []  # the condition's tokens, in order
    items: list[Any] = []
    outcome = recovery = None
    for child in children:
        child_type = type(child)
        if child_type is Token:
            if child.type != "IF" and child.type != "THEN":
                toks.append(child)
                items.append(child)
        elif child_type is Node:
            toks.extend(child.tokens())
            items.append(child)
        elif child_type is Outcome:
            if child.recovery:
                recovery = child
            else:
                outcome = child
        else:
            items.append(child)
    test = read(kind, span_of(children), " ".join(toks), toks, items)
    if outcome is not None:
        test.rate, test.action = outcome.rate, outcome.action
    if recovery is not None:
        test.else_rate, test.else_action = recovery.rate, recovery.action
        test.else_bare = recovery.bare
    return test


def restart_limit(children: list[Any]) -> Test:
    """``if N restarts within M cycles then ACTION|timeout``."""
    last = children[-1]
    action = last if isinstance(last, Action) else Action(ActionKind.TIMEOUT, token_span(last))
    return RestartLimitTest(
        TestKind.RESTART_LIMIT,
        span_of(children),
        " ".join(map(str, children[1:5])),
        action=action,
        restarts=int(children[1]),
        cycles=int(children[3]),
    )
