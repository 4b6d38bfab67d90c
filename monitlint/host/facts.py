"""What a control file asks of the machine: one collector per fact, the only model reads of the host rules.

Each collector walks the typed model once and returns small records (the value as written,
its span, its service), so that the rules never depend on the model's shape.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import field

from monitlint.model import (
    AllowHtpasswd,
    AllowUser,
    ChecksumTest,
    ConnectionTest,
    ContentTest,
    ControlFile,
    HttpdSetting,
    LogSetting,
    MailServerSetting,
    MMonitSetting,
    OwnerTest,
    PathSetting,
    Program,
    Service,
    ServiceType,
    SettingKind,
    Span,
    SslOptions,
    SslSetting,
    TestKind,
)
from monitlint.runtime.records import record

# The stand-in block a fragment is linted in (engine.STAND_INS): its path is not the user's.
STAND_IN = "__fragment__"


@record(frozen=True)
class IdRef:
    """A user or group named in the control file: by name, or by number."""

    value: str
    numeric: bool
    what: str  # where, in words: "uid test", "start program", "set httpd unixsocket"
    span: Span
    service: str | None = None


@record(frozen=True)
class ProgramRef:
    """A program Monit runs (start/stop/restart, `exec`, or the one a `check program` checks)."""

    path: str
    what: str
    span: Span
    service: str


@record(frozen=True)
class SslFileRef:
    """A file or folder named by an SSL option."""

    option: str  # pemfile, pemchain, pemkey, clientpemfile, cacertificatefile, cacertificatepath
    path: str
    span: Span
    httpd: bool  # in `set httpd` (the server's own PEM file gets a permission check)
    service: str | None = None


@record(frozen=True)
class HtpasswdRef:
    """An ``allow [cleartext|md5|crypt] FILE [user ...]`` of `set httpd`, with the users named after it."""

    path: str
    span: Span
    users: list[str] = field(default_factory=list)


@record(frozen=True)
class PatternFileRef:
    """An ``if content = FILE`` / ``ignore content`` / ``if match FILE`` test: a file of patterns."""

    path: str
    span: Span
    service: str


def _test_programs(service: Service) -> Iterator[Program]:
    for test in service.tests:
        for action in (test.action, test.else_action):
            if action is not None and action.program is not None:
                yield action.program


def _methods(service: Service) -> Iterator[tuple[str, Program]]:
    for kind in ("start", "stop", "restart"):
        program = getattr(service, kind)
        if program is not None:
            yield f"{kind} program", program
    for program in _test_programs(service):
        yield "exec", program


def _httpd_settings(model: ControlFile) -> list[HttpdSetting]:
    return [s for s in model.settings if isinstance(s, HttpdSetting)]


def _ids(model: ControlFile, kind: str) -> list[IdRef]:
    """Users (``kind`` = "uid") or groups ("gid") named in tests, program options and `set httpd unixsocket`."""
    refs: list[IdRef] = []
    test_kinds = (TestKind.UID, TestKind.EUID) if kind == "uid" else (TestKind.GID,)
    for setting in _httpd_settings(model):
        socket = setting.unixsocket
        value = None if socket is None else (socket.uid if kind == "uid" else socket.gid)
        if socket is not None and value is not None:
            refs.append(IdRef(str(value), isinstance(value, int), "set httpd unixsocket", socket.span))
    for service in model.services:
        for test in service.tests:
            if isinstance(test, OwnerTest) and test.kind in test_kinds and test.owner != "":
                owner = test.owner
                refs.append(IdRef(str(owner), isinstance(owner, int), f"{test.kind} test", test.span, service.name))
        programs: list[tuple[str, Program]] = list(_methods(service))
        if service.program is not None:
            programs.append(("check program", service.program))
        for what, program in programs:
            value = program.uid if kind == "uid" else program.gid
            if value is not None:
                refs.append(
                    IdRef(str(value), isinstance(value, int), f"{what} 'as {kind}'", program.span, service.name)
                )
    return refs


def user_refs(model: ControlFile) -> list[IdRef]:
    """Every user (name or uid) the control file names: uid/euid tests, `as uid`, `unixsocket ... uid`."""
    return _ids(model, "uid")


def group_refs(model: ControlFile) -> list[IdRef]:
    """Every group (name or gid) the control file names: gid tests, `as gid`, `unixsocket ... gid`."""
    return _ids(model, "gid")


def checked_programs(model: ControlFile) -> list[ProgramRef]:
    """The program of every `check program` block."""
    return [
        ProgramRef(s.program.argv[0], "check program", s.program.span, s.name)
        for s in model.services
        if s.type is ServiceType.PROGRAM and s.program is not None and s.program.argv and s.name != STAND_IN
    ]


def method_programs(model: ControlFile) -> list[ProgramRef]:
    """The executable of every start/stop/restart program and `exec` action."""
    return [
        ProgramRef(program.argv[0], what, program.span, service.name)
        for service in model.services
        for what, program in _methods(service)
        if program.argv
    ]


SSL_OPTIONS = ("pemfile", "pemchain", "pemkey", "clientpemfile", "ca_certificate_file", "ca_certificate_path")
# Monit's keywords for the model's field names.
SSL_KEYWORDS = {"ca_certificate_file": "cacertificatefile", "ca_certificate_path": "cacertificatepath"}


def _ssl_refs(options: SslOptions | None, httpd: bool, service: str | None = None) -> Iterator[SslFileRef]:
    if options is None:
        return
    for name in SSL_OPTIONS:
        path = getattr(options, name)
        if path:
            yield SslFileRef(SSL_KEYWORDS.get(name, name), path, options.span, httpd, service)


def ssl_files(model: ControlFile) -> list[SslFileRef]:
    """Every PEM, CA file and CA folder named by SSL options: `set ssl`, `set httpd`, mail servers, M/Monit, tests."""
    refs: list[SslFileRef] = []
    for setting in model.settings:
        if isinstance(setting, SslSetting):
            refs.extend(_ssl_refs(setting.options, False))
        elif isinstance(setting, HttpdSetting):
            refs.extend(_ssl_refs(setting.ssl, True))
            # The pre-5.21 options outside `ssl { }`.
            if setting.pemfile:
                refs.append(SslFileRef("pemfile", setting.pemfile, setting.span, True))
            if setting.clientpemfile:
                refs.append(SslFileRef("clientpemfile", setting.clientpemfile, setting.span, True))
        elif isinstance(setting, MailServerSetting):
            for server in setting.servers:
                refs.extend(_ssl_refs(server.ssl, False))
        elif isinstance(setting, MMonitSetting):
            for collector in setting.servers:
                refs.extend(_ssl_refs(collector.ssl, False))
    for service in model.services:
        for test in service.tests:
            if isinstance(test, ConnectionTest):
                refs.extend(_ssl_refs(test.ssl, False, service.name))
    return refs


def htpasswd_files(model: ControlFile) -> list[tuple[HtpasswdRef, set[str]]]:
    """Every htpasswd file `set httpd` allows, in order, each with the users credited before it.

    Monit skips a user credited already (``allow admin:secret`` then the same user in a file).
    """
    found: list[tuple[HtpasswdRef, set[str]]] = []
    credited: set[str] = set()
    for setting in _httpd_settings(model):
        for allow in setting.allow:
            if isinstance(allow, AllowUser):
                credited.add(allow.user)
            elif isinstance(allow, AllowHtpasswd) and allow.file:
                found.append((HtpasswdRef(allow.file, allow.span, list(allow.users)), set(credited)))
                credited.update(allow.users)
    return found


def pattern_files(model: ControlFile) -> list[PatternFileRef]:
    """Every test that reads its patterns from a file (`if content = /path`, `ignore content`, `if match /path`)."""
    return [
        PatternFileRef(test.pattern, test.span, service.name)
        for service in model.services
        for test in service.tests
        if isinstance(test, ContentTest) and test.from_file and test.pattern
    ]


def log_file(model: ControlFile) -> tuple[str, Span] | None:
    """The file of the `set log` statement Monit uses (the last one), or None for syslog or none."""
    logs = [s for s in model.settings if isinstance(s, LogSetting)]
    if not logs or logs[-1].syslog or not logs[-1].path:
        return None
    return logs[-1].path, logs[-1].span


def id_file(model: ControlFile) -> tuple[str, Span] | None:
    """The file of the last `set idfile` statement, or None."""
    ids = [s for s in model.settings if isinstance(s, PathSetting) and s.kind is SettingKind.IDFILE and s.path]
    return (ids[-1].path, ids[-1].span) if ids else None


def checksum_files(model: ControlFile) -> list[tuple[Service, ChecksumTest]]:
    """Checksum tests with no expected value: Monit computes the checksum of the file when it reads the control file."""
    return [
        (service, test)
        for service in model.services
        if service.type is ServiceType.FILE and service.target and service.name != STAND_IN
        for test in service.tests
        if isinstance(test, ChecksumTest) and test.expected is None
    ]


def service_names(model: ControlFile) -> tuple[list[Service], list[Service]]:
    """(every service but `check system`, the `check system` blocks)."""
    systems = [s for s in model.services if s.type is ServiceType.SYSTEM]
    return [s for s in model.services if s.type is not ServiceType.SYSTEM], systems


def control_file_owner(model: ControlFile) -> int | None:
    """The owner of the main control file: the user Monit runs as (it refuses a control file it does not own)."""
    if model.path.startswith("<"):
        return None
    try:
        return os.stat(model.path).st_uid
    except (OSError, ValueError):
        return None
