"""Findings reported to users: one type shared by the parser and the rules."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from monitlint.model import Span


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


@dataclass
class Diagnostic:
    """One finding: a rule code and name, a severity, a message and where it is."""

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
