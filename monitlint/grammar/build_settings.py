"""Builds the typed settings (``monitlint.model.settings``) from the ``set_*`` rules' children.

:data:`SETTING_RULES` maps each ``set`` rule of ``monitrc.lark`` to the function that reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from monitlint.grammar.build_common import (
    Node,
    Statement,
    checksum,
    merge_ssl,
    quantity,
    span_of,
    ssl_option,
    ssl_options,
    token_span,
    user_or_id,
    words,
)
from monitlint.grammar.tokens import Token
from monitlint.model import (
    AlertRecipient,
    AlertSetting,
    Allow,
    AllowHost,
    AllowHtpasswd,
    AllowKind,
    AllowPam,
    AllowUser,
    DaemonSetting,
    EventQueueSetting,
    ExpectBufferSetting,
    FipsSetting,
    HttpdSetting,
    HttpdUnixSocket,
    InitSetting,
    Limit,
    LimitsSetting,
    LogSetting,
    MailFormat,
    MailFormatSetting,
    MailServer,
    MailServerSetting,
    MMonitServer,
    MMonitSetting,
    OnRebootSetting,
    PathSetting,
    Setting,
    SettingKind,
    Span,
    SslOptions,
    SslSetting,
    TerminalSetting,
    Unit,
)

# --- shared with service statements ----------------------------------------------------------------

_MAIL_FORMAT_PARTS = {"MAILFROM": "sender", "MAILREPLYTO": "reply_to", "MAILSUBJECT": "subject", "MAILBODY": "message"}


def mail_format(children: list[Any]) -> MailFormat:
    """The parts of a ``mail-format { … }`` found below ``children``."""
    out = MailFormat()
    for child in children:
        if isinstance(child, Node):
            for tok in child.tokens():
                part = _MAIL_FORMAT_PARTS.get(tok.type)
                if part is not None:
                    setattr(out, part, str(tok))
    return out


def recipient(children: list[Any]) -> AlertRecipient:
    """``alert ADDRESS [[not] on { events }] [mail-format { … }] [reminder N]`` (children from ``alert``)."""
    found = AlertRecipient(str(children[1]), span_of(children))
    for child in children[2:]:
        if isinstance(child, Node) and child.data == "event_filter":
            toks = child.tokens()
            found.exclude_events = toks[0].type == "NOT"
            found.events = [str(t).lower() for t in toks if t.type not in ("NOT", "LBRACE", "RBRACE")]
        elif isinstance(child, Node) and child.data == "reminder":
            found.reminder = int(child.children[1])
        elif isinstance(child, Node) and child.data == "mail_format":
            found.mail_format = mail_format(child.children)
    return found


# --- one function per set statement ------------------------------------------------------------------

Reader = Callable[[Span, list[Any]], Setting]


def _daemon(span: Span, children: list[Any]) -> Setting:
    delay = int(children[-1]) if len(children) > 3 else None
    return DaemonSetting(SettingKind.DAEMON, span, interval=int(children[2]), start_delay=delay)


def _log(span: Span, children: list[Any]) -> Setting:
    target = children[2]
    if target.type != "SYSLOG":
        return LogSetting(SettingKind.LOG, span, path=str(target))
    facility = str(children[-1]) if len(children) > 3 else None
    return LogSetting(SettingKind.LOG, span, syslog=True, facility=facility)


def _path_setting(kind: SettingKind) -> Reader:
    def read(span: Span, children: list[Any]) -> Setting:
        return PathSetting(kind, span, path=str(children[2]))

    return read


def _eventqueue(span: Span, children: list[Any]) -> Setting:
    setting = EventQueueSetting(SettingKind.EVENTQUEUE, span)
    for index, tok in enumerate(children[:-1]):
        if tok.type == "BASEDIR":
            setting.basedir = str(children[index + 1])
        elif tok.type == "SLOT":
            setting.slots = int(children[index + 1])
    return setting


def _expectbuffer(span: Span, children: list[Any]) -> Setting:
    units = children[3].tokens() if len(children) > 3 else []
    return ExpectBufferSetting(SettingKind.EXPECTBUFFER, span, size=quantity(children[2], units, Unit.BYTES))


_LIMIT_NAMES = {
    "SENDEXPECTBUFFER": "sendExpectBuffer",
    "FILECONTENTBUFFER": "fileContentBuffer",
    "HTTPCONTENTBUFFER": "httpContentBuffer",
    "PROGRAMOUTPUT": "programOutput",
    "NETWORKTIMEOUT": "networkTimeout",
    "PROGRAMTIMEOUT": "programTimeout",
    "STOPTIMEOUT": "stopTimeout",
    "STARTTIMEOUT": "startTimeout",
    "RESTARTTIMEOUT": "restartTimeout",
    "EXECTIMEOUT": "execTimeout",
}


def _limits(span: Span, children: list[Any]) -> Setting:
    setting = LimitsSetting(SettingKind.LIMITS, span)
    for child in children:
        if isinstance(child, Node) and child.data == "limit":
            toks = child.tokens()
            default = Unit.BYTES if child.children[0].data == "limit_buffer" else Unit.SECONDS
            value = quantity(toks[2], toks[3:], default)
            setting.limits.append(Limit(_LIMIT_NAMES[toks[0].type], value, token_span(toks[0], toks[-1])))
    return setting


def _ssl(span: Span, children: list[Any]) -> Setting:
    options = SslOptions(span)
    for child in children:
        if isinstance(child, Node) and child.data == "ssl_option":
            ssl_option(options, child.tokens())
    return SslSetting(SettingKind.SSL, span, options=options)


def _mailformat(span: Span, children: list[Any]) -> Setting:
    return MailFormatSetting(SettingKind.MAIL_FORMAT, span, format=mail_format(children))


def _alert(span: Span, children: list[Any]) -> Setting:
    return AlertSetting(SettingKind.ALERT, span, recipient=recipient(children[1:]))


def _onreboot(span: Span, children: list[Any]) -> Setting:
    return OnRebootSetting(SettingKind.ONREBOOT, span, choice=" ".join(words(children[2:])).lower())


def _flag(kind: SettingKind) -> Reader:
    classes: dict[SettingKind, Callable[[SettingKind, Span], Setting]] = {
        SettingKind.INIT: InitSetting,
        SettingKind.TERMINAL: TerminalSetting,
        SettingKind.FIPS: FipsSetting,
    }
    make = classes[kind]

    def read(span: Span, children: list[Any]) -> Setting:
        return make(kind, span)

    return read


def _tls_option(target: MailServer | MMonitServer, child: Any) -> None:
    """An option a mail server and an M/Monit server share: TLS, its versions, certificate checksums."""
    if child.data == "ssl":
        target.ssl = merge_ssl(target.ssl, ssl_options(child))
    elif child.data == "ssl_version":
        target.ssl_versions.extend(str(t).lower() for t in child.tokens())
    elif child.data in ("ssl_checksum", "certmd5"):
        target.certificate_checksums.append(checksum(child.tokens()))


def _mailserver_entry(node: Node) -> MailServer:
    toks = node.tokens()
    server = MailServer(str(toks[0]), token_span(toks[0], toks[-1]))
    children = node.children
    for index, child in enumerate(children):
        if type(child) is Token and child.type == "PORT":
            server.port = int(children[index + 1])
        elif type(child) is Node and child.data == "credential":
            key, value = child.children[0], child.children[1]
            if key.type == "USERNAME":
                server.username = str(value)
            else:
                server.password = str(value)
        elif type(child) is Node:
            _tls_option(server, child)
    return server


def _mailserver(span: Span, children: list[Any]) -> Setting:
    setting = MailServerSetting(SettingKind.MAILSERVER, span)
    for child in children:
        if not isinstance(child, Node):
            continue
        if child.data == "mailserver":
            setting.servers.append(_mailserver_entry(child))
        elif child.data == "mailserver_timeout":
            setting.timeout = int(child.children[1])
        elif child.data == "mailserver_hostname":
            setting.hostname = str(child.children[1])
    return setting


def _mmonit(span: Span, children: list[Any]) -> Setting:
    setting = MMonitSetting(SettingKind.MMONIT, span)
    for child in children:
        if not isinstance(child, Node):
            continue
        url = child.children[0]
        server = MMonitServer(str(url), span_of(child.children))
        for option in child.children[1:]:
            if type(option) is Statement:  # timeout N seconds
                server.timeout = option.value
            elif type(option) is Node and option.data == "register_credentials":
                server.register_credentials = True
            elif type(option) is Node and option.data == "mmonit_hostgroups":
                server.hostgroups.extend(str(t) for t in option.tokens() if t.type == "HOSTGROUPNAME")
            elif type(option) is Node:
                _tls_option(server, option)
        setting.servers.append(server)
    return setting


def _allow(node: Node) -> Allow | None:
    toks = node.tokens()
    span = token_span(toks[0], toks[-1])
    data = node.data
    if data == "allow_user":
        return AllowUser(AllowKind.USER, span, user=str(toks[1]), password=str(toks[3]), read_only=len(toks) > 4)
    if data == "allow_pam":
        return AllowPam(AllowKind.PAM, span, group=str(toks[2]), read_only=len(toks) > 3)
    if data == "allow_htpasswd":
        path_at = next(i for i, t in enumerate(toks) if t.type == "PATH")
        digest = str(toks[1]).lower() if path_at > 1 else None
        users = [str(t) for t in toks[path_at + 1 :]]
        return AllowHtpasswd(AllowKind.HTPASSWD, span, file=str(toks[path_at]), digest=digest, users=users)
    if data == "allow_host":
        return AllowHost(AllowKind.HOST, span, host=str(toks[1]))
    return None


def _unixsocket(node: Node) -> HttpdUnixSocket:
    toks = node.tokens()
    socket = HttpdUnixSocket(str(toks[1]), token_span(toks[0], toks[-1]))
    for option in node.children[2:]:
        if not isinstance(option, Node):
            continue
        key = option.children[0]
        value: Token | None = option.children[1] if len(option.children) > 1 else None
        if key.type == "UID" and value is not None:
            socket.uid = user_or_id(value)
        elif key.type == "GID" and value is not None:
            socket.gid = user_or_id(value)
        elif key.type == "PERMISSION" and value is not None:
            socket.permission = str(value)
        elif key.type == "READONLY":
            socket.read_only = True
    return socket


def _httpd(span: Span, children: list[Any]) -> Setting:
    setting = HttpdSetting(SettingKind.HTTPD, span)
    old_forms: list[str] = []  # the pre-5.21 `pemfile PATH` / `clientpemfile PATH`, in order
    for child in children[2:]:
        if not isinstance(child, Node):
            continue
        data = child.data
        if data == "httpd_port":
            toks = child.tokens()
            setting.port = int(toks[1])
            setting.read_only = len(toks) > 2
        elif data == "httpd_unixsocket":
            setting.unixsocket = _unixsocket(child)
        elif data == "httpd_address":
            setting.address = str(child.children[1])
            setting.addresses += 1
        elif data == "ssl":
            setting.ssl = merge_ssl(setting.ssl, ssl_options(child))
        elif data == "httpd_pemfile":
            old_forms.append("pemfile")
            setting.pemfile = str(child.children[1])
        elif data == "httpd_clientpemfile":
            old_forms.append("clientpemfile")
            setting.clientpemfile = str(child.children[1])
        elif data == "httpd_selfcert":
            setting.allow_self_certification = True
        elif data == "httpd_signature":
            setting.signature = any(t.type == "ENABLE" for t in child.tokens())
        else:
            allow = _allow(child)
            if allow is not None:
                setting.allow.append(allow)
    setting.pem_duplicates = _pem_duplicates(setting.ssl, old_forms)
    return setting


def _pem_duplicates(ssl: SslOptions | None, old_forms: list[str]) -> list[str]:
    """The file options `set httpd` names twice: in ``ssl { … }`` blocks, or also as a pre-5.21 option."""
    found = list(ssl.duplicates) if ssl is not None else []
    for name in dict.fromkeys(old_forms):
        twice = old_forms.count(name) > 1 or (ssl is not None and getattr(ssl, name) is not None)
        if twice and name not in found:
            found.append(name)
    return found


# Each `set` rule of the grammar and its reader (set_statement is only a choice, inlined).
SETTING_RULES: dict[str, Reader] = {
    "set_alert": _alert,
    "set_daemon": _daemon,
    "set_eventqueue": _eventqueue,
    "set_expectbuffer": _expectbuffer,
    "set_fips": _flag(SettingKind.FIPS),
    "set_httpd": _httpd,
    "set_idfile": _path_setting(SettingKind.IDFILE),
    "set_init": _flag(SettingKind.INIT),
    "set_limits": _limits,
    "set_log": _log,
    "set_mailformat": _mailformat,
    "set_mailserver": _mailserver,
    "set_mmonit": _mmonit,
    "set_onreboot": _onreboot,
    "set_pidfile": _path_setting(SettingKind.PIDFILE),
    "set_ssl": _ssl,
    "set_statefile": _path_setting(SettingKind.STATEFILE),
    "set_terminal": _flag(SettingKind.TERMINAL),
}


def build(rule: str, children: list[Any]) -> Setting:
    """The setting of a ``set_*`` rule."""
    return SETTING_RULES[rule](span_of(children), children)
