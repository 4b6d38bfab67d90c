"""The tests of a service (``if … then …``, ``ignore …``), one dataclass per kind.

Every test shares :class:`Test`'s fields; ``kind`` (a :class:`TestKind`) names the form (``port``, ``checksum``,
``process_resource`` …; several related forms share a class, e.g. ``uid``/``euid``/``gid``).
"""

from __future__ import annotations

from dataclasses import field
from enum import StrEnum

from monitlint.model.core import Action, Checksum, HashType, Rate, SslOptions
from monitlint.model.values import Condition
from monitlint.runtime.records import record
from monitlint.span import Span


class TestKind(StrEnum):
    """The form of a test: one per test rule of the grammar (``ignore match`` is ``ignore_match``)."""

    EXIST = "exist"
    PID = "pid"
    PPID = "ppid"
    UID = "uid"
    EUID = "euid"
    GID = "gid"
    SECATTR = "secattr"
    FILEDESCRIPTORS = "filedescriptors"
    TOTAL_FILEDESCRIPTORS = "total_filedescriptors"
    UPTIME = "uptime"
    TIMESTAMP = "timestamp"
    PERMISSION = "permission"
    CHECKSUM = "checksum"
    SIZE = "size"
    FILE_CONTENT = "file_content"
    IGNORE_CONTENT = "ignore_content"
    MATCH = "match"
    IGNORE_MATCH = "ignore_match"
    STATUS = "status"
    PROGRAM_CONTENT = "program_content"
    SPACE = "space"
    INODE = "inode"
    FILESYSTEM_IO = "filesystem_io"
    SERVICETIME = "servicetime"
    FSFLAGS = "fsflags"
    LINK = "link"
    SATURATION = "saturation"
    TRANSFER = "transfer"
    PING = "ping"
    PROCESS_RESOURCE = "process_resource"
    SYSTEM_RESOURCE = "system_resource"
    PORT = "port"
    URL = "url"
    UNIXSOCKET = "unixsocket"
    RESTART_LIMIT = "restart_limit"
    HARDLINK = "hardlink"  # 5.34
    CONTENT_CHANGED = "content_changed"  # 5.34


@record(slots=True)
class Test:
    """What every test has: its kind, span, action and rate, the `else` branch, the condition's words.

    ``condition`` holds the condition's words (between ``if`` and the rate or ``then``) as
    written, for messages.
    """

    kind: TestKind
    span: Span
    condition: str
    action: Action | None = None
    rate: Rate | None = None
    else_action: Action | None = None
    else_rate: Rate | None = None
    else_bare: bool = False  # `else ACTION` without `if succeeded … then` (Monit 5.28 and later)


@record(slots=True)
class ExistTest(Test):
    """``if does not exist`` (``exists`` False) or ``if exist`` (True)."""

    exists: bool = False


class PidChangeTest(Test):
    """``if changed pid`` (kind ``pid``) or ``if changed ppid`` (kind ``ppid``)."""

    __slots__ = ()  # no fields of its own: no dataclass to generate


@record(slots=True)
class OwnerTest(Test):
    """``if failed uid|euid|gid X`` (kind ``uid``, ``euid`` or ``gid``): a name or an id, as Monit reads it.

    An unquoted number is an id (int); a name, or anything quoted, is a name (str): Monit looks
    ``uid "0"`` up as the user named "0".
    """

    owner: str | int = ""


@record(slots=True)
class SecurityAttributeTest(Test):
    """``if failed security attribute X`` (kind ``secattr``)."""

    attribute: str = ""


@record(slots=True)
class ResourceTest(Test):
    """``if cpu > 80% …`` (kind ``process_resource`` or ``system_resource``).

    Monit accepts several conditions in one test and keeps only the last.
    """

    conditions: list[Condition] = field(default_factory=list)


@record(slots=True)
class ThresholdTest(Test):
    """A test of one measured value against a limit (or ``changed``): ``limit`` holds it."""

    limit: Condition | None = None


