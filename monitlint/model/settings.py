"""The ``set`` statements, one dataclass per statement.

Every setting has ``kind`` (a :class:`SettingKind`: ``daemon``, ``log``, ``httpd``, ``mailserver``,
``alert``, ``mail-format``, ``limits`` …, what follows ``set``) and ``span``.  When a statement names an
option twice, the last one written wins, as in Monit.
"""

from __future__ import annotations

from dataclasses import field
from enum import StrEnum

from monitlint.model.core import AlertRecipient, Checksum, MailFormat, SslOptions
from monitlint.model.values import Quantity
from monitlint.runtime.records import record
from monitlint.span import Span


class SettingKind(StrEnum):
    """Which ``set`` statement a setting is: the word after ``set``."""

    DAEMON = "daemon"
    INIT = "init"
    TERMINAL = "terminal"
    FIPS = "fips"
    ONREBOOT = "onreboot"
    LOG = "log"
    PIDFILE = "pidfile"
    IDFILE = "idfile"
    STATEFILE = "statefile"
    EVENTQUEUE = "eventqueue"
    EXPECTBUFFER = "expectbuffer"
    LIMITS = "limits"
    SSL = "ssl"
    MAIL_FORMAT = "mail-format"
    ALERT = "alert"
    MAILSERVER = "mailserver"
    MMONIT = "mmonit"
    HTTPD = "httpd"


@record(slots=True)
class Setting:
    """A ``set`` statement."""

    kind: SettingKind
    span: Span


@record(slots=True)
class DaemonSetting(Setting):
    """``set daemon N [with start delay M]`` (seconds)."""

    interval: int = 0
    start_delay: int | None = None


class InitSetting(Setting):
    """``set init``: run from init, without forking (it needs a poll time too)."""

    __slots__ = ()  # no fields of its own: no dataclass to generate


class TerminalSetting(Setting):
    """``set terminal batch``."""

    __slots__ = ()  # no fields of its own: no dataclass to generate


class FipsSetting(Setting):
    """``set fips``."""

    __slots__ = ()  # no fields of its own: no dataclass to generate


@record(slots=True)
class OnRebootSetting(Setting):
    """``set onreboot start|nostart|laststate``."""

    choice: str = "start"


@record(slots=True)
class LogSetting(Setting):
    """``set log PATH`` or ``set log syslog [facility F]``."""

    path: str | None = None
    syslog: bool = False
    facility: str | None = None  # as written


@record(slots=True)
class PathSetting(Setting):
    """``set pidfile|idfile|statefile PATH`` (kind ``pidfile``, ``idfile`` or ``statefile``)."""

    path: str = ""


@record(slots=True)
class EventQueueSetting(Setting):
    """``set eventqueue [basedir PATH] [slots N]``."""

    basedir: str | None = None
    slots: int | None = None


@record(slots=True)
class ExpectBufferSetting(Setting):
    """The deprecated ``set expectbuffer N [unit]`` (kind ``expectbuffer``)."""

    size: Quantity | None = None


@record(slots=True)
class Limit:
    """One ``name: value`` of ``set limits``; ``name`` as Monit documents it (``programOutput``)."""

    name: str
    value: Quantity  # bytes or seconds
    span: Span


@record(slots=True)
class LimitsSetting(Setting):
    """``set limits { … }``."""

    limits: list[Limit] = field(default_factory=list)


@record(slots=True)
class SslSetting(Setting):
    """``set ssl { … }``: the defaults of every TLS connection."""

    options: SslOptions | None = None


@record(slots=True)
class MailFormatSetting(Setting):
    """``set mail-format { … }`` (kind ``mail-format``)."""

    format: MailFormat = field(default_factory=MailFormat)


@record(slots=True)
class AlertSetting(Setting):
    """``set alert ADDRESS …``: a global recipient."""

    recipient: AlertRecipient | None = None


