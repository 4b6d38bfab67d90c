"""The typed model of a Monit control file: plain dataclasses, no Lark types.

Every node carries a :class:`Span` pointing into the file it came from, so a
statement spliced in by ``include`` points into the included file.
"""

from __future__ import annotations

import operator
from dataclasses import asdict, dataclass, field, fields
from typing import Any, TypeVar

T = TypeVar("T")


def _pickled_as_fields(cls: type[T]) -> type[T]:
    """Pickle instances as ``cls(*fields)`` rather than a dict of slots.

    A parsing child process sends its part of the model to the parent: this makes
    that half the size and about twice as fast to write and to read.
    """
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    get = operator.attrgetter(*names)
    values_of = get if len(names) > 1 else (lambda obj: (get(obj),))  # one name: attrgetter gives no tuple

    def __reduce__(self: T) -> tuple[type[T], tuple[Any, ...]]:
        return (cls, values_of(self))

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls


@_pickled_as_fields
@dataclass(slots=True)
class Span:
    """A source range: 1-based lines and columns; ``end_column`` is exclusive."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    def to_dict(self) -> dict[str, Any]:
        """Return the span as plain data."""
        return asdict(self)


@_pickled_as_fields
@dataclass(slots=True)
class Program:
    """A start/stop/restart program, an ``exec`` action or a ``check program`` path."""

    argv: list[str]
    span: Span
    uid: str | None = None
    gid: str | None = None
    timeout: int | None = None  # seconds, from "with timeout N seconds"


@_pickled_as_fields
@dataclass(slots=True)
class Rate:
    """``for N cycles`` or ``N times within M cycles``."""

    cycles: int
    times: int | None = None


@_pickled_as_fields
@dataclass(slots=True)
class Action:
    """What a test does when it fires: alert, restart, start, stop, unmonitor, exec, timeout."""

    kind: str
    span: Span
    program: Program | None = None
    repeat_every: int | None = None


@_pickled_as_fields
@dataclass(slots=True)
class Test:
    """One ``if … then …`` statement (or ``ignore …``) of a service.

    ``kind`` is the grammar rule (``resource``, ``port``, ``exist``, ``checksum`` …);
    ``condition`` holds the condition's words as written, for messages.
    """

    kind: str
    span: Span
    condition: str
    action: Action | None = None
    rate: Rate | None = None
    else_action: Action | None = None
    else_rate: Rate | None = None
    conditions: list[Condition] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    tokens: list[tuple[str, str]] = field(default_factory=list)  # the condition's tokens: (kind, text)


@_pickled_as_fields
@dataclass(slots=True)
class Condition:
    """A single comparison inside a test: ``memory > 200 MB``."""

    subject: str
    span: Span
    operator: str | None = None
    value: str | None = None
    unit: str | None = None


@_pickled_as_fields
@dataclass(slots=True)
class Name:
    """A name as written (a dependency or group), with its position."""

    value: str
    span: Span


@_pickled_as_fields
@dataclass(slots=True)
class AlertRecipient:
    """``alert`` / ``set alert`` / ``noalert``: a mail address and its event filter."""

    address: str
    span: Span
    events: list[str] = field(default_factory=list)
    exclude_events: bool = False
    reminder: int | None = None
    mail_format: dict[str, str] = field(default_factory=dict)


@_pickled_as_fields
@dataclass(slots=True)
class Service:
    """A ``check`` block: its type, name, target and everything inside it."""

    type: str  # process, file, fifo, filesystem, directory, host, system, program, network
    name: str
    span: Span  # the ``check`` line through the name
    name_span: Span
    target_kind: str | None = None  # pidfile, path, matching, address, interface
    target: str | None = None
    start: Program | None = None
    stop: Program | None = None
    restart: Program | None = None
    program: Program | None = None  # the program a ``check program`` runs
    tests: list[Test] = field(default_factory=list)
    depends: list[Name] = field(default_factory=list)
    groups: list[Name] = field(default_factory=list)
    alerts: list[AlertRecipient] = field(default_factory=list)
    noalerts: list[AlertRecipient] = field(default_factory=list)
    every: str | None = None
    mode: str | None = None
    onreboot: str | None = None
    end: Span | None = None  # the last token of the block
    syntax_errors: int = 0  # statements of this block dropped for syntax errors


@_pickled_as_fields
@dataclass(slots=True)
class Setting:
    """A ``set`` statement.  ``values`` holds its options as plain data."""

    kind: str  # daemon, log, httpd, mailserver, alert, mail-format, limits, ...
    span: Span
    values: dict[str, Any] = field(default_factory=dict)


@_pickled_as_fields
@dataclass(slots=True)
class Include:
    """An ``include`` statement and the files it brought in, in Monit's reading order."""

    pattern: str
    span: Span
    resolved_pattern: str
    files: list[str] = field(default_factory=list)


@_pickled_as_fields
@dataclass(slots=True)
class Comment:
    """A ``#`` comment with its position: what suppression directives are read from."""

    path: str  # the file it is written in (its text is among the sources by this path)
    line: int
    column: int
    text: str
    own_line: bool  # nothing but blanks before it on its line


@_pickled_as_fields
@dataclass(slots=True)
class ControlFile:
    """A parsed control file with everything it includes."""

    path: str
    files: list[str] = field(default_factory=list)
    settings: list[Setting] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    includes: list[Include] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the whole model as JSON-ready plain data."""
        return asdict(self)
