"""What a test compares: a subject, an operator and a quantity in canonical units.

The builder resolves every spelling once (``mem``, ``totalmem``, ``total mem`` and
``total memory`` are :attr:`Subject.MEMORY` / :attr:`Subject.TOTAL_MEMORY`; ``MB``,
``megabytes`` and ``mb/s`` are a factor of 1,048,576): rules compare enums and numbers, never
words.  The written number and unit are kept for messages.
"""

from __future__ import annotations

from enum import StrEnum

from monitlint.runtime.records import record
from monitlint.span import Span


class Operator(StrEnum):
    """A comparison; Monit reads a missing operator as ``=``."""

    GREATER = ">"
    GREATER_OR_EQUAL = ">="
    LESS = "<"
    LESS_OR_EQUAL = "<="
    EQUAL = "="
    NOT_EQUAL = "!="
    CHANGED = "changed"  # `if changed size`, and `changed` written as an operator


class Unit(StrEnum):
    """The canonical unit of a :class:`Quantity`."""

    BYTES = "bytes"
    PERCENT = "percent"
    SECONDS = "seconds"
    CYCLES = "cycles"
    COUNT = "count"  # a plain number: threads, children, descriptors, inodes, load, exit status
    BYTES_PER_SECOND = "bytes/s"
    OPERATIONS_PER_SECOND = "operations/s"
    PACKETS = "packets"
    PACKETS_PER_SECOND = "packets/s"


class Subject(StrEnum):
    """What a condition measures, whatever its spelling."""

    # process and system resources
    CPU = "cpu"
    TOTAL_CPU = "total cpu"
    CPU_USER = "cpu user"
    CPU_SYSTEM = "cpu system"
    CPU_WAIT = "cpu wait"
    CPU_NICE = "cpu nice"
    CPU_HARDIRQ = "cpu hardirq"
    CPU_SOFTIRQ = "cpu softirq"
    CPU_STEAL = "cpu steal"
    CPU_GUEST = "cpu guest"
    CPU_GUEST_NICE = "cpu guest nice"
    MEMORY = "memory"
    TOTAL_MEMORY = "total memory"
    SWAP = "swap"
    THREADS = "threads"
    CHILDREN = "children"
    LOADAVG_1MIN = "loadavg (1min)"
    LOADAVG_5MIN = "loadavg (5min)"
    LOADAVG_15MIN = "loadavg (15min)"
    READ = "read"  # bytes (or, on a filesystem, operations) read per second
    WRITE = "write"
    DISK_READ = "disk read"
    DISK_WRITE = "disk write"
    # single-threshold tests
    FILEDESCRIPTORS = "filedescriptors"
    TOTAL_FILEDESCRIPTORS = "total filedescriptors"
    UPTIME = "uptime"
    TIMESTAMP = "timestamp"
    ACCESS_TIME = "atime"
    CHANGE_TIME = "ctime"
    MODIFY_TIME = "mtime"
    SIZE = "size"
    HARDLINK = "hardlink"  # the number of hard links (5.34)
    STATUS = "status"  # a program's exit status, an http response status
    SPACE = "space"  # space used
    SPACE_FREE = "space free"
    INODE = "inode"  # inodes used
    INODE_FREE = "inode free"
    SERVICE_TIME = "service time"
    SATURATION = "saturation"
    UPLOAD = "upload"
    DOWNLOAD = "download"
    TOTAL_UPLOAD = "total upload"
    TOTAL_DOWNLOAD = "total download"
    RESPONSE_TIME = "response time"
    # apache-status limits (percent of the server's processes)
    LOG_LIMIT = "loglimit"
    CLOSE_LIMIT = "closelimit"
    DNS_LIMIT = "dnslimit"
    KEEPALIVE_LIMIT = "keepalivelimit"
    REPLY_LIMIT = "replylimit"
    REQUEST_LIMIT = "requestlimit"
    START_LIMIT = "startlimit"
    WAIT_LIMIT = "waitlimit"
    GRACEFUL_LIMIT = "gracefullimit"
    CLEANUP_LIMIT = "cleanuplimit"


@record(slots=True)
class Quantity:
    """A number in its canonical unit, with the number and unit as written.

    ``value`` is ``written`` times the unit's factor (``200 MB`` is 209715200 bytes, ``5 minutes``
    300 seconds, ``300 ms`` 0.3 seconds); an int when both are whole.  ``written_unit`` is None
    when no unit was written and Monit's default applies (bytes for memory, swap and sizes,
    seconds for times, a count otherwise).
    """

    value: float
    unit: Unit
    written: str
    written_unit: str | None = None


@record(slots=True)
class Condition:
    """A single comparison: ``memory > 200 MB``, ``space free < 10 %``, ``changed size``.

    ``written`` is the subject's first word as written, lower-cased (``totalmem``, ``mem``), for
    messages; ``value`` is None only for ``changed``.
    """

    subject: Subject
    span: Span
    operator: Operator = Operator.EQUAL
    value: Quantity | None = None
    written: str = ""
    per_core: bool = False  # loadavg ... per core
