"""The pieces every part of the model shares: spans, programs, rates, actions, names, comments.

Every class of the model is a slotted record (see :mod:`monitlint.runtime.records`): a dataclass compared
by value, pickled as its fields.
"""

from __future__ import annotations

from dataclasses import field
from enum import StrEnum

from monitlint.runtime.records import record
from monitlint.span import Span


@record(slots=True)
class Program:
    """A start/stop/restart program, an ``exec`` action or a ``check program`` path."""

    argv: list[str]  # as Monit splits it: len(argv) is the argument count Monit limits
    span: Span
    # A user or group as Monit reads it: a number is an id (int); a name, or anything quoted
    # (`as uid "0"` is looked up as the name "0"), is a str.
    uid: str | int | None = None
    gid: str | int | None = None
    timeout: int | None = None  # seconds, from "with timeout N seconds"
    tight_equals: bool = False  # `start program ="…"`: no blank after `=` (Monit 5.33 and later)


@record(slots=True)
class Rate:
    """``for N cycles`` or ``N times within M cycles``."""

    cycles: int
    times: int | None = None


class ActionKind(StrEnum):
    """What a test does when it fires (``timeout`` only in a restart limit)."""

    ALERT = "alert"
    RESTART = "restart"
    START = "start"
    STOP = "stop"
    UNMONITOR = "unmonitor"
    EXEC = "exec"
    TIMEOUT = "timeout"
    IGNORE = "ignore"  # 5.34: do nothing (in an `else` branch, no recovery alert)


@record(slots=True)
class Action:
    """What a test does when it fires: alert, restart, start, stop, unmonitor, exec, timeout."""

    kind: ActionKind
    span: Span
    program: Program | None = None  # exec only
    repeat_every: int | None = None  # exec only: "repeat every N cycles"
    timeout: int | None = None  # exec only (5.34): "timeout N seconds"


@record(slots=True)
class Name:
    """A name as written (a dependency or group), with its position."""

    value: str
    span: Span


class HashType(StrEnum):
    """A checksum's algorithm."""

    MD5 = "md5"
    SHA1 = "sha1"


@record(slots=True)
class Checksum:
    """A checksum value as written: a file's `expect`, a certificate's, an rsakey's or an http body's.

    ``hash`` is the type stated next to it (``md5``/``sha1``, or ``certmd5``), None when none is;
    Monit then infers it from the length.  ``certmd5`` is whether it was written in the deprecated
    ``certmd5 VALUE`` form rather than ``certificate checksum``.
    """

    value: str
    span: Span
    hash: HashType | None = None
    certmd5: bool = False


@record(slots=True)
class SslOptions:
    """``ssl``/``tls`` with its ``{ … }`` options (a connection test, a mail server, M/Monit, httpd, ``set ssl``).

    Path options keep the last value written; ``duplicates`` names each path option given more than
    once (Monit refuses every one of them twice).  Several ``ssl { … }`` of one statement or test
    are merged into one, as Monit reads them.  ``enabled`` is whether Monit turns TLS on with
    them: a bare ``ssl``, ``type tcpssl``, or a block with ``verify``, ``selfsigned``, ``version``
    or a file option; a block with only ``ciphers`` (or nothing) leaves it off.
    """

    span: Span
    enabled: bool = True
    verify: bool | None = None
    self_signed: bool | None = None  # selfsigned: allow (True) or reject (False)
    versions: list[str] = field(default_factory=list)  # as written, lower-cased: "tlsv12", "-tlsv1", "auto"
    # A `version:` with no value, several values or a `-tlsvN` (Monit 5.27's list; 5.26 takes one).
    version_list: bool = False
    ciphers: str | None = None
    pemfile: str | None = None
    pemchain: str | None = None
    pemkey: str | None = None
    clientpemfile: str | None = None
    ca_certificate_file: str | None = None
    ca_certificate_path: str | None = None
    duplicates: list[str] = field(default_factory=list)  # "pemfile", "pemkey", ...


@record(slots=True)
class MailFormat:
    """A ``mail-format { … }``: each part as written, None when not given."""

    sender: str | None = None  # from:
    reply_to: str | None = None
    subject: str | None = None
    message: str | None = None


@record(slots=True)
class AlertRecipient:
    """``alert`` / ``set alert`` / ``noalert``: a mail address and its event filter."""

    address: str
    span: Span
    events: list[str] = field(default_factory=list)
    exclude_events: bool = False
    reminder: int | None = None  # cycles
    mail_format: MailFormat | None = None


@record(slots=True)
class Include:
    """An ``include`` statement and the files it brought in, in Monit's reading order."""

    pattern: str
    span: Span
    resolved_pattern: str
    files: list[str] = field(default_factory=list)


@record(slots=True)
class Comment:
    """A ``#`` comment with its position: what suppression directives are read from."""

    path: str  # the file it is written in (its text is among the sources by this path)
    line: int
    column: int
    text: str
    own_line: bool  # nothing but blanks before it on its line
