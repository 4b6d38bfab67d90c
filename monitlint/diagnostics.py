"""Findings: what producers report (:class:`Problem`) and what users see (:class:`Diagnostic`).

The parser, the include expander and the suppression reader are not rules: they report a
:class:`Problem` of a :class:`ProblemKind`; the engine looks the kind up in the rule registry,
which stamps the rule's code, name and severity.  Rule checks build findings through their
:class:`~monitlint.linter.registry.Rule`, so no producer spells a rule code.
"""

from __future__ import annotations

from dataclasses import replace
from enum import Enum, IntEnum
from typing import Any

from monitlint.runtime.budgets import MESSAGE_WINDOW, NAME_WINDOW, clip
from monitlint.runtime.records import record
from monitlint.span import Span


class Severity(IntEnum):
    """How serious a finding is; higher is worse."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Read a severity name such as ``error`` (case-insensitive)."""
        return cls[text.strip().upper()]


@record(frozen=True)
class Diagnostic:
    """One finding: a rule code and name, a severity, a message and where it is (never changed once made)."""

    code: str
    rule: str
    severity: Severity
    message: str
    span: Span
    service: str | None = None
    hint: str | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        """Order findings by file, line, column, then code."""
        return (self.span.path, self.span.line, self.span.column, self.code)

    def relocated(self, path: str | None = None, line_shift: int = 0) -> Diagnostic:
        """This finding under another file name and/or moved ``line_shift`` lines (a copy; ``self`` is kept).

        The one way a finding's location changes: a file linted in its entrypoint's context is
        reported under the name it was given, a block fragment's lines are counted in the fragment.
        """
        span = self.span
        if (path is None or path == span.path) and not line_shift:
            return self
        moved = Span(
            span.path if path is None else path,
            span.line + line_shift,
            span.column,
            span.end_line + line_shift,
            span.end_column,
        )
        return replace(self, span=moved)

    def to_dict(self) -> dict[str, Any]:
        """Return the finding in the JSON output's shape."""
        return {
            "code": self.code,
            "rule": self.rule,
            "severity": str(self.severity),
            "message": self.message,
            "hint": self.hint,
            "path": self.span.path,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "service": self.service,
        }


class ProblemKind(Enum):
    """What a producer outside the rule checks found; each kind belongs to exactly one rule (``KINDS``)."""

    SYNTAX_ERROR = "syntax-error"  # Monit's parser rejects the text
    INCLUDE_NOT_FOUND = "include-not-found"  # nothing to include: Monit silently includes nothing
    # An include pointing outside the checked tree: not read by policy, though it may exist on the host.
    INCLUDE_OUTSIDE_TREE = "include-outside-tree"
    INCLUDE_UNREADABLE = "include-unreadable"  # a matched file Monit cannot read: it refuses to start
    INCLUDE_READS_NOTHING = "include-reads-nothing"  # a device or socket: accepted, no statements read
    INCLUDE_CYCLE = "include-cycle"  # an include that leads back to a file being read
    UNUSED_SUPPRESSION = "unused-suppression"
    BAD_SUPPRESSION = "bad-suppression"


@record
class Problem:
    """A finding before the engine names it: its kind, message and place."""

    kind: ProblemKind
    message: str
    span: Span
    hint: str | None = None
    service: str | None = None


def bounded(diag: Diagnostic) -> Diagnostic:
    """``diag`` with its message and hint clipped to ``MESSAGE_WINDOW`` and its service to ``NAME_WINDOW``.

    A 250 KB quoted service name echoed in 4,000 findings would otherwise write a gigabyte of JSON
    and of cache; every format and the cache see the clipped text.  ``diag`` itself when nothing is
    clipped, else a clipped copy.
    """
    message, hint, service = diag.message, diag.hint, diag.service
    if (
        len(message) <= MESSAGE_WINDOW
        and (hint is None or len(hint) <= MESSAGE_WINDOW)
        and (service is None or len(service) <= NAME_WINDOW)
    ):
        return diag
    return replace(
        diag,
        message=clip(message, MESSAGE_WINDOW),
        hint=None if hint is None else clip(hint, MESSAGE_WINDOW),
        service=None if service is None else clip(service, NAME_WINDOW),
    )