@record(slots=True)
class MailServer:
    """One server of ``set mailserver``.

    ``ssl`` is set by ``using ssl|tls [{ … }]``; ``ssl_versions`` by a bare ``using tlsv12``;
    ``certificate_checksums`` holds ``certificate checksum …`` and ``certmd5 …`` in order.
    """

    host: str
    span: Span
    port: int | None = None
    username: str | None = None
    password: str | None = None
    ssl: SslOptions | None = None
    ssl_versions: list[str] = field(default_factory=list)
    certificate_checksums: list[Checksum] = field(default_factory=list)


@record(slots=True)
class MailServerSetting(Setting):
    """``set mailserver A, B … [with timeout N seconds] [using hostname H]`` (kind ``mailserver``)."""

    servers: list[MailServer] = field(default_factory=list)
    timeout: int | None = None  # seconds
    hostname: str | None = None


@record(slots=True)
class MMonitServer:
    """One collector URL of ``set mmonit`` with its options."""

    url: str
    span: Span
    timeout: int | None = None  # seconds
    ssl: SslOptions | None = None
    ssl_versions: list[str] = field(default_factory=list)
    certificate_checksums: list[Checksum] = field(default_factory=list)
    register_credentials: bool = False
    hostgroups: list[str] = field(default_factory=list)  # "with hostgroups [ Oslo, "Mail servers" ]" (5.34)


@record(slots=True)
class MMonitSetting(Setting):
    """``set mmonit URL …`` (kind ``mmonit``)."""

    servers: list[MMonitServer] = field(default_factory=list)


class AllowKind(StrEnum):
    """Which form an ``allow`` of ``set httpd`` takes."""

    USER = "user"
    PAM = "pam"
    HTPASSWD = "htpasswd"
    HOST = "host"


@record(slots=True)
class Allow:
    """One ``allow`` of ``set httpd``; ``kind`` is ``user``, ``pam``, ``htpasswd`` or ``host``."""

    kind: AllowKind
    span: Span


@record(slots=True)
class AllowUser(Allow):
    """``allow user:password [read-only]``."""

    user: str = ""
    password: str = ""
    read_only: bool = False


@record(slots=True)
class AllowPam(Allow):
    """``allow @group [read-only]``."""

    group: str = ""
    read_only: bool = False


@record(slots=True)
class AllowHtpasswd(Allow):
    """``allow [cleartext|md5|crypt] FILE [user …]``; ``digest`` None when not written."""

    file: str = ""
    digest: str | None = None
    users: list[str] = field(default_factory=list)


@record(slots=True)
class AllowHost(Allow):
    """``allow HOST|NETWORK``."""

    host: str = ""


@record(slots=True)
class HttpdUnixSocket:
    """``unixsocket PATH [uid U] [gid G] [permission MODE] [read-only]``; ``permission`` as written."""

    path: str
    span: Span
    uid: str | int | None = None  # an id (int) or a name (str), as in Program
    gid: str | int | None = None
    permission: str | None = None
    read_only: bool = False


@record(slots=True)
class HttpdSetting(Setting):
    """``set httpd …``: where it listens, TLS and who may connect.

    ``pemfile``, ``clientpemfile`` and ``allow_self_certification`` are the pre-5.21 options
    outside ``ssl { … }``; ``addresses`` counts the ``address`` options (the last one wins).
    ``pem_duplicates`` names each file option given more than once in the whole statement, the
    old forms and every ``ssl { … }`` together (``pemfile``, ``clientpemfile``, ``pemkey`` …).
    """

    port: int | None = None
    read_only: bool = False  # "port N read-only"
    unixsocket: HttpdUnixSocket | None = None
    address: str | None = None
    addresses: int = 0
    ssl: SslOptions | None = None
    pemfile: str | None = None
    clientpemfile: str | None = None
    allow_self_certification: bool = False
    signature: bool | None = None
    allow: list[Allow] = field(default_factory=list)
    pem_duplicates: list[str] = field(default_factory=list)
