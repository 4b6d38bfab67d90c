"""Reading ``monit -B status NAME``: the only stable machine surface of the Monit CLI.

``summary`` truncates names and status words and changed layout across
versions, so it is never used.  The status block's header names the type and
the quoted service name; each line is a key padded to a column, then the value.
"""

from __future__ import annotations

import re

from monitlint.model import ServiceType
from monitlint.runtime.records import record

_HEADER = re.compile(r"^(Process|File|Fifo|Filesystem|Directory|Remote Host|System|Program|Network) '(.*)'$")
# The words of a status header, as the check types of the control file name them.
_TYPE_OF_HEADER = {"Remote Host": ServiceType.HOST} | {
    word: ServiceType(word.lower())
    for word in ("Process", "File", "Fifo", "Filesystem", "Directory", "System", "Program", "Network")
}
_PENDING = re.compile(r"^(?P<base>.*) - (?P<action>start|stop|restart|monitor|unmonitor) pending$")

# Status words Monit 5.33 prints in the `status` line (the base, before " - X pending").
# Anything else is treated as a failure and reported verbatim.
OK_WORDS = {"OK", "Not monitored", "Initializing"}
FAILURE_WORDS = {
    "Does not exist",
    "Execution failed",
    "Connection failed",
    "Resource limit matched",
    "Status failed",
    "Checksum failed",
    "Permission failed",
    "UID failed",
    "GID failed",
    "Timestamp failed",
    "Size failed",
    "Content failed",
    "Filesystem flags failed",
    "Data access error",
    "Invalid type",
    "PID changed",
    "PPID changed",
    "ICMP failed",
    "Uptime failed",
    "Link down",
    "Saturation exceeded",
    "Download bytes exceeded",
    "Upload bytes exceeded",
}


@record
class ServiceStatus:
    """One service as `monit status` shows it."""

    type: ServiceType  # the status header's word ("Remote Host" is a host check)
    name: str
    status: str  # the raw status value, e.g. "OK - stop pending"
    monitoring: str  # "Monitored", "Not monitored", "Initializing", "Waiting"
    mode: str | None = None
    on_reboot: str | None = None
    pid: int | None = None

    @property
    def pending(self) -> str | None:
        """The action Monit has queued for this service (start, stop, ...), if any."""
        match = _PENDING.match(self.status)
        return match.group("action") if match else None

    @property
    def base_status(self) -> str:
        """The status without a pending suffix."""
        match = _PENDING.match(self.status)
        return match.group("base") if match else self.status

    @property
    def settled(self) -> bool:
        """True once no action is pending and Monit is no longer initializing the service."""
        return (
            self.pending is None
            and self.monitoring not in ("Initializing", "Waiting")
            and not self.base_status.startswith("Initializing")
        )

    @property
    def busy(self) -> bool:
        """True while Monit has work queued or running for this service (it holds up Monit's loop)."""
        return not self.settled

    @property
    def monitored(self) -> bool:
        """True when Monit monitors the service."""
        return self.monitoring == "Monitored"

    @property
    def known_status(self) -> bool:
        """False for a status word this provider does not know (treated as a failure)."""
        words = {part.strip() for part in self.base_status.split("|")}
        return all(word in OK_WORDS or word in FAILURE_WORDS for word in words)

    @property
    def failed(self) -> bool:
        """True when a check failed (or the status word is unknown)."""
        words = {part.strip() for part in self.base_status.split("|")}
        return bool(words & FAILURE_WORDS) or not self.known_status


def parse_status(text: str, name: str) -> ServiceStatus | None:
    """Find the block of service ``name`` in `monit -B status` output; None if absent.

    Names compare as Monit compares them, without regard to case; the status
    keeps the spelling Monit prints.
    """
    wanted = name.lower()
    return next((s for s in parse_all(text) if s.name.lower() == wanted), None)


def parse_all(text: str) -> list[ServiceStatus]:
    """Every service block of `monit -B status` output, in Monit's order."""
    found: list[ServiceStatus] = []
    current: ServiceStatus | None = None
    for raw in text.splitlines():
        line = raw.rstrip()
        header = _HEADER.match(line)
        if header:
            current = ServiceStatus(
                type=_TYPE_OF_HEADER[header.group(1)], name=header.group(2), status="", monitoring=""
            )
            found.append(current)
            continue
        if current is None or not line.startswith("  "):
            continue
        key, _, value = line.strip().partition("  ")
        key, value = key.strip(), value.strip()
        if key == "status":
            current.status = value
        elif key == "monitoring status":
            current.monitoring = value
        elif key == "monitoring mode":
            current.mode = value
        elif key == "on reboot":
            current.on_reboot = value
        elif key == "pid" and value.isascii() and value.isdigit() and len(value) <= 10:
            current.pid = int(value)
    return found