class FileDescriptorsTest(ThresholdTest):
    """``if [total] filedescriptors > N [%]`` (kind ``filedescriptors`` or ``total_filedescriptors``)."""

    __slots__ = ()  # no fields of its own: no dataclass to generate


class UptimeTest(ThresholdTest):
    """``if uptime < 3 minutes``."""

    __slots__ = ()  # no fields of its own: no dataclass to generate


class TimestampTest(ThresholdTest):
    """``if timestamp > 15 minutes``, ``if changed mtime`` (the limit's subject names which time)."""

    __slots__ = ()  # no fields of its own: no dataclass to generate


class SizeTest(ThresholdTest):
    """``if size > 100 MB``, ``if changed size``."""

    __slots__ = ()  # no fields of its own: no dataclass to generate


class HardlinkTest(ThresholdTest):
    """``if hardlink > 2``, ``if changed hardlink`` (Monit 5.34 and later)."""

    __slots__ = ()  # no fields of its own: no dataclass to generate


@record(slots=True)
class ContentChangedTest(Test):
    """A program's ``if content [not] changed`` (Monit 5.34 and later)."""

    negated: bool = False  # "content not changed"


class StatusTest(ThresholdTest):
    """A program's exit status: ``if status != 0``, ``if changed status``."""

    __slots__ = ()  # no fields of its own: no dataclass to generate


class SpaceTest(ThresholdTest):
    """``if space [free] > 80%`` (subject :attr:`Subject.SPACE` or :attr:`Subject.SPACE_FREE`)."""

    __slots__ = ()  # no fields of its own: no dataclass to generate


class InodeTest(ThresholdTest):
    """``if inode [free] > 80%``."""

    __slots__ = ()  # no fields of its own: no dataclass to generate


class FilesystemIoTest(ThresholdTest):
    """A filesystem's ``if read|write > 1 MB/s`` or ``> 500 operations/s`` (kind ``filesystem_io``)."""

    __slots__ = ()  # no fields of its own: no dataclass to generate


class ServiceTimeTest(ThresholdTest):
    """``if service time > 300 milliseconds`` (kind ``servicetime``)."""

    __slots__ = ()  # no fields of its own: no dataclass to generate


class SaturationTest(ThresholdTest):
    """A network interface's ``if saturation > 90%``."""

    __slots__ = ()  # no fields of its own: no dataclass to generate


@record(slots=True)
class TransferTest(ThresholdTest):
    """``if upload > 10 MB/s``, ``if total download > 1 GB in last 2 hours`` (kind ``transfer``).

    For a total, ``period_unit`` is ``minute``, ``hour`` or ``day`` and ``period_count`` the
    number written before it (None: one).
    """

    total: bool = False
    period_count: int | None = None
    period_unit: str | None = None
    period_written: str | None = None  # the period's unit as written ("hours"), for messages


class FsFlagsTest(Test):
    """``if changed fsflags`` (kind ``fsflags``)."""

    __slots__ = ()  # no fields of its own: no dataclass to generate


class LinkState(StrEnum):
    """Which link test: ``if link down``, ``if failed link`` (deprecated), ``if link up``, ``if changed link``."""

    DOWN = "down"
    FAILED = "failed"
    UP = "up"
    CHANGED = "changed"


@record(slots=True)
class LinkTest(Test):
    """A network interface's link test."""

    state: LinkState = LinkState.DOWN


@record(slots=True)
class PermissionTest(Test):
    """``if failed permission 0644`` (``mode`` as written) or ``if changed permission`` (``mode`` None)."""

    mode: str | None = None


@record(slots=True)
class ChecksumTest(Test):
    """``if failed [md5|sha1] checksum [expect X]`` or ``if changed … checksum``."""

    changed: bool = False
    hash: HashType | None = None
    expected: Checksum | None = None  # its hash is the stated type


