"""The pieces every part of the model shares: spans, programs, rates, actions, names, comments.

Every class is a plain slotted dataclass.  :func:`_pickled_as_fields` makes each one pickle as
``cls(*fields)``: a forked parsing child (see ``monitlint.parallel``) sends its part of the model to
the parent that way, half the size and about twice as fast as a dict of slots.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")

_GETTERS: dict[type, tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]] = {}


def _fields_of(cls: type) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]:
    """The field names of a model class and a getter of their values, computed once per class."""
    found = _GETTERS.get(cls)
    if found is None:
        names = tuple(f.name for f in fields(cls))
        get = operator.attrgetter(*names)
        getter: Callable[[Any], tuple[Any, ...]] = get if len(names) > 1 else (lambda obj: (get(obj),))
        found = _GETTERS[cls] = (names, getter)
    return found


def _reduce(self: Any) -> tuple[type, tuple[Any, ...]]:
    # type(self), not the decorated class: a subclass pickles as itself with all of its fields.
    cls = type(self)
    return (cls, _fields_of(cls)[1](self))


def _eq(self: Any, other: Any) -> object:
    if other.__class__ is not self.__class__:
        return NotImplemented
    get = _fields_of(self.__class__)[1]
    return bool(get(self) == get(other))


def _repr(self: Any) -> str:
    names, get = _fields_of(self.__class__)
    shown = ", ".join(f"{name}={value!r}" for name, value in zip(names, get(self), strict=True))
    return f"{self.__class__.__qualname__}({shown})"


def _pickled_as_fields(cls: type[T]) -> type[T]:
    """Pickle instances as ``cls(*fields)`` rather than a dict of slots (subclasses included).

    Equality and ``repr`` are shared functions over the same fields too: generating them for each
    of the model's many classes, as ``dataclass`` does, made importing the model several times slower.
    """
    cls.__reduce__ = _reduce  # type: ignore[assignment,method-assign]
    cls.__eq__ = _eq  # type: ignore[assignment,method-assign]
    cls.__repr__ = _repr  # type: ignore[assignment,method-assign]
    cls.__hash__ = None  # type: ignore[assignment]  # mutable, compared by value: not hashable
    return cls


@dataclass_transform(field_specifiers=(field,))
def plain_data(cls: type[T]) -> type[T]:
    """A model class: a slotted dataclass whose ``__init__`` is generated, pickled as its fields."""
    return _pickled_as_fields(dataclass(slots=True, repr=False, eq=False)(cls))


@plain_data
class Span:
    """A source range: 1-based lines and columns; ``end_column`` is exclusive."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    def to_dict(self) -> dict[str, Any]:
        """Return the span as plain data."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
        }


@plain_data
class Program:
    """A start/stop/restart program, an ``exec`` action or a ``check program`` path."""

    argv: list[str]  # as Monit splits it: len(argv) is the argument count Monit limits
    span: Span
    uid: str | None = None
    gid: str | None = None
    timeout: int | None = None  # seconds, from "with timeout N seconds"


@plain_data
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


@plain_data
class Action:
    """What a test does when it fires: alert, restart, start, stop, unmonitor, exec, timeout."""

    kind: ActionKind
    span: Span
    program: Program | None = None  # exec only
    repeat_every: int | None = None  # exec only: "repeat every N cycles"


@plain_data
class Name:
    """A name as written (a dependency or group), with its position."""

    value: str
    span: Span


class HashType(StrEnum):
    """A checksum's algorithm."""

    MD5 = "md5"
    SHA1 = "sha1"


@plain_data
class Checksum:
    """A checksum value as written: a file's `expect`, a certificate's, an rsakey's or an http body's.

    ``hash`` is the type stated next to it (``md5``/``sha1``, or ``certmd5``), None when none is;
    Monit then infers it from the length.
    """

    value: str
    span: Span
    hash: HashType | None = None


@plain_data
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
    ciphers: str | None = None
    pemfile: str | None = None
    pemchain: str | None = None
    pemkey: str | None = None
    clientpemfile: str | None = None
    ca_certificate_file: str | None = None
    ca_certificate_path: str | None = None
    duplicates: list[str] = field(default_factory=list)  # "pemfile", "pemkey", ...


@plain_data
class MailFormat:
    """A ``mail-format { … }``: each part as written, None when not given."""

    sender: str | None = None  # from:
    reply_to: str | None = None
    subject: str | None = None
    message: str | None = None


@plain_data
class AlertRecipient:
    """``alert`` / ``set alert`` / ``noalert``: a mail address and its event filter."""

    address: str
    span: Span
    events: list[str] = field(default_factory=list)
    exclude_events: bool = False
    reminder: int | None = None  # cycles
    mail_format: MailFormat | None = None


@plain_data
class Include:
    """An ``include`` statement and the files it brought in, in Monit's reading order."""

    pattern: str
    span: Span
    resolved_pattern: str
    files: list[str] = field(default_factory=list)


@plain_data
class Comment:
    """A ``#`` comment with its position: what suppression directives are read from."""

    path: str  # the file it is written in (its text is among the sources by this path)
    line: int
    column: int
    text: str
    own_line: bool  # nothing but blanks before it on its line
