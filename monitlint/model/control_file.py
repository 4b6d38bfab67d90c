"""A whole control file: its services (``check`` blocks), settings and includes, and its JSON form."""

from __future__ import annotations

from dataclasses import field, fields
from enum import Enum, StrEnum
from typing import Any

from monitlint.model.core import AlertRecipient, Include, Name, Program
from monitlint.model.service_tests import Test
from monitlint.model.settings import Setting
from monitlint.runtime.records import record
from monitlint.span import Span


class ServiceType(StrEnum):
    """What a ``check`` block watches: the word after ``check``."""

    PROCESS = "process"
    FILE = "file"
    FIFO = "fifo"
    FILESYSTEM = "filesystem"
    DIRECTORY = "directory"
    HOST = "host"
    SYSTEM = "system"
    PROGRAM = "program"
    NETWORK = "network"


class TargetKind(StrEnum):
    """How a ``check`` block names its target: ``pidfile``, ``matching``, ``path``, ``address``, ``interface``.

    A process's ``path FILE`` is its pidfile, as Monit reads it.
    """

    PIDFILE = "pidfile"
    PATH = "path"
    MATCHING = "matching"
    ADDRESS = "address"
    INTERFACE = "interface"


@record(slots=True)
class Service:
    """A ``check`` block: its type, name, target and everything inside it."""

    type: ServiceType
    name: str
    span: Span  # the ``check`` line through the name
    name_span: Span
    target_kind: TargetKind | None = None
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


@record(slots=True)
class ControlFile:
    """A parsed control file with everything it includes."""

    path: str
    files: list[str] = field(default_factory=list)
    settings: list[Setting] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    includes: list[Include] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the whole model as JSON-ready plain data (enums as their string values)."""
        data: dict[str, Any] = plain(self)
        return data


def plain(value: Any) -> Any:
    """A model object as plain data: dataclasses as dicts of their fields, enums as strings."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