@record(slots=True)
class ContentTest(Test):
    """A content or match test on a file's or program's output.

    Kinds: ``file_content``, ``program_content`` (``if content = …``), ``ignore_content``,
    ``match`` and ``ignore_match`` (the deprecated ``[not] match`` forms).  ``pattern`` is a
    POSIX regular expression, or with ``from_file`` a file of them.
    """

    pattern: str = ""
    negated: bool = False  # `!=` or `not match`
    ignore: bool = False
    from_file: bool = False


@record(slots=True)
class RestartLimitTest(Test):
    """``if 3 restarts within 5 cycles then unmonitor|timeout`` (kind ``restart_limit``)."""

    restarts: int = 0
    cycles: int = 0


@record(slots=True)
class PingTest(Test):
    """``if failed ping|ping4|ping6|icmp type echo [count N] [size N] [timeout N s] [address X]``."""

    succeeded: bool = False  # "if succeeded ping"
    family: str = "ping"  # ping, ping4, ping6 or icmp
    count: int | None = None
    size: int | None = None  # bytes
    timeout: int | None = None  # seconds
    address: str | None = None  # outgoing address
    response_time: Condition | None = None


class SocketType(StrEnum):
    """A connection's ``type``."""

    TCP = "tcp"
    UDP = "udp"
    TCPSSL = "tcpssl"


@record(slots=True)
class SendExpect:
    """One ``send "…"`` or ``expect "…"`` (a POSIX regular expression) of a generic protocol test."""

    send: bool  # False: expect
    text: str
    span: Span


@record(slots=True)
class ContentMatch:
    """A connection's ``content = "regex"`` / ``content != "regex"``."""

    negated: bool
    pattern: str
    span: Span


@record(slots=True)
class Protocol:
    """``protocol NAME`` with its options (those of NAME's kind; the others stay empty).

    ``name`` is the protocol as written, lower-cased (``http``, ``https``, ``mysql``, ``radius`` …).
    """

    name: str
    span: Span
    username: str | None = None
    password: str | None = None
    # http / https
    request: str | None = None
    method: str | None = None  # "get" or "head"
    status: Condition | None = None  # response status
    checksum: Checksum | None = None  # of the response body
    host_header: str | None = None
    headers: list[str] = field(default_factory=list)
    # apache-status
    path: str | None = None
    limits: list[Condition] = field(default_factory=list)
    # websocket
    origin: str | None = None
    host: str | None = None
    version: int | None = None
    # mysql / pgsql / radius / sip
    rsakey: Checksum | None = None
    database: str | None = None
    secrets: list[str] = field(default_factory=list)
    target: str | None = None
    max_forward: int | None = None


@record(slots=True)
class ConnectionTest(Test):
    """What port, url and unix socket tests share: their connection options, the last one written winning.

    ``certificate_checksums`` holds ``certificate checksum …`` and ``certmd5 …`` in order.
    """

    succeeded: bool = False  # "if succeeded port …"
    socket_type: SocketType | None = None
    ip_version: int | None = None  # 4 or 6
    protocol: Protocol | None = None
    send_expect: list[SendExpect] = field(default_factory=list)
    content: list[ContentMatch] = field(default_factory=list)
    timeout: int | None = None  # seconds
    response_time: Condition | None = None
    retry: int | None = None
    address: str | None = None  # outgoing (source) address
    ssl: SslOptions | None = None
    certificate_checksums: list[Checksum] = field(default_factory=list)
    certificate_valid_days: int | None = None


@record(slots=True)
class PortTest(ConnectionTest):
    """``if failed [host H] port P …`` (``port`` as written, range unchecked)."""

    host: str | None = None
    port: int = 0


@record(slots=True)
class UrlTest(ConnectionTest):
    """``if failed url URL …``."""

    url: str = ""


@record(slots=True)
class UnixSocketTest(ConnectionTest):
    """``if failed unixsocket PATH …`` (kind ``unixsocket``)."""

    path: str = ""
